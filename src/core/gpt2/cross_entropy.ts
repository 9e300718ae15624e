// The LM head and its cross-entropy, fused so that the [tokens × vocab] logits never exist whole: GPT-2's
// 50,257-token vocabulary at block 1024 would be 200 MB a sequence, and autodiff would keep them (and their
// softmax) alive until the backward pass. Rows are processed in chunks; the backward pass recomputes each chunk's
// logits, so the gradient is exact: d loss_i / d logits_i = softmax(logits_i) − onehot(target_i).
import * as tf from '@tensorflow/tfjs';
import { materializesTransposes } from './matmul';

/** About 32 MB of logits per chunk. */
const CHUNK_ELEMENTS = 8 * 1024 * 1024;

/**
 * Per-row cross-entropy of `h @ wteᵀ` against `targets`: h [N, C], wte [V, C], targets int32 [N] → losses [N].
 * Differentiable in h and wte.
 */
export function lmHeadCrossEntropy(h: tf.Tensor2D, wte: tf.Tensor2D, targets: tf.Tensor1D): tf.Tensor1D {
  const [N] = h.shape;
  const V = wte.shape[0];
  const rows = Math.max(1, Math.min(N, Math.floor(CHUNK_ELEMENTS / V)));
  const chunks: Array<[number, number]> = [];
  for (let s = 0; s < N; s += rows) chunks.push([s, Math.min(rows, N - s)]);
  // On CPU-side backends products are fast only untransposed: transpose wte once per pass, not once per chunk.
  const flip = materializesTransposes();
  const head = (w: tf.Tensor2D) => (flip ? w.transpose() : w) as tf.Tensor2D;
  const logitsOf = (hc: tf.Tensor, wh: tf.Tensor2D) => tf.matMul(hc as tf.Tensor2D, wh, false, !flip);

  // customGrad passes the inputs then the save function through one rest parameter.
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [hh, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([hh, w, targets]); // targets too: the caller's tidy would dispose them before the backward pass
    const value = tf.tidy(() => {
      const wh = head(w);
      const parts = chunks.map(([s, n]) => tf.tidy(() => rowLosses(logitsOf(hh.slice([s, 0], [n, -1]), wh), targets.slice(s, n))));
      return (parts.length === 1 ? parts[0] : tf.concat(parts)) as tf.Tensor1D;
    });
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.tidy(() => {
        const [hs, ws, ts] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const wh = head(ws);
        let dwh: tf.Tensor | null = null; // gradient of the head as used: [C, V] when flipped, else [V, C]
        const dh: tf.Tensor[] = [];
        for (const [s, n] of chunks) {
          const hc = hs.slice([s, 0], [n, -1]);
          const g = rowGrads(logitsOf(hc, wh), ts.slice(s, n), dy.slice(s, n));
          dh.push(tf.matMul(g, ws));
          const part = flip ? tf.matMul(hc.transpose(), g) : tf.matMul(g, hc, true, false);
          dwh = dwh ? dwh.add(part) : part;
        }
        return [dh.length === 1 ? dh[0] : tf.concat(dh), flip ? dwh!.transpose() : dwh!];
      }),
    };
  });
  return f(h, wte) as tf.Tensor1D;
}

/** Cross-entropy of each row of logits [n, V] against its target. */
function rowLosses(logits: tf.Tensor, t: tf.Tensor1D): tf.Tensor {
  if (tf.getBackend() === 'cpu') return cpuRows(logits, t, null);
  const [n, V] = logits.shape;
  // logits[i, t_i] through a flat gather: exact, and without a one-hot [n, V] product.
  const picked = tf.gather(logits.reshape([-1]), t.add(tf.range(0, n * V, V, 'int32')));
  return tf.logSumExp(logits, 1).sub(picked);
}

/** d loss / d logits, scaled by the upstream gradient dy [n]: (softmax(row) − onehot(target)) · dy. */
function rowGrads(logits: tf.Tensor, t: tf.Tensor1D, dy: tf.Tensor): tf.Tensor {
  if (tf.getBackend() === 'cpu') return cpuRows(logits, t, dy);
  const [n, V] = logits.shape;
  return tf.softmax(logits)
    .sub(tf.oneHot(t, V).cast('float32')) // int32 then cast: wasm's OneHot ignores its dtype argument
    .mul(dy.reshape([n, 1]));
}

/**
 * The same two computations in plain JavaScript for the cpu backend, whose generic elementwise kernels take
 * ~250 ns an element (Softmax alone 2.5 s of a 10 s tiny-model step); its data is already on the host, so reading
 * it costs nothing. Returns losses [n] when dy is null, else the gradient [n, V].
 */
function cpuRows(logits: tf.Tensor, t: tf.Tensor1D, dy: tf.Tensor | null): tf.Tensor {
  const [n, V] = logits.shape;
  const x = logits.dataSync() as Float32Array, ts = t.dataSync(), d = dy?.dataSync();
  const out = new Float32Array(d ? n * V : n);
  for (let i = 0; i < n; i++) {
    const row = x.subarray(i * V, (i + 1) * V);
    let max = -Infinity;
    for (let j = 0; j < V; j++) if (row[j] > max) max = row[j];
    let sum = 0;
    for (let j = 0; j < V; j++) sum += Math.exp(row[j] - max);
    const lse = max + Math.log(sum);
    if (!d) { out[i] = lse - row[ts[i]]; continue; }
    const g = out.subarray(i * V, (i + 1) * V);
    for (let j = 0; j < V; j++) g[j] = Math.exp(row[j] - lse) * d[i];
    g[ts[i]] -= d[i];
  }
  return tf.tensor(out, d ? [n, V] : [n]);
}
