import { DataError, type DataFile } from './types';
import { extensionOf } from './text';
import { sayData } from './messages';

/** Pre-tokenized files: raw little-endian uint16 token ids (nanoGPT's train.bin), no header. */
export function isTokenFile(name: string): boolean {
  return extensionOf(name) === '.u16';
}

/**
 * Token ids in one typed array that grows by doubling: 2 bytes an id when the vocabulary fits uint16 (GPT-2's
 * 50,257 does), else 4. A 300 MB text is ~75M ids: as number[] that would be 600 MB and more.
 */
export class TokenBuffer {
  private buf: Uint16Array | Int32Array;
  length = 0;

  constructor(vocabSize: number, capacity = 1 << 16) {
    this.buf = vocabSize <= 65536 ? new Uint16Array(capacity) : new Int32Array(capacity);
  }

  push(ids: ArrayLike<number>): void {
    this.reserve(ids.length);
    this.buf.set(ids, this.length);
    this.length += ids.length;
  }

  pushOne(id: number): void {
    this.reserve(1);
    this.buf[this.length++] = id;
  }

  /** The ids so far (a view: valid until the next push). */
  ids(): Uint16Array | Int32Array {
    return this.buf.subarray(0, this.length);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const bigger = new (this.buf.constructor as Uint16ArrayConstructor | Int32ArrayConstructor)(Math.max(2 * this.buf.length, this.length + n));
    bigger.set(this.buf.subarray(0, this.length));
    this.buf = bigger;
  }
}

/**
 * A .u16 token file as its chunks arrive: push() each chunk (an id may be cut between two), then end(), which
 * checks the length. Ids must be below vocabSize; the message gives the position of the first that is not.
 */
export class TokenFileReader {
  private odd: number | null = null; // the first byte of an id cut between chunks
  private bytes = 0;
  /** where this file's ids begin in `out` */
  private readonly start: number;

  constructor(private readonly name: string, private readonly out: TokenBuffer, private readonly vocabSize = 65536) {
    this.start = out.length;
  }

  push(chunk: Uint8Array): void {
    let at = 0;
    const first = this.out.length;
    if (this.odd !== null && chunk.length > 0) {
      this.out.pushOne(this.odd | (chunk[0] << 8));
      this.odd = null;
      at = 1;
    }
    const whole = (chunk.length - at) >> 1;
    // Little-endian by the file format, whatever the machine: a DataView reads it so.
    const view = new DataView(chunk.buffer, chunk.byteOffset + at, whole * 2);
    const ids = new Uint16Array(whole);
    for (let i = 0; i < whole; i++) ids[i] = view.getUint16(2 * i, true);
    this.out.push(ids);
    if (at + 2 * whole < chunk.length) this.odd = chunk[chunk.length - 1];
    this.bytes += chunk.length;
    const all = this.out.ids();
    for (let i = first; i < all.length; i++) {
      if (all[i] >= this.vocabSize) {
        throw new DataError(sayData('tokenOutsideVocab', this.name, all[i], i - this.start, this.vocabSize));
      }
    }
  }

  end(): void {
    if (this.bytes === 0) throw new DataError(sayData('emptyFile', this.name));
    if (this.odd !== null) {
      throw new DataError(sayData('tokenFileOddLength', this.name, this.bytes));
    }
  }
}

/** A whole .u16 file held in memory (the CLI's --tokens_file). */
export function readTokenFile(file: DataFile, vocabSize = 65536): Uint16Array {
  const out = new TokenBuffer(65536, Math.max(1, file.bytes.length >> 1));
  const reader = new TokenFileReader(file.name, out, vocabSize);
  reader.push(file.bytes);
  reader.end();
  return out.ids() as Uint16Array;
}
