// safetensors reading and writing (https://github.com/huggingface/safetensors): an 8-byte little-endian header
// length, a JSON header {name: {dtype, shape, data_offsets}}, then the raw little-endian data. Small enough to
// write here; the npm packages for it are either Node-only or do not upcast F16/BF16.

import { ModelFileError } from '../errors';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'I32' | 'I64' | 'U8' | 'BOOL' | 'F64' | 'I16' | 'U16' | 'I8';
const DTYPE_BYTES: Record<string, number> = { F64: 8, I64: 8, F32: 4, I32: 4, F16: 2, BF16: 2, I16: 2, U16: 2, U8: 1, I8: 1, BOOL: 1 };

export interface TensorInfo { dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }

export interface SafetensorsFile {
  metadata: Record<string, string>;
  tensors: Map<string, TensorInfo>;
  /** Float32 copy of a float tensor (F32, F16 and BF16 are upcast). */
  float32(name: string): Float32Array;
  int32(name: string): Int32Array;
}

/** Parses a whole safetensors file held in memory. `fileName` only names the file in error messages. */
export function parseSafetensors(bytes: Uint8Array, fileName = 'model.safetensors'): SafetensorsFile {
  const fail = (what: string): never => { throw new ModelFileError(`${fileName}: ${what}`); };
  if (bytes.byteLength < 8) fail(`not a safetensors file (only ${bytes.byteLength} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen < 2 || headerLen > 100_000_000 || 8 + headerLen > bytes.byteLength) {
    fail(`not a safetensors file or truncated (header length ${headerLen}, file is ${bytes.byteLength} bytes)`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch {
    return fail('not a safetensors file (its header is not valid JSON)');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return fail('the header is not a JSON object');
  const dataStart = 8 + headerLen;
  const dataLen = bytes.byteLength - dataStart;
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') { metadata = raw as Record<string, string>; continue; }
    const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof info !== 'object' || info === null) fail(`tensor "${name}" has no description`);
    const { dtype, shape, data_offsets: off } = info;
    if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) fail(`tensor "${name}" has unsupported dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) fail(`tensor "${name}" has a malformed shape`);
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isInteger(d) && d >= 0) || off[0] > off[1]) {
      fail(`tensor "${name}" has malformed data_offsets`);
    }
    const [b, e] = off as number[];
    const count = (shape as number[]).reduce((a, d) => a * d, 1);
    if (e - b !== count * DTYPE_BYTES[dtype as string]) fail(`tensor "${name}": ${e - b} bytes do not hold shape [${shape}] of ${dtype}`);
    if (e > dataLen) fail(`truncated: tensor "${name}" ends at byte ${dataStart + e} but the file has ${bytes.byteLength}`);
    tensors.set(name, { dtype: dtype as SafetensorsDtype, shape: shape as number[], begin: dataStart + b, end: dataStart + e });
  }
  const get = (name: string) => tensors.get(name) ?? fail(`no tensor "${name}"`);
  return {
    metadata,
    tensors,
    float32(name) {
      const t = get(name);
      const n = (t.end - t.begin) / DTYPE_BYTES[t.dtype];
      const src = new DataView(bytes.buffer, bytes.byteOffset + t.begin, t.end - t.begin);
      const out = new Float32Array(n);
      if (t.dtype === 'F32') {
        // Copy bytes (the tensor may be unaligned inside the file) — then it is a plain little-endian view.
        new Uint8Array(out.buffer).set(bytes.subarray(t.begin, t.end));
      } else if (t.dtype === 'F16') {
        for (let i = 0; i < n; i++) out[i] = halfToFloat(src.getUint16(2 * i, true));
      } else if (t.dtype === 'BF16') {
        const u32 = new Uint32Array(out.buffer);
        for (let i = 0; i < n; i++) u32[i] = src.getUint16(2 * i, true) << 16;
      } else {
        fail(`tensor "${name}" is ${t.dtype}; expected a float tensor (F32, F16 or BF16)`);
      }
      return out;
    },
    int32(name) {
      const t = get(name);
      if (t.dtype !== 'I32') fail(`tensor "${name}" is ${t.dtype}; expected I32`);
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

/**
 * The layout of a float32 safetensors file: its header bytes and each tensor's byte offset, keys sorted as
 * `save_pretrained` writes them. Filling the data in tensor by tensor keeps one copy of the weights in memory.
 */
export function safetensorsLayout(shapes: Record<string, number[]>, metadata: Record<string, string> = { format: 'pt' }) {
  const names = Object.keys(shapes).sort();
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const at = new Map<string, number>();
  for (const name of names) {
    const bytes = 4 * shapes[name].reduce((a, d) => a * d, 1);
    header[name] = { dtype: 'F32', shape: shapes[name], data_offsets: [offset, offset + bytes] };
    at.set(name, offset);
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
  const headerBytes = new Uint8Array(json.length + ((8 - (json.length % 8)) % 8)).fill(0x20);
  headerBytes.set(json);
  const dataStart = 8 + headerBytes.length;
  const total = dataStart + offset;
  /** A file buffer with the header written; tensors go at `dataStart + at.get(name)`. */
  const allocate = () => {
    const out = new Uint8Array(total);
    new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
    out.set(headerBytes, 8);
    return out;
  };
  return { names, at, dataStart, total, allocate };
}

/** Serializes float32 tensors as safetensors F32. */
export function writeSafetensors(tensors: Record<string, { shape: number[]; data: Float32Array }>, metadata?: Record<string, string>): Uint8Array {
  const layout = safetensorsLayout(Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, t.shape])), metadata);
  const out = layout.allocate();
  for (const name of layout.names) {
    const d = tensors[name].data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), layout.dataStart + layout.at.get(name)!);
  }
  return out;
}
