import { readFileSync } from 'node:fs';
import { describe, it, expect, beforeAll } from 'vitest';
import { encode as r50kEncode } from 'gpt-tokenizer/encoding/r50k_base';
import { fixture } from '../../../test/fixtures';
import { randomText } from '../../../test/random_text';
import { GPT2Tokenizer, type TokenizerFiles } from './index';
import { GPT2_SPLIT_PATTERN } from './bpe';

const read = (...parts: string[]) => readFileSync(fixture(...parts), 'utf8');
const jsonForm = (name: string): TokenizerFiles => ({
  'tokenizer.json': read('tokenizers', name, 'tokenizer.json'),
  'tokenizer_config.json': read('tokenizers', name, 'tokenizer_config.json'),
});
const pairForm = (name: string): TokenizerFiles => ({
  'vocab.json': read('tokenizers', name, 'vocab.json'),
  'merges.txt': read('tokenizers', name, 'merges.txt'),
  'tokenizer_config.json': read('tokenizers', name, 'tokenizer_config.json'),
});
const bodies: string[] = read('emails', 'dev', 'bodies.jsonl')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line).text);
const u16 = (name: string) => {
  const buf = readFileSync(fixture('emails', 'dev', `${name}.u16`));
  return Array.from(new Uint16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length)));
};
/** gpt-tokenizer's r50k_base is the GPT-2 encoding: an independent oracle for the 50,257-token vocab. */
const oracle = (text: string) => r50kEncode(text, { allowedSpecial: new Set(['<|endoftext|>']) });

const tokenizers: Record<string, GPT2Tokenizer> = {};
beforeAll(() => {
  for (const name of ['gpt2', 'gpt2-v512']) {
    tokenizers[name] = GPT2Tokenizer.fromFiles(jsonForm(name));
    tokenizers[`${name} (vocab.json + merges.txt)`] = GPT2Tokenizer.fromFiles(pairForm(name));
  }
});

describe.each(['gpt2', 'gpt2-v512'])('%s', (name) => {
  const eos = name === 'gpt2' ? 50256 : 511;

  it('has the vocab size and eos id of its files', () => {
    for (const tok of [tokenizers[name], tokenizers[`${name} (vocab.json + merges.txt)`]]) {
      expect(tok.vocabSize).toBe(eos + 1);
      expect(tok.eosTokenId).toBe(eos);
    }
  });

  it(`reproduces emails/dev/${name}.u16 exactly (each body, then <|endoftext|>)`, () => {
    const expected = u16(name);
    for (const tok of [tokenizers[name], tokenizers[`${name} (vocab.json + merges.txt)`]]) {
      const ids = bodies.flatMap((body) => [...tok.encode(body), tok.eosTokenId]);
      expect(ids.length).toBe(expected.length);
      expect(ids).toEqual(expected);
    }
  });

  it('gives identical ids from tokenizer.json and from vocab.json + merges.txt', () => {
    const texts = [...bodies, ...Array.from({ length: 50 }, (_, i) => randomText(i, 300))];
    for (const text of texts) {
      expect(tokenizers[`${name} (vocab.json + merges.txt)`].encode(text)).toEqual(tokenizers[name].encode(text));
    }
  });

  it('round-trips every body and random text exactly', () => {
    const tok = tokenizers[name];
    for (const text of [...bodies, ...Array.from({ length: 200 }, (_, i) => randomText(1000 + i, 200))]) {
      expect(tok.decode(tok.encode(text))).toBe(text);
    }
  });

  it('handles the unit cases', () => {
    const tok = tokenizers[name];
    expect(tok.encode('')).toEqual([]);
    expect(tok.decode([])).toBe('');
    expect(tok.encode('<|endoftext|>')).toEqual([eos]);
    expect(tok.encode('a<|endoftext|><|endoftext|> b')).toEqual([...tok.encode('a'), eos, eos, ...tok.encode(' b')]);
    expect(tok.encode('<|endoftext|')).not.toContain(eos); // only the exact text is the special token
    expect(tok.decode(tok.encode('x<|endoftext|>y'))).toBe('x<|endoftext|>y');
    expect(tok.decode(new Uint16Array([eos]))).toBe('<|endoftext|>'); // any ArrayLike
    const cases = ['   ', ' \n\n  x  ', '\t\t\n', "I'm you're we've they'll he'd it's can't IT'S", '\uFEFFBOM first', '👍🏽 日本語 héllo 𝔘𝔫𝔦', 'a'.repeat(5000)];
    for (const text of cases) expect(tok.decode(tok.encode(text))).toBe(text);
    expect(() => tok.decode([eos + 1])).toThrow(/token id 5\d+ is not in the vocabulary/);
    expect(() => tok.decodeToken(-1)).toThrow(RangeError);
  });

  it('writes Hugging Face files that load back to the same tokenizer', () => {
    const files = tokenizers[name].files();
    expect(Object.keys(files).sort()).toEqual(['merges.txt', 'tokenizer.json', 'tokenizer_config.json', 'vocab.json']);
    // The same tokenizer.json as Hugging Face wrote, and the same vocab and merges.
    expect(JSON.parse(files['tokenizer.json']!)).toEqual(JSON.parse(read('tokenizers', name, 'tokenizer.json')));
    expect(JSON.parse(files['vocab.json']!)).toEqual(JSON.parse(read('tokenizers', name, 'vocab.json')));
    expect(files['merges.txt']).toBe(read('tokenizers', name, 'merges.txt'));
    const config = JSON.parse(files['tokenizer_config.json']!);
    expect(config).toMatchObject({ tokenizer_class: 'GPT2Tokenizer', eos_token: '<|endoftext|>', add_prefix_space: false, model_max_length: 1024 });
    expect(config.added_tokens_decoder[String(eos)]).toMatchObject({ content: '<|endoftext|>', special: true });
    for (const reloaded of [
      GPT2Tokenizer.fromFiles(files),
      GPT2Tokenizer.fromFiles({ 'vocab.json': files['vocab.json'], 'merges.txt': files['merges.txt'] }),
    ]) {
      expect(reloaded.vocabSize).toBe(tokenizers[name].vocabSize);
      expect(reloaded.eosTokenId).toBe(eos);
      expect(reloaded.encode(bodies[0] + '<|endoftext|>')).toEqual(tokenizers[name].encode(bodies[0] + '<|endoftext|>'));
    }
  });
});

