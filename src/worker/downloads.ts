// Model files fetched from a URL base (the Hugging Face hub or any server), streamed so that the page can show
// bytes, speed and time left, and kept in Cache Storage so that a second visit loads offline. Only complete bodies
// are cached. A 404 is remembered too (as "no such file"), since readModelFolder asks for optional files
// (tokenizer.json or vocab.json, generation_config.json) and an offline visit must get the same answers; but it is
// only believed when the network is down, so that a file added to the folder later is found.
//
// The network part (fetchFile: retries, resuming, messages) uses fetch only, so Node tests run it against real
// local servers; Cache Storage and the page's location are touched only by downloadSource.
import { ModelFileError } from '../core/errors';
import type { FileSource } from '../core/io/model_folder';
import type { DownloadProgress } from './protocol';
import { ByteBuffer } from '../core/bytes';
import type { Said } from '../core/messages';
import { sayWorker } from './messages';

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
      let bytes: Uint8Array<ArrayBuffer> | null;
      try {
        bytes = await fetchFile(url, (loaded, total, bytesPerSecond, done) => onProgress({
          file, url, loaded, total, bytesPerSecond, done, fromCache: false,
          secondsLeft: total !== null && bytesPerSecond > 0 ? (total - loaded) / bytesPerSecond : null,
        }), knownMissing ? { attempts: 1 } : {}); // offline, a file known to be missing is not worth waiting for
      } catch (e) {
        if (knownMissing && e instanceof NetworkError) return null;
        throw e;
      }
      if (bytes === null) {
        await cache?.put(url, new Response(null, { status: 404 }));
        return null;
      }
      await cache?.put(url, new Response(bytes, { headers: { 'Content-Type': 'application/octet-stream' } }));
      return bytes;
    },
  };
}

/** (loaded, total, bytesPerSecond, done): loaded never goes back, even when a download has to start over. */
export type BodyProgress = (loaded: number, total: number | null, bytesPerSecond: number, done: boolean) => void;

export interface FetchOptions {
  /** tries in all, the first included */
  attempts?: number;
  /** the wait before the first retry; it doubles for each next one */
  backoffMs?: number;
}

/** The network failed (after the retries): a message for the user, and a cue that an offline answer may do. */
export class NetworkError extends ModelFileError {}

/**
 * The body of `url`, or null when the server has no such file (404). Network errors, dropped connections and
 * 408/429/5xx answers are retried with exponential backoff; a body cut off part-way is resumed with a Range
 * request where the server allows it (206 with the same ETag and length: the rest is appended; 200: it starts
 * over). 401/403 and a hub repository that does not exist are not retried: their message says what to do.
 */
export async function fetchFile(url: string, report: BodyProgress, opts: FetchOptions = {}): Promise<Uint8Array<ArrayBuffer> | null> {
  const attempts = opts.attempts ?? 5;
  const backoffMs = opts.backoffMs ?? 1000;
  const start = performance.now();
  let shown = 0; // the most progress reported so far
  let lastReport = 0;
  let body: { buffer: ByteBuffer; total: number | null; etag: string | null; resumable: boolean } | null = null;
  const show = (loaded: number, done: boolean) => {
    if (!done && performance.now() - lastReport < REPORT_EVERY_MS) return;
    lastReport = performance.now();
    shown = Math.max(shown, loaded);
    report(shown, body?.total ?? null, shown / Math.max(1e-3, (performance.now() - start) / 1000), done);
  };
  for (let attempt = 1; ; attempt++) {
    let failure: Said | string;
    const from = body?.resumable ? body.buffer.length : 0;
    try {
      const res = await fetch(url, from > 0 ? { headers: { Range: `bytes=${from}-` } } : {});
      const refused = refusal(url, res);
      if (refused) throw new ModelFileError(refused);
      if (res.status === 404) return null;
      if (!res.ok) {
        await res.body?.cancel();
        if (!RETRIED.has(res.status)) throw new ModelFileError(sayWorker('httpError', url, res.status, res.statusText));
        failure = sayWorker('httpStatus', res.status);
      } else if (res.status === 206 && !(body && from > 0 && continues(res, from, body.total, body.etag))) {
        await res.body?.cancel(); // a part of some other version of the file: start over
        body = null;
        failure = sayWorker('fileChanged');
      } else {
        if (res.status !== 206) body = newBody(res); // 200: the whole file, from its start
        const buffer = body!.buffer;
        const interrupted = await readInto(res, buffer, (loaded) => show(loaded, false));
        const total = body!.total;
        if (interrupted) {
          failure = interrupted;
        } else if (total !== null && buffer.length !== total) {
          failure = sayWorker('bodyEnded', buffer.length, total);
        } else {
          show(buffer.length, true);
          // With a known size the buffer is exactly full; otherwise drop the unused capacity.
          return buffer.length === total ? buffer.bytes() : buffer.bytes().slice();
        }
      }
    } catch (e) {
      if (e instanceof ModelFileError) throw e;
      failure = (e as Error).message; // fetch itself failed: offline, DNS, connection refused or reset
    }
    if (attempt >= attempts) {
      throw new NetworkError(sayWorker('downloadFailed', url, body ? body.buffer.length : null, failure, attempts));
    }
    await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 1)));
  }
}

