// What reading a dataset says to a person, in English and Spanish (src/core/messages.ts says how a sentence travels
// to the page). Each sentence names the file, the place in it, and what was expected.
import { catalog } from '../messages';

const en = {
  noDocuments: (file: string) => `${file}: no documents found`,
};

const es: typeof en = {
  noDocuments: (file) => `${file}: no se encontró ningún documento`,
};

export const { catalog: dataCatalog, say: sayData } = catalog('data', { en, es });
