import { describe, expect, it } from 'vitest';
import { catalog, wordIn, type Catalog, type Sentences } from './messages';
import { DataError } from './data/types';
import { CATALOGS } from '../worker/catalogs';

const { catalog: outer, say: sayOuter } = catalog('outer', {
  en: { cannotRead: (file: string, why: string, bytes: number) => `${file}: cannot be read after ${bytes} bytes (${why})` },
  es: { cannotRead: (file, why, bytes) => `${file}: no se puede leer tras ${bytes} bytes (${why})` },
});
const { catalog: inner, say: sayInner } = catalog('inner', { en: { cut: () => 'the file is cut short' }, es: { cut: () => 'el archivo está cortado' } });
const catalogs = new Map([outer, inner].map((c) => [c.domain, c as Catalog<Sentences>]));

describe('messages', () => {
  it('writes the English text when said, and words the values (a nested sentence too) in another language', () => {
    const said = sayOuter('cannotRead', 'a.csv', sayInner('cut'), 12);
    expect(said.text).toBe('a.csv: cannot be read after 12 bytes (the file is cut short)');
    expect(wordIn(said, 'es', catalogs)).toBe('a.csv: no se puede leer tras 12 bytes (el archivo está cortado)');
    expect(wordIn(said, 'en', catalogs)).toBe(said.text);
    // Through structured cloning (postMessage), as the worker sends it.
    expect(wordIn(structuredClone(said), 'es', catalogs)).toBe('a.csv: no se puede leer tras 12 bytes (el archivo está cortado)');
  });

  it('falls back to the English of a sentence the page does not know', () => {
    const said = sayOuter('cannotRead', 'a.csv', 'x', 1);
    expect(wordIn({ ...said, key: 'gone' }, 'es', catalogs)).toBe(said.text);
    expect(wordIn({ ...said, domain: 'elsewhere' }, 'es', catalogs)).toBe(said.text);
  });

  it("is an error's message, and its data", () => {
    const e = new DataError(sayOuter('cannotRead', 'b.txt', 'why', 3));
    expect(e.message).toBe('b.txt: cannot be read after 3 bytes (why)');
    expect(e.said?.key).toBe('cannotRead');
    expect(new DataError('plain').said).toBeUndefined();
  });

  it('has one catalog per domain, each with a Spanish sentence for every English one', () => {
    expect(CATALOGS.size).toBeGreaterThan(1);
    for (const [domain, c] of CATALOGS) {
      expect(c.domain).toBe(domain);
      expect(Object.keys(c.words.es).sort()).toEqual(Object.keys(c.words.en).sort());
    }
  });
});
