// What building a GPT-2 from its config and weights says to a person, in English and Spanish (src/core/messages.ts says how a sentence travels to the page).
import { catalog } from '../messages';

const en = {
};

const es: typeof en = {
};

export const { catalog: gpt2Catalog, say: sayGPT2 } = catalog('gpt2', { en, es });
