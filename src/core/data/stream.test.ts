// Files read as streams: whatever the chunk sizes, the documents, token ids and error messages are the ones of the
// whole file; long documents are tokenized as they arrive with the ids of tokenizing them whole.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures';
import { randomText as randomWords } from '../../../test/random_text';
import { GPT2Tokenizer } from '../tokenizer';
import { DataError, prepareDataset, readDocuments, tokenizeFiles, type DataFile, type DatasetFile, type StreamedFile } from './index';

const utf8 = (s: string) => new TextEncoder().encode(s);
const whole = (name: string, content: string | Uint8Array): DataFile => ({ name, bytes: typeof content === 'string' ? utf8(content) : content });

/** A file whose stream hands out chunks of the given sizes in turn (a browser's File does the same, in 64 KiB). */
function streamed(name: string, content: string | Uint8Array, sizes: number[]): StreamedFile {
  const bytes = typeof content === 'string' ? utf8(content) : content;
  return {
    name, size: bytes.length,
    stream: () => {
      let at = 0, i = 0;
      return new ReadableStream<Uint8Array>({
        pull(c) {
          if (at >= bytes.length) { c.close(); return; }
          const n = sizes[i++ % sizes.length];
          c.enqueue(bytes.slice(at, at + n));
          at += n;
        },
      });
    },
  };
}

async function errorOf(f: DatasetFile, opts = {}): Promise<string> {
  const err = await readDocuments(f, opts).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(DataError);
  return (err as DataError).message;
}

const CHUNKINGS = [[1], [2, 3], [7, 1, 64], [4096]];
const gpt2 = GPT2Tokenizer.fromFiles({
  'tokenizer.json': readFileSync(fixture('tokenizers', 'gpt2', 'tokenizer.json'), 'utf8'),
  'tokenizer_config.json': readFileSync(fixture('tokenizers', 'gpt2', 'tokenizer_config.json'), 'utf8'),
});

/** Random text with paragraphs, the literal <|endoftext|> and words, to tokenize in pieces. */
const randomText = (seed: number, length: number) => randomWords(seed, length, ['\n\n', '<|endoftext|>', ' word', 'ing']);

describe('every format reads the same documents whatever the chunks', () => {
  const cases: Array<[string, string | Uint8Array, object?]> = [
    ['a.txt', '\ufeffcafé ☕ 日本\n😀 end'],
    ['b.txt', 'one\n\ntwo\nlines\n\n\n\nthree\n\n', { textSeparator: '\n\n' }],
    ['c.txt', 'xx--SEP--yy--SEP----SEP--zz-', { textSeparator: '--SEP--' }],
    ['d.jsonl', '{"text":"a\\nb","x":1}\r\n\r\n   \n{"body":"no","text":"  c ☕ "}\n{"text":"last, no newline"}'],
    ['e.json', '{"version":"1","data":[{"text":"a"},{"text":"é"}]}'],
    ['f.csv', 'id,text\r\n1,"Hello, ""world""\nsecond line"\r\n2,plain ☕\r\n\r\n3,\r\n4,"tail"'],
    ['g.tsv', 'body\tid\nx, y\t1\n"q\tuoted"\t2\n', { textColumn: 'body' }],
    ['h.eml', 'From: a@b\nSubject: =?UTF-8?Q?caf=C3=A9?=\n\nbody\n'],
    ['messages.mbox', readFileSync(fixture('emails', 'dev', 'messages.mbox'))],
  ];
  it.each(cases)('%s', async (name, content, opts = {}) => {
    const expected = await readDocuments(whole(name, content), opts);
    expect(expected.length).toBeGreaterThan(0);
    const chunkings = name === 'messages.mbox' ? [[997], [65536]] : CHUNKINGS;
    for (const sizes of chunkings) expect(await readDocuments(streamed(name, content, sizes), opts)).toEqual(expected);
  });

  it('a browser-style File streams too', async () => {
    expect(await readDocuments(new File([utf8('{"text":"a"}\n{"text":"b"}\n')], 'x.jsonl'))).toEqual(['a', 'b']);
  });
});

describe('errors are the whole file\'s', () => {
  it('invalid UTF-8 gives the byte offset and line, wherever the chunks end', async () => {
    const latin1 = new Uint8Array([...utf8('ok\ncafé ☕\nthen caf'), 0xe9, ...utf8(' au lait\n')]);
    const truncated = new Uint8Array([...utf8('{"text":"a"}\nab'), 0xe2, 0x82]);
    const badContinuation = new Uint8Array([...utf8('ab\n\n'), 0xe2, 0x82, 0x41, ...utf8('zz')]);
    for (const sizes of CHUNKINGS) {
      expect(await errorOf(streamed('latin1.txt', latin1, sizes))).toBe(
        'latin1.txt: invalid UTF-8 at byte 21 (line 3); expected UTF-8 text, save the file as UTF-8',
      );
      expect(await errorOf(streamed('cut.jsonl', truncated, sizes))).toMatch(/^cut\.jsonl: invalid UTF-8 at byte 15 \(line 2\)/);
      expect(await errorOf(streamed('bad.csv', badContinuation, sizes))).toMatch(/^bad\.csv: invalid UTF-8 at byte 4 \(line 3\)/);
    }
  });

  it('a NUL byte late in the file is binary, so are control characters however the first 64 KiB arrive; an empty stream is an empty file', async () => {
    const text = utf8('x'.repeat(100_000) + '\0' + 'y');
    expect(await errorOf(streamed('late.txt', text, [65536]))).toBe('late.txt: looks like a binary file, expected text');
    expect(await errorOf(streamed('late.mbox', text, [65536]))).toBe('late.mbox: looks like a binary file, expected text');
    expect(await errorOf(streamed('none.csv', '', [1]))).toBe('none.csv: the file is empty');
    const controls = new Uint8Array(200).map((_, i) => (i % 3 === 0 ? 0x41 : 1 + (i % 7)));
    for (const sizes of CHUNKINGS) expect(await errorOf(streamed('y.jsonl', controls, sizes))).toBe('y.jsonl: looks like a binary file, expected text');
    expect(await readDocuments(streamed('ok.txt', '\x01' + 'text '.repeat(20_000), [1, 4096]))).toHaveLength(1); // one control character in 100 KB
  });

  it('CSV errors keep their line numbers', async () => {
    for (const sizes of CHUNKINGS) {
      expect(await errorOf(streamed('v.csv', 'text\n"ok"\n"never closed\nmore\n', sizes))).toMatch(/^v\.csv: line 3: Quoted field unterminated/);
      expect(await errorOf(streamed('u.csv', 'id,body\n1,x\n', sizes))).toMatch(/^u\.csv: line 1 \(the header\) has no column 'text'; columns found: id, body/);
      expect(await errorOf(streamed('w.csv', 'id,text\n1,a\n2\n', sizes))).toBe("w.csv: data row 2 (after the header) has no value in column 'text'");
    }
    expect(await errorOf(streamed('h.csv', 'id,text', [3]))).toBe('h.csv: no documents found');
  });

  it('a JSON Lines error names its line', async () => {
    expect(await errorOf(streamed('l.jsonl', '{"text":"a"}\n\n{"text": oops}\n', [5]))).toMatch(/^l\.jsonl:3: malformed JSON/);
  });
});

