// What the core and the worker say to a person (a user's mistake, a fault, a warning) as data, so that the page can
// put it into its own language while the CLI prints the English. Each module that has something to say keeps its
// words in a small catalog of its own (`data/messages.ts`, `worker/messages.ts`, …), English and Spanish side by side:
// a sentence is a function of typed values, and TypeScript refuses a Spanish catalog that lacks a sentence or takes
// other values. `say` turns a sentence and its values into a `Said`: the key and values the page words again, and the
// English text, which is what an error's `message` holds (so the CLI, the tests and the logs read as before).
//
// A small typed catalog rather than an i18n library, for the page's reasons (src/ui/i18n/en.ts): two languages,
// every message a function of typed values, checked by the compiler.

/** A value a sentence is made of. A nested `Said` (an inner error's reason) is worded in the same language first. */
export type SaidValue = string | number | boolean | null | Said;

/** A sentence as data: which catalog, which sentence, its values, and its English text. Structured-cloneable. */
export interface Said {
  domain: string;
  key: string;
  values: SaidValue[];
  /** The English, as the CLI prints it. */
  text: string;
}

/** A catalog's sentences: functions of typed values (strings, numbers, flags). */
export type Sentences = Record<string, (...values: never[]) => string>;

export type Language = 'en' | 'es';

/** A catalog in every language the page speaks, under the domain its `Said`s name. */
export interface Catalog<S extends Sentences> {
  domain: string;
  words: Record<Language, S>;
}

/** The values a sentence takes, where any string may also be a `Said` worded first. */
type Values<F> = F extends (...values: infer P) => string ? { [I in keyof P]: P[I] extends string ? string | Said : P[I] } : never;

/** A catalog's `say`: `say('noDocuments', file)` is the `Said` of that sentence, its English text already written. */
export function catalog<S extends Sentences>(domain: string, words: Record<Language, S>) {
  const said: Catalog<S> = { domain, words };
  const say = <K extends keyof S & string>(key: K, ...values: Values<S[K]>): Said =>
    ({ domain, key, values: values as SaidValue[], text: word(words.en, key, values as SaidValue[], 'en', null) });
  return { catalog: said, say };
}

/**
 * `said` in `lang`, from the catalogs the page knows; a domain or key it does not know (it cannot happen while the
 * page and worker are built together, but a message must never be lost) gives the English text.
 */
export function wordIn(said: Said, lang: Language, catalogs: ReadonlyMap<string, Catalog<Sentences>>): string {
  const words = catalogs.get(said.domain)?.words[lang];
  if (!words || !(said.key in words)) return said.text;
  return word(words, said.key, said.values, lang, catalogs);
}

function word(words: Sentences, key: string, values: SaidValue[], lang: Language, catalogs: ReadonlyMap<string, Catalog<Sentences>> | null): string {
  const plain = values.map((v) => (isSaid(v) ? (catalogs ? wordIn(v, lang, catalogs) : v.text) : v));
  return (words[key] as (...values: unknown[]) => string)(...plain);
}

export const isSaid = (x: unknown): x is Said =>
  typeof x === 'object' && x !== null && typeof (x as Said).domain === 'string' && typeof (x as Said).key === 'string' &&
  Array.isArray((x as Said).values) && typeof (x as Said).text === 'string';
