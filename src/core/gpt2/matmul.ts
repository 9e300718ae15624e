// Matrix products whose backward passes stay on fast shapes. On the wasm backend (XNNPACK) a
// product with a transposed operand runs about 10× slower than the same product after an explicit transpose
// (GPT-2's LM head on wasm: 278 ms with transposeB, 52 ms after transposing), and autodiff's gradient of every
// `x·W` uses exactly those transposed products (dx = dy·Wᵀ, dW = xᵀ·dy). GPU backends fold the transpose into the
// shader, and the cpu backend is equally slow either way, so there the flags are passed through.
import * as tf from '@tensorflow/tfjs';

/** Whether the running backend is one where transposed operands are slow (wasm). */
export const materializesTransposes = () => tf.getBackend() === 'wasm';

/** Swaps the last two axes. */
const t = (x: tf.Tensor) => x.rank === 2 ? x.transpose() : x.transpose([...Array(x.rank - 2).keys(), x.rank - 1, x.rank - 2]);

/** op(a)·op(b) for rank-2 or batched rank-3 tensors, with fast transposes; no gradient of its own. */
export function product(a: tf.Tensor, b: tf.Tensor, transposeA = false, transposeB = false): tf.Tensor {
  if (!materializesTransposes() || (!transposeA && !transposeB)) return tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, transposeA, transposeB);
  return tf.tidy(() => tf.matMul((transposeA ? t(a) : a) as tf.Tensor2D, (transposeB ? t(b) : b) as tf.Tensor2D));
}

/** a·b (or a·bᵀ) whose gradients are computed with `product`. */
export function matMul<R extends tf.Rank>(a: tf.Tensor<R>, b: tf.Tensor<R>, transposeB = false): tf.Tensor<R> {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, y, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([x, y]);
    return {
      value: product(x, y, false, transposeB),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ys] = saved;
        return transposeB
          ? [product(dy, ys), product(dy, xs, true, false)] // C = X·Yᵀ: dX = dC·Y, dY = dCᵀ·X
          : [product(dy, ys, false, true), product(xs, dy, true, false)]; // C = X·Y: dX = dC·Yᵀ, dY = Xᵀ·dC
      },
    };
  });
  return f(a, b) as tf.Tensor<R>;
}
