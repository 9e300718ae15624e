import { DataError } from './types';

/**
 * JSON Lines as the text arrives: one object per line, the document in field `column`; blank lines are skipped.
 * push() each piece of text, then end(); only the unfinished last line is kept between pieces.
 */
export class JsonLines {
  private partial = '';
  private line = 0;

  constructor(private readonly name: string, private readonly column: string, private readonly onDocument: (text: string) => void) {}

  push(text: string): void {
    const lines = text.split('\n');
    lines[0] = this.partial + lines[0]; // (a long line is only joined, never searched again)
    this.partial = lines.pop()!;
    for (const line of lines) this.parse(line);
  }

  end(): void {
    this.parse(this.partial);
    this.partial = '';
  }

  private parse(raw: string): void {
    this.line++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (e) {
      throw new DataError(`${this.name}:${this.line}: malformed JSON (${(e as Error).message}); expected one JSON object per line`);
    }
    this.onDocument(textField(record, this.column, `${this.name}:${this.line}`));
  }
}

function readJsonLines(text: string, name: string, column: string): string[] {
  const docs: string[] = [];
  const lines = new JsonLines(name, column, (d) => docs.push(d));
  lines.push(text);
  lines.end();
  return docs;
}

/**
 * A .json file, in the shapes Hugging Face's json loader accepts: an array of objects, an object of columns
 * ({"text": [...]}), an object holding the records under one key ({"data": [...]}, HF's `field`), or JSON
 * Lines saved as .json.
 */
export function readJson(text: string, name: string, column: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // Not one JSON value: JSON Lines, unless it was clearly meant as an array.
    if (text.trimStart().startsWith('[')) throw new DataError(`${name}: malformed JSON (${(e as Error).message})`);
    return readJsonLines(text, name, column);
  }
  if (Array.isArray(value)) return value.map((record, i) => textField(record, column, `${name}: record ${i + 1}`));
  if (isObject(value)) {
    const columnValues = value[column];
    if (Array.isArray(columnValues)) {
      return columnValues.map((v, i) => checkString(v, column, `${name}: row ${i + 1} of column`));
    }
    if (typeof columnValues === 'string') return [columnValues]; // a single record (one-line JSON Lines)
    const lists = Object.entries(value).filter(([, v]) => Array.isArray(v) && v.every(isObject));
    if (lists.length === 1) {
      const [key, records] = lists[0] as [string, unknown[]];
      return records.map((record, i) => textField(record, column, `${name}: "${key}" record ${i + 1}`));
    }
    throw new DataError(
      `${name}: no column '${column}' and no single list of records; keys found: ${Object.keys(value).join(', ') || '(none)'}`,
    );
  }
  throw new DataError(`${name}: expected a JSON array of objects or an object, found ${typeName(value)}`);
}

function textField(record: unknown, column: string, where: string): string {
  if (!isObject(record)) throw new DataError(`${where}: expected a JSON object, found ${typeName(record)}`);
  if (!(column in record)) {
    throw new DataError(`${where}: no field '${column}'; fields found: ${Object.keys(record).join(', ') || '(none)'}`);
  }
  return checkString(record[column], column, where + ' field');
}

function checkString(value: unknown, column: string, where: string): string {
  if (typeof value !== 'string') throw new DataError(`${where} '${column}': expected a string, found ${typeName(value)}`);
  return value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}
