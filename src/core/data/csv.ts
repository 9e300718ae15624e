import Papa from 'papaparse';
import { DataError } from './types';

/**
 * Documents from the column `column` of a CSV (or TSV) text with a header row, as Hugging Face's csv loader
 * reads it. papaparse handles quoting, quoted newlines and CRLF; the delimiter is fixed rather than guessed,
 * since a text column full of ";" or "|" can fool delimiter detection.
 */
export function readCsv(text: string, name: string, column: string, delimiter = ','): string[] {
  const result = Papa.parse<Record<string, string | undefined>>(text, { header: true, delimiter, skipEmptyLines: true });
  const fields = result.meta.fields ?? [];
  if (!fields.includes(column)) {
    throw new DataError(
      `${name}: line 1 (the header) has no column '${column}'; columns found: ${fields.join(', ') || '(none)'}. ` +
        'Choose the text column among them.',
    );
  }
  // An unterminated or malformed quote swallows the rest of the file into one field: refuse it. Rows with
  // too few or too many fields are fine as long as the text column is there (checked below).
  const quoteError = result.errors.find((e) => e.type === 'Quotes');
  if (quoteError) {
    const line = quoteError.index === undefined ? '' : ` line ${text.slice(0, quoteError.index).split('\n').length}:`;
    throw new DataError(`${name}:${line} ${quoteError.message}; check the CSV quoting`);
  }
  return result.data.map((row, i) => {
    const value = row[column];
    if (typeof value !== 'string') {
      throw new DataError(`${name}: data row ${i + 1} (after the header) has no value in column '${column}'`);
    }
    return value;
  });
}
