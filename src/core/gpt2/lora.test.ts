// LoRA against the PyTorch reference (test/fixtures/lora, scripts/make_lora_reference.py) on the Node backends:
// the adapted model's losses, the adapter's gradients, training runs from a given adapter, the merge; and that the
// base stays frozen, with AdamW state for the adapter alone.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { GPT2 } from './model';
import { LoraAdapter, adapterShapes } from './lora';
import { resolveLora } from '../train/lora_args';
import { Trainer } from '../train/trainer';
import { resolveArgs } from '../train/args';
import { readAdapterFolder } from '../io/adapter';
import { loadLoraReference, maxAbs, maxAbsDiff } from '../../../test/reference';
import { compareRun } from '../../../test/compare_run';
import { dirSource } from '../../node/fs_source';

const ref = loadLoraReference();
const read = async (m: Map<string, tf.Tensor>) => new Map(await Promise.all([...m].map(async ([n, t]) => [n, (await t.data()) as Float32Array] as const)));

async function adapted(): Promise<GPT2> {
  const model = GPT2.fromArrays(ref.config, ref.weights);
  const a = await readAdapterFolder(await dirSource(ref.adapterDir), ref.config);
  model.lora = LoraAdapter.fromArrays(ref.config, a.config, a.weights);
  return model;
}

