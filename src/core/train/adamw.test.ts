import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { simdKernels } from '../backend/simd';
import { createAdamW, type AdamW } from './adamw';

/** Deterministic values in [-scale/2, scale/2). */
function noise(n: number, scale: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) { seed = (seed * 1664525 + 1013904223) >>> 0; a[i] = (seed / 2 ** 32 - 0.5) * scale; }
  return a;
}

// Sizes that are not multiples of the SIMD width, one larger than the kernel's staging chunk, a decayed and a
// non-decayed (bias) parameter.
const SHAPES: Array<[string, number[]]> = [['h.0.attn.c_attn.weight', [70, 1001]], ['h.0.attn.c_attn.bias', [7]], ['wte.weight', [3, 5]]];

const size = (s: number[]) => s.reduce((a, d) => a * d, 1);
const START = new Map(SHAPES.map(([n, s], i) => [n, noise(size(s), 0.1, i + 1)]));

/** Three steps of `opt` from the same start (the second one clipped); the weights, the norms and the moments after them. */
async function run(opt: AdamW) {
  const params = new Map(SHAPES.map(([n, s]) => [n, tf.tensor(START.get(n)!, s)]));
  const norms: number[] = [];
  for (let step = 0; step < 3; step++) {
    const grads = new Map(SHAPES.map(([n, s], i) => [n, tf.tensor(noise(params.get(n)!.size, step === 1 ? 40 : 0.01, 100 * step + i), s)]));
    const loss = tf.scalar(2);
    const { gradNorm, applied } = opt.apply(params, grads, 1e-3, loss);
    norms.push((await gradNorm.data())[0]);
    expect((await applied.data())[0]).toBe(1);
    tf.dispose([loss, gradNorm, applied]);
  }
  const weights = new Map([...params].map(([n, t]) => [n, t.dataSync() as Float32Array]));
  const state = await opt.exportState();
  tf.dispose([...params.values()]);
  opt.dispose();
  return { weights, norms, state };
}

const maxAbs = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

describe('AdamW on wasm', () => {
  beforeAll(async () => { await initBackend('wasm'); });

  it('loads our SIMD kernels on tfjs-backend-wasm\'s heap', () => {
    expect(simdKernels()).not.toBeNull();
  });

  it('the SIMD kernel computes what the JavaScript loop does, to float32 rounding (clipped step included)', async () => {
    const cfg = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01, maxGradNorm: 1 };
    const simd = await run(createAdamW(cfg));
    const js = await run(createAdamW(cfg, { simd: false }));
    simd.norms.forEach((x, i) => expect(Math.abs(x - js.norms[i])).toBeLessThanOrEqual(1e-9 * js.norms[i]));
    expect(js.norms[1]).toBeGreaterThan(1); // the clipped step
    for (const [n] of SHAPES) {
      const close = (a: Float32Array, b: Float32Array) => expect(a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]) / Math.max(1e-3, Math.abs(b[i]))), 0)).toBeLessThan(1e-5);
      close(simd.weights.get(n)!, js.weights.get(n)!);
      close(simd.state.m.get(n)!, js.state.m.get(n)!);
      close(simd.state.v.get(n)!, js.state.v.get(n)!);
      // The update moved the weights (an assertion that the comparison above is not of two untouched copies).
      expect(maxAbs(simd.weights.get(n)!, START.get(n)!)).toBeGreaterThan(1e-4);
    }
  });
});
