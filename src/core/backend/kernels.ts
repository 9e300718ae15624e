// Kernels that GPT-2 training needs and that the CPU-side backends lack, or run too slowly or too wastefully.
//
// UnsortedSegmentSum is the gradient of tf.gather (the token embedding): a scatter-add of the upstream gradient's
// rows into the rows of the table they were gathered from. tfjs-backend-wasm 4.22 has no such kernel, and the cpu
// backend's loops over every (segment, row) pair: 60 s for GPT-2's 50,257-row table. This one touches each input row
// once; summing in row order gives the same result as the reference kernel.
//
// Slice, Unpack (tf.unstack) and SplitV (tf.split) of tfjs-backend-wasm 4.22 copy the whole input out of the wasm
// heap (readSync) for every piece they cut: unstacking attention's [12 × 128 × 128] heads copied it 12 times, and
// took more time than the heads' products. Ours copy each piece straight from the heap.
//
// Transpose of tfjs-backend-wasm 4.22 walks the output element by element: ~7 ns an element at GPT-2 124M's weights,
// which matmul.ts transposes for XNNPACK's fast products (1 s of a 124M training step). Ours swaps the last two
// axes with our SIMD kernel (simd/transpose.c), ~1 ns an element (bench/micro/transpose.ts); other permutations go
// to tfjs's. Sum and Max over axis 0 of a matrix (the LM head's vocab-major logits, cross_entropy.ts) transpose the
// whole matrix first there; ours reduce the rows in place, in the same order (simd/columns.c).
import { simdKernels } from './simd';
import {
  registerKernel, unregisterKernel, getKernel, slice_util, backend_util, util,
  type KernelConfig, type TensorInfo, type NamedAttrMap, type KernelBackend, type DataType,
} from '@tensorflow/tfjs';

type Values = Float32Array | Int32Array | Uint8Array;

/** Adds each row of x into row ids[r] of `out` (numSegments rows of `inner`, zeroed by the caller). */
function segmentSum(x: Values, ids: Values, inner: number, out: Values): void {
  const numSegments = out.length / inner;
  for (let r = 0; r < ids.length; r++) {
    const seg = ids[r];
    if (seg < 0 || seg >= numSegments) continue; // as TensorFlow: out-of-range ids are dropped
    const src = r * inner, dst = seg * inner;
    for (let j = 0; j < inner; j++) out[dst + j] += x[src + j];
  }
}

interface SegmentSumInputs { x: TensorInfo; segmentIds: TensorInfo }
const segmentShape = ({ x, segmentIds }: SegmentSumInputs, attrs: NamedAttrMap) => {
  const rowShape = x.shape.slice(segmentIds.shape.length);
  return { shape: [attrs.numSegments as number, ...rowShape], inner: rowShape.reduce((a, d) => a * d, 1) };
};

/**
 * On wasm the sum is written straight into the output's heap memory: building GPT-2's [50257 × 768] table in
 * JavaScript and copying it in took 140 ms a step.
 */
const wasmSegmentSum: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = backend as WasmBackend, ins = inputs as unknown as SegmentSumInputs;
    const { shape, inner } = segmentShape(ins, attrs as NamedAttrMap);
    const out = b.makeOutput(shape, ins.x.dtype);
    const values = b.typedArrayFromHeap(out); // views after makeOutput, which may grow (and detach) the heap
    values.fill(0);
    segmentSum(b.typedArrayFromHeap(ins.x), b.typedArrayFromHeap(ins.segmentIds), inner, values);
    return out;
  },
};

const cpuSegmentSum: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = backend as KernelBackend & { makeTensorInfo(s: number[], d: DataType, v: Values): TensorInfo };
    const ins = inputs as unknown as SegmentSumInputs;
    const { shape, inner } = segmentShape(ins, attrs as NamedAttrMap);
    const values = ins.x.dtype === 'int32' ? new Int32Array(util.sizeFromShape(shape)) : new Float32Array(util.sizeFromShape(shape));
    segmentSum(b.readSync(ins.x.dataId) as Values, b.readSync(ins.segmentIds.dataId) as Values, inner, values);
    return b.makeTensorInfo(shape, ins.x.dtype, values);
  },
};

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

/** What the wasm backend offers beyond KernelBackend (its own class is not exported as a type we can import). */
interface WasmBackend extends KernelBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** x[begin : begin + size], copied from the heap in the longest contiguous runs the slice has. */
function heapSlice(b: WasmBackend, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = b.makeOutput(size, x.dtype);
  // Views only after makeOutput: an allocation may grow the heap, which detaches earlier views.
  const src = b.typedArrayFromHeap(x), dst = b.typedArrayFromHeap(out);
  const rank = x.shape.length;
  if (rank === 0 || dst.length === 0) { dst.set(src.subarray(0, dst.length)); return out; }
  const strides = [...util.computeStrides(x.shape), 1];
  // Axes after `d` are taken whole, so axis d and those after it are one contiguous run of `run` elements.
  let d = rank - 1;
  while (d > 0 && size[d] === x.shape[d]) d--;
  const run = size.slice(d).reduce((a, n) => a * n, 1);
  let o = 0;
  const copy = (axis: number, offset: number) => {
    if (axis < d) {
      for (let i = 0; i < size[axis]; i++) copy(axis + 1, offset + (begin[axis] + i) * strides[axis]);
      return;
    }
    const at = offset + begin[d] * strides[d];
    dst.set(src.subarray(at, at + run), o);
    o += run;
  };
  copy(0, 0);
  return out;
}