describe.each(['cpu', 'wasm'] as const)('LoRA on %s', (backend) => {
  beforeAll(async () => { await initBackend(backend); });
  const ids = () => tf.tensor2d(ref.blocks, [ref.run.num_blocks, ref.run.block_size], 'int32');

  it('per-position losses and the adapter gradients of the given adapter', async () => {
    const model = await adapted();
    const x = ids();
    const losses = tf.tidy(() => model.losses(x));
    expect(maxAbsDiff(await losses.data(), ref.expected.float32('losses'))).toBeLessThan(1e-4);
    const names = [...model.lora!.params.keys()];
    const { value, grads } = tf.valueAndGrads(() => model.loss(x))(names.map((n) => model.lora!.params.get(n)!));
    expect(Math.abs((await value.data())[0] - ref.run.eval_loss)).toBeLessThan(1e-4);
    expect(names).toHaveLength(3 * 4 * 2);
    for (const [i, n] of names.entries()) {
      const want = ref.expected.float32('grad.' + n);
      expect(maxAbsDiff(await grads[i].data(), want), n).toBeLessThanOrEqual(1e-5 + 1e-3 * maxAbs(want));
    }
    tf.dispose([x, losses, value, ...grads]);
    model.dispose();
  });

  for (const [runName, run] of Object.entries(ref.run.runs)) {
    it(`training run "${runName}" from the given adapter: logs and final adapter; the base does not move`, async () => {
      const model = await adapted();
      const baseBefore = await read(model.params);
      const data = { blocks: ref.blocks, blockSize: ref.run.block_size, train: [...Array(ref.run.num_blocks).keys()], validation: [] };
      const trainer = new Trainer(model, data, resolveArgs({ ...run.args, logging_steps: 1, shuffle: false, dropout: 0, save_steps: 0 }), backend);
      await trainer.train();
      expect(compareRun(runName, run, ref.expected, trainer.logHistory, await read(model.lora!.params))).toEqual([]);
      for (const [n, v] of await read(model.params)) expect(maxAbsDiff(v, baseBefore.get(n)!), n).toBe(0);
      const state = await trainer.optimizer.exportState();
      expect([...state.m.keys()].sort()).toEqual([...model.lora!.params.keys()].sort());
      trainer.dispose(); model.dispose();
    });
  }

  // Recomputation (--gradient_checkpointing) differentiates each block with respect to the adapter's tensors alone.
  it('with --gradient_checkpointing: the adapter gradients, and training run "constant", as the reference; the base does not move', async () => {
    const model = await adapted();
    const x = ids();
    const names = [...model.lora!.params.keys()];
    const { value, grads } = tf.valueAndGrads(() => model.loss(x, { recompute: true }))(names.map((n) => model.lora!.params.get(n)!));
    expect(Math.abs((await value.data())[0] - ref.run.eval_loss)).toBeLessThan(1e-4);
    for (const [i, n] of names.entries()) {
      const want = ref.expected.float32('grad.' + n);
      expect(maxAbsDiff(await grads[i].data(), want), n).toBeLessThanOrEqual(1e-5 + 1e-3 * maxAbs(want));
    }
    tf.dispose([x, value, ...grads]);
    const [runName, run] = Object.entries(ref.run.runs)[0];
    const baseBefore = await read(model.params);
    const data = { blocks: ref.blocks, blockSize: ref.run.block_size, train: [...Array(ref.run.num_blocks).keys()], validation: [] };
    const args = resolveArgs({ ...run.args, logging_steps: 1, shuffle: false, dropout: 0, save_steps: 0, gradient_checkpointing: true });
    const trainer = new Trainer(model, data, args, backend);
    await trainer.train();
    expect(compareRun(runName, run, ref.expected, trainer.logHistory, await read(model.lora!.params))).toEqual([]);
    for (const [n, v] of await read(model.params)) expect(maxAbsDiff(v, baseBefore.get(n)!), n).toBe(0);
    trainer.dispose(); model.dispose();
  });

  it('with --gradient_checkpointing, lora_dropout draws the same masks in the recomputed pass: the gradients of the pass that kept its activations', async () => {
    const model = await adapted();
    model.lora = new LoraAdapter({ ...model.lora!.config, lora_dropout: 0.3 }, model.lora!.params);
    const x = ids();
    const names = [...model.lora.params.keys()];
    const run = (recompute: boolean) => tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads(() => model.loss(x, { training: true, dropout: 0, seed: 5, recompute }))(names.map((n) => model.lora!.params.get(n)!));
      return [value, ...grads].map((t) => t.dataSync());
    });
    const kept = run(false), recomputed = run(true);
    expect(Math.abs(kept[0][0] - ref.run.eval_loss)).toBeGreaterThan(1e-3); // the adapter's dropout is on (the model's is off)
    kept.forEach((k, i) => expect(maxAbsDiff(recomputed[i], k), i ? names[i - 1] : 'loss').toBeLessThanOrEqual(1e-6 * (1 + maxAbs(k))));
    x.dispose();
    model.dispose();
  });

  it('merges as merge_and_unload(): the merged weights and the merged model\'s losses', async () => {
    const model = await adapted();
    const merged = model.lora!.merged(model.params);
    const got = await read(merged);
    for (const key of ref.expected.tensors.keys()) {
      if (!key.startsWith('merged.')) continue;
      expect(maxAbsDiff(got.get(key.slice('merged.'.length))!, ref.expected.float32(key)), key).toBeLessThan(1e-6);
    }
    const plain = new GPT2(ref.config, merged);
    const x = ids();
    const losses = tf.tidy(() => plain.losses(x));
    expect(maxAbsDiff(await losses.data(), ref.expected.float32('losses'))).toBeLessThan(1e-4);
    for (const [n, t] of merged) if (!model.params.has(n) || model.params.get(n) !== t) t.dispose();
    tf.dispose([x, losses]);
    model.dispose();
  });
});

