// What Hugging Face's run_clm.py would make of a Python export, for its tests: the flags it accepts
// (test/run_clm_flags.json), the flags of the exported command, and the blocks it cuts from the data files.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './fixtures';
import { groupTexts } from '../src/core/data';

interface FlagList { 'run_clm.py': Record<string, string[]>; TrainingArguments: string[]; deprecated: string[] }
const list = JSON.parse(readFileSync(path.join(REPO_ROOT, 'test', 'run_clm_flags.json'), 'utf8')) as FlagList;

/** Flags run_clm.py parses without a warning. */
export const RUN_CLM_FLAGS = new Set([...Object.values(list['run_clm.py']).flat(), ...list.TrainingArguments].filter((f) => !list.deprecated.includes(f)));

/** The flags of `accelerate launch run_clm.py …` in a shell script (continued lines joined): name → value, '' for a lone boolean. */
export function commandArgs(script: string): Map<string, string> {
  const command = script.replace(/\\\n/g, ' ').split('\n').find((l) => /accelerate launch run_clm\.py/.test(l));
  if (!command) throw new Error('no `accelerate launch run_clm.py` line in the script');
  const words = command.slice(command.indexOf('run_clm.py') + 'run_clm.py'.length).trim().split(/\s+/);
  const out = new Map<string, string>();
  for (let i = 0; i < words.length; i++) {
    if (!words[i].startsWith('--')) throw new Error(`"${words[i]}" follows no flag`);
    out.set(words[i].slice(2), i + 1 < words.length && !words[i + 1].startsWith('--') ? words[++i] : '');
  }
  return out;
}

/**
 * The blocks run_clm.py cuts from JSON Lines data: tokenizer(text) of each example (no EOS added), concatenated per
 * `datasets.map` batch of 1,000 examples, each batch cut into blocks and its short tail dropped (group_texts).
 */
export function runClmBlocks(jsonLines: string, encode: (text: string) => number[], blockSize: number): number[][] {
  const texts = jsonLines.trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text);
  const out: number[][] = [];
  for (let b = 0; b < texts.length; b += 1000) {
    const g = groupTexts(texts.slice(b, b + 1000).flatMap(encode), blockSize);
    for (let i = 0; i < g.numBlocks; i++) out.push(Array.from(g.blocks.subarray(i * blockSize, (i + 1) * blockSize)));
  }
  return out;
}

/** Blocks `ids` of a prepared dataset, as arrays. */
export function blocksOf(data: { blocks: Int32Array; blockSize: number }, ids: number[]): number[][] {
  return ids.map((i) => Array.from(data.blocks.subarray(i * data.blockSize, (i + 1) * data.blockSize)));
}
