// Our wasm kernels against the same ops computed on the cpu backend (tfjs's reference kernels).
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '.';

/** Runs f on cpu and on wasm with the same inputs; returns both results' values and shapes. */
async function onBoth(inputs: Array<{ shape: number[]; dtype: 'float32' | 'int32' | 'bool' }>, f: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]) {
  const values = inputs.map(({ shape, dtype }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return Array.from({ length: n }, (_, i) => (dtype === 'bool' ? i % 3 === 0 : dtype === 'int32' ? (i * 7919) % 1000 - 500 : Math.sin(i) * 100));
  });
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    const xs = inputs.map(({ shape, dtype }, i) => tf.tensor(values[i] as number[], shape, dtype));
    const out = tf.tidy(() => { const r = f(...xs); return Array.isArray(r) ? r : [r]; });
    const res = await Promise.all(out.map(async (t) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(await t.data()) })));
    tf.dispose([...xs, ...out]);
    return res;
  };
  return { cpu: await run('cpu'), wasm: await run('wasm') };
}

describe('wasm kernels', () => {
  beforeAll(async () => { await initBackend('cpu'); await initBackend('wasm'); });

  const cases: Array<[string, number[], (x: tf.Tensor) => tf.Tensor | tf.Tensor[]]> = [
    ['slice of rows (contiguous)', [6, 5], (x) => x.slice([2, 0], [3, -1])],
    ['slice of columns', [6, 5], (x) => x.slice([1, 2], [4, 2])],
    ['slice of a middle axis', [3, 4, 5], (x) => x.slice([1, 1, 0], [2, 2, -1])],
    ['slice of the last axis, rank 4', [2, 3, 4, 5], (x) => x.slice([1, 0, 1, 3], [1, 3, 2, 2])],
    ['slice of a vector', [10], (x) => x.slice(3, 4)],
    ['empty slice', [4, 4], (x) => x.slice([1, 1], [0, 2])],
    ['unstack axis 0 (attention heads)', [3, 4, 5], (x) => tf.unstack(x)],
    ['unstack axis 1', [3, 4, 5], (x) => tf.unstack(x, 1)],
    ['unstack last axis', [3, 4, 5], (x) => tf.unstack(x, -1)],
    ['split in 3 along axis 1 (q, k, v)', [4, 9], (x) => tf.split(x, 3, 1)],
    ['split by sizes along axis 0', [7, 3], (x) => tf.split(x, [2, 4, 1], 0)],
    ['transpose of a matrix, whole 4×4 tiles and 32×32 blocks', [64, 96], (x) => x.transpose()],
    ['transpose of a matrix with partial tiles and blocks', [37, 70], (x) => x.transpose()],
    ['transpose of the last two axes, batched', [3, 5, 6], (x) => x.transpose([0, 2, 1])],
    ['transpose of a row', [1, 9], (x) => x.transpose()],
    ['transpose of an empty matrix', [0, 4], (x) => x.transpose()],
    ['another permutation (tfjs\'s own kernel)', [2, 3, 4], (x) => x.transpose([2, 0, 1])],
    ['max over the rows (the LM head\'s column maxima)', [9, 13], (x) => tf.max(x, 0, true)],
    ['max of a rank-3 tensor over axis 0 (tfjs\'s own kernel)', [2, 3, 4], (x) => tf.max(x, 0)],
  ];
  for (const dtype of ['float32', 'int32', 'bool'] as const) {
    for (const [name, shape, f] of cases) {
      it(`${name}, ${dtype}`, async () => {
        const { cpu, wasm } = await onBoth([{ shape, dtype }], f);
        expect(wasm).toEqual(cpu);
      });
    }
  }

  it('unsortedSegmentSum (the token embedding\'s gradient) adds repeated ids\' rows, on cpu and wasm', async () => {
    const rows = [[1, 2], [10, 20], [100, 200], [1000, 2000]], ids = [3, 0, 3, 1];
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      const x = tf.tensor2d(rows), i = tf.tensor1d(ids, 'int32');
      const out = tf.unsortedSegmentSum(x, i, 5);
      expect(out.shape).toEqual([5, 2]);
      expect(Array.from(await out.data()), backend).toEqual([10, 20, 1000, 2000, 0, 0, 101, 202, 0, 0]);
      tf.dispose([x, i, out]);
    }
  });

  it('sums over the rows of a matrix as tfjs-backend-wasm\'s own Sum does, to the bit', async () => {
    await tf.setBackend('wasm');
    // cpu's Sum rounds differently from wasm's: compare with wasm's own kernel, over the last axis of the transpose.
    for (const [shape, keep] of [[[9, 13], false], [[37, 70], true], [[1, 5], false]] as const) {
      const x = tf.randomNormal([...shape], 0, 100, 'float32', 7);
      const ours = x.sum(0, keep), theirs = x.transpose().sum(1, keep).reshape(ours.shape);
      expect(ours.shape).toEqual(keep ? [1, shape[1]] : [shape[1]]);
      expect(Array.from(await ours.data())).toEqual(Array.from(await theirs.data()));
      tf.dispose([x, ours, theirs]);
    }
  });

  it('a slice stays right after the heap grows', async () => {
    await tf.setBackend('wasm');
    const x = tf.range(0, 1000, 1, 'float32').reshape([10, 100]);
    const big = tf.zeros([64 * 1024 * 1024]); // 256 MB: forces the wasm memory to grow while slicing below
    const s = x.slice([3, 10], [2, 5]);
    expect(Array.from(await s.data())).toEqual([310, 311, 312, 313, 314, 410, 411, 412, 413, 414]);
    tf.dispose([x, big, s]);
  });
});
