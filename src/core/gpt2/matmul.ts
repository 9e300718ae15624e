// Matrix products whose backward passes stay on fast shapes. tfjs-backend-wasm 4.22 hands XNNPACK only rank-2
// products without transposed operands (A·B); it packs B (the "weights") and caches the packed operator by B's
// tensor id, so a persistent weight as B is packed once, while a fresh B is packed at every call. Anything else (a
// transposed operand, a batch dimension) runs a scalar loop, about 10× slower. Autodiff's gradient of every `x·W`
// uses exactly those slow products (dx = dy·Wᵀ, dW = xᵀ·dy), and attention's per-head products are batched.
// GPU backends fold transposes into the shader and the cpu backend is equally slow either way: there the flags and
// the batch are passed through. bench/micro/products.ts measures every choice made here.
import * as tf from '@tensorflow/tfjs';

/** Whether the running backend is one where transposed operands and batched products are slow (wasm). */
export const materializesTransposes = () => tf.getBackend() === 'wasm';

/**
 * a·bᵀ on XNNPACK, rank 2. Transposing b and packing that fresh copy touches b twice; computing (b·aᵀ)ᵀ instead
 * transposes and packs a, and transposes the result: the cheaper of the two by those sizes. For dx = dy·Wᵀ of a
 * linear layer that is (W·dyᵀ)ᵀ, twice as fast (GPT-2 124M, 128 tokens: 70 → 31 ms for attn.c_attn); for
 * attention's q·kᵀ it is the plain transpose of k.
 */
function timesTransposed(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const out = a.shape[0] * b.shape[0];
  return 2 * b.size > 2 * a.size + out ? tf.matMul(b, a.transpose()).transpose() : tf.matMul(a, b.transpose());
}

/** Products each tensor (by its data) has been the B of here, unpacked; -1 once XNNPACK has packed it. */
const uses = new WeakMap<object, number>();
/** A product of fewer rows is taken for a decode step, which the same weights serve again and again. */
const FEW_ROWS = 16;
/** A B that serves more products than this is taken to be fixed weights (evaluation, generation): packed then. */
const UNPACKED_USES = 2;

/**
 * op(a)·b on XNNPACK, rank 2. Packing a B that is not packed yet costs about 15 ns an element, a transpose about 4,
 * and an optimizer step makes every weight a new tensor, used once or twice before the next step: so a product of
 * many rows with a large unpacked B is computed as (bᵀ·op(a)ᵀ)ᵀ, where b is the A operand and only the small
 * op(a)ᵀ is packed (a linear layer of GPT-2 124M in training, 128 tokens: 76 → ~50 ms; the LM head's dh = g·wte:
 * 1.6 → 0.9 s). Decode steps (few rows) and weights used again and again pack b once and reuse it. aᵀ·b with a
 * small b keeps the explicit transpose of a: (bᵀ·a)ᵀ measured slower.
 */
function times(a: tf.Tensor2D, b: tf.Tensor2D, transposeA: boolean): tf.Tensor2D {
  const [m, k] = transposeA ? [a.shape[1], a.shape[0]] : a.shape, n = b.shape[1];
  const used = uses.get(b.dataId) ?? 0;
  if (used >= 0 && used < UNPACKED_USES && m >= FEW_ROWS && 11 * k * n > 19 * m * k + 4 * m * n) {
    uses.set(b.dataId, used + 1);
    return tf.matMul(b.transpose(), transposeA ? a : a.transpose()).transpose();
  }
  uses.set(b.dataId, -1);
  return tf.matMul(transposeA ? a.transpose() : a, b);
}

/** op(a)·op(b) on XNNPACK for rank-2 operands. */
function product2d(a: tf.Tensor2D, b: tf.Tensor2D, transposeA: boolean, transposeB: boolean): tf.Tensor2D {
  if (transposeB && !transposeA) return timesTransposed(a, b);
  return times(a, transposeB ? b.transpose() : b, transposeA);
}

/** op(a)·op(b) for rank-2 or batched rank-3 tensors, on fast shapes; no gradient of its own. */
export function product(a: tf.Tensor, b: tf.Tensor, transposeA = false, transposeB = false): tf.Tensor {
  if (!materializesTransposes()) return tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, transposeA, transposeB);
  if (a.rank === 2 && b.rank === 2) return tf.tidy(() => product2d(a as tf.Tensor2D, b as tf.Tensor2D, transposeA, transposeB));
  // Batched (attention's heads): one XNNPACK product per matrix beats the batched scalar loop 2-3× at T = 128.
  return tf.tidy(() => {
    const as = tf.unstack(a), bs = tf.unstack(b);
    return tf.stack(as.map((ai, i) => product2d(ai as tf.Tensor2D, bs[i] as tf.Tensor2D, transposeA, transposeB)));
  });
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
