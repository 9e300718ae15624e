// Files the user picked or dropped for a model, read on the page (asynchronously) and handed to the worker without
// copying. (Dataset files go to the worker as File objects, which it streams.)
import * as Comlink from 'comlink';
import type { DataFile } from '../worker/protocol';

export async function readFiles(files: File[]): Promise<DataFile[]> {
  const read = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
  return Comlink.transfer(read, read.map((f) => f.bytes.buffer));
}
