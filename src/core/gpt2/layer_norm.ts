// LayerNorm over the last axis (Hugging Face's nn.LayerNorm in GPT-2). On wasm with our SIMD kernels, one kernel
// forward and one backward (src/core/backend/simd/layer_norm.c), keeping only each row's mean and 1/σ for the
// backward pass; elsewhere tf ops, whose gradient autodiff takes (~10 kernels forward, ~20 backward, each with a
// [rows × C] temporary). bench/micro/layer_norm.ts measures the two on wasm.
import * as tf from '@tensorflow/tfjs';
import { simdKernels, type SimdKernels } from '../backend/simd';

/** y = (x − mean) / √(var + ε) · γ + β over the last axis, op by op. */
export function layerNormOps(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return x.sub(mean).mul(tf.rsqrt(variance.add(eps))).mul(g).add(b);
}

type MakeOutput = { makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo };

/** A new float32 tensor in the wasm heap, its contents undefined. */
const output = (shape: number[]) =>
  tf.engine().makeTensorFromTensorInfo((tf.backend() as unknown as MakeOutput).makeOutput(shape, 'float32'));

function fused(s: SimdKernels, x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, eps: number): tf.Tensor {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xi, gi, bi, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const C = xi.shape[xi.rank - 1], rows = xi.size / C;
    const y = output(xi.shape), mean = output([rows]), rstd = output([rows]);
    s.layerNorm(s.offset(xi), s.offset(gi), s.offset(bi), s.offset(y), s.offset(mean), s.offset(rstd), rows, C, eps);
    save([xi, gi, mean, rstd]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, gs, ms, rs] = saved;
        const dx = output(xs.shape), dg = output([C]), db = output([C]), scratch = output([C]);
        // Zeroed after every allocation (a growing heap detaches older views): the kernel adds into them.
        new Float32Array(s.memory.buffer, s.offset(dg), C).fill(0);
        new Float32Array(s.memory.buffer, s.offset(db), C).fill(0);
        s.layerNormGrad(s.offset(dy), s.offset(xs), s.offset(gs), s.offset(ms), s.offset(rs), s.offset(dx), s.offset(dg), s.offset(db), s.offset(scratch), rows, C);
        scratch.dispose();
        return [dx, dg, db];
      },
    };
  });
  return f(x, g, b);
}

/** LayerNorm of x over its last axis with weight γ and bias β ([C] each). */
export function layerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, eps: number): tf.Tensor {
  const s = simdKernels();
  return s && x.dtype === 'float32' ? fused(s, x, g, b, eps) : layerNormOps(x, g, b, eps);
}
