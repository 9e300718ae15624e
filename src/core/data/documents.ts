import { readCsv } from './csv';
import { emailToDocument, splitMbox } from './email';
import { readJson, readJsonLines } from './jsonl';
import { checkTextBytes, decodeText, extensionOf } from './text';
import { DataError, type DataFile, type ReadOptions } from './types';

/** Extensions readDocuments understands (.u16 token files go through readTokenFile instead). */
export const DOCUMENT_EXTENSIONS = ['.txt', '.jsonl', '.json', '.csv', '.tsv', '.mbox', '.eml'] as const;

/** The documents of one file, as text, taken as they are (no trimming). */
export async function readDocuments(file: DataFile, opts: ReadOptions = {}): Promise<string[]> {
  const column = opts.textColumn ?? 'text';
  const ext = extensionOf(file.name);
  let docs: string[];
  switch (ext) {
    case '.txt': {
      const text = decodeText(file);
      // Like HF's text loader with sample_by="paragraph": empty pieces between separators are not documents.
      docs = opts.textSeparator ? text.split(opts.textSeparator).filter((d) => d !== '') : [text];
      break;
    }
    case '.jsonl':
      docs = readJsonLines(decodeText(file), file.name, column);
      break;
    case '.json':
      docs = readJson(decodeText(file), file.name, column);
      break;
    case '.csv':
    case '.tsv':
      docs = readCsv(decodeText(file), file.name, column, ext === '.tsv' ? '\t' : ',');
      break;
    case '.mbox':
    case '.eml': {
      // No UTF-8 check: each message declares its own charset, and 8-bit Latin-1 mail is common.
      checkTextBytes(file);
      const messages = ext === '.eml' ? [file.bytes] : splitMbox(file.bytes);
      if (messages.length === 0) throw new DataError(`${file.name}: no "From " line found; expected an mbox mailbox`);
      docs = [];
      for (const message of messages) docs.push(await emailToDocument(message, opts.keepHeaders));
      break;
    }
    case '.u16':
      throw new DataError(`${file.name}: a pre-tokenized token file, not documents (read it with readTokenFile)`);
    default:
      throw new DataError(
        `${file.name}: unsupported file type '${ext || '(no extension)'}'; supported: ${DOCUMENT_EXTENSIONS.join(', ')}, and .u16 token files`,
      );
  }
  if (docs.length === 0) throw new DataError(`${file.name}: no documents found`);
  return docs;
}
