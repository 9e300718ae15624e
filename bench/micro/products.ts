// Which way to compute the products of a GPT-2 124M step on wasm (XNNPACK): `npx tsx bench/micro/products.ts`.
// tfjs-backend-wasm 4.22 sends only rank-2, untransposed A·B to XNNPACK (it packs B and caches the packed operator by
// B's tensor id); a transposed operand or a batch dimension falls to a scalar loop. So every choice below is about
// which operand is a persistent weight (packed once) and which small activations get transposed explicitly.
import * as tf from '@tensorflow/tfjs';
import { startWasm, time, load } from './lib';

await startWasm();
const N = 128, C = 768, V = 50257;
const r = (s: number[]) => tf.randomNormal(s, 0, 0.02);

console.log(`load average ${load()}`);
console.log('-- linear layers: dx = dy·Wᵀ for W [in, out], dy [128, out]');
for (const [inD, outD] of [[768, 2304], [768, 768], [768, 3072], [3072, 768]]) {
  const W = r([inD, outD]), dy = r([N, outD]), x = r([N, inD]);
  await time(`fwd x·W [${N}x${inD}]·[${inD}x${outD}] (W packed once)`, () => tf.matMul(x, W));
  await time(`dx: transpose W, dy·Wᵀ (now)`, () => tf.matMul(dy, W.transpose()));
  await time(`dx: (W·dyᵀ)ᵀ`, () => tf.matMul(W, dy.transpose()).transpose());
  await time(`dx: transposeB flag (scalar loop)`, () => tf.matMul(dy, W, false, true), 1);
  await time(`dW: xᵀ·dy (now)`, () => tf.matMul(x.transpose(), dy));
  await time(`dW: (dyᵀ·x)ᵀ`, () => tf.matMul(dy.transpose(), x).transpose());
  tf.dispose([W, dy, x]);
}

console.log('-- attention, 12 heads, T=128, hd=64');
{
  const q = r([12, N, 64]), k = r([12, N, 64]), a = r([12, N, N]);
  await time('q·kᵀ batched (transpose k, scalar loop)', () => tf.matMul(q, k.transpose([0, 2, 1])));
  await time('att·v batched (scalar loop)', () => tf.matMul(a, k));
  const perHead = (x: tf.Tensor, y: tf.Tensor) => {
    const xs = tf.unstack(x), ys = tf.unstack(y);
    return tf.stack(xs.map((xi, i) => tf.matMul(xi as tf.Tensor2D, ys[i] as tf.Tensor2D)));
  };
  await time('q·kᵀ per head (XNNPACK, transpose k)', () => perHead(q, k.transpose([0, 2, 1])));
  await time('att·v per head (XNNPACK)', () => perHead(a, k));
  tf.dispose([q, k, a]);
}

console.log('-- LM head, wte [V, C]');
{
  const wte = r([V, C]), h1 = r([1, C]), h = r([N - 1, C]), g = r([N - 1, V]), gT = r([V, N - 1]);
  await time('decode logits: h·wteᵀ via transpose (now)', () => tf.matMul(h1, wte.transpose()), 3);
  await time('decode logits: (wte·hᵀ)ᵀ', () => tf.matMul(wte, h1.transpose()).reshape([1, V]));
  await time('train logitsT: wte·hᵀ [V,127]', () => tf.matMul(wte, h.transpose()), 3);
  await time('dh: gT transposed ·wte (now; wte packed once)', () => tf.matMul(gT.transpose(), wte), 3);
  await time('dh: (wteᵀ·gT)ᵀ  (transpose wte)', () => tf.matMul(wte.transpose(), gT).transpose(), 3);
  await time('dwte: gT·h [V,127]·[127,C] (now)', () => tf.matMul(gT, h), 3);
  await time('transpose [V,127]', () => g.transpose(), 3);
  await time('exp [V,127]', () => tf.exp(gT), 3);
  const t = tf.randomUniform([N - 1], 0, V, 'int32') as tf.Tensor1D;
  const n = N - 1;
  await time('target: equal(range[V,1], t[1,n]) (now)', () => tf.equal(tf.range(0, V, 1, 'int32').reshape([V, 1]), t.reshape([1, n])).cast('float32'), 3);
  await time('target: oneHot(t, V)ᵀ', () => tf.oneHot(t, V).cast('float32').transpose(), 3);
  await time('target: scatterND into [V·n]', () => tf.scatterND(t.mul(tf.scalar(n, 'int32')).add(tf.range(0, n, 1, 'int32')).reshape([n, 1]), tf.ones([n]), [V * n]).reshape([V, n]), 3);
  await time('gT − target via scatterND then sub', () => gT.sub(tf.scatterND(t.mul(tf.scalar(n, 'int32')).add(tf.range(0, n, 1, 'int32')).reshape([n, 1]), tf.ones([n]), [V * n]).reshape([V, n])), 3);
  await time('sub [V,n]', () => gT.sub(g.reshape([V, n])), 3);
  tf.dispose([wte, h1, h, g, gT, t]);
}
