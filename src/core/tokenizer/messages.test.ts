// A broken tokenizer file's error carries its sentence as data: its English (what the CLI prints) and its Spanish (what
// a Spanish page shows), a nested sentence (a line of merges.txt, the first difference of two files) worded too.
import { describe, expect, it } from 'vitest';
import { ModelFileError } from '../errors';
import { wordIn } from '../messages';
import { CATALOGS } from '../../worker/catalogs';
import { GPT2Tokenizer, type TokenizerFiles } from './index';

/** The error reading `files` throws, in English and Spanish. */
function said(files: TokenizerFiles): { en: string; es: string } {
  let e: unknown = null;
  try {
    GPT2Tokenizer.fromFiles(files);
  } catch (thrown) {
    e = thrown;
  }
  expect(e).toBeInstanceOf(ModelFileError);
  const { message, said } = e as ModelFileError;
  expect(said?.domain).toBe('tokenizer');
  return { en: message, es: wordIn(said!, 'es', CATALOGS) };
}

const vocab = JSON.stringify({ a: 0, b: 1, ab: 2 });
const merges = '#version: 0.2\na b\n';
/** A small valid tokenizer.json, with `top` and `model` settings replaced. */
const tokenizerJson = (top: object = {}, model: object = {}) => JSON.stringify({
  normalizer: null,
  pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, use_regex: true },
  model: { type: 'BPE', vocab: { a: 0, b: 1, ab: 2 }, merges: ['a b'], ...model },
  added_tokens: [],
  ...top,
});

describe('tokenizer messages', () => {
  it('reads the small tokenizer these tests break', () => {
    expect(GPT2Tokenizer.fromFiles({ 'tokenizer.json': tokenizerJson(), 'vocab.json': vocab, 'merges.txt': merges }).encode('ab')).toEqual([2]);
  });

  it('words a missing file and a malformed line of merges.txt', () => {
    expect(said({ 'vocab.json': vocab })).toEqual({
      en: 'no tokenizer: need tokenizer.json, or vocab.json + merges.txt (merges.txt is missing)',
      es: 'no hay tokenizador: hace falta tokenizer.json, o vocab.json y merges.txt (falta merges.txt)',
    });
    expect(said({ 'vocab.json': vocab, 'merges.txt': `${merges}abc\n` })).toEqual({
      en: 'merges.txt line 3: expected two tokens separated by one space, got "abc"',
      es: 'merges.txt, línea 3: se esperaban dos tokens separados por un espacio, pero hay "abc"',
    });
    expect(said({ 'vocab.json': vocab, 'merges.txt': '#version: 0.2\na c\n' }).es).toBe(
      'merges.txt: la fusión 1 ("a c") usa el token "c", que no está en el vocabulario',
    );
  });

  it('words the settings it refuses', () => {
    expect(said({ 'tokenizer.json': tokenizerJson({ pre_tokenizer: { type: 'ByteLevel', use_regex: false } }) })).toEqual({
      en: 'tokenizer.json: pre_tokenizer.use_regex=false is not supported',
      es: 'tokenizer.json: no se admite pre_tokenizer.use_regex=false',
    });
    expect(said({ 'tokenizer.json': tokenizerJson({}, { type: 'WordPiece' }) }).es).toBe('tokenizer.json: model.type debe ser BPE, pero es "WordPiece"');
    const config = '{"added_tokens_decoder":{"5":{"content":"<x>","lstrip":true}}}';
    expect(said({ 'vocab.json': vocab, 'merges.txt': merges, 'tokenizer_config.json': config })).toEqual({
      en: 'tokenizer_config.json: added_tokens_decoder["5"]: added token "<x>" sets lstrip, which is not supported',
      es: 'tokenizer_config.json: added_tokens_decoder["5"]: el token añadido "<x>" activa lstrip, y eso no se admite',
    });
  });

  it('words the first difference between tokenizer.json and vocab.json or merges.txt', () => {
    expect(said({ 'tokenizer.json': tokenizerJson(), 'vocab.json': JSON.stringify({ a: 0, ab: 2 }) })).toEqual({
      en: 'tokenizer.json and vocab.json are not the same tokenizer: token "b" is id 1 in tokenizer.json and missing in vocab.json; ' +
        'remove the one that does not belong to the model',
      es: 'tokenizer.json y vocab.json no son el mismo tokenizador: el token "b" tiene el id 1 en tokenizer.json y no está en vocab.json; ' +
        'quita el que no corresponde al modelo',
    });
    const twoMerges = tokenizerJson({}, { vocab: { a: 0, b: 1, ab: 2, ba: 3 }, merges: ['a b', 'b a'] });
    expect(said({ 'tokenizer.json': twoMerges, 'merges.txt': '#version: 0.2\nb a\na b\n' }).es).toBe(
      'tokenizer.json y merges.txt no son el mismo tokenizador: la fusión 1 es "a b" en tokenizer.json y "b a" en merges.txt; quita el que no corresponde al modelo',
    );
  });
});
