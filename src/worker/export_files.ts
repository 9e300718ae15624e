// Where a model folder goes when it leaves the worker: files in a folder (the origin private file system, or one the
// user picked with the File System Access API), or one zip. Both take the files as streams, a piece at a time, so
// that no second copy of the weights is ever made whole: a folder's files are written through createWritable (the
// browser swaps each in when it is closed), and a zip's pieces go into the browser's blob storage as they are made.
import type { FileData, FolderFiles } from '../core/io/files';
import { zipStream } from '../core/io/zip_stream';

/** Writes one file; returns the bytes written, which the run store records to check the file against later. */
export async function writeFile(dir: FileSystemDirectoryHandle, name: string, data: FileData): Promise<number> {
  const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
  let size = 0;
  try {
    if (data instanceof Uint8Array) { await w.write(data as Uint8Array<ArrayBuffer>); size = data.byteLength; } else {
      for await (const chunk of data.chunks()) { await w.write(chunk as Uint8Array<ArrayBuffer>); size += chunk.byteLength; }
    }
    await w.close();
  } catch (e) {
    // The file as it was stays (createWritable writes a copy): nothing half-written is left under its name.
    await w.abort().catch(() => {});
    throw e;
  }
  return size;
}

export async function writeFolder(dir: FileSystemDirectoryHandle, files: FolderFiles): Promise<void> {
  for (const [name, data] of files) await writeFile(dir, name, data);
}

/** The folder as a zip Blob, built from the zip's pieces as they are made. */
export async function zipBlob(files: FolderFiles): Promise<Blob> {
  const parts: Blob[] = [];
  for await (const chunk of zipStream(files)) parts.push(new Blob([chunk as Uint8Array<ArrayBuffer>]));
  return new Blob(parts, { type: 'application/zip' });
}
