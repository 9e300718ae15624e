// What checking training settings and checkpoints says to a person, in English and Spanish (src/core/messages.ts says how a sentence travels to the page).
import { catalog } from '../messages';

const en = {
};

const es: typeof en = {
};

export const { catalog: trainCatalog, say: sayTrain } = catalog('train', { en, es });
