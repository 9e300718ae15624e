import { CsvDocuments } from './csv';
import { emailToDocument, MboxSplitter } from './email';
import { JsonLines, readJson } from './jsonl';
import { concatBytes, extensionOf, textByteChunks, textChunks } from './text';
import { DataError, type DatasetFile, type ReadOptions } from './types';
import { sayData } from './messages';

/** Extensions readDocuments understands (.u16 token files go through readTokenFile instead). */
export const DOCUMENT_EXTENSIONS = ['.txt', '.jsonl', '.json', '.csv', '.tsv', '.mbox', '.eml'] as const;

/**
 * Where a file's documents go as they are read: the text of the current document, in one or more pieces (a long
 * .txt document arrives as the file streams in), then end() once it is complete.
 */
export interface DocumentSink {
  text(piece: string): void;
  end(): void;
}

/**
 * Reads one file's documents into `sink` as the file streams in, taking the documents as they are (no trimming).
 * onBytes(n) is called as each chunk of n bytes has been read. Returns the number of documents.
 */
export async function streamDocuments(file: DatasetFile, opts: ReadOptions, sink: DocumentSink, onBytes?: (n: number) => void): Promise<number> {
  const column = opts.textColumn ?? 'text';
  const ext = extensionOf(file.name);
  let documents = 0;
  const whole = (text: string) => { sink.text(text); sink.end(); documents++; };
  switch (ext) {
    case '.txt':
      if (opts.textSeparator) {
        documents = await splitText(textChunks(file, onBytes), opts.textSeparator, sink);
      } else {
        for await (const text of textChunks(file, onBytes)) sink.text(text);
        sink.end();
        documents = 1;
      }
      break;
    case '.jsonl': {
      const lines = new JsonLines(file.name, column, whole);
      for await (const text of textChunks(file, onBytes)) lines.push(text);
      lines.end();
      break;
    }
    case '.json': {
      // One JSON value: parsed whole (JSON Lines, the streaming form, is .jsonl).
      let text = '';
      for await (const piece of textChunks(file, onBytes)) text += piece;
      readJson(text, file.name, column).forEach(whole);
      break;
    }
    case '.csv':
    case '.tsv': {
      const csv = new CsvDocuments(file.name, column, ext === '.tsv' ? '\t' : ',', whole);
      for await (const text of textChunks(file, onBytes)) csv.push(text);
      csv.end();
      break;
    }
    case '.mbox':
    case '.eml': {
      // No UTF-8 check: each message declares its own charset, and 8-bit Latin-1 mail is common.
      const splitter = ext === '.mbox' ? new MboxSplitter() : null;
      const eml: Uint8Array[] = [];
      for await (const chunk of textByteChunks(file, onBytes)) {
        if (!splitter) eml.push(chunk);
        else for (const message of splitter.push(chunk)) whole(await emailToDocument(message, opts.keepHeaders));
      }
      const last = splitter ? splitter.end() : [concatBytes(eml)];
      for (const message of last) whole(await emailToDocument(message, opts.keepHeaders));
      if (splitter && !splitter.found) throw new DataError(sayData('noMboxFrom', file.name));
      break;
    }
    case '.u16':
      throw new DataError(sayData('tokenFileNotDocuments', file.name));
    default:
      throw new DataError(sayData('unsupportedType', file.name, ext, DOCUMENT_EXTENSIONS.join(', ')));
  }
  if (documents === 0) throw new DataError(sayData('noDocuments', file.name));
  return documents;
}

/**
 * A .txt split into documents on `separator` as its text arrives. Like HF's text loader with
 * sample_by="paragraph", empty pieces between separators are not documents. Text that cannot hold the start of a
 * separator is passed on at once, so a long document is never held whole.
 */
async function splitText(pieces: AsyncIterable<string>, separator: string, sink: DocumentSink): Promise<number> {
  let documents = 0;
  let open = false; // the current document has text
  const text = (t: string) => { if (t) { sink.text(t); open = true; } };
  const end = () => { if (open) { sink.end(); documents++; open = false; } };
  let buffer = '';
  for await (const piece of pieces) {
    buffer += piece;
    let at = 0;
    for (let i = buffer.indexOf(separator); i >= 0; i = buffer.indexOf(separator, at)) {
      text(buffer.slice(at, i));
      end();
      at = i + separator.length;
    }
    const keep = Math.max(at, buffer.length - separator.length + 1); // may be the start of a separator
    text(buffer.slice(at, keep));
    buffer = buffer.slice(keep);
  }
  text(buffer);
  end();
  return documents;
}

/** The documents of one file, as text, taken as they are (no trimming). */
export async function readDocuments(file: DatasetFile, opts: ReadOptions = {}): Promise<string[]> {
  const docs: string[] = [];
  let current: string[] = [];
  await streamDocuments(file, opts, { text: (t) => current.push(t), end: () => { docs.push(current.join('')); current = []; } });
  return docs;
}
