// Direct access to a tensor's memory on the CPU-side backends (wasm, cpu), for the few places that update large
// tensors in place instead of allocating new ones (the optimizer, the embedding gradient).
import * as tf from '@tensorflow/tfjs';

type HostBackend = { typedArrayFromHeap?(t: tf.Tensor): Float32Array; data?: { get(id: object): { values: Float32Array } }; refCount(id: object): number };

export const isHostBackend = () => ['wasm', 'cpu'].includes(tf.getBackend());

/**
 * The tensor's own float32 memory, writable. wasm: a view into its heap, to be taken right before use since a
 * growing heap detaches older views (allocate nothing while holding it).
 */
export function hostMemory(t: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as HostBackend;
  if (backend.typedArrayFromHeap) return backend.typedArrayFromHeap(t);
  return backend.data!.get(t.dataId).values;
}

/** Whether no other tensor shares this tensor's memory (a clone or reshape would), so writing it in place is safe. */
export function ownsMemory(t: tf.Tensor): boolean {
  return (tf.backend() as unknown as HostBackend).refCount(t.dataId) === 1;
}

/** Bytes of the wasm backend's heap (it grows, never shrinks, up to 4 GiB), or undefined on another backend. */
export function wasmHeapBytes(): number | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  return (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8?.byteLength;
}
