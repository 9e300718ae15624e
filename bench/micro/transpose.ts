// Transposes on wasm: tfjs-backend-wasm's own Transpose against ours (src/core/backend/kernels.ts, with the SIMD
// kernel of src/core/backend/simd/transpose.c), on the shapes a GPT-2 124M training step transposes (its weights for
// XNNPACK's fast products, activations, the LM head's wte): `npx tsx bench/micro/transpose.ts`.
import * as tf from '@tensorflow/tfjs';
import { startWasm, time, load } from './lib';

// tfjs-backend-wasm registers its kernels when imported (lib.ts imports it); ours replace them in startWasm.
const builtIn = tf.getKernel('Transpose', 'wasm')!;
await startWasm();
const shapes = [[768, 3072], [3072, 768], [768, 2304], [768, 768], [128, 3072], [3072, 128], [50257, 768]];
const xs = shapes.map((s) => tf.randomNormal(s));
console.log(`load average ${load()}; CPU ms`);
for (const x of xs) await time(`ours: transpose [${x.shape.join('x')}]`, () => x.transpose(), 7);
tf.unregisterKernel('Transpose', 'wasm');
tf.registerKernel(builtIn);
for (const x of xs) await time(`tfjs-backend-wasm: transpose [${x.shape.join('x')}]`, () => x.transpose(), 7);
