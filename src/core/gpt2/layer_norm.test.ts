// The fused LayerNorm of wasm (our SIMD kernel) against the op-by-op form autodiff differentiates, on wasm.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { simdKernels } from '../backend/simd';
import { layerNorm, layerNormOps } from './layer_norm';

const maxAbs = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => a.sub(b).abs().max().dataSync()[0]);

describe('LayerNorm on wasm', () => {
  beforeAll(async () => { await initBackend('wasm'); });

  // C = 7: only the scalar tails; 768: GPT-2's width; rank 3 as well as rank 2.
  for (const shape of [[5, 7], [3, 4, 768], [2, 66]]) {
    it(`the SIMD kernel matches the op-by-op form, value and gradients, for [${shape.join('x')}]`, async () => {
      expect(simdKernels()).not.toBeNull();
      const C = shape[shape.length - 1];
      const x = tf.randomNormal(shape, 0.3, 2, 'float32', 1), g = tf.randomNormal([C], 1, 0.2, 'float32', 2);
      const b = tf.randomNormal([C], 0, 0.2, 'float32', 3), w = tf.randomNormal(shape, 0, 1, 'float32', 4);
      // A weighted sum, so that every output's gradient differs.
      const loss = (f: typeof layerNorm) => (xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) => f(xi, gi, bi, 1e-5).mul(w).sum() as tf.Scalar;
      const fused = tf.valueAndGrads(loss(layerNorm))([x, g, b]);
      const ops = tf.valueAndGrads(loss(layerNormOps))([x, g, b]);
      const yf = tf.tidy(() => layerNorm(x, g, b, 1e-5)), yo = tf.tidy(() => layerNormOps(x, g, b, 1e-5));
      expect(maxAbs(yf, yo)).toBeLessThan(1e-5);
      expect(Math.abs(fused.value.dataSync()[0] - ops.value.dataSync()[0])).toBeLessThan(1e-3);
      fused.grads.forEach((gf, i) => expect(maxAbs(gf, ops.grads[i]), ['dx', 'dγ', 'dβ'][i]).toBeLessThan(1e-4));
      tf.dispose([x, g, b, w, yf, yo, fused.value, ops.value, ...fused.grads, ...ops.grads]);
    });
  }
});
