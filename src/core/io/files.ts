// Files as the core hands them to its hosts (the CLI writes them to disk, the worker to the browser's storage or a
// zip): small ones as bytes, large ones as streams produced while they are written.

/** A file's bytes produced in order, piece by piece, when the file is written. */
export interface ByteStream { readonly size: number; chunks(): AsyncIterable<Uint8Array> }

/** A file: its bytes, or for the large ones (weights, optimizer state) a stream, so no copy of them is ever whole. */
export type FileData = Uint8Array | ByteStream;
export type FolderFiles = Map<string, FileData>;

/** A JSON file as Hugging Face writes them: indented by 2, ending in a newline. */
export const jsonFile = (v: unknown) => new TextEncoder().encode(JSON.stringify(v, null, 2) + '\n');

/** The whole file in memory, for consumers that need it at once (a zip). */
export async function fileBytes(f: FileData): Promise<Uint8Array> {
  if (f instanceof Uint8Array) return f;
  const out = new Uint8Array(f.size);
  let at = 0;
  for await (const c of f.chunks()) { out.set(c, at); at += c.length; }
  return out;
}
