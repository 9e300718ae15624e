// Recomputation in the backward pass (gradient checkpointing): an op keeps only its inputs from the forward pass and
// runs its computation again, under a tape of its own, when its gradient is asked for. GPT2 uses it twice: each
// transformer block as a whole (model.ts), and inside the recomputed block, attention a few heads at a time, so
// that the [heads × T × T] scores and their gradients never exist for all heads at once (GPT-2 124M at T = 1024:
// 48 MB per tensor, some 17 of them alive in one block's backward pass, about 0.85 GB; a group of 2 heads: 8 MB).
import * as tf from '@tensorflow/tfjs';

/**
 * tf.grads of `f` at `xs` with upstream gradient `dy`, called from inside a gradient function. tf.grads starts a tape
 * of its own and, finishing, frees its saved tensors and drops the engine's active tape, which is still the
 * enclosing backward pass's (that pass frees its own tape's saved tensors when it ends): the enclosing tape is put
 * back. Making this tape part of the enclosing one instead would keep every recomputed activation until the whole
 * backward pass ends.
 */
export function gradsOnOwnTape(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], dy: tf.Tensor): tf.Tensor[] {
  const state = tf.engine().state, outer = state.activeTape;
  try {
    return tf.grads(f)(xs, dy);
  } finally {
    state.activeTape = outer;
  }
}

/** Score elements per group of heads: 8 MB of float32. */
const GROUP_ELEMENTS = 2 * 1024 * 1024;

/**
 * `attend(q, k, v, multiplier)` over q, k, v [BH, T, hd] (the multiplier: [BH, T, T] of dropout, or null), computed
 * for a few of the BH heads at a time, forward and backward: the same numbers as one call over all heads, with the
 * memory of one group. `groupElements` sets the size of a group's scores (tests make it small).
 */
export function attendInGroups(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, multiplier: tf.Tensor3D | null,
  attend: (q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, multiplier: tf.Tensor3D | null) => tf.Tensor3D, groupElements = GROUP_ELEMENTS): tf.Tensor3D {
  const [BH, T] = q.shape, S = k.shape[1];
  const heads = Math.max(1, Math.floor(groupElements / (T * S)));
  const groups: Array<[number, number]> = [];
  for (let h = 0; h < BH; h += heads) groups.push([h, Math.min(heads, BH - h)]);
  const part = <R extends tf.Rank>(t: tf.Tensor<R>, [h, n]: [number, number]) => t.slice([h, 0, 0], [n, -1, -1]) as tf.Tensor3D;
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [qi, ki, vi] = args as tf.Tensor3D[], save = args[args.length - 1] as tf.GradSaveFunc;
    save(multiplier ? [qi, ki, vi, multiplier] : [qi, ki, vi]);
    const ys = groups.map((g) => tf.tidy(() => attend(part(qi, g), part(ki, g), part(vi, g), multiplier && part(multiplier, g))));
    return {
      value: ys.length === 1 ? ys[0] : tf.tidy(() => tf.concat(ys)),
      gradFunc: (dy: tf.Tensor, [qs, ks, vs, m]: tf.Tensor[]) => {
        const grads = groups.map((g) => tf.tidy(() => gradsOnOwnTape((qg, kg, vg) =>
          attend(qg as tf.Tensor3D, kg as tf.Tensor3D, vg as tf.Tensor3D, m ? part(m as tf.Tensor3D, g) : null),
        [part(qs as tf.Tensor3D, g), part(ks as tf.Tensor3D, g), part(vs as tf.Tensor3D, g)], part(dy as tf.Tensor3D, g))));
        return [0, 1, 2].map((i) => (grads.length === 1 ? grads[0][i] : tf.tidy(() => tf.concat(grads.map((gr) => gr[i])))));
      },
    };
  });
  return f(q, k, v) as tf.Tensor3D;
}
