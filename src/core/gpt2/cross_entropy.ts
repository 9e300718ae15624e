// The LM head and its cross-entropy, fused so that the [tokens × vocab] logits never exist whole: GPT-2's
// 50,257-token vocabulary at block 1024 would be 200 MB a sequence, and autodiff would keep them (and their
// softmax) alive until the backward pass. Rows are processed in chunks; the backward pass recomputes each chunk's
// logits, so the gradient is exact: d loss_i / d logits_i = softmax(logits_i) − onehot(target_i).
import * as tf from '@tensorflow/tfjs';

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

  // customGrad passes the inputs then the save function through one rest parameter.
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [hh, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([hh, w, targets]); // targets too: the caller's tidy would dispose them before the backward pass
    const parts = chunks.map(([s, n]) => tf.tidy(() => {
      const logits = tf.matMul(hh.slice([s, 0], [n, -1]), w, false, true);
      const t = targets.slice(s, n);
      // logits[i, t_i] through a flat gather: exact, and without a one-hot [n, V] product.
      const picked = tf.gather(logits.reshape([-1]), t.add(tf.range(0, n * V, V, 'int32')));
      return tf.logSumExp(logits, 1).sub(picked);
    }));
    const value = parts.length === 1 ? parts[0] : tf.concat(parts);
    if (parts.length > 1) parts.forEach((p) => p.dispose());
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [hs, ws, ts] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        let dw: tf.Tensor2D | null = null;
        const dhParts: tf.Tensor[] = [];
        for (const [s, n] of chunks) {
          const [dhc, dwc] = tf.tidy(() => {
            const hc = hs.slice([s, 0], [n, -1]);
            const g = tf.softmax(tf.matMul(hc, ws, false, true))
              .sub(tf.oneHot(ts.slice(s, n), V).cast('float32')) // int32 then cast: wasm's OneHot ignores dtype
              .mul(dy.slice(s, n).reshape([n, 1]));
            return [tf.matMul(g, ws), tf.matMul(g, hc, true, false)] as [tf.Tensor2D, tf.Tensor2D];
          });
          dhParts.push(dhc);
          if (dw === null) dw = dwc;
          else { const sum = dw.add(dwc) as tf.Tensor2D; dw.dispose(); dwc.dispose(); dw = sum; }
        }
        const dh = dhParts.length === 1 ? dhParts[0] : tf.concat(dhParts);
        if (dhParts.length > 1) dhParts.forEach((p) => p.dispose());
        return [dh, dw!];
      },
    };
  });
  return f(h, wte) as tf.Tensor1D;
}
