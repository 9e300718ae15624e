// fetchFile against real local HTTP servers (node:http): connections dropped mid-body, servers with and without
// byte ranges, retried and refused statuses. No fetch mock: Node's own fetch talks to the sockets.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError } from '../core/errors';
import { wordIn } from '../core/messages';
import { CATALOGS } from './catalogs';
import { fetchFile, NetworkError } from './downloads';

const SIZE = 3 << 20;
const BODY = Uint8Array.from({ length: SIZE }, (_, i) => (i * 7919) % 251);
const DROP_AFTER = 1 << 20;

type Handler = (req: IncomingMessage, res: ServerResponse, nth: number) => void;
const handlers = new Map<string, Handler>();
const seen = new Map<string, IncomingMessage['headers'][]>();
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const list = seen.get(req.url!) ?? [];
    list.push(req.headers);
    seen.set(req.url!, list);
    res.shouldKeepAlive = false; // one connection a request, so that each try is one request the server sees
    const handler = handlers.get(req.url!);
    if (handler) handler(req, res, list.length);
    else { res.writeHead(404); res.end(); }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** An error's sentence as the Spanish page words it. */
const spanish = (err: unknown) => wordIn((err as ModelFileError).said!, 'es', CATALOGS);

/** Sends the body from `from`, or only its first bytes and then drops the connection. */
function send(res: ServerResponse, status: number, headers: Record<string, string>, from: number, drop: boolean) {
  res.writeHead(status, { 'Content-Length': String(SIZE - from), ...headers });
  if (drop) res.write(BODY.subarray(from, DROP_AFTER), () => res.destroy());
  else res.end(BODY.subarray(from));
}

/** Serves BODY with byte ranges and an ETag; the first request is cut off after DROP_AFTER bytes. */
const ranged: Handler = (req, res, nth) => {
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const etag = { ETag: '"v1"', 'Accept-Ranges': 'bytes' };
  if (range) {
    const from = Number(range[1]);
    send(res, 206, { ...etag, 'Content-Range': `bytes ${from}-${SIZE - 1}/${SIZE}` }, from, false);
  } else {
    send(res, 200, etag, 0, nth === 1);
  }
};

async function download(path: string, attempts = 4) {
  const reports: Array<{ loaded: number; total: number | null; done: boolean }> = [];
  const bytes = await fetchFile(base + path, (loaded, total, _rate, done) => reports.push({ loaded, total, done }), { attempts, backoffMs: 10 });
  return { bytes, reports };
}

/** (Compared as a Buffer: a deep equality of 3 MB element by element takes a minute.) */
function expectBody(bytes: Uint8Array | null) {
  expect(bytes).toBeInstanceOf(Uint8Array);
  expect(bytes!.length).toBe(SIZE);
  expect(Buffer.from(bytes!.buffer, bytes!.byteOffset, bytes!.length).equals(BODY)).toBe(true);
}

function expectMonotonic(reports: Array<{ loaded: number; done: boolean }>) {
  reports.forEach((r, i) => { if (i > 0) expect(r.loaded).toBeGreaterThanOrEqual(reports[i - 1].loaded); });
  expect(reports.at(-1)).toMatchObject({ loaded: SIZE, done: true });
  expect(reports.filter((r) => r.done)).toHaveLength(1);
}

