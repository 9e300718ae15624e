// JSON files read back from a disk or the browser's storage: parsed into an object and read field by field, so that
// a damaged or hand-edited file is refused with the file and the field named, instead of failing later on an
// `undefined` (and never depending on the order of the keys).
import { ModelFileError } from '../errors';

export type JsonObject = Record<string, unknown>;

export const isJsonObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The object a JSON file holds; `file` names it in the error. */
export function parseJsonObject(data: Uint8Array | string, file: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
  } catch (e) {
    throw new ModelFileError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (!isJsonObject(value)) throw new ModelFileError(`${file}: expected a JSON object at the top level`);
  return value;
}

const shown = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v)?.slice(0, 40) ?? String(v));

/** Typed reads of an object's fields; a wrong one throws ModelFileError naming the file and the field's path. */
export class JsonFields {
  constructor(readonly value: JsonObject, readonly file: string, readonly path = '') {}

  static parse(data: Uint8Array | string, file: string): JsonFields {
    return new JsonFields(parseJsonObject(data, file), file);
  }

  private get<T>(key: string, ok: (v: unknown) => boolean, expected: string): T {
    const v = this.value[key];
    if (!ok(v)) throw new ModelFileError(`${this.file}: ${this.path}${key} must be ${expected}, got ${shown(v)}`);
    return v as T;
  }

  number(key: string): number { return this.get(key, Number.isFinite, 'a number'); }
  /** A number that may be NaN or infinite, which JSON.stringify writes as null. */
  float(key: string): number { return this.value[key] === null ? NaN : this.number(key); }
  integer(key: string): number { return this.get(key, (v) => Number.isInteger(v) && (v as number) >= 0, 'a whole number ≥ 0'); }
  string(key: string): string { return this.get(key, (v) => typeof v === 'string', 'a string'); }
  nullableInteger(key: string): number | null { return this.value[key] === null ? null : this.integer(key); }
  integers(key: string): number[] {
    return this.get(key, (v) => Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0), 'a list of whole numbers ≥ 0');
  }
  objects(key: string): JsonObject[] { return this.get(key, (v) => Array.isArray(v) && v.every(isJsonObject), 'a list of objects'); }
  object(key: string): JsonFields {
    return new JsonFields(this.get(key, isJsonObject, 'an object'), this.file, `${this.path}${key}.`);
  }
}
