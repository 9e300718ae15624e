// Elementwise kernels on wasm at GPT-2 124M's MLP width (128 tokens × 3072): `npx tsx bench/micro/elementwise.ts`.
// gelu_new can be written with tanh or, identically, with a sigmoid: 0.5·(1 + tanh(z)) = sigmoid(2z).
import * as tf from '@tensorflow/tfjs';
import { startWasm, time, load } from './lib';

await startWasm();
const x = tf.randomNormal([128, 3072]);
console.log(`load average ${load()}; CPU ms`);
await time('tanh', () => tf.tanh(x), 15);
await time('sigmoid', () => tf.sigmoid(x), 15);
await time('exp', () => tf.exp(x), 15);
await time('mul', () => x.mul(x), 15);
await time('mul by a scalar', () => x.mul(0.5), 15);