describe('fetchFile', () => {
  it('resumes a dropped download with a Range request and appends the rest', async () => {
    handlers.set('/ranged.bin', ranged);
    const { bytes, reports } = await download('/ranged.bin');
    expectBody(bytes);
    const requests = seen.get('/ranged.bin')!;
    expect(requests).toHaveLength(2);
    expect(requests[0].range).toBeUndefined();
    const from = Number(/^bytes=(\d+)-$/.exec(requests[1].range ?? '')?.[1]);
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThanOrEqual(DROP_AFTER);
    expectMonotonic(reports);
  });

  it('starts over when the server ignores the range (200), keeping the progress from going back', async () => {
    handlers.set('/plain.bin', (_req, res, nth) => send(res, 200, {}, 0, nth === 1));
    const { bytes, reports } = await download('/plain.bin');
    expectBody(bytes);
    expect(seen.get('/plain.bin')).toHaveLength(2);
    expect(seen.get('/plain.bin')![1].range).toMatch(/^bytes=\d+-$/); // asked, and got the whole file again
    expectMonotonic(reports);
  });

  it('starts over when the part sent back belongs to another version of the file', async () => {
    handlers.set('/changed.bin', (_req, res, nth) => {
      if (nth === 2) send(res, 206, { ETag: '"v2"', 'Content-Range': `bytes ${DROP_AFTER}-${SIZE - 1}/${SIZE}` }, DROP_AFTER, false);
      else send(res, 200, { ETag: '"v1"' }, 0, nth === 1);
    });
    const { bytes } = await download('/changed.bin');
    expectBody(bytes);
    expect(seen.get('/changed.bin')!.map((h) => h.range ?? null)).toEqual([null, expect.stringMatching(/^bytes=/), null]);
  });

  it('retries server errors with backoff, and gives up with a message after the last try', async () => {
    handlers.set('/flaky.bin', (_req, res, nth) => (nth < 3 ? (res.writeHead(503), res.end()) : send(res, 200, {}, 0, false)));
    expectBody((await download('/flaky.bin')).bytes);
    handlers.set('/down.bin', (_req, res) => { res.writeHead(502); res.end(); });
    const err = await download('/down.bin', 3).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as Error).message).toBe(`${base}/down.bin: download failed (HTTP 502; tried 3 times); check the connection and retry`);
    expect(spanish(err)).toBe(`${base}/down.bin: la descarga falló (HTTP 502; 3 intentos); comprueba la conexión y vuelve a intentarlo`);
    expect(seen.get('/down.bin')).toHaveLength(3);
  });

  it('a connection dropped on every try names the bytes it got', async () => {
    handlers.set('/cut.bin', (_req, res) => send(res, 200, {}, 0, true));
    const err = await download('/cut.bin', 2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as Error).message).toMatch(new RegExp(`^${base}/cut.bin: download failed after \\d+ bytes \\(interrupted: .*; tried 2 times\\)`));
    expect(spanish(err)).toMatch(new RegExp(`^${base}/cut.bin: la descarga falló tras \\d+ bytes \\(interrumpida: .*; 2 intentos\\)`));
  });

  it('a missing file is null; a missing, private or gated hub repository is refused at once, naming the id', async () => {
    expect((await download('/org/model/resolve/main/tokenizer.json')).bytes).toBeNull();
    handlers.set('/nobody/nothing/resolve/main/config.json', (_req, res) => { res.writeHead(401, { 'X-Error-Code': 'RepoNotFound' }); res.end(); });
    handlers.set('/meta/gated/resolve/main/config.json', (_req, res) => { res.writeHead(403, { 'X-Error-Code': 'GatedRepo' }); res.end(); });
    handlers.set('/org/private/resolve/main/config.json', (_req, res) => { res.writeHead(401); res.end(); });
    handlers.set('/secret.bin', (_req, res) => { res.writeHead(403); res.end(); });
    const message = async (path: string) => {
      const err = await download(path).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ModelFileError);
      expect(err).not.toBeInstanceOf(NetworkError);
      expect(seen.get(path)).toHaveLength(1); // not retried
      return (err as Error).message;
    };
    const inSpanish = async (path: string) => spanish(await download(path).catch((e: unknown) => e));
    expect(await message('/nobody/nothing/resolve/main/config.json')).toBe(
      "the Hugging Face hub id 'nobody/nothing': no such repository (or it is private); check the id, e.g. openai-community/gpt2",
    );
    expect(await message('/meta/gated/resolve/main/config.json')).toMatch(
      new RegExp(`^the Hugging Face hub id 'meta/gated': a gated repository: accept its conditions at ${base}/meta/gated and load`),
    );
    expect(await message('/org/private/resolve/main/config.json')).toMatch(
      /^the Hugging Face hub id 'org\/private' \(file config\.json\): access denied \(HTTP 401\): the repository is private, gated or does not exist/,
    );
    expect(await message('/secret.bin')).toMatch(new RegExp(`^${base}/secret.bin: access denied \\(HTTP 403\\)`));
    // The page words them in its language, the repository's name included.
    expect(await inSpanish('/nobody/nothing/resolve/main/config.json')).toBe(
      "el id 'nobody/nothing' del hub de Hugging Face: no existe ese repositorio (o es privado); comprueba el id, p. ej. openai-community/gpt2",
    );
    expect(await inSpanish('/org/private/resolve/main/config.json')).toMatch(
      /^el id 'org\/private' del hub de Hugging Face \(archivo config\.json\): acceso denegado \(HTTP 401\): el repositorio es privado/,
    );
  });
});
