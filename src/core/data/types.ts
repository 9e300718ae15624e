/** One input file, as bytes: the same shape whether it came from a browser File or from node:fs. */
export interface DataFile {
  name: string;
  bytes: Uint8Array;
}

export interface ReadOptions {
  /** CSV/JSON(L) column holding the document text (default 'text', as run_clm's text_column_name). */
  textColumn?: string;
  /** .txt only: split the file into documents on this string (e.g. "\n\n"); unset = whole file is one document. */
  textSeparator?: string;
  /** .mbox/.eml only: keep each message's raw header block before its body. */
  keepHeaders?: boolean;
}

/** A problem with the user's data. The message is shown as is, so it names the file and what was expected. */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}
