// Kernels that GPT-2 training needs and that the CPU-side backends lack, or run too slowly or too wastefully.
//
// UnsortedSegmentSum is the gradient of tf.gather (the token embedding): a scatter-add of the upstream gradient's
// rows into the rows of the table they were gathered from. tfjs-backend-wasm 4.22 has no such kernel, and the cpu
// backend's loops over every (segment, row) pair: 60 s for GPT-2's 50,257-row table. This one touches each input row
// once; summing in row order gives the same result as the reference kernel.
import { registerKernel, unregisterKernel, getKernel, type KernelConfig, type TensorInfo, type NamedAttrMap, type KernelBackend, type DataType } from '@tensorflow/tfjs';

function segmentSum(x: Float32Array, ids: Int32Array, inner: number, numSegments: number): Float32Array {
  const out = new Float32Array(numSegments * inner);
  for (let r = 0; r < ids.length; r++) {
    const seg = ids[r];
    if (seg < 0 || seg >= numSegments) continue; // as TensorFlow: out-of-range ids are dropped
    const src = r * inner, dst = seg * inner;
    for (let j = 0; j < inner; j++) out[dst + j] += x[src + j];
  }
  return out;
}

function unsortedSegmentSum(backendName: 'cpu' | 'wasm', makeOutput: (b: KernelBackend, shape: number[], dtype: DataType, values: Float32Array) => TensorInfo): KernelConfig {
  return {
    kernelName: 'UnsortedSegmentSum',
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
      const { numSegments } = attrs as NamedAttrMap & { numSegments: number };
      const b = backend as KernelBackend;
      const rowShape = x.shape.slice(segmentIds.shape.length);
      const inner = rowShape.reduce((a, d) => a * d, 1);
      const values = segmentSum(b.readSync(x.dataId) as Float32Array, b.readSync(segmentIds.dataId) as Int32Array, inner, numSegments);
      return makeOutput(b, [numSegments, ...rowShape], x.dtype, values);
    },
  };
}

/**
 * Identity that shares the input's memory (reference-counted, as the cpu backend's does) instead of copying it.
 * tfjs clones every tensor it saves for the backward pass; wasm's Identity copies, so each matmul's saved weight
 * was a second copy of it: for GPT-2 124M, half a gigabyte more and a memcpy of every weight in each step. Outputs
 * of kernels are always fresh memory, so sharing read-only data is safe.
 */
const sharedIdentity: KernelConfig = {
  kernelName: 'Identity',
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const { x } = inputs as { x: TensorInfo };
    (backend as KernelBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  },
};

const KERNELS = [
  sharedIdentity,
  unsortedSegmentSum('wasm', (b, shape, dtype, values) =>
    (b as unknown as { makeOutput(s: number[], d: DataType, o?: number, v?: Float32Array): TensorInfo }).makeOutput(shape, dtype, undefined, values)),
  unsortedSegmentSum('cpu', (b, shape, dtype, values) =>
    (b as unknown as { makeTensorInfo(s: number[], d: DataType, v: Float32Array): TensorInfo }).makeTensorInfo(shape, dtype, values)),
];

/** Registers our kernels for `backend` (once), replacing the built-in ones of the same name. */
export function registerKernels(backend: string): void {
  for (const k of KERNELS) {
    if (k.backendName !== backend || getKernel(k.kernelName, k.backendName)?.kernelFunc === k.kernelFunc) continue;
    if (getKernel(k.kernelName, k.backendName)) unregisterKernel(k.kernelName, k.backendName);
    registerKernel(k);
  }
}
