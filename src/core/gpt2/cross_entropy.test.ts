// The fused LM-head cross-entropy against the same loss written with plain ops (autodiff's gradients, cpu backend):
// with the forward's exponentials kept for the backward pass (wasm) and recomputed, in one chunk and in two.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { lmHeadCrossEntropy, type CrossEntropyOptions } from './cross_entropy';
import { mulberry32 } from '../random';
import { maxAbsDiff, maxAbs } from '../../../test/reference';

const C = 8;

function inputs(N: number, V: number) {
  const rand = mulberry32(N * 7 + V);
  return {
    h: Float32Array.from({ length: N * C }, () => rand() * 4 - 2),
    w: Float32Array.from({ length: V * C }, () => rand() * 2 - 1),
    t: Int32Array.from({ length: N }, () => Math.floor(rand() * V)),
    dy: Float32Array.from({ length: N }, () => rand()),
  };
}

type Run = { losses: Float32Array; dh: Float32Array; dw: Float32Array };

/** Losses and the gradients of Σ dy·losses, by `f`, on the running backend. */
function run(N: number, V: number, f: (h: tf.Tensor2D, w: tf.Tensor2D, t: tf.Tensor1D) => tf.Tensor1D): Run {
  const x = inputs(N, V);
  return tf.tidy(() => {
    const h = tf.tensor2d(x.h, [N, C]), w = tf.tensor2d(x.w, [V, C]), t = tf.tensor1d(x.t, 'int32'), dy = tf.tensor1d(x.dy);
    const losses = f(h, w, t);
    const [dh, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => f(a as tf.Tensor2D, b as tf.Tensor2D, t).mul(dy).sum())([h, w]);
    return { losses: losses.dataSync() as Float32Array, dh: dh.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  });
}

const plain = (h: tf.Tensor2D, w: tf.Tensor2D, t: tf.Tensor1D) => {
  const logits = tf.matMul(h, w, false, true);
  return tf.logSumExp(logits, 1).sub(tf.sum(logits.mul(tf.oneHot(t, w.shape[0]).cast('float32')), 1)) as tf.Tensor1D;
};

describe('lmHeadCrossEntropy', () => {
  const cases: Array<[string, number, number, CrossEntropyOptions]> = [
    ['one chunk, kept', 12, 300, {}],
    ['one chunk, recomputed', 12, 300, { keepElements: 0 }],
    // 8 Mi logits a chunk: 200 rows of 50,257 make two chunks.
    ['two chunks, kept', 200, 50257, {}],
    ['two chunks, recomputed', 200, 50257, { keepElements: 0 }],
  ];
  const reference = new Map<string, Run>();
  beforeAll(async () => {
    await initBackend('cpu');
    for (const [, N, V] of cases) reference.set(`${N}x${V}`, run(N, V, plain));
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    for (const [name, N, V, opts] of cases) {
      it(`${backend}: ${name}`, async () => {
        await initBackend(backend);
        const before = tf.memory().numTensors;
        const got = run(N, V, (h, w, t) => lmHeadCrossEntropy(h, w, t, opts));
        expect(tf.memory().numTensors).toBe(before);
        const ref = reference.get(`${N}x${V}`)!;
        expect(maxAbsDiff(got.losses, ref.losses)).toBeLessThan(1e-4);
        // The gradients' tolerance of the fixtures (model.test.ts): dh sums 50,257 products in float32.
        expect(maxAbsDiff(got.dh, ref.dh)).toBeLessThanOrEqual(1e-5 + 1e-3 * maxAbs(ref.dh));
        expect(maxAbsDiff(got.dw, ref.dw)).toBeLessThanOrEqual(1e-5 + 1e-3 * maxAbs(ref.dw));
      });
    }
  }
});
