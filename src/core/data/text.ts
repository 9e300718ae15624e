import { DataError, type DataFile } from './types';

/** Lower-case extension of a file name (path allowed), with the dot: "a/B.JSONL" -> ".jsonl". */
export function extensionOf(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

// Binary files give a clear message instead of gibberish documents. A NUL byte never occurs in text;
// otherwise we look at control characters, which text (in any ASCII-compatible charset) rarely has.
const SAMPLE_BYTES = 64 * 1024;
const MAX_CONTROL_FRACTION = 0.1;

export function checkTextBytes(file: DataFile): void {
  const { name, bytes } = file;
  if (bytes.length === 0) throw new DataError(`${name}: the file is empty`);
  const sample = bytes.subarray(0, SAMPLE_BYTES);
  let control = 0;
  for (const b of sample) {
    // tab, LF, VT, FF, CR, ESC (ANSI colours) and backspace are seen in real text files
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0b && b !== 0x0c && b !== 0x0d && b !== 0x1b && b !== 0x08) control++;
  }
  if (bytes.indexOf(0) >= 0 || control > sample.length * MAX_CONTROL_FRACTION) {
    throw new DataError(`${name}: looks like a binary file, expected text`);
  }
}

/** The file as UTF-8 text (a leading BOM is dropped), or a DataError saying where it is not. */
export function decodeText(file: DataFile): string {
  checkTextBytes(file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(file.bytes);
  } catch {
    const offset = invalidUtf8Offset(file.bytes);
    let line = 1;
    for (let i = 0; i < offset; i++) if (file.bytes[i] === 0x0a) line++;
    throw new DataError(
      `${file.name}: invalid UTF-8 at byte ${offset} (line ${line}); expected UTF-8 text, save the file as UTF-8`,
    );
  }
}

/**
 * Where the first bad UTF-8 sequence starts. TextDecoder does not say, so binary-search the shortest prefix
 * that fails in streaming mode (which tolerates a sequence cut off at the end), then step back to the last
 * complete character: the bad sequence began there.
 */
function invalidUtf8Offset(bytes: Uint8Array): number {
  const fails = (n: number, stream: boolean) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n), { stream });
      return false;
    } catch {
      return true;
    }
  };
  let lo = 0;
  let hi = bytes.length + 1; // "fails at length+1" stands for a sequence truncated by the end of the file
  while (lo + 1 < hi) {
    const mid = (lo + hi) >>> 1;
    if (fails(mid, true)) hi = mid;
    else lo = mid;
  }
  let start = hi - 1;
  while (start > 0 && fails(start, false)) start--;
  return start;
}
