// What reading a dataset says to a person, in English and Spanish (src/core/messages.ts says how a sentence travels
// to the page). Each sentence names the file, the place in it, and what was expected. Grouped by the file of
// src/core/data that says them, in alphabetical order.
import { catalog } from '../messages';

/** What a JSON value is, as `jsonType` names it, for "expected a string, found …". */
export type JsonType = 'null' | 'array' | 'string' | 'number' | 'bigint' | 'boolean' | 'symbol' | 'undefined' | 'object' | 'function';

export const jsonType = (v: unknown): JsonType => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

const typeEn = (t: JsonType) => (t === 'array' ? 'an array' : t);
const TYPE_ES: Partial<Record<JsonType, string>> = {
  array: 'un array', string: 'un string', number: 'un número', boolean: 'un booleano', object: 'un objeto',
};
const typeEs = (t: JsonType) => TYPE_ES[t] ?? t;

/** papaparse's quote errors (csv.ts), by code; its English message is the English. */
const QUOTES_ES: Record<string, string> = {
  MissingQuotes: 'un campo entre comillas no se cierra',
  InvalidQuotes: 'la comilla de cierre de un campo entre comillas está mal formada',
};

const en = {
  // blocks.ts
  theDataset: () => 'the dataset',
  blockSizeNotPositive: (source: string, size: number) => `${source}: block size must be a positive integer, got ${size}`,
  blocksTruncated: (source: string, block: number, count: number, size: number, tokens: number) =>
    `${source}: block ${block} is named but only ${count} blocks of ${size} tokens are there (${tokens} tokens): the blocks are truncated`,
  // csv.ts (noDocuments: documents.ts too)
  noDocuments: (file: string) => `${file}: no documents found`,
  csvRowNoValue: (file: string, row: number, column: string) => `${file}: data row ${row} (after the header) has no value in column '${column}'`,
  csvQuotes: (file: string, line: number | null, _code: string, message: string) =>
    `${file}:${line === null ? '' : ` line ${line}:`} ${message}; check the CSV quoting`,
  csvNoColumn: (file: string, column: string, columns: string) =>
    `${file}: line 1 (the header) has no column '${column}'; columns found: ${columns || '(none)'}. Choose the text column among them.`,
  // dataset.ts
  noBlock: (files: string, tokens: number, blockSize: number) =>
    `${files}: ${tokens} tokens make no block of block_size ${blockSize}; add text or lower the block size`,
  noTrainingFiles: () => 'no training files given',
  // documents.ts
  noMboxFrom: (file: string) => `${file}: no "From " line found; expected an mbox mailbox`,
  tokenFileNotDocuments: (file: string) => `${file}: a pre-tokenized token file, not documents (read it with readTokenFile)`,
  unsupportedType: (file: string, ext: string, supported: string) =>
    `${file}: unsupported file type '${ext || '(no extension)'}'; supported: ${supported}, and .u16 token files`,
  // jsonl.ts: places in a .json file, then what is wrong there
  jsonRecord: (file: string, record: number) => `${file}: record ${record}`,
  jsonListRecord: (file: string, key: string, record: number) => `${file}: "${key}" record ${record}`,
  jsonLineMalformed: (file: string, line: number, why: string) => `${file}:${line}: malformed JSON (${why}); expected one JSON object per line`,
  jsonMalformed: (file: string, why: string) => `${file}: malformed JSON (${why})`,
  jsonNoColumn: (file: string, column: string, keys: string) =>
    `${file}: no column '${column}' and no single list of records; keys found: ${keys || '(none)'}`,
  jsonNotArrayOrObject: (file: string, found: JsonType) => `${file}: expected a JSON array of objects or an object, found ${typeEn(found)}`,
  jsonNotObject: (where: string, found: JsonType) => `${where}: expected a JSON object, found ${typeEn(found)}`,
  jsonNoField: (where: string, column: string, fields: string) => `${where}: no field '${column}'; fields found: ${fields || '(none)'}`,
  jsonFieldNotString: (where: string, column: string, found: JsonType) => `${where} field '${column}': expected a string, found ${typeEn(found)}`,
  jsonColumnRowNotString: (file: string, row: number, column: string, found: JsonType) =>
    `${file}: row ${row} of column '${column}': expected a string, found ${typeEn(found)}`,
  // text.ts (emptyFile: tokens.ts too)
  cannotRead: (file: string, why: string) => `${file}: cannot be read (${why})`,
  binaryFile: (file: string) => `${file}: looks like a binary file, expected text`,
  emptyFile: (file: string) => `${file}: the file is empty`,
  invalidUtf8: (file: string, byte: number, line: number) =>
    `${file}: invalid UTF-8 at byte ${byte} (line ${line}); expected UTF-8 text, save the file as UTF-8`,
  // tokens.ts
  tokenOutsideVocab: (file: string, id: number, position: number, vocabSize: number) =>
    `${file}: token id ${id} at position ${position} is outside the model's vocabulary of ${vocabSize}`,
  tokenFileOddLength: (file: string, bytes: number) =>
    `${file}: ${bytes} bytes is an odd length; expected little-endian uint16 token ids, 2 bytes each`,
};

