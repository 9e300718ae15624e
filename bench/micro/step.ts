// One GPT-2 training step's forward and forward+backward on wasm, with the time per kernel (tf.profile of one
// extra step): `npx tsx bench/micro/step.ts [model=124M] [block=128] [steps=2] [batch=1]` (model: tiny, 124M,
// medium, or llmc-tiny, llm.c's tiny shape with its 512-token vocabulary). AdamW is not included (the bench
// times it: `npm run bench -- --only=node --filter=124M`). Useful FLOPs as bench/lib/flops.ts counts them.
import * as tf from '@tensorflow/tfjs';
import { GPT2 } from '../../src/core/gpt2/model';
import { parseConfig } from '../../src/core/gpt2/config';
import { startWasm, settle, load, cpuMs } from './lib';

const SHAPES: Record<string, [number, number, number, number]> = {
  tiny: [2, 2, 32, 50257], 'llmc-tiny': [2, 2, 64, 512], '124M': [12, 12, 768, 50257], medium: [24, 16, 1024, 50257],
};
const [name = '124M', blockArg = '128', stepsArg = '2', batchArg = '1'] = process.argv.slice(2);
const [n_layer, n_head, n_embd, vocab_size] = SHAPES[name];
const T = Number(blockArg), B = Number(batchArg);
await startWasm();
const config = parseConfig({ n_layer, n_head, n_embd, vocab_size, n_positions: 1024 });
const model = GPT2.init(config);
const names = [...model.params.keys()];
await settle(model.params.get(names[names.length - 1])!);
const N = [...model.params].filter(([k]) => k !== 'wpe.weight').reduce((a, [, p]) => a + p.size, 0);
const flops = (6 * N + 12 * n_layer * n_embd * T) * B * T;
const ids = tf.tensor2d(Array.from({ length: B * T }, (_, i) => (i * 7919) % vocab_size), [B, T], 'int32');
const opts = { training: true, seed: 1 };
/**
 * CPU ms of a forward, then of a forward+backward (see cpuMs: wall-clock time on a loaded machine is noise). Every
 * weight is a new tensor first, as after an optimizer step: XNNPACK must not find them packed from the last step.
 */
const step = async () => {
  for (const n of names) { const p = model.params.get(n)!; model.params.set(n, p.add(0)); p.dispose(); }
  await settle(model.params.get(names[names.length - 1])!);
  let t0 = cpuMs();
  const l = tf.tidy(() => model.loss(ids, opts));
  await l.data(); l.dispose();
  const fwd = cpuMs() - t0;
  t0 = cpuMs();
  const { value, grads } = tf.valueAndGrads(() => model.loss(ids, opts))(names.map((n) => model.params.get(n)!));
  await value.data();
  const fb = cpuMs() - t0;
  tf.dispose([value, ...grads]);
  return { fwd, fb };
};
console.log(`${name} B=${B} T=${T}, load average ${load()}`);
for (let s = 0; s < Number(stepsArg); s++) {
  const { fwd, fb } = await step();
  console.log(`step ${s}, CPU time: forward ${fwd.toFixed(0)} ms, forward+backward ${fb.toFixed(0)} ms (backward ${(fb - fwd).toFixed(0)}), ` +
    `${(flops / fb / 1e6).toFixed(2)} GFLOP/s without AdamW; load ${load()}`);
}
// Kernel times in CPU time too: tf.profile times wasm kernels with the platform's clock.
(tf.env().platform as unknown as { now: () => number }).now = cpuMs;
const info = await tf.profile(step);
const byKey = new Map<string, { ms: number; calls: number }>();
for (const k of info.kernels) {
  if (!tf.getKernel(k.name, 'wasm')) continue; // scopes (customGrad's) include their kernels' time
  const key = `${k.name} ${k.inputShapes.map((s) => `[${s.join('x')}]`).join(' ')}`;
  const r = byKey.get(key) ?? { ms: 0, calls: 0 };
  r.ms += k.kernelTimeMs as number; r.calls++;
  byKey.set(key, r);
}
const rows = [...byKey].sort((a, b) => b[1].ms - a[1].ms);
console.log(`profiled step: kernels ${rows.reduce((a, [, r]) => a + r.ms, 0).toFixed(0)} ms in all; top:`);
for (const [k, r] of rows.slice(0, 25)) console.log(`${r.ms.toFixed(1).padStart(8)} ms ${String(r.calls).padStart(4)}× ${k}`);
