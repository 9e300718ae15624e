// gpt2-studio tokenize: dataset files to a tokens file (each document's ids followed by EOS).
import { writeFile } from 'node:fs/promises';
import { readDocuments, isTokenFile, tokenizeDocuments, DataError } from '../core/data';
import { readTokenizer } from '../core/io/model_folder';
import { dirSource } from '../node/fs_source';
import { readDataFile } from '../node/files';
import { required, type FlagSpecs, type FlagValues } from './flags';

export const summary = 'tokenize dataset files into raw little-endian uint16 ids, each document followed by EOS';
export const flags: FlagSpecs = {
  model_name_or_path: { type: 'string', help: 'model folder whose tokenizer to use' },
  train_file: { type: 'list', help: 'files: .txt (one document, or split by --text_separator), .jsonl/.json/.csv (--text_column), .mbox/.eml' },
  out: { type: 'string', help: 'the tokens file to write' },
  text_column: { type: 'string', help: 'field or column holding the text', default: 'text' },
  text_separator: { type: 'string', help: 'split .txt files into documents on this string (e.g. a blank line)' },
  keep_headers: { type: 'boolean', help: 'keep email headers in .mbox/.eml documents', default: false },
};

export async function run(v: FlagValues): Promise<void> {
  const tokenizer = await readTokenizer(await dirSource(required<string>(v, 'model_name_or_path', 'tokenize')));
  const out = required<string>(v, 'out', 'tokenize');
  if (tokenizer.vocabSize > 65536) throw new DataError(`the tokenizer has ${tokenizer.vocabSize} tokens; a uint16 tokens file holds at most 65,536`);
  const parts: Uint32Array[] = [];
  for (const f of required<string[]>(v, 'train_file', 'tokenize')) {
    if (isTokenFile(f)) throw new DataError(`${f}: already a tokens file`);
    const docs = await readDocuments(await readDataFile(f), { textColumn: v.text_column as string, textSeparator: v.text_separator as string | undefined, keepHeaders: v.keep_headers as boolean });
    parts.push(tokenizeDocuments(docs, (t) => tokenizer.encode(t), tokenizer.eosTokenId));
  }
  const ids = new Uint16Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) { ids.set(p, at); at += p.length; }
  await writeFile(out, new Uint8Array(ids.buffer));
  console.error(`wrote ${ids.length} tokens to ${out}`);
}
