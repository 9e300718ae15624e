// Attention a few heads at a time (recompute.ts) against one call over all heads: the same values and gradients,
// with dropout's multiplier too, and no tensor left behind.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { attendInGroups } from './recompute';
import { maxAbsDiff } from '../../../test/reference';

const attend = (q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, m: tf.Tensor3D | null) => {
  const att = tf.softmax(tf.matMul(q, k, false, true).mul(0.25));
  return tf.matMul(m ? att.mul(m) : att, v) as tf.Tensor3D;
};

describe.each(['cpu', 'wasm'] as const)('attention in groups of heads on %s', (backend) => {
  beforeAll(async () => { await initBackend(backend); });

  it.each([false, true])('gives the values and gradients of one call over all heads (dropout: %s)', (dropout) => {
    const [BH, T, hd] = [7, 6, 4];
    const q = tf.randomNormal([BH, T, hd], 0, 1, 'float32', 1) as tf.Tensor3D;
    const k = tf.randomNormal([BH, T, hd], 0, 1, 'float32', 2) as tf.Tensor3D;
    const v = tf.randomNormal([BH, T, hd], 0, 1, 'float32', 3) as tf.Tensor3D;
    const m = dropout ? tf.tidy(() => tf.floor(tf.randomUniform([BH, T, T], 0, 1, 'float32', 4).add(0.8)).div(0.8)) as tf.Tensor3D : null;
    const dy = tf.randomNormal([BH, T, hd], 0, 1, 'float32', 5);
    const run = (grouped: boolean) => tf.tidy(() => {
      // 2 heads' scores per group: groups of 2, 2, 2 and 1.
      const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => (grouped
        ? attendInGroups(a as tf.Tensor3D, b as tf.Tensor3D, c as tf.Tensor3D, m, attend, 2 * T * T)
        : attend(a as tf.Tensor3D, b as tf.Tensor3D, c as tf.Tensor3D, m));
      const { value, grads } = tf.valueAndGrads((a, b, c) => f(a, b, c).mul(dy).sum())([q, k, v]);
      return [f(q, k, v), value, ...grads].map((t) => t.dataSync());
    });
    const whole = run(false);
    const before = tf.memory().numTensors;
    const grouped = run(true);
    expect(tf.memory().numTensors).toBe(before);
    whole.forEach((w, i) => expect(maxAbsDiff(grouped[i], w), ['y', 'loss', 'dq', 'dk', 'dv'][i]).toBeLessThanOrEqual(1e-6));
    tf.dispose([q, k, v, dy, ...(m ? [m] : [])]);
  });
});
