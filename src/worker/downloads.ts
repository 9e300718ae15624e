// Model files fetched from a URL base (the Hugging Face hub or any server), streamed so that the page can show
// bytes, speed and time left, and kept in Cache Storage so that a second visit loads offline. Only complete bodies
// are cached: a download that fails half-way is fetched again on retry. A 404 is remembered too (as "no such
// file"), since readModelFolder asks for optional files (tokenizer.json or vocab.json, generation_config.json) and an
// offline visit must get the same answers; but it is only believed when the network is down, so that a file added
// to the folder later is found.
import { ModelFileError } from '../core/errors';
import type { FileSource } from '../core/io/model_folder';
import type { DownloadProgress } from './protocol';
import { ByteBuffer } from '../core/bytes';

const CACHE_NAME = 'gpt2-studio-models-v1';
const REPORT_EVERY_MS = 100;

/** The URL base of a hub repository's files. */
export const hubBase = (id: string) => `https://huggingface.co/${id}/resolve/main/`;

async function openCache(): Promise<Cache | null> {
  // Cache Storage exists only in secure contexts (https, localhost); without it every visit downloads.
  try { return typeof caches === 'undefined' ? null : await caches.open(CACHE_NAME); } catch { return null; }
}

export function downloadSource(base: string, onProgress: (p: DownloadProgress) => void): FileSource {
  const root = base.endsWith('/') ? base : base + '/';
  // Relative bases ("/fixtures/…") resolve against the page's origin.
  const resolve = (file: string) => new URL(root + file, self.location.href).href;
  return {
    location: base,
    async read(file) {
      const url = resolve(file);
      const cache = await openCache();
      const hit = await cache?.match(url);
      const knownMissing = hit?.status === 404;
      if (hit && !knownMissing) {
        const bytes = new Uint8Array(await hit.arrayBuffer());
        onProgress({ file, url, loaded: bytes.length, total: bytes.length, bytesPerSecond: 0, secondsLeft: 0, fromCache: true, done: true });
        return bytes;
      }
      let res: Response;
      try {
        res = await fetch(url);
      } catch (e) {
        if (knownMissing) return null;
        throw new ModelFileError(`${url}: download failed (${(e as Error).message}); check the connection and retry`);
      }
      if (res.status === 404) {
        await cache?.put(url, new Response(null, { status: 404 }));
        return null;
      }
      if (!res.ok) throw new ModelFileError(`${url}: HTTP ${res.status} ${res.statusText}`.trim());
      const bytes = await readBody(res, (loaded, total, bytesPerSecond, done) => onProgress({
        file, url, loaded, total, bytesPerSecond, done, fromCache: false,
        secondsLeft: total !== null && bytesPerSecond > 0 ? (total - loaded) / bytesPerSecond : null,
      }));
      await cache?.put(url, new Response(bytes, { headers: { 'Content-Type': res.headers.get('Content-Type') ?? 'application/octet-stream' } }));
      return bytes;
    },
  };
}

/** The body of `res`, reporting progress at most every REPORT_EVERY_MS and once at the end. */
async function readBody(res: Response, report: (loaded: number, total: number | null, bytesPerSecond: number, done: boolean) => void): Promise<Uint8Array<ArrayBuffer>> {
  const length = Number(res.headers.get('Content-Length'));
  // A compressed response's Content-Length counts compressed bytes: the total is then unknown.
  const encoded = (res.headers.get('Content-Encoding') ?? 'identity') !== 'identity';
  const total = length > 0 && !encoded ? length : null;
  const start = performance.now();
  const rate = (loaded: number) => loaded / Math.max(1e-3, (performance.now() - start) / 1000);
  if (!res.body) {
    const bytes = new Uint8Array(await res.arrayBuffer());
    report(bytes.length, bytes.length, rate(bytes.length), true);
    return bytes;
  }
  // With a known size the bytes go straight into one buffer (a 500 MB model is not held twice).
  const buffer = new ByteBuffer(total ?? 1 << 20);
  let lastReport = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer.push(value);
      if (performance.now() - lastReport >= REPORT_EVERY_MS) {
        lastReport = performance.now();
        report(buffer.length, total, rate(buffer.length), false);
      }
    }
  } catch (e) {
    throw new ModelFileError(`${res.url}: download interrupted after ${buffer.length} bytes (${(e as Error).message}); retry`);
  }
  const loaded = buffer.length;
  if (total !== null && loaded !== total) throw new ModelFileError(`${res.url}: download ended after ${loaded} of ${total} bytes; retry`);
  report(loaded, loaded, rate(loaded), true);
  // With a known size the buffer is exactly full; otherwise drop the unused capacity.
  return total === loaded ? buffer.bytes() : buffer.bytes().slice();
}
