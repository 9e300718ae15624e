// A model folder as a zip, produced piece by piece: fflate's streaming Zip takes each file's chunks as they are read
// from the tensors and hands the zip's bytes on at once, so no copy of the weights is ever whole (zipSync held the
// folder and the zip: about 1 GB at its peak for GPT-2 124M). Safetensors are stored (float data does not
// compress), text is deflated. Entries are plain zip, not zip64: a file may not reach 4 GiB (gpt2-large's weights
// are 3.1 GB in float32).
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import type { FolderFiles } from './files';

/** The zip of `files`, in order, as chunks; each file is read only while its entry is written. */
export async function* zipStream(files: FolderFiles): AsyncIterable<Uint8Array> {
  const ready: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((err, chunk) => { if (err) failure = err; else ready.push(chunk); });
  // What the zip has made so far, handed on (and forgotten here) before the next chunk is read.
  function* drain(): Iterable<Uint8Array> {
    if (failure) throw failure;
    while (ready.length) yield ready.shift()!;
  }
  for (const [name, data] of files) {
    const entry = name.endsWith('.safetensors') ? new ZipPassThrough(name) : new ZipDeflate(name, { level: 6 });
    zip.add(entry);
    if (data instanceof Uint8Array) entry.push(data, true);
    else {
      for await (const chunk of data.chunks()) { entry.push(chunk); yield* drain(); }
      entry.push(new Uint8Array(0), true);
    }
    yield* drain();
  }
  zip.end();
  yield* drain();
}