const es: typeof en = {
  // blocks.ts
  theDataset: () => 'el conjunto de datos',
  blockSizeNotPositive: (source, size) => `${source}: el tamaño de bloque debe ser un entero positivo, pero es ${size}`,
  blocksTruncated: (source, block, count, size, tokens) =>
    `${source}: se nombra el bloque ${block}, pero solo hay ${count} bloques de ${size} tokens (${tokens} tokens): los bloques están truncados`,
  // csv.ts (noDocuments: documents.ts too)
  noDocuments: (file) => `${file}: no se encontró ningún documento`,
  csvRowNoValue: (file, row, column) => `${file}: la fila de datos ${row} (tras la cabecera) no tiene valor en la columna '${column}'`,
  csvQuotes: (file, line, code, message) =>
    `${file}:${line === null ? '' : ` línea ${line}:`} ${QUOTES_ES[code] ?? message}; revisa las comillas del CSV`,
  csvNoColumn: (file, column, columns) =>
    `${file}: la línea 1 (la cabecera) no tiene la columna '${column}'; columnas encontradas: ${columns || '(ninguna)'}. Elige entre ellas la columna de texto.`,
  // dataset.ts
  noBlock: (files, tokens, blockSize) =>
    `${files}: ${tokens} tokens no llegan a formar un bloque de block_size ${blockSize}; añade texto o reduce el tamaño de bloque`,
  noTrainingFiles: () => 'no se ha indicado ningún archivo de entrenamiento',
  // documents.ts
  noMboxFrom: (file) => `${file}: no se encontró ninguna línea "From "; se esperaba un buzón mbox`,
  tokenFileNotDocuments: (file) => `${file}: es un archivo de tokens ya tokenizado, no de documentos (léelo con readTokenFile)`,
  unsupportedType: (file, ext, supported) =>
    `${file}: el tipo de archivo '${ext || '(sin extensión)'}' no está admitido; se admiten: ${supported} y los archivos de tokens .u16`,
  // jsonl.ts: places in a .json file, then what is wrong there
  jsonRecord: (file, record) => `${file}: registro ${record}`,
  jsonListRecord: (file, key, record) => `${file}: registro ${record} de "${key}"`,
  jsonLineMalformed: (file, line, why) => `${file}:${line}: JSON mal formado (${why}); se esperaba un objeto JSON por línea`,
  jsonMalformed: (file, why) => `${file}: JSON mal formado (${why})`,
  jsonNoColumn: (file, column, keys) =>
    `${file}: no hay columna '${column}' ni una única lista de registros; claves encontradas: ${keys || '(ninguna)'}`,
  jsonNotArrayOrObject: (file, found) => `${file}: se esperaba un array JSON de objetos o un objeto, pero se encontró ${typeEs(found)}`,
  jsonNotObject: (where, found) => `${where}: se esperaba un objeto JSON, pero se encontró ${typeEs(found)}`,
  jsonNoField: (where, column, fields) => `${where}: no hay campo '${column}'; campos encontrados: ${fields || '(ninguno)'}`,
  jsonFieldNotString: (where, column, found) => `${where}, campo '${column}': se esperaba un string, pero se encontró ${typeEs(found)}`,
  jsonColumnRowNotString: (file, row, column, found) =>
    `${file}: fila ${row} de la columna '${column}': se esperaba un string, pero se encontró ${typeEs(found)}`,
  // text.ts (emptyFile: tokens.ts too)
  cannotRead: (file, why) => `${file}: no se puede leer (${why})`,
  binaryFile: (file) => `${file}: parece un archivo binario; se esperaba texto`,
  emptyFile: (file) => `${file}: el archivo está vacío`,
  invalidUtf8: (file, byte, line) =>
    `${file}: UTF-8 no válido en el byte ${byte} (línea ${line}); se esperaba texto UTF-8, guarda el archivo como UTF-8`,
  // tokens.ts
  tokenOutsideVocab: (file, id, position, vocabSize) =>
    `${file}: el id de token ${id} en la posición ${position} está fuera del vocabulario del modelo, de ${vocabSize} tokens`,
  tokenFileOddLength: (file, bytes) =>
    `${file}: ${bytes} bytes es una longitud impar; se esperaban ids de token uint16 little-endian, de 2 bytes cada uno`,
};

export const { catalog: dataCatalog, say: sayData } = catalog('data', { en, es });
