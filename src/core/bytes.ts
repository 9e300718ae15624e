// A growable byte buffer: appends chunks, doubling its capacity as needed. Used where bytes arrive in pieces of
// unknown total (token bytes while decoding, a download's body).
export class ByteBuffer {
  private buf: Uint8Array<ArrayBuffer>;
  length = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  push(bytes: Uint8Array): void {
    if (this.length + bytes.length > this.buf.length) {
      const bigger = new Uint8Array(Math.max(2 * this.buf.length, this.length + bytes.length));
      bigger.set(this.buf.subarray(0, this.length));
      this.buf = bigger;
    }
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** The bytes so far (a view: valid until the next push). */
  bytes(): Uint8Array<ArrayBuffer> {
    return this.buf.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }
}
