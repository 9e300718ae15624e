// Parsers against random and truncated bytes: safetensors headers, config.json, tokenizer files and datasets must
// end every case with a clear error of their own (or a result), never a crash of another kind and never a hang.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fixture } from './fixtures';
import { mulberry32 } from '../src/core/random';
import { parseSafetensors } from '../src/core/io/safetensors';
import { ModelFileError } from '../src/core/errors';
import { parseConfig } from '../src/core/gpt2/config';
import { GPT2Tokenizer } from '../src/core/tokenizer';
import { readDocuments, DataError } from '../src/core/data';

const rand = mulberry32(20261130);
const int = (n: number) => Math.floor(rand() * n);

/** Truncations, byte flips, insertions and pure noise of a valid file. */
function mutants(valid: Uint8Array, count: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 4;
    if (kind === 0) out.push(valid.slice(0, int(valid.length)));
    else if (kind === 1) { const b = valid.slice(); for (let k = 0; k < 1 + int(8); k++) b[int(b.length)] = int(256); out.push(b); }
    else if (kind === 2) { const at = int(valid.length); const noise = Uint8Array.from({ length: 1 + int(16) }, () => int(256)); const b = new Uint8Array(valid.length + noise.length); b.set(valid.subarray(0, at)); b.set(noise, at); b.set(valid.subarray(at), at + noise.length); out.push(b); }
    else out.push(Uint8Array.from({ length: int(64) }, () => int(256)));
  }
  return out;
}

/** Runs `parse` on every case: each must return or throw one of `allowed`; reports the first other outcome. */
function survive(cases: Uint8Array[], parse: (b: Uint8Array) => unknown, allowed: Array<new (...a: never[]) => Error>) {
  const start = performance.now();
  for (const [i, c] of cases.entries()) {
    try { parse(c); } catch (e) {
      if (!allowed.some((E) => e instanceof E)) throw new Error(`case ${i} (${c.length} bytes) threw ${(e as Error).constructor.name}: ${(e as Error).message}`);
      expect((e as Error).message.length).toBeGreaterThan(10);
    }
  }
  return performance.now() - start;
}

describe('fuzz', () => {
  it('safetensors headers: 4,000 cases', () => {
    const valid = new Uint8Array(readFileSync(fixture('models', 'tiny-gpt2-v512', 'model.safetensors')));
    // The header is what can hang or mislead a parser: mutate a small file made of its header and first tensors.
    const n = Number(new DataView(valid.buffer).getBigUint64(0, true));
    const small = valid.slice(0, 8 + n + 4096);
    const ms = survive(mutants(small, 4000), (b) => { const f = parseSafetensors(b); for (const k of f.tensors.keys()) f.float32(k); }, [ModelFileError]);
    expect(ms).toBeLessThan(60_000);
  });

  it('config.json: 4,000 cases', () => {
    const valid = new Uint8Array(readFileSync(fixture('models', 'tiny-gpt2-v512', 'config.json')));
    survive(mutants(valid, 4000), (b) => {
      let raw: unknown;
      try { raw = JSON.parse(new TextDecoder().decode(b)); } catch { return; } // not JSON: the folder reader says so
      parseConfig(raw);
    }, [ModelFileError]);
  });

  it('tokenizer files: 2,000 cases each of tokenizer.json, vocab.json and merges.txt', () => {
    const dir = (f: string) => readFileSync(fixture('tokenizers', 'gpt2-v512', f));
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    const pair = { 'vocab.json': dir('vocab.json').toString(), 'merges.txt': dir('merges.txt').toString() };
    survive(mutants(new Uint8Array(dir('tokenizer.json')), 2000), (b) => GPT2Tokenizer.fromFiles({ 'tokenizer.json': text(b) }).encode('Hello world'), [ModelFileError]);
    survive(mutants(new Uint8Array(dir('vocab.json')), 2000), (b) => GPT2Tokenizer.fromFiles({ ...pair, 'vocab.json': text(b) }).encode('Hello world'), [ModelFileError]);
    survive(mutants(new Uint8Array(dir('merges.txt')), 2000), (b) => GPT2Tokenizer.fromFiles({ ...pair, 'merges.txt': text(b) }).encode('Hello world'), [ModelFileError]);
  });

  it('datasets: 1,000 cases each of .jsonl, .csv, .txt and .mbox', async () => {
    const mbox = new Uint8Array(readFileSync(fixture('emails', 'dev', 'messages.mbox'))).slice(0, 8000);
    const samples: Record<string, Uint8Array> = {
      'a.jsonl': new TextEncoder().encode('{"text": "first"}\n{"text": "second \\u00e9"}\n'),
      'a.csv': new TextEncoder().encode('id,text\n1,"hello, world"\n2,"line\nbreak"\n'),
      'a.txt': new TextEncoder().encode('Plain text.\n\nSecond paragraph.\n'),
      'a.mbox': mbox,
    };
    for (const [name, valid] of Object.entries(samples)) {
      for (const c of mutants(valid, 1000)) {
        try { await readDocuments({ name, bytes: c }, { textSeparator: name === 'a.txt' ? '\n\n' : undefined }); } catch (e) {
          if (!(e instanceof DataError)) throw new Error(`${name} (${c.length} bytes) threw ${(e as Error).constructor.name}: ${(e as Error).message}`);
        }
      }
    }
  });
});
