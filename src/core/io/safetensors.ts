// safetensors reading and writing (https://github.com/huggingface/safetensors): an 8-byte little-endian header
// length, a JSON header {name: {dtype, shape, data_offsets}}, then the raw little-endian data. Small enough to
// write here; the npm packages for it are either Node-only or do not upcast F16/BF16.

import { ModelFileError } from '../errors';
import type { Said } from '../messages';
import { jsonText } from './json';
import { sayIo } from './messages';
import type { ByteStream } from './files';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'I32' | 'I64' | 'U8' | 'BOOL' | 'F64' | 'I16' | 'U16' | 'I8';
const DTYPE_BYTES: Record<string, number> = { F64: 8, I64: 8, F32: 4, I32: 4, F16: 2, BF16: 2, I16: 2, U16: 2, U8: 1, I8: 1, BOOL: 1 };

export interface TensorInfo { dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }

export interface SafetensorsFile {
  metadata: Record<string, string>;
  tensors: Map<string, TensorInfo>;
  /** A float tensor as float32 (F16 and BF16 are upcast): a view into the file's bytes where F32 is aligned. */
  float32(name: string): Float32Array;
  int32(name: string): Int32Array;
}

/** Parses a whole safetensors file held in memory. `fileName` only names the file in error messages. */
export function parseSafetensors(bytes: Uint8Array, fileName = 'model.safetensors'): SafetensorsFile {
  const fail = (said: Said): never => { throw new ModelFileError(said); };
  if (bytes.byteLength < 8) fail(sayIo('tooShort', fileName, bytes.byteLength));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen < 2 || headerLen > 100_000_000 || 8 + headerLen > bytes.byteLength) {
    fail(sayIo('badHeaderLength', fileName, headerLen, bytes.byteLength));
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch {
    return fail(sayIo('headerNotJson', fileName));
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return fail(sayIo('headerNotObject', fileName));
  const dataStart = 8 + headerLen;
  const dataLen = bytes.byteLength - dataStart;
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') { metadata = raw as Record<string, string>; continue; }
    const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof info !== 'object' || info === null) fail(sayIo('tensorUndescribed', fileName, name));
    const { dtype, shape, data_offsets: off } = info;
    if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) fail(sayIo('tensorDtypeUnsupported', fileName, name, jsonText(dtype)));
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) fail(sayIo('tensorShapeMalformed', fileName, name));
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isInteger(d) && d >= 0) || off[0] > off[1]) {
      fail(sayIo('tensorOffsetsMalformed', fileName, name));
    }
    const [b, e] = off as number[];
    const count = (shape as number[]).reduce((a, d) => a * d, 1);
    if (e - b !== count * DTYPE_BYTES[dtype as string]) fail(sayIo('tensorBytes', fileName, name, e - b, String(shape), dtype as string));
    if (e > dataLen) fail(sayIo('truncated', fileName, name, dataStart + e, bytes.byteLength));
    tensors.set(name, { dtype: dtype as SafetensorsDtype, shape: shape as number[], begin: dataStart + b, end: dataStart + e });
  }
  const get = (name: string) => tensors.get(name) ?? fail(sayIo('noTensor', fileName, name));
  return {
    metadata,
    tensors,
    float32(name) {
      const t = get(name);
      const n = (t.end - t.begin) / DTYPE_BYTES[t.dtype];
      const src = new DataView(bytes.buffer, bytes.byteOffset + t.begin, t.end - t.begin);
      if (t.dtype === 'F32') {
        // A view when the tensor is 4-byte aligned in memory (safetensors pads its header to 8 bytes, so it
        // usually is): loading GPT-2 124M then copies its 498 MB once, into the backend, not twice. Otherwise
        // the bytes are copied; either way it is a plain little-endian Float32Array.
        const at = bytes.byteOffset + t.begin;
        if (at % 4 === 0) return new Float32Array(bytes.buffer, at, n);
        const out = new Float32Array(n);
        new Uint8Array(out.buffer).set(bytes.subarray(t.begin, t.end));
        return out;
      }
      const out = new Float32Array(n);
      if (t.dtype === 'F16') {
        for (let i = 0; i < n; i++) out[i] = halfToFloat(src.getUint16(2 * i, true));
      } else if (t.dtype === 'BF16') {
        const u32 = new Uint32Array(out.buffer);
        for (let i = 0; i < n; i++) u32[i] = src.getUint16(2 * i, true) << 16;
      } else {
        fail(sayIo('notFloat', fileName, name, t.dtype));
      }
      return out;
    },
    int32(name) {
      const t = get(name);
      if (t.dtype !== 'I32') fail(sayIo('notInt32', fileName, name, t.dtype));
      const out = new Int32Array((t.end - t.begin) / 4);
      new Uint8Array(out.buffer).set(bytes.subarray(t.begin, t.end));
      return out;
    },
  };
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** A float32 tensor to write: its shape, and its data, produced only when the file is written (in pieces if it likes). */
export interface TensorToWrite { shape: number[]; data(): Iterable<Float32Array> | AsyncIterable<Float32Array> }

/**
 * The start of a float32 safetensors file (the 8-byte header length and the JSON header, keys sorted as
 * `save_pretrained` writes them), the order the tensors' data follows in, and the file's size.
 */
function header(shapes: Map<string, number[]>, metadata: Record<string, string> = { format: 'pt' }) {
  const names = [...shapes.keys()].sort();
  const json: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const name of names) {
    const bytes = 4 * shapes.get(name)!.reduce((a, d) => a * d, 1);
    json[name] = { dtype: 'F32', shape: shapes.get(name), data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const text = new TextEncoder().encode(JSON.stringify(json));
  // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
  const padded = text.length + ((8 - (text.length % 8)) % 8);
  const bytes = new Uint8Array(8 + padded).fill(0x20);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(padded), true);
  bytes.set(text, 8);
  return { bytes, names, size: bytes.length + offset };
}

const asBytes = (d: Float32Array) => new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

/**
 * A float32 safetensors file as a stream: the header, then each tensor's bytes as its data is produced, so that a
 * large file (a checkpoint's optimizer state is twice the model) never exists whole in memory.
 */
export function safetensorsStream(tensors: Map<string, TensorToWrite>, metadata?: Record<string, string>): ByteStream {
  const h = header(new Map([...tensors].map(([n, t]) => [n, t.shape])), metadata);
  return {
    size: h.size,
    async *chunks() {
      yield h.bytes;
      for (const name of h.names) {
        const t = tensors.get(name)!;
        let n = 0;
        for await (const d of t.data()) { n += d.length; yield asBytes(d); }
        // A short tensor would shift every later offset: a corrupt file, which must not be written.
        const want = t.shape.reduce((a, x) => a * x, 1);
        if (n !== want) throw new Error(`safetensors: tensor "${name}" produced ${n} values for shape [${t.shape}] (${want})`);
      }
    },
  };
}

/** Serializes float32 tensors held in memory as one safetensors F32 buffer. */
export function writeSafetensors(tensors: Record<string, { shape: number[]; data: Float32Array }>, metadata?: Record<string, string>): Uint8Array {
  const h = header(new Map(Object.entries(tensors).map(([n, t]) => [n, t.shape])), metadata);
  const out = new Uint8Array(h.size);
  out.set(h.bytes);
  let at = h.bytes.length;
  for (const name of h.names) {
    out.set(asBytes(tensors[name].data), at);
    at += tensors[name].data.byteLength;
  }
  return out;
}
