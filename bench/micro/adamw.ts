// Milliseconds of one AdamW step (the Trainer's optimizer: createAdamW) on GPT-2 124M's parameters, on wasm or cpu;
// on wasm with our SIMD kernel (backend/simd/adamw.c, the default) or the JavaScript loop (`js`).
//
//   npx tsx bench/micro/adamw.ts [wasm|cpu] [steps] [simd|js]
//
// Parameters and gradients are 124M random floats (filled from a cheap generator: tf.randomNormal of 124M values
// would take longer than the optimizer). The first step allocates the moments and is reported apart. Wall time is
// noisy when other work shares the CPU: the process's CPU time and the load average are printed beside it.
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/core/backend';
import { parseConfig } from '../../src/core/gpt2/config';
import { parameterShapes } from '../../src/core/gpt2/weights';
import { createAdamW } from '../../src/core/train/adamw';

const backend = (process.argv[2] ?? 'wasm') as 'wasm' | 'cpu';
const steps = Number(process.argv[3] ?? 4);
const simd = process.argv[4] !== 'js';
await initBackend(backend);
tf.env().set('PROD', true);

let seed = 1;
const noise = (n: number, scale: number) => {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) { seed = (seed * 1664525 + 1013904223) >>> 0; a[i] = ((seed / 2 ** 32) - 0.5) * scale; }
  return a;
};
const shapes = parameterShapes(parseConfig({ vocab_size: 50257, n_positions: 1024, n_embd: 768, n_layer: 12, n_head: 12 }));
const params = new Map([...shapes].map(([n, s]) => [n, tf.tensor(noise(s.reduce((a, d) => a * d, 1), 0.04), s)]));
const opt = createAdamW({ beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01, maxGradNorm: 1 }, { simd });
const loss = tf.scalar(3);
const times: number[] = [], cpu: number[] = [];
for (let s = 0; s < steps; s++) {
  const grads = new Map([...shapes].map(([n, sh]) => [n, tf.tensor(noise(sh.reduce((a, d) => a * d, 1), 1e-3), sh)]));
  const t0 = performance.now(), c0 = process.cpuUsage();
  const { gradNorm, applied } = opt.apply(params, grads, 5e-5, loss);
  times.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
  tf.dispose([gradNorm, applied]);
}
const ms = (xs: number[]) => {
  const later = xs.slice(1).sort((a, b) => a - b);
  return `first step ${xs[0].toFixed(0)}, then ${xs.slice(1).map((t) => t.toFixed(0)).join(', ')} (median ${later[Math.floor(later.length / 2)]?.toFixed(0)})`;
};
// A checksum of the updated weights: two implementations of the same arithmetic must print the same one.
let sum = 0;
for (const t of params.values()) { const d = t.dataSync(); for (let i = 0; i < d.length; i++) sum += d[i] * ((i % 7) + 1); }
console.log(`AdamW on 124M (${[...shapes.values()].reduce((a, s) => a + s.reduce((x, d) => x * d, 1), 0)} parameters), ${backend}${backend === 'wasm' ? (simd ? ' SIMD kernel' : ' JavaScript loop') : ''}, ms: wall ${ms(times)}; ` +
  `CPU ${ms(cpu)}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}; weights checksum ${sum}`);
