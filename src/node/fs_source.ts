// Files on disk for the CLI, tests and benchmarks (Node only): a model folder (the browser uses
// memorySource/urlSource) and dataset files, which are streamed, never read whole.
import { openAsBlob } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FileSource } from '../core/io/model_folder';
import { ModelFileError } from '../core/errors';
import { DataError, type StreamedFile } from '../core/data';

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

/** A dataset file on disk, read in chunks as the core asks for them (a Blob backed by the file, as a browser File is). */
export async function openDataFile(p: string): Promise<StreamedFile> {
  const fail = (e: NodeJS.ErrnoException) => {
    throw new DataError(`${p}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  };
  const s = await stat(p).catch(fail);
  if (s.isDirectory()) throw new DataError(`${p}: is a directory, expected a file`);
  const blob = await openAsBlob(p).catch(fail);
  return { name: path.basename(p), size: blob.size, stream: () => blob.stream() as ReadableStream<Uint8Array> };
}
