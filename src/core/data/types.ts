import { UserError } from '../errors';

/** One input file held whole, as bytes (a fetched sample, a test's content, a model file). */
export interface DataFile {
  name: string;
  bytes: Uint8Array;
}

/**
 * One input file read in chunks, never whole: a browser File (passed to the worker as it is) has this shape, and
 * Node wraps a path (src/node/fs_source.ts). A dataset of hundreds of MB is never held as bytes or text at once.
 */
export interface StreamedFile {
  readonly name: string;
  /** bytes, for progress */
  readonly size: number;
  stream(): ReadableStream<Uint8Array>;
}

export type DatasetFile = DataFile | StreamedFile;

export interface ReadOptions {
  /** CSV/JSON(L) column holding the document text (default 'text', as run_clm's text_column_name). */
  textColumn?: string;
  /** .txt only: split the file into documents on this string (e.g. "\n\n"); unset = whole file is one document. */
  textSeparator?: string;
  /** .mbox/.eml only: keep each message's raw header block before its body. */
  keepHeaders?: boolean;
}

/** A problem with the user's data. The message is shown as is, so it names the file and what was expected. */
export class DataError extends UserError {}
