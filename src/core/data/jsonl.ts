import { DataError } from './types';
import { jsonType, sayData, type JsonType } from './messages';
import type { Said } from '../messages';

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
      throw new DataError(sayData('jsonLineMalformed', this.name, this.line, (e as Error).message));
    }
    this.onDocument(textField(record, this.column, () => `${this.name}:${this.line}`));
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
    if (text.trimStart().startsWith('[')) throw new DataError(sayData('jsonMalformed', name, (e as Error).message));
    return readJsonLines(text, name, column);
  }
  if (Array.isArray(value)) return value.map((record, i) => textField(record, column, () => sayData('jsonRecord', name, i + 1)));
  if (isObject(value)) {
    const columnValues = value[column];
    if (Array.isArray(columnValues)) {
      return columnValues.map((v, i) => checkString(v, (found) => sayData('jsonColumnRowNotString', name, i + 1, column, found)));
    }
    if (typeof columnValues === 'string') return [columnValues]; // a single record (one-line JSON Lines)
    const lists = Object.entries(value).filter(([, v]) => Array.isArray(v) && v.every(isObject));
    if (lists.length === 1) {
      const [key, records] = lists[0] as [string, unknown[]];
      return records.map((record, i) => textField(record, column, () => sayData('jsonListRecord', name, key, i + 1)));
    }
    throw new DataError(sayData('jsonNoColumn', name, column, Object.keys(value).join(', ')));
  }
  throw new DataError(sayData('jsonNotArrayOrObject', name, jsonType(value)));
}

/** The string in `record`'s field `column`; `where` names the record (a line of the file, a record of a list) when it is wrong. */
function textField(record: unknown, column: string, where: () => string | Said): string {
  if (!isObject(record)) throw new DataError(sayData('jsonNotObject', where(), jsonType(record)));
  if (!(column in record)) throw new DataError(sayData('jsonNoField', where(), column, Object.keys(record).join(', ')));
  return checkString(record[column], (found) => sayData('jsonFieldNotString', where(), column, found));
}

function checkString(value: unknown, notString: (found: JsonType) => Said): string {
  if (typeof value !== 'string') throw new DataError(notString(jsonType(value)));
  return value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
