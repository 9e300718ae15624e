// The studio as it is deployed: `vite build` once per change of its sources (cached under node_modules/, so a test
// run rebuilds only when something changed, and parallel test files share one build), served either by Vite's
// preview server (`npm run preview`: cross-origin isolated, with the Content-Security-Policy header) or by a plain
// node:http file server that sends no COOP/COEP headers, as any static host would.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build, preview, type Plugin, type PreviewServer } from 'vite';
import { REPO_ROOT } from '../test/fixtures';
import { serveDir } from '../vite.config.ts';

const CACHE = path.join(REPO_ROOT, 'node_modules', '.gpt2-studio-e2e');
/** What the build is made of: a change to any of these makes a new build. */
const INPUTS = ['index.html', 'vite.config.ts', 'package-lock.json', 'tsconfig.json', 'src', 'public'];

function hashInputs(): string {
  const h = createHash('sha256');
  const add = (rel: string) => {
    const abs = path.join(REPO_ROOT, rel);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      for (const f of readdirSync(abs).sort()) if (!f.endsWith('.test.ts')) add(path.join(rel, f));
      return;
    }
    h.update(rel).update('\0').update(readFileSync(abs)).update('\0');
  };
  for (const i of INPUTS) add(i);
  return h.digest('hex').slice(0, 16);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The folder of the production build of the current sources, building it if needed (one builder at a time). */
export async function productionBuild(): Promise<string> {
  mkdirSync(CACHE, { recursive: true });
  const dir = path.join(CACHE, `dist-${hashInputs()}`);
  const lock = `${dir}.lock`;
  for (;;) {
    if (existsSync(dir)) return dir;
    try {
      mkdirSync(lock);
    } catch {
      // Another test file is building the same sources; a lock older than 5 minutes was left by a killed run.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      await sleep(500);
      continue;
    }
    try {
      if (existsSync(dir)) return dir;
      const tmp = `${dir}.tmp-${process.pid}`;
      // As `npm run build` makes it: Vite takes NODE_ENV as it finds it, and Vitest's 'test' would bundle React's
      // development build and turn import.meta.env.DEV on.
      const nodeEnv = process.env.NODE_ENV;
      process.env.NODE_ENV = 'production';
      try {
        await build({ configFile: path.join(REPO_ROOT, 'vite.config.ts'), root: REPO_ROOT, logLevel: 'error', build: { outDir: tmp, emptyOutDir: true } });
      } finally {
        process.env.NODE_ENV = nodeEnv;
      }
      renameSync(tmp, dir);
      // Older builds are of sources that no longer exist.
      for (const f of readdirSync(CACHE)) if (f.startsWith('dist-') && !f.startsWith(path.basename(dir))) rmSync(path.join(CACHE, f), { recursive: true, force: true });
      return dir;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

export interface Served { url: string; close(): Promise<void> }

/** `vite preview` of `dist` (vite.config.ts's preview headers), with `extra` served beside it (tests: the fixtures). */
export async function previewServer(dist: string, extra: Array<[prefix: string, dir: string]>): Promise<Served> {
  const mounts: Plugin = {
    name: 'gpt2-studio:e2e-mounts',
    configurePreviewServer(server) { for (const [prefix, dir] of extra) server.middlewares.use(serveDir(prefix, dir)); },
  };
  const server: PreviewServer = await preview({
    configFile: path.join(REPO_ROOT, 'vite.config.ts'), root: REPO_ROOT, logLevel: 'warn', plugins: [mounts],
    build: { outDir: dist }, preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  const addr = server.httpServer.address() as AddressInfo;
  return { url: `http://127.0.0.1:${addr.port}`, close: () => server.close() };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm',
  '.json': 'application/json', '.txt': 'text/plain; charset=utf-8', '.md': 'text/markdown; charset=utf-8',
  '.mbox': 'application/mbox', '.svg': 'image/svg+xml',
};

/**
 * A plain static file server of `dist` (index.html for /) and of `extra`, sending no headers but Content-Type: no
 * cross-origin isolation, no CSP header.
 */
export async function plainStaticServer(dist: string, extra: Array<[prefix: string, dir: string]>): Promise<Served> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [prefix, dir] = extra.find(([p]) => url.pathname.startsWith(p)) ?? ['/', dist];
    const root = path.resolve(dir);
    const rel = url.pathname === '/' ? 'index.html' : url.pathname.slice(prefix.length);
    const file = path.resolve(root, decodeURIComponent(rel));
    if (!file.startsWith(root + path.sep) || !existsSync(file) || !statSync(file).isFile()) { res.statusCode = 404; return res.end('not found'); }
    res.setHeader('Content-Type', TYPES[path.extname(file)] ?? 'application/octet-stream');
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${addr.port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
