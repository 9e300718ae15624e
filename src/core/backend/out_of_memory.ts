// Telling an allocation failure from other errors, for the CLI and the worker: both report it as "this batch does
// not fit" and keep the last checkpoint, instead of a crash.
import { wasmHeapBytes } from './host_memory';
import type { Said } from '../messages';
import { sayTrain } from '../train/messages';

/** Messages that say an allocation failed: a wasm heap that could not grow, an ArrayBuffer the host could not
 * allocate, a WebGL texture beyond its limits, WebGPU's out-of-memory. */
const ALLOCATION_FAILED = /out of memory|\bOOM\b|Maximum memory size exceeded|Cannot enlarge memory|Array buffer allocation failed|WebAssembly\.Memory|greater than WebGL maximum|Unable to create WebGLTexture/i;

/**
 * How tfjs-backend-wasm fails an allocation: Emscripten's bare "Aborted()", or "memory access out of bounds" when a
 * failed malloc's null pointer is written to. Neither names memory, so they count only on a heap near its 4 GiB
 * ceiling; a request larger than what is left fails below it (a batch of 32768 × 64 tokens of the tiny fixture
 * model failed at 3.85 GiB).
 */
const WASM_HEAP_FAILURE = /Aborted\(|memory access out of bounds/;
const WASM_HEAP_FULL = 3 * 2 ** 30;

const messageOf = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));
const wasmHeapFailed = (m: string) => WASM_HEAP_FAILURE.test(m) && (wasmHeapBytes() ?? 0) >= WASM_HEAP_FULL;

/** Whether `e` is an allocation that failed. */
export function isOutOfMemory(e: unknown): boolean {
  const m = messageOf(e);
  return ALLOCATION_FAILED.test(m) || wasmHeapFailed(m);
}

/**
 * What ran out, for a message: the error's own first line (the platform's words), or, since the wasm heap's failures
 * say nothing of it, the heap's size as a sentence of ours (for the page's language).
 */
export function outOfMemoryCause(e: unknown): string | Said {
  const m = e instanceof Error ? e.message : String(e);
  if (!wasmHeapFailed(m)) return m.split('\n')[0];
  return sayTrain('wasmHeapFull', (wasmHeapBytes() ?? 0) / 2 ** 30);
}

/** outOfMemoryCause in English. */
export function outOfMemoryDetail(e: unknown): string {
  const cause = outOfMemoryCause(e);
  return typeof cause === 'string' ? cause : cause.text;
}
