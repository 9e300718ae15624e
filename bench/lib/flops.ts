// Useful FLOPs of GPT-2 training, as nanoGPT's `estimate_mfu` (after the PaLM paper, appendix B) counts them:
//   flops_per_token = 6·N + 12·n_layer·n_embd·T
// N is the parameter count without the position embedding (nanoGPT's get_num_params(non_embedding=True); the tied
// token embedding stays in, since it is also the LM head), T the block size. 6·N is forward (2·N) plus backward
// (4·N) of every weight product; 12·L·C·T is the attention's Q·Kᵀ and att·V, forward and backward.
import { countParameters, type GPT2Config } from '../../src/core/gpt2/config';

/** Parameters counted by the estimate: all but wpe. */
export function flopParameters(c: GPT2Config): number {
  return countParameters(c) - c.n_positions * c.n_embd;
}

/** FLOPs of one training step (forward + backward) on `batch` blocks of `T` tokens. */
export function trainStepFlops(c: GPT2Config, batch: number, T: number): number {
  return (6 * flopParameters(c) + 12 * c.n_layer * c.n_embd * T) * batch * T;
}

/** FLOPs of one forward pass over `batch` blocks of `T` tokens (a third of the training estimate). */
export function forwardFlops(c: GPT2Config, batch: number, T: number): number {
  return trainStepFlops(c, batch, T) / 3;
}

/** 2·M·N·K (times the batch) for op(a)·op(b). */
export function matmulFlops(a: number[], b: number[], transposeB = false): number {
  const batch = a.slice(0, -2).reduce((x, y) => x * y, 1);
  const [m, k] = a.slice(-2);
  const n = transposeB ? b[b.length - 2] : b[b.length - 1];
  return 2 * batch * m * k * n;
}
