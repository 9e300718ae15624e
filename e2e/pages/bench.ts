// The browser side of `npm run bench` (bench/browser.ts): runs one task of bench/lib/suite.ts on one backend in this
// page, with the real core. `window.bench.run(backend, task)` returns the task's figures, the backend's details and
// the page's memory (tf.memory(), the JS heap).
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../../src/core/backend';
import { wasmHeapBytes } from '../../src/core/backend/host_memory';
import { TFJS_WASM_PATHS } from '../../src/tfjs-wasm';
import { runTask, backendInfo, type Task, type Host, type Result } from '../../bench/lib/suite';

export interface BrowserOutput {
  ok: boolean;
  result?: Result;
  error?: string;
  backend?: Record<string, unknown>;
  /** tf.memory() and the JS heap when the task ended. */
  memory: Record<string, number>;
  ms: number;
}

declare global {
  interface Window {
    bench?: { run(backend: BackendName, task: Task, wasmThreads?: number): Promise<BrowserOutput>; partial: Result | null };
  }
}

const logEl = () => document.getElementById('log')!;

function pageMemory(): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    for (const [k, v] of Object.entries(tf.memory())) if (typeof v === 'number') out[k === 'numBytes' ? 'tfNumBytes' : k] = v;
  } catch { /* no backend yet */ }
  const pm = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
  if (pm) out.jsHeapUsed = pm.usedJSHeapSize;
  const heap = wasmHeapBytes();
  if (heap !== undefined) out.wasmHeapBytes = heap;
  return out;
}

async function tokens(): Promise<Int32Array> {
  const r = await fetch('/fixtures/emails/dev/gpt2.u16');
  if (!r.ok) throw new Error(`GET /fixtures/emails/dev/gpt2.u16: HTTP ${r.status}`);
  return Int32Array.from(new Uint16Array(await r.arrayBuffer()));
}

async function run(backend: BackendName, task: Task, wasmThreads?: number): Promise<BrowserOutput> {
  const t0 = performance.now();
  const out: BrowserOutput = { ok: false, memory: {}, ms: 0 };
  try {
    await initBackend(backend, { wasmPaths: TFJS_WASM_PATHS, wasmThreads });
    out.backend = { ...(await backendInfo()), crossOriginIsolated: globalThis.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, userAgent: navigator.userAgent };
    const host: Host = {
      tokens: await tokens(),
      memory: pageMemory,
      log: (s) => { logEl().textContent += s + '\n'; console.log(s); },
      progress: (p) => { window.bench!.partial = p; },
    };
    out.result = await runTask(task, host);
    out.ok = true;
  } catch (e) {
    out.error = (e as Error).stack ?? String(e);
  }
  out.memory = pageMemory();
  out.ms = Math.round(performance.now() - t0);
  return out;
}

window.bench = { run, partial: null };
