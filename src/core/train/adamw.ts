// AdamW as torch.optim.AdamW computes it (decoupled weight decay, bias-corrected moments), with Trainer's groups,
// global-norm gradient clipping, and a device-side guard that skips the update when the loss or a gradient is not
// finite. Everything stays on the device: no value is read back to the CPU here.
import * as tf from '@tensorflow/tfjs';
import { decays } from '../gpt2/weights';

export interface AdamWConfig { beta1: number; beta2: number; epsilon: number; weightDecay: number; maxGradNorm: number }

export class AdamW {
  /** First and second moments (exp_avg, exp_avg_sq) per parameter name. */
  readonly m = new Map<string, tf.Tensor>();
  readonly v = new Map<string, tf.Tensor>();
  /**
   * Steps taken so far (torch's `state["step"]`), for the bias corrections. It counts skipped non-finite steps too:
   * knowing which were skipped would mean reading the flag back inside the step.
   */
  step = 0;

  constructor(readonly cfg: AdamWConfig) {}

  /**
   * One update of `params` (replaced in the map; old tensors disposed) from `grads` (consumed).
   * Returns the global gradient L2 norm before clipping and a 0/1 flag of whether the update was applied,
   * as scalar tensors the caller owns.
   */
  apply(params: Map<string, tf.Tensor>, grads: Map<string, tf.Tensor>, lr: number, loss: tf.Scalar): { gradNorm: tf.Scalar; applied: tf.Scalar } {
    const { beta1, beta2, epsilon, weightDecay, maxGradNorm } = this.cfg;
    this.step += 1;
    const bc1 = 1 - beta1 ** this.step;
    const bc2Sqrt = Math.sqrt(1 - beta2 ** this.step);
    const { gradNorm, applied, scale } = tf.tidy(() => {
      const gradNorm = tf.addN([...grads.values()].map((g) => g.square().sum())).sqrt() as tf.Scalar;
      const finite = tf.logicalAnd(tf.isFinite(gradNorm), tf.isFinite(loss));
      // torch.nn.utils.clip_grad_norm_: scale by max_norm / (norm + 1e-6) when that is below 1.
      const scale = maxGradNorm > 0 ? tf.minimum(tf.scalar(maxGradNorm).div(gradNorm.add(1e-6)), 1) : tf.scalar(1);
      return { gradNorm, applied: finite.cast('float32') as tf.Scalar, scale };
    });
    const keep = applied.cast('bool');
    for (const [name, g] of grads) {
      const p = params.get(name)!;
      const m = this.m.get(name), v = this.v.get(name);
      const [p1, m1, v1] = tf.tidy(() => {
        const gc = g.mul(scale);
        const mNew = m ? m.mul(beta1).add(gc.mul(1 - beta1)) : gc.mul(1 - beta1);
        const vNew = v ? v.mul(beta2).add(gc.square().mul(1 - beta2)) : gc.square().mul(1 - beta2);
        const decayed = weightDecay > 0 && decays(name) ? p.mul(1 - lr * weightDecay) : p;
        const pNew = decayed.sub(mNew.div(vNew.sqrt().div(bc2Sqrt).add(epsilon)).mul(lr / bc1));
        // A non-finite step leaves parameters and moments as they were.
        return [tf.where(keep, pNew, p), tf.where(keep, mNew, m ?? tf.zerosLike(p)), tf.where(keep, vNew, v ?? tf.zerosLike(p))];
      });
      p.dispose(); m?.dispose(); v?.dispose(); g.dispose();
      params.set(name, p1); this.m.set(name, m1); this.v.set(name, v1);
    }
    keep.dispose(); scale.dispose();
    return { gradNorm, applied };
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear(); this.v.clear();
  }
}
