// Choosing and starting a TensorFlow.js backend. `auto` tries webgpu → webgl → wasm → cpu and reports, for each
// better backend, why it was not used. A failed tf.setBackend silently leaves tfjs on cpu, so every start is
// checked with tf.getBackend().
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths, setThreadsCount, type BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { registerKernels } from './kernels';
import { UserError } from '../errors';
import type { Said } from '../messages';
import { sayBackend } from './messages';

export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
export type BackendChoice = BackendName | 'auto';

export interface BackendReport {
  backend: BackendName;
  /** Why each better backend was not used (empty when the first choice started). */
  skipped: Array<{ backend: BackendName; reason: Said }>;
  /** wasm only: the threads its kernels run on (1 where SharedArrayBuffer is missing, as in a page that is not cross-origin isolated). */
  threads?: number;
}

export interface BackendOptions {
  /** Where the tfjs-backend-wasm .wasm files are served (a URL prefix ending in '/'), or a file map. */
  wasmPaths?: string | Record<string, string>;
  /** wasm threads (needs cross-origin isolation in browsers). */
  wasmThreads?: number;
}

/** A backend asked for by name (or, for auto, every one) that did not start, with each one's reason. */
export class BackendError extends UserError {
  constructor(choice: BackendChoice, readonly skipped: BackendReport['skipped']) {
    // One reason, the usual case, is a sentence of its own; a list of them (auto, where even cpu failed) is English.
    const reasons = skipped.length === 1 ? sayBackend('reason', skipped[0].backend, skipped[0].reason)
      : skipped.map((s) => `${s.backend}: ${s.reason.text}`).join('; ');
    super(sayBackend('didNotStart', choice, reasons));
  }
}

function available(name: BackendName): Said | null {
  const g = globalThis as { navigator?: { gpu?: unknown }; OffscreenCanvas?: unknown; document?: unknown; WebAssembly?: unknown };
  if (name === 'webgpu' && !g.navigator?.gpu) return sayBackend('noWebGPU');
  if (name === 'webgl' && !g.OffscreenCanvas && !g.document) return sayBackend('noCanvas');
  if (name === 'wasm' && !g.WebAssembly) return sayBackend('noWebAssembly');
  return null;
}

/**
 * Runs `f` (the wasm backend's start) so that a pool of `threads` is honoured. tfjs-backend-wasm 4.22 caps XNNPACK's
 * pool at navigator.hardwareConcurrency / 2 (it assumes two hyper-threads per core), whatever setThreadsCount asks:
 * on the 2-core dev machine, 1 thread. Its emscripten glue reads the count once, while the module starts, so the
 * count is reported large enough for that while. Only on request: with six other jobs on those 2 cores, 2 threads
 * made GPT-2 124M's step 1.6× faster in one run and 3× slower in another, and small models' steps and decoding
 * 1.2-8× slower (the pool waits for a core at every op); an idle machine was not available to settle the default.
 */
async function withThreadsAllowed<T>(threads: number, f: () => Promise<T>): Promise<T> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const cores = nav?.hardwareConcurrency;
  if (!nav || !cores || cores >= 2 * threads) return f();
  Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
  try {
    return await f();
  } finally {
    delete nav.hardwareConcurrency; // the own property goes; Navigator's getter answers again
  }
}

async function start(name: BackendName, opts: BackendOptions): Promise<Said | null> {
  const missing = available(name);
  if (missing) return missing;
  registerKernels(name);
  if (name === 'wasm') {
    if (opts.wasmPaths) setWasmPaths(opts.wasmPaths as string);
    if (opts.wasmThreads) setThreadsCount(opts.wasmThreads);
  }
  try {
    const ok = await (name === 'wasm' && opts.wasmThreads ? withThreadsAllowed(opts.wasmThreads, () => tf.setBackend(name)) : tf.setBackend(name));
    await tf.ready();
    if (!ok || tf.getBackend() !== name) return sayBackend('notSet', name, tf.getBackend());
  } catch (e) {
    return sayBackend('failedToStart', (e as Error).message);
  }
  // Small tensors would otherwise run on the CPU and bounce between devices (WEBGPU_CPU_FORWARD, WEBGL_CPU_FORWARD).
  if (name === 'webgpu') tf.env().set('WEBGPU_CPU_FORWARD', false);
  if (name === 'webgl') tf.env().set('WEBGL_CPU_FORWARD', false);
  return null;
}

/** Starts the chosen backend; `auto` takes the best one that starts. Throws when the one chosen does not start. */
export async function initBackend(choice: BackendChoice = 'auto', opts: BackendOptions = {}): Promise<BackendReport> {
  const candidates = choice === 'auto' ? [...BACKENDS] : [choice];
  const skipped: BackendReport['skipped'] = [];
  for (const name of candidates) {
    const reason = await start(name, opts);
    if (reason === null) return name === 'wasm' ? { backend: name, skipped, threads: wasmThreads() } : { backend: name, skipped };
    skipped.push({ backend: name, reason });
  }
  throw new BackendError(choice, skipped);
}

function wasmThreads(): number {
  return (tf.backend() as BackendWasm).wasm.tfjs.getThreadsCount();
}

export function describeBackendReport(r: BackendReport): string {
  return [`backend: ${r.backend}`, ...r.skipped.map((s) => `  not ${s.backend}: ${s.reason.text}`)].join('\n');
}