describe('tokenizing as the text arrives', () => {
  it('a long document gets the ids of tokenizing it whole', async () => {
    const text = randomText(7, 400_000);
    const expected = [...gpt2.encode(text), gpt2.eosTokenId];
    for (const sizes of [[1000], [65536], [333, 70000]]) {
      const t = await tokenizeFiles([streamed('long.txt', text, sizes)], gpt2, {});
      expect(Array.from(t.ids)).toEqual(expected);
      expect(t.characters).toBe(text.length);
    }
  });

  it('long documents split on a separator get the ids of each, then EOS', async () => {
    const docs = [randomText(1, 150_000), randomText(2, 10), randomText(3, 90_000)].map((d) => d.replaceAll('@@', ''));
    const expected = docs.flatMap((d) => [...gpt2.encode(d), gpt2.eosTokenId]);
    const t = await tokenizeFiles([streamed('sep.txt', docs.join('@@'), [4099])], gpt2, { textSeparator: '@@' });
    expect(Array.from(t.ids)).toEqual(expected);
    expect(t.documents).toBe(3);
    expect(t.preview).toEqual([docs[0].slice(0, 10_000), docs[1], docs[2].slice(0, 10_000)]);
  });

  it('splitPoint cuts before whitespace that follows a word, and never when an added token holds whitespace', () => {
    expect(gpt2.splitPoint('ab  cd')).toBe(2);
    expect(gpt2.splitPoint('ab  cd\n')).toBe(6);
    expect(gpt2.splitPoint('  abc')).toBe(0);
    expect(gpt2.splitPoint('ab cd ef', 5)).toBe(0);
    const spaced = GPT2Tokenizer.fromFiles({
      'tokenizer.json': readFileSync(fixture('tokenizers', 'gpt2', 'tokenizer.json'), 'utf8'),
      'tokenizer_config.json': JSON.stringify({ additional_special_tokens: ['<|user turn|>'] }),
    });
    expect(spaced.splitPoint('ab cd')).toBe(0);
  });

  it('.u16 files stream in odd chunks; an id outside the vocabulary names its position', async () => {
    const ids = Uint16Array.from({ length: 1001 }, (_, i) => (i * 37) % 50257);
    const bytes = new Uint8Array(ids.buffer);
    for (const sizes of [[1], [3, 5], [1001]]) {
      expect(Array.from((await tokenizeFiles([streamed('t.u16', bytes, sizes)], gpt2, {})).ids)).toEqual(Array.from(ids));
    }
    const bad = ids.slice();
    bad[777] = 50257;
    const err = await tokenizeFiles([streamed('bad.u16', new Uint8Array(bad.buffer), [3])], gpt2, {}).catch((e: unknown) => e);
    expect((err as Error).message).toBe("bad.u16: token id 50257 at position 777 is outside the model's vocabulary of 50257");
    const odd = await tokenizeFiles([streamed('odd.u16', bytes.subarray(0, 5), [2])], gpt2, {}).catch((e: unknown) => e);
    expect((odd as Error).message).toBe('odd.u16: 5 bytes is an odd length; expected little-endian uint16 token ids, 2 bytes each');
  });

  it('prepareDataset reports progress in bytes of all files, rising to the total', async () => {
    const a = streamed('a.txt', randomText(4, 300_000), [4096]);
    const b = streamed('b.mbox', readFileSync(fixture('emails', 'dev', 'messages.mbox')), [4096]);
    const seen: Array<[string, number, number]> = [];
    const p = await prepareDataset([a, b], gpt2, { blockSize: 64 }, [], (stage, done, total) => seen.push([stage, done, total]));
    const total = a.size + b.size;
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.length).toBeLessThanOrEqual(201);
    seen.forEach(([stage, done, t], i) => {
      expect(stage).toBe('tokenizing');
      expect(t).toBe(total);
      if (i > 0) expect(done).toBeGreaterThan(seen[i - 1][1]);
    });
    expect(seen.at(-1)![1]).toBe(total);
    expect(p.stats.documents).toBe(41);
    expect(p.blocks.length).toBe(p.stats.blocks * 64);
  });
});