describe('gpt2 against gpt-tokenizer (r50k_base)', () => {
  it('matches known GPT-2 ids', () => {
    const tok = tokenizers.gpt2;
    expect(tok.encode('Hello world')).toEqual([15496, 995]);
    expect(tok.encode('Hello world<|endoftext|>')).toEqual([15496, 995, 50256]);
    expect(tok.decodeToken(995)).toBe(' world');
    expect(tok.decodeToken(50256)).toBe('<|endoftext|>');
    // A single byte of a multi-byte character shows the replacement character.
    expect(tok.decodeToken(tok.encode('😀')[0])).toContain('\uFFFD');
  });

  it('agrees on contractions, whitespace runs, unicode and emoji', () => {
    const tok = tokenizers.gpt2;
    const cases = [
      "I'm", "you're", "we've", "they'll", "he'd", "it's", "can't", "IT'S", "'s'''t", "rock 'n' roll",
      'a  b', 'a   b', '  leading', 'trailing  ', 'line\n\nbreaks\r\n', '\t\ttabs', ' \u00a0nbsp\u3000ideographic',
      'héllo wörld', '日本語のテキスト', 'Привет мир', '👍🏽👨‍👩‍👧 emoji', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', '12345 3.14159 ١٢٣',
      '=====\n-----', 'user@example.com http://x.y/z?q=1', '<|endoftext|> after',
      // (not 'x<|endoftext|>': gpt-tokenizer 3.4 only finds special tokens at the start of the text or right after
      // another one; HF, and we, find them anywhere, see the unit cases above)
    ];
    for (const text of cases) expect(tok.encode(text), JSON.stringify(text)).toEqual(oracle(text));
  });

  it('agrees on random text and on long words (merge order)', () => {
    const tok = tokenizers.gpt2;
    for (let i = 0; i < 100; i++) {
      const text = randomText(5000 + i, 400);
      expect(tok.encode(text), JSON.stringify(text)).toEqual(oracle(text));
    }
    // Long single words exercise the heap merge: base64-ish letters, and a run of one letter.
    const base64 = Array.from({ length: 3000 }, (_, i) => 'AbQzx9+/Yk'[(i * 7919) % 10]).join('');
    for (const text of [base64, 'z'.repeat(2000), 'ab'.repeat(1500)]) expect(tok.encode(text)).toEqual(oracle(text));
  });

  it('treats Unicode White_Space as \\s, like Hugging Face (not JS \\s)', () => {
    const split = (text: string) => [...text.matchAll(GPT2_SPLIT_PATTERN)].map((m) => m[0]);
    expect(split('a\u0085\u0085b')).toEqual(['a', '\u0085', '\u0085', 'b']); // NEL is whitespace
    expect(split('a\uFEFFb')).toEqual(['a', '\uFEFF', 'b']); // BOM is not
    expect(split("you're  here\n\n")).toEqual(['you', "'re", ' ', ' here', '\n\n']);
  });
});