/** Statuses worth another try: a timeout, rate limiting, and server errors. */
const RETRIED = new Set([408, 425, 429, 500, 502, 503, 504]);

function newBody(res: Response) {
  const length = Number(res.headers.get('Content-Length'));
  // A compressed response's Content-Length counts compressed bytes: the total is then unknown, and a byte range
  // of it could not be appended to the decoded bytes.
  const encoded = (res.headers.get('Content-Encoding') ?? 'identity') !== 'identity';
  const total = length > 0 && !encoded ? length : null;
  // With a known size the bytes go straight into one buffer (a 500 MB model is not held twice).
  return { buffer: new ByteBuffer(total ?? 1 << 20), total, etag: res.headers.get('ETag'), resumable: !encoded };
}

/**
 * Whether a 206 answer is the rest of the body we have: it starts where we stopped and belongs to the same file
 * (same length and ETag, when the server lets us read them).
 */
function continues(res: Response, from: number, total: number | null, etag: string | null): boolean {
  const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers.get('Content-Range') ?? '');
  if (range && Number(range[1]) !== from) return false;
  if (range && total !== null && range[2] !== '*' && Number(range[2]) !== total) return false;
  const tag = res.headers.get('ETag');
  return etag === null || tag === null || tag === etag;
}

/** Appends the body to `buffer`; returns null when it ended normally, else what interrupted it. */
async function readInto(res: Response, buffer: ByteBuffer, onBytes: (loaded: number) => void): Promise<Said | null> {
  if (!res.body) {
    buffer.push(new Uint8Array(await res.arrayBuffer()));
    return null;
  }
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return null;
      buffer.push(value);
      onBytes(buffer.length);
    }
  } catch (e) {
    return sayWorker('interrupted', (e as Error).message);
  }
}

/** A hub file URL's path: repository id and file name (the hub's layout, which its mirrors share). */
const HUB_FILE = /^\/(.+?)\/resolve\/[^/]+\/(.+)$/;

/**
 * The message for an answer that no retry changes: the repository is private, gated or missing. The hub answers
 * 401 for a repository that does not exist (as for a private one) and says which in X-Error-Code.
 */
function refusal(url: string, res: Response): Said | null {
  const code = res.headers.get('X-Error-Code');
  const { origin, pathname } = new URL(url);
  const hub = HUB_FILE.exec(decodeURIComponent(pathname));
  const repo = hub ? sayWorker('hubId', hub[1]) : url;
  if (code === 'RepoNotFound') return sayWorker('noSuchRepository', repo);
  if (code === 'GatedRepo') return sayWorker('gatedRepository', repo, hub ? `${origin}/${hub[1]}` : url);
  if (res.status === 401 || res.status === 403) return sayWorker('accessDenied', hub ? sayWorker('hubFile', hub[1], hub[2]) : url, res.status);
  return null;
}
