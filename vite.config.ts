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

/**
 * The built page's Content-Security-Policy: scripts and workers only from the page's own origin. TensorFlow.js needs
 * two more sources, and no others: 'wasm-unsafe-eval' to compile tfjs-backend-wasm's .wasm (WebAssembly compilation
 * is eval to CSP), and blob: for the wasm pthreads, which start as blob: workers that importScripts() a blob: copy of
 * emscripten's glue (see wasmPthreadSource). No 'unsafe-inline', no 'unsafe-eval'. Connections (the hub), styles and
 * images are not restricted. The build puts it in a <meta> tag, which any static host keeps; the preview server also
 * sends it as a header, which is what covers the studio's worker (a worker obeys its own response's policy).
 */
export const CONTENT_SECURITY_POLICY = "script-src 'self' 'wasm-unsafe-eval' blob:; worker-src 'self' blob:; object-src 'none'; base-uri 'self'";

/** Adds the Content-Security-Policy <meta> to the built index.html (the dev server's React refresh needs inline scripts). */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'gpt2-studio:csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
  };
}

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
  '.html': 'text/html; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json', '.txt': 'text/plain; charset=utf-8',
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

/**
 * tfjs-backend-wasm starts its pthread workers from the *source text* of emscripten's factory function:
 * `new Blob(['var WasmBackendModuleThreadedSimd = ' + factory.toString()])` (backend_wasm.js), which each worker
 * importScripts()s on its own. That text is only self-contained as emscripten wrote it: the factory reads names of
 * the closure around it and of the CommonJS wrapper the bundler adds (`typeof _scriptDir !== "undefined" &&
 * _scriptDir`, `module`, `require`). Within one program the minifier may rename them (`_scriptDir` → `e`) and drop
 * the `typeof` guard of a variable it sees declared; in the worker's blob the new name exists nowhere, so every
 * pthread dies with `ReferenceError: e is not defined` and the page hangs at "Starting the backends…". So the glue's
 * own text also goes into the bundle as a string literal, which no minifier rewrites, and the factory's toString()
 * returns it: the pthreads run exactly what emscripten emitted, the main thread the minified copy of the same code.
 * (Loading the glue from a separate unminified file instead would need importScripts, which module workers lack, or
 * eval, which the Content-Security-Policy forbids.)
 */
function wasmPthreadSource(): Plugin {
  const glue = /[\\/]tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/;
  const head = 'var WasmBackendModuleThreadedSimd = ';
  return {
    name: 'gpt2-studio:wasm-pthread-source',
    apply: 'build',
    transform(code, id) {
      if (!glue.test(id)) return null;
      const start = code.indexOf(head), end = code.indexOf('\n})();\n');
      if (start < 0 || code.slice(0, start).trim() !== '' || end < start) this.error(`${id}: not the emscripten glue of tfjs-backend-wasm 4.22 this plugin knows`);
      // The factory as the file defines it: the closure with _scriptDir, returning emscripten's module function.
      const factory = code.slice(start + head.length, end + '\n})()'.length);
      return { code: `${code}\nWasmBackendModuleThreadedSimd.toString = () => ${JSON.stringify(factory)};\n`, map: null };
    },
  };
}

export default defineConfig({
  plugins: [react(), tfjsWasm(), wasmPthreadSource(), contentSecurityPolicy()],
  server: {
    headers: ISOLATION_HEADERS,
    fs: { allow: [ROOT] },
  },
  preview: { headers: { ...ISOLATION_HEADERS, 'Content-Security-Policy': CONTENT_SECURITY_POLICY } },
  // The studio's worker is bundled on its own, with its own plugins: it is where tfjs-backend-wasm runs.
  worker: { format: 'es', plugins: () => [wasmPthreadSource()] },
  // tfjs-backend-wasm stays pre-bundled: its emscripten glue (wasm-out/*.js) is CommonJS, which only the optimizer
  // turns into ES modules; the .wasm files are located through setWasmPaths (TFJS_WASM_PATHS), not import.meta.url.
  optimizeDeps: {
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm'],
  },
  build: { target: 'es2022' },
});
