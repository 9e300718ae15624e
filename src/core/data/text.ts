// Reading a dataset file as a stream of chunks: bytes (checked for emptiness and binary content) or UTF-8 text,
// decoded as the chunks arrive so that a file of hundreds of MB is never held whole.
import { DataError, type DatasetFile, type StreamedFile } from './types';
import { sayData } from './messages';

/** Lower-case extension of a file name (path allowed), with the dot: "a/B.JSONL" -> ".jsonl". */
export function extensionOf(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

// (Not `'bytes' in file`: a File has a bytes() method in current browsers and Node.)
const isStreamed = (file: DatasetFile): file is StreamedFile => typeof (file as StreamedFile).stream === 'function';

export const fileSize = (file: DatasetFile): number => (isStreamed(file) ? file.size : file.bytes.length);

/** Bytes held whole are cut into pieces of this size, so that they stream (and report progress) like a File. */
const CHUNK_BYTES = 1 << 20;

/** The file's bytes in chunks; onBytes(n) after each chunk of n bytes is taken. */
export async function* fileChunks(file: DatasetFile, onBytes?: (n: number) => void): AsyncGenerator<Uint8Array> {
  if (!isStreamed(file)) {
    for (let at = 0; at < file.bytes.length; at += CHUNK_BYTES) {
      const chunk = file.bytes.subarray(at, at + CHUNK_BYTES);
      yield chunk;
      onBytes?.(chunk.length);
    }
    return;
  }
  const reader = file.stream().getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) { finished = true; return; }
      if (value.length === 0) continue;
      yield value;
      onBytes?.(value.length);
    }
  } catch (e) {
    finished = true;
    if (e instanceof DataError) throw e;
    throw new DataError(sayData('cannotRead', file.name, (e as Error).message));
  } finally {
    // The consumer stopped early (an error in the data): close the file.
    if (!finished) await reader.cancel().catch(() => {});
  }
}

// Binary files give a clear message instead of gibberish documents. A NUL byte never occurs in text (checked in
// every chunk); otherwise we look at control characters in the first 64 KiB, which text (in any ASCII-compatible
// charset) rarely has.
const SAMPLE_BYTES = 64 * 1024;
const MAX_CONTROL_FRACTION = 0.1;

function looksBinary(sample: Uint8Array): boolean {
  let control = 0;
  for (const b of sample) {
    // tab, LF, VT, FF, CR, ESC (ANSI colours) and backspace are seen in real text files
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0b && b !== 0x0c && b !== 0x0d && b !== 0x1b && b !== 0x08) control++;
  }
  return control > sample.length * MAX_CONTROL_FRACTION;
}

/** fileChunks, refusing an empty file and a binary one (a DataError naming the file). */
export async function* textByteChunks(file: DatasetFile, onBytes?: (n: number) => void): AsyncGenerator<Uint8Array> {
  const binary = () => new DataError(sayData('binaryFile', file.name));
  let head: Uint8Array[] | null = []; // the first chunks, held until they make the sample
  let headBytes = 0;
  for await (const chunk of fileChunks(file, onBytes)) {
    if (chunk.indexOf(0) >= 0) throw binary();
    if (head === null) {
      yield chunk;
      continue;
    }
    head.push(chunk);
    headBytes += chunk.length;
    if (headBytes < SAMPLE_BYTES) continue;
    if (looksBinary(concatBytes(head).subarray(0, SAMPLE_BYTES))) throw binary();
    yield* head;
    head = null;
  }
  if (head === null) return;
  if (headBytes === 0) throw new DataError(sayData('emptyFile', file.name));
  if (looksBinary(concatBytes(head))) throw binary();
  yield* head;
}

/**
 * The file as UTF-8 text in pieces (a leading BOM is dropped; a character cut between chunks is joined), or a
 * DataError saying where it is not UTF-8: the byte offset and line of the first bad sequence.
 */
export async function* textChunks(file: DatasetFile, onBytes?: (n: number) => void): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0; // bytes before `chunk`
  let lines = 1; // line number at `offset`
  let tail: Uint8Array = new Uint8Array(0); // the last bytes before `chunk`, which may start a character it ends
  const fail = (window: Uint8Array, windowOffset: number, linesBefore: number): never => {
    const at = invalidUtf8Offset(window);
    let line = linesBefore;
    for (let i = 0; i < at; i++) if (window[i] === LF) line++;
    throw new DataError(sayData('invalidUtf8', file.name, windowOffset + at, line));
  };
  for await (const chunk of textByteChunks(file, onBytes)) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      const window = concatBytes([tail, chunk]);
      fail(window, offset - tail.length, lines - countLines(tail));
    }
    yield text!;
    tail = incompleteTail(chunk, tail);
    offset += chunk.length;
    lines += countLines(chunk);
  }
  try {
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch {
    fail(tail, offset - tail.length, lines - countLines(tail)); // a character cut off by the end of the file
  }
}

const LF = 0x0a;

function countLines(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(LF); i >= 0; i = bytes.indexOf(LF, i + 1)) n++;
  return n;
}

/**
 * The bytes at the end of what was decoded so far that may begin a character not yet complete: at most the last
 * 3, without leading continuation bytes (those end a character that began, complete, before them).
 */
function incompleteTail(chunk: Uint8Array, previous: Uint8Array): Uint8Array {
  const last = chunk.length >= 3 ? chunk.subarray(chunk.length - 3) : concatBytes([previous, chunk]).slice(-3);
  let start = 0;
  while (start < last.length && (last[start] & 0xc0) === 0x80) start++;
  return last.slice(start);
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/**
 * Where the first bad UTF-8 sequence of `bytes` starts (bytes that begin at a character boundary). TextDecoder
 * does not say, so binary-search the shortest prefix that fails in streaming mode (which tolerates a sequence cut
 * off at the end), then step back to the last complete character: the bad sequence began there.
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
  let hi = bytes.length + 1; // "fails at length+1" stands for a sequence truncated by the end of the bytes
  while (lo + 1 < hi) {
    const mid = (lo + hi) >>> 1;
    if (fails(mid, true)) hi = mid;
    else lo = mid;
  }
  let start = hi - 1;
  while (start > 0 && fails(start, false)) start--;
  return start;
}
