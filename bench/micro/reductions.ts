// Sum and Max over axis 0 on wasm (the LM head's vocab-major logits, src/core/gpt2/cross_entropy.ts):
// tfjs-backend-wasm's own kernels against ours (src/core/backend/kernels.ts, simd/columns.c), at GPT-2 124M's
// [50257 × 127] and llm.c's tiny shape [512 × 504]: `npx tsx bench/micro/reductions.ts`.
import * as tf from '@tensorflow/tfjs';
import { startWasm, time, load } from './lib';

const NAMES = ['Sum', 'Max'];
// tfjs-backend-wasm registers its kernels when imported (lib.ts imports it); ours replace them in startWasm.
const builtIn = NAMES.map((k) => tf.getKernel(k, 'wasm')!);
await startWasm();
const xs = [tf.randomNormal([50257, 127]), tf.randomNormal([512, 504])];
const cases = (who: string) => xs.flatMap((x) => [
  [`${who}: sum over axis 0 of [${x.shape.join('x')}]`, () => tf.sum(x, 0, true)],
  [`${who}: max over axis 0 of [${x.shape.join('x')}]`, () => tf.max(x, 0, true)],
] as Array<[string, () => tf.Tensor]>);
console.log(`load average ${load()}; CPU ms`);
for (const [label, f] of cases('ours')) await time(label, f, 9);
for (const k of NAMES) tf.unregisterKernel(k, 'wasm');
for (const k of builtIn) tf.registerKernel(k);
for (const [label, f] of cases('tfjs-backend-wasm')) await time(label, f, 9);
