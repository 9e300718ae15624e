// Vite for the studio: React, cross-origin isolation (SharedArrayBuffer, so tfjs-backend-wasm runs threaded),
// ES-module workers, and tfjs-backend-wasm's .wasm files served at /tfjs-wasm/ (src/tfjs-wasm.ts) in dev and
// preview and copied there in the build. The e2e harness (e2e/harness.ts) starts this config and adds /fixtures/.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Connect, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { TFJS_WASM_DIR } from './src/tfjs-wasm.ts';

const ROOT = path.dirname(fileURLToPath(import.meta.url));

/** COOP + COEP: makes the page crossOriginIsolated, which SharedArrayBuffer and wasm threads need. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

/** tfjs-backend-wasm's dist folder (where its three .wasm builds lie). */
export function tfjsWasmDist(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json', { paths: [ROOT] })) + '/dist';
}

/** A middleware serving the files of `dir` under `prefix` (no listing, no paths outside `dir`). */
export function serveDir(prefix: string, dir: string, types: Record<string, string> = {}): Connect.NextHandleFunction {
  const root = path.resolve(dir);
  return (req, res, next) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith(prefix) || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    let rel: string;
    try { rel = decodeURIComponent(url.pathname.slice(prefix.length)); } catch { return next(); }
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep)) { res.statusCode = 403; return res.end('forbidden'); }
    let body: Buffer;
    try { body = readFileSync(file); } catch { res.statusCode = 404; return res.end(`not found: ${url.pathname}`); }
    const ext = path.extname(file).toLowerCase();
    res.setHeader('Content-Type', types[ext] ?? MIME[ext] ?? 'application/octet-stream');
    res.setHeader('Content-Length', body.byteLength);
    res.setHeader('Cache-Control', 'no-cache');
    for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

const MIME: Record<string, string> = {
  '.wasm': 'application/wasm', '.json': 'application/json', '.txt': 'text/plain; charset=utf-8',
  '.jsonl': 'application/jsonl; charset=utf-8', '.md': 'text/markdown; charset=utf-8', '.mbox': 'application/mbox',
};

/** Serves tfjs-backend-wasm's .wasm files at /<base>tfjs-wasm/ in dev, and emits them there into the build (which preview serves). */
function tfjsWasm(): Plugin {
  const dist = tfjsWasmDist();
  const files = () => readdirSync(dist).filter((f) => f.endsWith('.wasm'));
  let prefix = `/${TFJS_WASM_DIR}/`;
  return {
    name: 'gpt2-studio:tfjs-wasm',
    configResolved(config) { prefix = `${config.base}${TFJS_WASM_DIR}/`; },
    configureServer(server) { server.middlewares.use(serveDir(prefix, dist)); },
    generateBundle() {
      for (const f of files()) this.emitFile({ type: 'asset', fileName: `${TFJS_WASM_DIR}/${f}`, source: readFileSync(path.join(dist, f)) });
    },
  };
}

export default defineConfig({
  plugins: [react(), tfjsWasm()],
  server: {
    headers: ISOLATION_HEADERS,
    fs: { allow: [ROOT] },
  },
  preview: { headers: ISOLATION_HEADERS },
  worker: { format: 'es' },
  // tfjs-backend-wasm stays pre-bundled: its emscripten glue (wasm-out/*.js) is CommonJS, which only the optimizer
  // turns into ES modules; the .wasm files are located through setWasmPaths (TFJS_WASM_PATHS), not import.meta.url.
  optimizeDeps: {
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm'],
  },
  build: { target: 'es2022' },
});