describe('bad files', () => {
  const gpt2 = () => pairForm('gpt2-v512');
  const tokenizerJson = () => JSON.parse(read('tokenizers', 'gpt2-v512', 'tokenizer.json'));
  const error = (files: TokenizerFiles) => {
    try {
      GPT2Tokenizer.fromFiles(files);
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
      return (e as Error).message;
    }
    throw new Error('expected fromFiles to throw');
  };

  it('names the missing file', () => {
    expect(error({})).toMatch(/need tokenizer\.json, or vocab\.json \+ merges\.txt \(vocab\.json is missing\)/);
    expect(error({ 'vocab.json': gpt2()['vocab.json'] })).toMatch(/merges\.txt is missing/);
  });

  it('names the broken file and what was expected', () => {
    expect(error({ 'tokenizer.json': '{"model": ' })).toMatch(/^tokenizer\.json: not valid JSON \(/);
    expect(error({ 'tokenizer.json': '[1, 2]' })).toBe('tokenizer.json: expected a JSON object at the top level');
    expect(error({ ...gpt2(), 'vocab.json': '{"a": 0,' })).toMatch(/^vocab\.json: not valid JSON/);
    expect(error({ ...gpt2(), 'tokenizer_config.json': 'nope' })).toMatch(/^tokenizer_config\.json: not valid JSON/);
    expect(error({ ...gpt2(), 'vocab.json': '{"a": 0, "b": "1"}' })).toMatch(/^vocab\.json: the id of token "b" must be a non-negative integer/);
    expect(error({ ...gpt2(), 'vocab.json': '{"a": 0, "b": 0}' })).toMatch(/^vocab\.json: id 0 is used by both "a" and "b"/);
    expect(error({ ...gpt2(), 'merges.txt': '#version: 0.2\nĠ t\nbad-line\n' })).toMatch(/^merges\.txt line 3: expected two tokens/);
    expect(error({ ...gpt2(), 'merges.txt': '#version: 0.2\nĠ t\nq zz\n' })).toMatch(/^merges\.txt: merge 2 \("q zz"\) uses token "zz", which is not in the vocab/);
    expect(error({ ...gpt2(), 'tokenizer_config.json': '{"eos_token": 5}' })).toMatch(/^tokenizer_config\.json: eos_token must be a string/);

    const wordPiece = tokenizerJson();
    wordPiece.model.type = 'WordPiece';
    expect(error({ 'tokenizer.json': JSON.stringify(wordPiece) })).toBe('tokenizer.json: model.type must be BPE, got "WordPiece"');
    const metaspace = tokenizerJson();
    metaspace.pre_tokenizer = { type: 'Metaspace' };
    expect(error({ 'tokenizer.json': JSON.stringify(metaspace) })).toMatch(/^tokenizer\.json: pre_tokenizer\.type must be ByteLevel/);
    const noMerges = tokenizerJson();
    delete noMerges.model.merges;
    expect(error({ 'tokenizer.json': JSON.stringify(noMerges) })).toBe('tokenizer.json: model.merges must be an array');
    const lstrip = tokenizerJson();
    lstrip.added_tokens[0].lstrip = true;
    expect(error({ 'tokenizer.json': JSON.stringify(lstrip) })).toMatch(/^tokenizer\.json: added_tokens\[0\]: .* sets lstrip, which is not supported/);
  });

  it('gives a special token missing from the vocab the next id, as transformers does', () => {
    const files = gpt2();
    const vocab = JSON.parse(files['vocab.json']!);
    delete vocab['<|endoftext|>'];
    const tok = GPT2Tokenizer.fromFiles({ ...files, 'vocab.json': JSON.stringify(vocab) });
    expect(tok.eosTokenId).toBe(511);
    expect(tok.vocabSize).toBe(512);
  });
});