describe('a new adapter', () => {
  beforeAll(async () => { await initBackend('cpu'); });

  it('starts as PEFT starts one: A uniform in ±1/√in, B zero, so the model is the base model', async () => {
    const l = resolveLora({ r: 8, lora_alpha: 16, target_modules: ['c_attn,c_proj', 'c_fc'] });
    const a = LoraAdapter.init(ref.config, l, 3);
    expect([...a.params.keys()]).toEqual([...adapterShapes(ref.config, l).keys()]);
    for (const [n, t] of a.params) {
      const v = await t.data();
      if (n.endsWith('lora_B.weight')) expect(maxAbs(v), n).toBe(0);
      else {
        const bound = 1 / Math.sqrt(t.shape[1]!);
        expect(maxAbs(v), n).toBeLessThanOrEqual(bound);
        expect(maxAbs(v), n).toBeGreaterThan(0.9 * bound);
      }
    }
    const model = GPT2.fromArrays(ref.config, ref.weights);
    const x = tf.tensor2d(ref.blocks, [ref.run.num_blocks, ref.run.block_size], 'int32');
    const base = tf.tidy(() => model.losses(x));
    model.lora = a;
    const withAdapter = tf.tidy(() => model.losses(x));
    expect(maxAbsDiff(await withAdapter.data(), await base.data())).toBe(0);
    tf.dispose([x, base, withAdapter]);
    model.dispose();
  });

  it('takes no gradient of a frozen weight: no kernel of a LoRA backward pass makes a weight-sized tensor, where full fine-tuning does', async () => {
    const x = tf.tensor2d(ref.blocks, [ref.run.num_blocks, ref.run.block_size], 'int32');
    const C = ref.config.n_embd;
    const weightShapes = new Set([[C, 3 * C], [C, ref.config.n_inner], [ref.config.vocab_size, C]].map(String));
    const weightSized = async (model: GPT2, xs: tf.Tensor[]) => {
      const info = await tf.profile(() => { tf.dispose(tf.grads(() => model.loss(x))(xs)); });
      // Identity: customGrad keeps the inputs it saves as clones, which share their memory.
      return info.kernels.filter((k) => k.name !== 'Identity' && k.outputShapes.some((s) => weightShapes.has(String(s)))).map((k) => k.name);
    };
    const model = await adapted();
    expect(await weightSized(model, [...model.lora!.params.values()])).toEqual([]);
    const full = GPT2.fromArrays(ref.config, ref.weights);
    expect((await weightSized(full, [...full.params.values()])).length).toBeGreaterThan(0);
    tf.dispose(x); model.dispose(); full.dispose();
  });

  it('targets modules as PEFT matches them, and refuses what matches nothing', () => {
    const modules = (t: string[]) => [...adapterShapes(ref.config, resolveLora({ target_modules: t })).keys()].filter((n) => n.startsWith('h.0.') && n.endsWith('A.weight'));
    expect(modules(['c_attn'])).toEqual(['h.0.attn.c_attn.lora_A.weight']);
    expect(modules(['c_proj'])).toEqual(['h.0.attn.c_proj.lora_A.weight', 'h.0.mlp.c_proj.lora_A.weight']);
    expect(modules(['mlp.c_proj'])).toEqual(['h.0.mlp.c_proj.lora_A.weight']);
    expect(modules(['all-linear'])).toHaveLength(4);
    expect(() => adapterShapes(ref.config, resolveLora({ target_modules: ['q_proj'] }))).toThrow(/lora_target_modules: "q_proj" matches none of GPT-2's Conv1D layers/);
    expect(() => resolveLora({ r: 0 })).toThrow('lora_r must be a positive integer, got 0');
    expect(() => resolveLora({ lora_dropout: 1 })).toThrow('lora_dropout must be in [0, 1), got 1');
  });

  it('applies lora_dropout to the adapter\'s input in training only, with a rate of its own', async () => {
    const model = await adapted();
    model.lora = new LoraAdapter({ ...model.lora!.config, lora_dropout: 0.5 }, model.lora!.params);
    const x = tf.tensor2d(ref.blocks, [ref.run.num_blocks, ref.run.block_size], 'int32');
    const evalLoss = tf.tidy(() => model.loss(x).dataSync()[0]);
    expect(Math.abs(evalLoss - ref.run.eval_loss)).toBeLessThan(1e-4);
    // --dropout 0 turns the model's dropout off, not the adapter's.
    const trainLoss = tf.tidy(() => model.loss(x, { training: true, dropout: 0, seed: 1 }).dataSync()[0]);
    expect(Math.abs(trainLoss - ref.run.eval_loss)).toBeGreaterThan(1e-3);
    x.dispose();
    model.dispose();
  });
});
