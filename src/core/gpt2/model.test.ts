// GPT-2 forward and backward against the PyTorch reference, on the backends Node has (cpu, wasm).
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { GPT2 } from './model';
import { loadReference, ALL_REFERENCES, maxAbsDiff, maxAbs, type Reference } from '../../../test/reference';

describe.each(['cpu', 'wasm'] as const)('GPT-2 numerics on %s', (backend) => {
  beforeAll(async () => { await initBackend(backend); });

  describe.each(ALL_REFERENCES)('%s', (name) => {
    let ref: Reference;
    let model: GPT2;
    let ids: tf.Tensor2D;
    beforeAll(() => {
      ref = loadReference(name);
      model = GPT2.fromArrays(ref.config, ref.weights);
      ids = tf.tensor2d(ref.blocks, [ref.run.num_blocks, ref.run.block_size], 'int32');
    });

    it('per-position losses and eval_loss', () => {
      const losses = tf.tidy(() => model.losses(ids));
      const expected = ref.expected.float32('losses');
      expect(maxAbsDiff(losses.dataSync(), expected)).toBeLessThan(1e-4);
      const mean = tf.tidy(() => losses.mean()).dataSync()[0];
      expect(Math.abs(mean - ref.run.eval_loss)).toBeLessThan(1e-4);
      losses.dispose();
    });

    if (name !== 'unseen') it('logits', () => {
      const { num_blocks: B, block_size: T } = ref.run;
      const where = ref.run.logits_positions!;
      const logits = tf.tidy(() => model.logits(model.hidden(ids)));
      const all = logits.dataSync();
      const V = ref.config.vocab_size;
      const rows = where === 'all' ? Array.from({ length: B * T }, (_, i) => i) : where.map(([b, t]) => b * T + t);
      const got = new Float32Array(rows.length * V);
      rows.forEach((r, i) => got.set(all.subarray(r * V, (r + 1) * V), i * V));
      expect(maxAbsDiff(got, ref.expected.float32('logits'))).toBeLessThan(1e-4);
      logits.dispose();
    });

    it.each([false, true])('gradients of every parameter, with no tensor leak (recompute: %s)', (recompute) => {
      const before = tf.memory().numTensors;
      const names = [...model.params.keys()];
      const { value, grads } = tf.valueAndGrads((...ps: tf.Tensor[]) => {
        names.forEach((n, i) => model.params.set(n, ps[i]));
        return model.loss(ids, { recompute });
      })(names.map((n) => model.params.get(n)!));
      expect(Math.abs(value.dataSync()[0] - ref.run.eval_loss)).toBeLessThan(1e-4);
      for (const [i, n] of names.entries()) {
        const exp = ref.expected.float32('grad.' + n);
        const diff = maxAbsDiff(grads[i].dataSync(), exp);
        expect(diff, n).toBeLessThanOrEqual(1e-5 + 1e-3 * maxAbs(exp));
      }
      value.dispose();
      grads.forEach((g) => g.dispose());
      expect(tf.memory().numTensors).toBe(before);
    });

    it('recomputing the blocks draws the same dropout masks: the same loss and gradients, with no tensor leak', () => {
      const names = [...model.params.keys()];
      const run = (recompute: boolean) => tf.tidy(() => {
        const { value, grads } = tf.valueAndGrads(() => model.loss(ids, { training: true, dropout: 0.2, seed: 11, recompute }))(names.map((n) => model.params.get(n)!));
        return [value, ...grads].map((t) => t.dataSync());
      });
      const kept = run(false);
      const before = tf.memory().numTensors;
      const recomputed = run(true);
      expect(tf.memory().numTensors).toBe(before);
      expect(recomputed[0][0]).not.toBeCloseTo(ref.run.eval_loss, 3); // dropout is on
      kept.forEach((k, i) => expect(maxAbsDiff(recomputed[i], k), i ? names[i - 1] : 'loss').toBeLessThanOrEqual(1e-6 * (1 + maxAbs(k))));
    });
  });
});
