// Writing folders so that no reader ever sees a half-written one: files go to a temporary sibling first and are
// renamed into place (rename is atomic on POSIX file systems). A process killed mid-save leaves at most a
// `.tmp-*` folder behind, which loading ignores.
import { mkdir, rename, rm, writeFile, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FileData, FolderFiles } from '../core/io/files';

/** Bytes as they are; a stream chunk by chunk, so a large file is never whole in memory. */
const contents = (f: FileData) => (f instanceof Uint8Array ? f : f.chunks());

/** Writes `files` (names relative to `dir`) as the folder `dir`, replacing an older one of that name only once the new one is complete. */
export async function writeFolderAtomic(dir: string, files: FolderFiles): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { recursive: true });
  for (const [name, data] of files) {
    // A name may hold folders (model/config.json in a Python export).
    if (name.includes('/')) await mkdir(path.dirname(path.join(tmp, name)), { recursive: true });
    await writeFile(path.join(tmp, name), contents(data));
  }
  const old = `${dir}.old-${process.pid}`;
  const exists = await stat(dir).then(() => true, () => false);
  if (exists) await rename(dir, old);
  await rename(tmp, dir);
  if (exists) await rm(old, { recursive: true, force: true });
}

/** Writes each file next to its final name, then renames it over: every file is whole or absent. */
export async function writeFilesAtomic(dir: string, files: FolderFiles): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, data] of files) {
    const tmp = path.join(dir, `.${name}.tmp-${process.pid}`);
    await writeFile(tmp, contents(data));
    await rename(tmp, path.join(dir, name));
  }
}

/** The files of `dir`, whole (only those named in `only`, when given). */
export async function readFolder(dir: string, only?: readonly string[]): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const name of await readdir(dir)) {
    const p = path.join(dir, name);
    if ((!only || only.includes(name)) && (await stat(p)).isFile()) out.set(name, new Uint8Array(await readFile(p)));
  }
  return out;
}

/** True when `dir` exists and holds anything. */
export async function isNonEmptyDir(dir: string): Promise<boolean> {
  return readdir(dir).then((f) => f.length > 0, () => false);
}
