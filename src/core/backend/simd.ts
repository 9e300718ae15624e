// Our own WebAssembly SIMD kernels (simd/*.c, built by `npm run build:simd` into simd/simd_module.ts), instantiated
// on tfjs-backend-wasm's own memory: they work on tensors in place, where the backend's heap has them, with no copy
// in or out. Used where tfjs has no kernel of its own and a JavaScript loop is the bottleneck (AdamW: 2.1 s of a
// 10.4 s GPT-2 124M step as a loop; bench/micro/adamw.ts), where its kernels are slow (Transpose, Sum and Max over
// axis 0: bench/micro/transpose.ts, reductions.ts) or many (LayerNorm: bench/micro/layer_norm.ts).
import * as tf from '@tensorflow/tfjs';
import { SIMD_WASM, SIMD_WASM_SHARED } from './simd/simd_module';

export interface SimdKernels {
  /** The wasm backend's memory, which the kernels' pointers (byte offsets) address. */
  memory: WebAssembly.Memory;
  /** Σ x² (in float64) over n floats at byte offset x. */
  sumSquares(x: number, n: number): number;
  /** One AdamW update of n floats: see simd/adamw.c. */
  adamw(g: number, p: number, q: number, m: number, v: number, n: number, scale: number, beta1: number, oneMinusBeta1: number,
    beta2: number, oneMinusBeta2: number, decay: number, step: number, bc2Sqrt: number, epsilon: number): void;
  /** y = xᵀ for each of `batch` [rows, cols] matrices: see simd/transpose.c. */
  transpose(x: number, y: number, batch: number, rows: number, cols: number): void;
  /** LayerNorm over rows of C floats, and its gradient: see simd/layer_norm.c. */
  layerNorm(x: number, g: number, b: number, y: number, mean: number, rstd: number, rows: number, C: number, eps: number): void;
  layerNormGrad(dy: number, x: number, g: number, mean: number, rstd: number, dx: number, dg: number, db: number, scratch: number, rows: number, C: number): void;
  /** y [cols] = the sum (max = 0) or the max (max = 1) of x's rows: see simd/columns.c. */
  columnReduce(x: number, y: number, rows: number, cols: number, max: number): void;
  /** Byte offset of a tensor's data in the heap. */
  offset(t: { dataId: object }): number;
  malloc(bytes: number): number;
  free(ptr: number): void;
}

interface WasmBackend {
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory }; _malloc(n: number): number; _free(p: number): void };
  dataIdMap: { get(id: object): { memoryOffset: number } };
}

let loaded: { backend: object; kernels: SimdKernels | null } | null = null;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const s = atob(base64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * The kernels for the running wasm backend, or null on another backend or where they cannot be instantiated (a
 * browser without WebAssembly SIMD: tfjs then runs its plain build, and callers keep their JavaScript loops).
 */
export function simdKernels(): SimdKernels | null {
  if (tf.getBackend() !== 'wasm') return null;
  const backend = tf.backend() as unknown as WasmBackend;
  if (loaded?.backend === backend) return loaded.kernels;
  let kernels: SimdKernels | null = null;
  // The threaded build's memory is Module.wasmMemory (imported, shared); the single-threaded one exports its own.
  const memory = backend.wasm.wasmMemory ?? backend.wasm.asm?.memory;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory?.buffer instanceof SharedArrayBuffer;
  const bytes = decode(shared ? SIMD_WASM_SHARED : SIMD_WASM);
  if (memory && WebAssembly.validate(bytes)) {
    // Synchronous: the module is about 1 KB, far below the browsers' limit for compiling on the main thread.
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    const e = instance.exports as unknown as {
      sum_squares: SimdKernels['sumSquares']; adamw: SimdKernels['adamw']; transpose: SimdKernels['transpose'];
      layer_norm: SimdKernels['layerNorm']; layer_norm_grad: SimdKernels['layerNormGrad']; column_reduce: SimdKernels['columnReduce'];
    };
    kernels = {
      memory, sumSquares: e.sum_squares, adamw: e.adamw, transpose: e.transpose, layerNorm: e.layer_norm, layerNormGrad: e.layer_norm_grad,
      columnReduce: e.column_reduce,
      offset: (t) => backend.dataIdMap.get(t.dataId).memoryOffset,
      malloc: (n) => backend.wasm._malloc(n), free: (p) => backend.wasm._free(p),
    };
  }
  loaded = { backend, kernels };
  return kernels;
}
