// What the worker itself says to a person (device faults, hub downloads, saved runs, warnings), in English and
// Spanish; src/core/messages.ts says how a sentence travels to the page.
import { catalog } from '../core/messages';

const en = {
};

const es: typeof en = {
};

export const { catalog: workerCatalog, say: sayWorker } = catalog('worker', { en, es });