/** The built-in wasm kernel of that name, for what ours leave to it (string tensors). */
const builtIn = new Map<string, KernelConfig['kernelFunc']>();
const heapKernel = (kernelName: string, f: (b: WasmBackend, x: TensorInfo, attrs: NamedAttrMap) => TensorInfo | TensorInfo[]): KernelConfig => ({
  kernelName,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const x = (args.inputs as { x?: TensorInfo; value?: TensorInfo }).x ?? (args.inputs as { value: TensorInfo }).value;
    if (x.dtype === 'string') return builtIn.get(kernelName)!(args);
    return f(args.backend as WasmBackend, x, args.attrs as NamedAttrMap);
  },
});

const heapSliceKernels = [
  heapKernel('Slice', (b, x, attrs) => {
    const [begin, size] = slice_util.parseSliceParams(x as never, attrs.begin as number[], attrs.size as number[]);
    return heapSlice(b, x, begin, size);
  }),
  heapKernel('Unpack', (b, x, attrs) => {
    const axis = util.parseAxisParam(attrs.axis as number, x.shape)[0];
    const size = x.shape.map((n, i) => (i === axis ? 1 : n));
    const shape = x.shape.filter((_, i) => i !== axis);
    return Array.from({ length: x.shape[axis] }, (_, i) => {
      const piece = heapSlice(b, x, x.shape.map((_, j) => (j === axis ? i : 0)), size);
      return { ...piece, shape };
    });
  }),
  heapKernel('SplitV', (b, x, attrs) => {
    const axis = util.parseAxisParam(attrs.axis as number, x.shape)[0];
    const sizes = backend_util.prepareSplitSize(x as never, attrs.numOrSizeSplits as number[] | number, axis);
    let at = 0;
    return sizes.map((n) => {
      const piece = heapSlice(b, x, x.shape.map((_, j) => (j === axis ? at : 0)), x.shape.map((m, j) => (j === axis ? n : m)));
      at += n;
      return piece;
    });
  }),
];

/** Whether `perm` keeps the leading axes and swaps the last two. */
const swapsLastTwo = (perm: number[]) => {
  const r = perm.length;
  return r >= 2 && perm.every((p, i) => p === (i < r - 2 ? i : i === r - 2 ? r - 1 : r - 2));
};

const simdTranspose: KernelConfig = {
  kernelName: 'Transpose',
  backendName: 'wasm',
  kernelFunc: (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const perm = (args.attrs as unknown as { perm: number[] }).perm;
    const simd = simdKernels();
    if (!simd || x.dtype !== 'float32' || !swapsLastTwo(perm)) return builtIn.get('Transpose')!(args);
    const out = (args.backend as WasmBackend).makeOutput(perm.map((p) => x.shape[p]), 'float32');
    const r = x.shape.length, rows = x.shape[r - 2], cols = x.shape[r - 1];
    if (rows * cols > 0) simd.transpose(simd.offset(x), simd.offset(out), util.sizeFromShape(x.shape) / (rows * cols), rows, cols);
    return out;
  },
};

/** Sum or Max over axis 0 of a float32 matrix with our SIMD kernel; tfjs's for any other reduction. */
const columnReduction = (kernelName: 'Sum' | 'Max'): KernelConfig => ({
  kernelName,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    // Sum's attribute is `axis`, Max's `reductionIndices`.
    const { axis, reductionIndices, keepDims } = args.attrs as unknown as { axis?: number | number[]; reductionIndices?: number | number[]; keepDims: boolean };
    const simd = simdKernels();
    const axes = x.shape.length === 2 ? util.parseAxisParam((axis ?? reductionIndices)!, x.shape) : [];
    if (!simd || x.dtype !== 'float32' || axes.length !== 1 || axes[0] !== 0 || x.shape[0] === 0) return builtIn.get(kernelName)!(args);
    const [rows, cols] = x.shape;
    const out = (args.backend as WasmBackend).makeOutput(keepDims ? [1, cols] : [cols], 'float32');
    simd.columnReduce(simd.offset(x), simd.offset(out), rows, cols, kernelName === 'Max' ? 1 : 0);
    return out;
  },
});

const KERNELS = [
  sharedIdentity,
  simdTranspose,
  columnReduction('Sum'),
  columnReduction('Max'),
  ...heapSliceKernels,
  wasmSegmentSum,
  cpuSegmentSum,
];

/** Registers our kernels for `backend` (once), replacing the built-in ones of the same name. */
export function registerKernels(backend: string): void {
  for (const k of KERNELS) {
    if (k.backendName !== backend || getKernel(k.kernelName, k.backendName)?.kernelFunc === k.kernelFunc) continue;
    const existing = getKernel(k.kernelName, k.backendName);
    if (existing) { builtIn.set(k.kernelName, existing.kernelFunc); unregisterKernel(k.kernelName, k.backendName); }
    // The built-in's setup (tfjs-backend-wasm binds its C function there) still runs, for what ours leave to it.
    registerKernel(existing?.setupFunc ? { ...k, setupFunc: existing.setupFunc } : k);
  }
}
