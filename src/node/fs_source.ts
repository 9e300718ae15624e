// A model folder on disk, for the CLI, tests and benchmarks (Node only; the browser uses memorySource/urlSource).
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FileSource } from '../core/io/model_folder';
import { ModelFileError } from '../core/errors';

export async function dirSource(dir: string): Promise<FileSource> {
  const s = await stat(dir).catch(() => null);
  if (!s?.isDirectory()) throw new ModelFileError(`${dir}: not a directory (expected a Hugging Face model folder)`);
  return {
    location: dir,
    async read(file) {
      try {
        const b = await readFile(path.join(dir, file));
        return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
    },
  };
}
