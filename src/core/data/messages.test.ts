// The dataset readers' errors carry their sentence as data, which the page words in Spanish (the English, their
// `message`, is what the other tests of this folder check).
import { describe, expect, it } from 'vitest';
import { wordIn } from '../messages';
import { CATALOGS } from '../../worker/catalogs';
import { checkBlockDataset, DataError, groupFiles, readDocuments, readTokenFile } from './index';

const bytes = (text: string | number[]) => (typeof text === 'string' ? new TextEncoder().encode(text) : new Uint8Array(text));

/** The error `f` throws (or rejects with), in English and Spanish. */
async function said(f: () => unknown): Promise<{ en: string; es: string }> {
  const e = await (async () => f())().then(() => null, (e: unknown) => e);
  expect(e).toBeInstanceOf(DataError);
  const { message, said } = e as DataError;
  expect(said?.domain).toBe('data');
  return { en: message, es: wordIn(said!, 'es', CATALOGS) };
}
const read = (name: string, text: string | number[]) => () => readDocuments({ name, bytes: bytes(text) });

describe('data messages in Spanish', () => {
  it('words a CSV without the text column, and a broken quote by its papaparse code', async () => {
    expect(await said(read('a.csv', 'x,y\n1,2\n'))).toEqual({
      en: "a.csv: line 1 (the header) has no column 'text'; columns found: x, y. Choose the text column among them.",
      es: "a.csv: la línea 1 (la cabecera) no tiene la columna 'text'; columnas encontradas: x, y. Elige entre ellas la columna de texto.",
    });
    expect((await said(read('a.csv', 'text\n"abc\n'))).es).toBe('a.csv: línea 2: un campo entre comillas no se cierra; revisa las comillas del CSV');
  });

  it('words the place in a JSON file and the type found', async () => {
    expect(await said(read('a.json', '[{"text":"a"},{"text":[1]}]'))).toEqual({
      en: "a.json: record 2 field 'text': expected a string, found an array",
      es: "a.json: registro 2, campo 'text': se esperaba un string, pero se encontró un array",
    });
    expect((await said(read('a.json', '{"data":[{"t":1}]}'))).es).toBe(`a.json: registro 1 de "data": no hay campo 'text'; campos encontrados: t`);
    expect((await said(read('a.jsonl', '{"text":5}\n'))).es).toBe("a.jsonl:1, campo 'text': se esperaba un string, pero se encontró un número");
    expect((await said(read('a.json', '{}'))).es).toBe("a.json: no hay columna 'text' ni una única lista de registros; claves encontradas: (ninguna)");
  });

  it('words text, document and token file problems', async () => {
    expect((await said(read('a.txt', [0x61, 0x0a, 0xff]))).es).toBe(
      'a.txt: UTF-8 no válido en el byte 2 (línea 2); se esperaba texto UTF-8, guarda el archivo como UTF-8',
    );
    expect((await said(read('notas', 'hola'))).es).toBe(
      "notas: el tipo de archivo '(sin extensión)' no está admitido; se admiten: .txt, .jsonl, .json, .csv, .tsv, .mbox, .eml y los archivos de tokens .u16",
    );
    expect((await said(read('a.txt', ''))).es).toBe('a.txt: el archivo está vacío');
    expect((await said(() => readDocuments({ name: 'b.txt', bytes: bytes('\n\n') }, { textSeparator: '\n' }))).es).toBe(
      'b.txt: no se encontró ningún documento',
    );
    expect((await said(() => readTokenFile({ name: 't.u16', bytes: bytes([1, 0, 0xff, 0xff]) }, 100))).es).toBe(
      't.u16: el id de token 65535 en la posición 1 está fuera del vocabulario del modelo, de 100 tokens',
    );
  });

  it('words blocks: none made, and a truncated dataset named by default', async () => {
    expect((await said(() => groupFiles([1, 2], 8, [{ name: 'a.txt' }]))).es).toBe(
      'a.txt: 2 tokens no llegan a formar un bloque de block_size 8; añade texto o reduce el tamaño de bloque',
    );
    expect(await said(() => checkBlockDataset({ blocks: new Int32Array(5), blockSize: 2, train: [2], validation: [] }))).toEqual({
      en: 'the dataset: block 2 is named but only 2 blocks of 2 tokens are there (5 tokens): the blocks are truncated',
      es: 'el conjunto de datos: se nombra el bloque 2, pero solo hay 2 bloques de 2 tokens (5 tokens): los bloques están truncados',
    });
  });
});
