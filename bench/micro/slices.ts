// Cutting tensors on wasm: tfjs-backend-wasm's own Slice/Unpack/SplitV against ours (src/core/backend/kernels.ts),
// on the shapes of GPT-2 124M's attention at T = 128: `npx tsx bench/micro/slices.ts`.
import * as tf from '@tensorflow/tfjs';
import { startWasm, time, load } from './lib';

const NAMES = ['Slice', 'Unpack', 'SplitV'];
// tfjs-backend-wasm registers its kernels when imported (lib.ts imports it); ours replace them in startWasm.
const builtIn = NAMES.map((k) => tf.getKernel(k, 'wasm')!);
await startWasm();
const heads = tf.randomNormal([12, 128, 128]), qkv = tf.randomNormal([128, 2304]), wpe = tf.randomNormal([1024, 768]);
const cases: Array<[string, () => tf.Tensor | tf.Tensor[]]> = [
  ['unstack [12x128x128]', () => tf.unstack(heads)],
  ['split [128x2304] in 3 along axis 1', () => tf.split(qkv, 3, 1)],
  ['slice [128x768] of wpe [1024x768]', () => wpe.slice([0, 0], [128, -1])],
];
console.log(`load average ${load()}; CPU ms`);
for (const [label, f] of cases) await time(`ours: ${label}`, f, 9);
for (const k of NAMES) tf.unregisterKernel(k, 'wasm');
for (const k of builtIn) tf.registerKernel(k);
for (const [label, f] of cases) await time(`tfjs-backend-wasm: ${label}`, f, 9);
