// How the commands that read datasets (train, eval, tokenize, export-run) take them: the text flags of run_clm.py
// and our readers, and the files opened as streams. One definition, so that `eval --validation_file x.mbox` reads
// exactly the blocks `train --validation_file x.mbox` evaluates on.
import type { ReadOptions, StreamedFile } from '../core/data';
import { openDataFile } from '../node/fs_source';
import type { FlagSpecs, FlagValues } from './flags';

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
