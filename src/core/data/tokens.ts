import { DataError, type DataFile } from './types';
import { extensionOf } from './text';

/** Pre-tokenized files: raw little-endian uint16 token ids (nanoGPT's train.bin), no header. */
export function isTokenFile(name: string): boolean {
  return extensionOf(name) === '.u16';
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function readTokenFile(file: DataFile): Uint16Array {
  const { name, bytes } = file;
  if (bytes.length === 0) throw new DataError(`${name}: the file is empty`);
  if (bytes.length % 2 !== 0) {
    throw new DataError(`${name}: ${bytes.length} bytes is an odd length; expected little-endian uint16 token ids, 2 bytes each`);
  }
  // Copy (which also aligns the buffer) so the caller owns its ids; byte-swap only on a big-endian machine.
  const ids = new Uint16Array(bytes.slice().buffer);
  if (!LITTLE_ENDIAN) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < ids.length; i++) ids[i] = view.getUint16(2 * i, true);
  }
  return ids;
}

/**
 * Token ids of all documents, each followed by eosId (as the fixtures' .u16 files and GPT-2 pretraining
 * separate documents), concatenated. onProgress(done, total) is called about a hundred times at most, so a
 * worker can post it without flooding the UI.
 */
export function tokenizeDocuments(
  docs: string[],
  encode: (t: string) => number[],
  eosId: number,
  onProgress?: (done: number, total: number) => void,
): Uint32Array {
  const every = Math.max(1, Math.ceil(docs.length / 100));
  const parts: number[][] = [];
  let length = 0;
  docs.forEach((doc, i) => {
    const ids = encode(doc);
    parts.push(ids);
    length += ids.length + 1;
    if (onProgress && ((i + 1) % every === 0 || i + 1 === docs.length)) onProgress(i + 1, docs.length);
  });
  const out = new Uint32Array(length);
  let offset = 0;
  for (const ids of parts) {
    out.set(ids, offset);
    out[offset + ids.length] = eosId;
    offset += ids.length + 1;
  }
  return out;
}
