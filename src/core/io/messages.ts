// What reading and writing model folder files (config, safetensors, PEFT adapters, JSON) says to a person, in English and Spanish (src/core/messages.ts says how a sentence travels to the page).
import { catalog } from '../messages';

const en = {
};

const es: typeof en = {
};

export const { catalog: ioCatalog, say: sayIo } = catalog('io', { en, es });
