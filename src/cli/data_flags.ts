// How the commands that read datasets (train, eval, tokenize, export-run) take them: the text flags of run_clm.py
// and our readers, and the files opened as streams. One definition, so that `eval --validation_file x.mbox` reads
// exactly the blocks `train --validation_file x.mbox` evaluates on.
import type { ReadOptions, StreamedFile } from '../core/data';
import { openDataFile } from '../node/fs_source';
import { UsageError, type FlagSpecs, type FlagValues } from './flags';

export const TEXT_FLAGS: FlagSpecs = {
  text_column: { type: 'string', help: 'field or column holding the text in .jsonl/.json/.csv', default: 'text' },
  text_separator: { type: 'string', help: 'split .txt files into documents on this string (e.g. "\\n\\n")' },
  keep_headers: { type: 'boolean', help: 'keep email headers in .mbox/.eml documents', default: false },
};

export function readOptions(v: FlagValues): ReadOptions {
  return { textColumn: v.text_column as string, textSeparator: v.text_separator as string | undefined, keepHeaders: v.keep_headers as boolean };
}

/** The files of a list flag (none when it was not given), each checked to exist. */
export function openDataFiles(paths: FlagValues[string]): Promise<StreamedFile[]> {
  return Promise.all(((paths as string[] | undefined) ?? []).map(openDataFile));
}

/** --block_size, checked against the model's context (default: min(1024, n_positions), as run_clm.py's). */
export function blockSizeOf(v: FlagValues, nPositions: number): number {
  const blockSize = (v.block_size as number | undefined) ?? Math.min(1024, nPositions);
  if (!(blockSize >= 2 && blockSize <= nPositions)) throw new UsageError(`--block_size must be in [2, ${nPositions}] (the model's n_positions), got ${blockSize}`);
  return blockSize;
}

/** --validation_split_percentage, checked. */
export function validationPercentOf(v: FlagValues): number {
  const pct = v.validation_split_percentage as number;
  if (!(pct >= 0 && pct < 100)) throw new UsageError(`--validation_split_percentage must be in [0, 100), got ${pct}`);
  return pct;
}
