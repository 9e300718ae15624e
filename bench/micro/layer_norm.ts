// LayerNorm on wasm: our fused SIMD kernel (src/core/gpt2/layer_norm.ts) against the op-by-op form, forward and
// forward+backward, at GPT-2 124M's [128 × 768] and llm.c's tiny shape [512 × 64]: `npx tsx bench/micro/layer_norm.ts`.
import * as tf from '@tensorflow/tfjs';
import { startWasm, time, load } from './lib';
import { layerNorm, layerNormOps } from '../../src/core/gpt2/layer_norm';

await startWasm();
console.log(`load average ${load()}; CPU ms of 10 calls`);
for (const [rows, C] of [[128, 768], [512, 64]]) {
  const x = tf.randomNormal([rows, C]), g = tf.randomNormal([C]), b = tf.randomNormal([C]);
  for (const [name, f] of [['fused', layerNorm], ['op by op', layerNormOps]] as const) {
    const ten = (k: () => tf.Tensor | tf.Tensor[]) => () => Array.from({ length: 10 }, k).flat();
    await time(`${name} [${rows}x${C}] forward`, ten(() => f(x, g, b, 1e-5)), 9);
    await time(`${name} [${rows}x${C}] forward+backward`, ten(() => tf.grads((xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) => f(xi, gi, bi, 1e-5).sum())([x, g, b])), 9);
  }
  tf.dispose([x, g, b]);
}
