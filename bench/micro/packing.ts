// What XNNPACK's packing of B costs on wasm: the same product with B packed once (cached by tensor id) and with a
// fresh copy of B each call (as after an optimizer step, which makes every weight a new tensor):
// `npx tsx bench/micro/packing.ts`.
import * as tf from '@tensorflow/tfjs';
import { startWasm, time, load } from './lib';

await startWasm();
console.log(`load average ${load()}; CPU ms`);
for (const [m, k, n] of [[128, 768, 3072], [16, 768, 3072], [1, 768, 3072], [128, 3072, 768]]) {
  const a = tf.randomNormal([m, k]), w = tf.randomNormal([k, n]);
  await time(`[${m}x${k}]·[${k}x${n}], B packed once`, () => tf.matMul(a, w), 7);
  const copies = Array.from({ length: 8 }, () => w.add(0)); // fresh tensors, packed at their first use
  let i = 0;
  await time(`[${m}x${k}]·[${k}x${n}], a fresh B each call`, () => tf.matMul(a, copies[i++]), 7);
  await time(`transpose [${k}x${n}]`, () => w.transpose(), 7);
  tf.dispose([a, w, ...copies]);
}
