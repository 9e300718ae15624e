import Papa from 'papaparse';
import { DataError } from './types';
import { sayData } from './messages';

type Row = Record<string, string | undefined>;
/** papaparse guesses "\n", "\r\n" or "\r" from the first 1 MB (of a chunk: of the first one). */
const GUESS_CHARACTERS = 1 << 20;
type Listener = (arg?: unknown) => void;
type ChunkConfig = Papa.ParseConfig<Row> & { chunk(results: Papa.ParseResult<Row>, parser: Papa.Parser): void };
// papaparse's typings do not list the Node-style readable it accepts.
const parseStream = Papa.parse as unknown as (input: object, config: ChunkConfig) => void;

/**
 * Documents from the column `column` of a CSV (or TSV) with a header row, as Hugging Face's csv loader reads it,
 * parsed by papaparse's streaming parser as the text arrives: push() each piece of text, then end(). papaparse
 * handles quoting, quoted newlines and CRLF; the delimiter is fixed rather than guessed, since a text column full
 * of ";" or "|" can fool delimiter detection.
 *
 * papaparse streams from a Node-style readable ('data'/'end' events), which also exists in a worker: we are that
 * readable. It parses each piece synchronously inside push(), keeping an unfinished row for the next piece.
 */
export class CsvDocuments {
  private readonly listeners = new Map<string, Listener[]>();
  private rows = 0;
  /** The text papaparse has not consumed yet (its unfinished row and the new piece), for error line numbers. */
  private pending = '';
  /** Lines before `pending`, and its offset in the whole text. */
  private linesBefore = 0;
  private pendingStart = 0;
  private error: Error | null = null;
  private header = false;
  /** The start of the text, held until it is long enough for papaparse to guess the line ending as from the whole file. */
  private head: string | null = '';

  constructor(private readonly name: string, private readonly column: string, delimiter: string, onDocument: (text: string) => void) {
    const stream = {
      readable: true,
      read: () => null,
      on: (event: string, f: Listener) => this.listeners.set(event, [...(this.listeners.get(event) ?? []), f]),
      removeListener: (event: string, f: Listener) => this.listeners.set(event, (this.listeners.get(event) ?? []).filter((g) => g !== f)),
      pause: () => {},
      resume: () => {},
    };
    parseStream(stream, {
      header: true, delimiter, skipEmptyLines: true,
      chunk: (results, parser) => {
        try {
          this.check(results);
          for (const row of results.data) {
            this.rows++;
            const value = row[column];
            if (typeof value !== 'string') {
              throw new DataError(sayData('csvRowNoValue', name, this.rows, column));
            }
            onDocument(value);
          }
          this.consumed(results.meta.cursor);
        } catch (e) {
          this.error = e as Error;
          parser.abort();
        }
      },
    });
  }

  push(text: string): void {
    if (this.head !== null) {
      this.head += text;
      if (this.head.length < GUESS_CHARACTERS) return;
      text = this.head;
      this.head = null;
    }
    this.pending += text;
    this.emit('data', text);
  }

  end(): void {
    if (this.head !== null) {
      const head = this.head;
      this.head = null;
      if (head) this.push(head);
    }
    this.emit('end');
    if (!this.error && !this.header) this.error = this.columnError([]); // no complete header line
    if (!this.error && this.rows === 0) this.error = new DataError(sayData('noDocuments', this.name));
    this.throwError();
  }

  private emit(event: string, arg?: unknown): void {
    this.throwError();
    for (const f of this.listeners.get(event) ?? []) f(arg);
    this.throwError();
  }

  private throwError(): void {
    if (this.error) throw this.error;
  }

  private check(results: Papa.ParseResult<Row>): void {
    // The header is known once its line is complete (papaparse keeps an unfinished line for the next piece).
    const fields = results.meta.fields ?? [];
    if (!this.header && fields.length > 0) {
      if (!fields.includes(this.column)) throw this.columnError(fields);
      this.header = true;
    }
    // An unterminated or malformed quote swallows the rest of the file into one field: refuse it. Rows with
    // too few or too many fields are fine as long as the text column is there.
    const quoteError = results.errors.find((e) => e.type === 'Quotes');
    if (quoteError) {
      const line = quoteError.index === undefined ? null : this.lineAt(quoteError.index);
      throw new DataError(sayData('csvQuotes', this.name, line, quoteError.code, quoteError.message));
    }
  }

  private columnError(fields: string[]): DataError {
    return new DataError(sayData('csvNoColumn', this.name, this.column, fields.join(', ')));
  }

  /** papaparse has parsed up to `cursor` (an offset in the whole text): drop that from `pending`. */
  private consumed(cursor: number): void {
    const done = this.pending.slice(0, cursor - this.pendingStart);
    this.linesBefore += done.split('\n').length - 1;
    this.pending = this.pending.slice(done.length);
    this.pendingStart = cursor;
  }

  /** The line of an error's index, which papaparse gives within the text it parsed this time (`pending`). */
  private lineAt(index: number): number {
    return this.linesBefore + this.pending.slice(0, index).split('\n').length;
  }
}
