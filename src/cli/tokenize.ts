// gpt2-studio tokenize: dataset files to a tokens file (each document's ids followed by EOS).
import path from 'node:path';
import { isTokenFile, tokenizeFiles, DataError } from '../core/data';
import { readTokenizer } from '../core/io/model_folder';
import { dirSource } from '../node/fs_source';
import { writeFilesAtomic } from '../node/files';
import { required, type FlagSpecs, type FlagValues } from './flags';
import { TEXT_FLAGS, openDataFiles, readOptions } from './data_flags';

export const summary = 'tokenize dataset files into raw little-endian uint16 ids, each document followed by EOS';
export const flags: FlagSpecs = {
  model_name_or_path: { type: 'string', help: 'model folder whose tokenizer to use' },
  train_file: { type: 'list', help: 'files: .txt (one document, or split by --text_separator), .jsonl/.json/.csv (--text_column), .mbox/.eml' },
  out: { type: 'string', help: 'the tokens file to write' },
  ...TEXT_FLAGS,
};

export async function run(v: FlagValues): Promise<void> {
  const tokenizer = await readTokenizer(await dirSource(required<string>(v, 'model_name_or_path', 'tokenize')));
  const out = required<string>(v, 'out', 'tokenize');
  if (tokenizer.vocabSize > 65536) throw new DataError(`the tokenizer has ${tokenizer.vocabSize} tokens; a uint16 tokens file holds at most 65,536`);
  const paths = required<string[]>(v, 'train_file', 'tokenize');
  for (const f of paths) if (isTokenFile(f)) throw new DataError(`${f}: already a tokens file`);
  const { ids } = await tokenizeFiles(await openDataFiles(paths), tokenizer, readOptions(v));
  // Written beside its final name and renamed over: the tokens file is whole or absent.
  await writeFilesAtomic(path.dirname(out), new Map([[path.basename(out), new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength)]]));
  console.error(`wrote ${ids.length} tokens to ${out}`);
}
