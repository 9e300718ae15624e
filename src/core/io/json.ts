// JSON files read back from a disk or the browser's storage: parsed into an object and read field by field, so that
// a damaged or hand-edited file is refused with the file and the field named, instead of failing later on an
// `undefined` (and never depending on the order of the keys).
import { ModelFileError } from '../errors';
import type { Said } from '../messages';
import { sayIo } from './messages';

export type JsonObject = Record<string, unknown>;

export const isJsonObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The object a JSON file holds; `file` names it in the error. */
export function parseJsonObject(data: Uint8Array | string, file: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
  } catch (e) {
    throw new ModelFileError(sayIo('notJson', file, (e as Error).message));
  }
  if (!isJsonObject(value)) throw new ModelFileError(sayIo('notTopLevelObject', file));
  return value;
}

/** A value as a message shows it: its JSON (`undefined` where it has none). */
export const jsonText = (v: unknown): string => String(JSON.stringify(v));

const shown = (v: unknown) => JSON.stringify(v)?.slice(0, 40) ?? String(v);

/** Typed reads of an object's fields; a wrong one throws ModelFileError naming the file and the field's path. */
export class JsonFields {
  constructor(readonly value: JsonObject, readonly file: string, readonly path = '') {}

  static parse(data: Uint8Array | string, file: string): JsonFields {
    return new JsonFields(parseJsonObject(data, file), file);
  }

  private get<T>(key: string, ok: (v: unknown) => boolean, expected: Said): T {
    const v = this.value[key], field = this.path + key;
    if (!ok(v)) {
      throw new ModelFileError(v === undefined ? sayIo('fieldMissing', this.file, field, expected) : sayIo('fieldMustBe', this.file, field, expected, shown(v)));
    }
    return v as T;
  }

  number(key: string): number { return this.get(key, Number.isFinite, sayIo('aNumber')); }
  /** A number that may be NaN or infinite, which JSON.stringify writes as null. */
  float(key: string): number { return this.value[key] === null ? NaN : this.number(key); }
  integer(key: string): number { return this.get(key, (v) => Number.isInteger(v) && (v as number) >= 0, sayIo('aWholeNumberFrom0')); }
  string(key: string): string { return this.get(key, (v) => typeof v === 'string', sayIo('aString')); }
  nullableInteger(key: string): number | null { return this.value[key] === null ? null : this.integer(key); }
  integers(key: string): number[] {
    return this.get(key, (v) => Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0), sayIo('aListOfWholeNumbers'));
  }
  objects(key: string): JsonObject[] { return this.get(key, (v) => Array.isArray(v) && v.every(isJsonObject), sayIo('aListOfObjects')); }
  object(key: string): JsonFields {
    return new JsonFields(this.get(key, isJsonObject, sayIo('anObject')), this.file, `${this.path}${key}.`);
  }
}
