// Trainer behaviour beyond the reference runs (those run through the CLI in src/cli/cli.test.ts): pausing,
// the non-finite guard, and a flat tensor count over many steps.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { GPT2 } from '../gpt2/model';
import { Trainer, TrainingStopped } from './trainer';
import { resolveArgs } from './args';
import { DataError } from '../data';
import { loadReference, maxAbsDiff } from '../../../test/reference';
import { wordIn, type Said } from '../messages';
import { CATALOGS } from '../../worker/catalogs';

const ref = loadReference('tiny-gpt2-v512');
const data = { blocks: ref.blocks, blockSize: ref.run.block_size, train: [0, 1, 2, 3, 4], validation: [5] };
const params = async (m: GPT2) => new Map(await Promise.all([...m.params].map(async ([n, t]) => [n, await t.data()] as const)));

describe('Trainer (wasm)', () => {
  beforeAll(async () => { await initBackend('wasm'); });

  it('pausing and resuming mid-run changes nothing', async () => {
    const args = resolveArgs({ max_steps: 8, logging_steps: 2, eval_steps: 4, per_device_train_batch_size: 2, learning_rate: 1e-3, seed: 7 });
    const a = GPT2.fromArrays(ref.config, ref.weights);
    const ta = new Trainer(a, data, args, 'wasm');
    await ta.train();
    const b = GPT2.fromArrays(ref.config, ref.weights);
    let paused = false;
    const tb = new Trainer(b, data, args, 'wasm', {
      onProgress: (p) => {
        if (p.step === 3 && !paused) {
          paused = true;
          tb.pause();
          expect(tb.isPaused).toBe(true);
          setTimeout(() => { expect(tb.globalStep).toBe(3); tb.resume(); }, 50);
        }
      },
    });
    await tb.train();
    expect(paused).toBe(true);
    const [pa, pb] = [await params(a), await params(b)];
    for (const [n, v] of pa) expect(maxAbsDiff(pb.get(n)!, v), n).toBe(0);
    const strip = (h: typeof ta.logHistory) => h.filter((e) => 'loss' in e || 'eval_loss' in e).map((e) => ({ ...e, eval_runtime: 0, eval_samples_per_second: 0 }));
    expect(strip(tb.logHistory)).toEqual(strip(ta.logHistory));
    expect(ta.logHistory.filter((e) => 'eval_loss' in e).map((e) => e.step)).toEqual([4, 8]);
    for (const x of [ta, tb, a, b]) x.dispose();
  });

  it('skips non-finite steps, leaves the weights as they were, and stops after 3 in a row', async () => {
    const m = GPT2.fromArrays(ref.config, ref.weights);
    const old = m.params.get('ln_f.weight')!;
    m.params.set('ln_f.weight', tf.fill(old.shape, NaN));
    old.dispose();
    const before = await params(m);
    const said: Said[] = [];
    const onWarning = (w: Said) => { said.push(w); };
    const t = new Trainer(m, data, resolveArgs({ max_steps: 10, logging_steps: 3, per_device_train_batch_size: 1 }), 'wasm', { onWarning });
    const err = await t.train().then(() => null, (e) => e);
    expect(err).toBeInstanceOf(TrainingStopped);
    expect(err.message).toMatch(/not finite for 3 steps in a row/);
    expect(said[0].text).toMatch(/3 of the last 3 steps had a non-finite loss or gradient/);
    // The page's Spanish, from the sentences as data.
    expect(wordIn(said[0], 'es', CATALOGS)).toBe('paso 3: 3 de los últimos 3 pasos tuvieron una pérdida o un gradiente no finitos; se omitieron sus actualizaciones');
    expect(wordIn(err.said, 'es', CATALOGS)).toBe('el entrenamiento se detuvo en el paso 3: la pérdida o el gradiente no fueron finitos durante 3 pasos seguidos; ' +
      'baja la tasa de aprendizaje (los checkpoints escritos antes están intactos)');
    const after = await params(m);
    for (const [n, v] of before) if (n !== 'ln_f.weight') expect(maxAbsDiff(after.get(n)!, v), n).toBe(0);
    t.dispose(); m.dispose();
  });

  it('refuses blocks past the end of truncated data instead of training on zeros', () => {
    const m = GPT2.fromArrays(ref.config, ref.weights);
    const T = data.blockSize;
    const short = { ...data, blocks: data.blocks.subarray(0, 3 * T + 5) };
    const err = (() => { try { new Trainer(m, short, resolveArgs({ max_steps: 1 }), 'wasm'); return null; } catch (e) { return e as Error; } })();
    expect(err).toBeInstanceOf(DataError);
    expect(err!.message).toBe(`the dataset: block 3 is named but only 3 blocks of ${T} tokens are there (${3 * T + 5} tokens): the blocks are truncated`);
    m.dispose();
  });

  it('keeps the tensor count flat over 200 steps', async () => {
    const m = GPT2.fromArrays(ref.config, ref.weights);
    const counts: number[] = [];
    const t = new Trainer(m, data, resolveArgs({ max_steps: 200, logging_steps: 10, eval_steps: 50, per_device_train_batch_size: 1 }), 'wasm', {
      onProgress: (p) => { if (p.step % 50 === 0) counts.push(tf.memory().numTensors); },
    });
    await t.train();
    expect(counts).toHaveLength(4);
    expect(new Set(counts).size).toBe(1);
    t.dispose(); m.dispose();
  });
});
