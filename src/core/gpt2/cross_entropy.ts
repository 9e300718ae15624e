// The LM head and its cross-entropy, fused so that the [tokens × vocab] logits never exist whole: GPT-2's
// 50,257-token vocabulary at block 1024 would be 200 MB a sequence, and autodiff would keep them (and their
// softmax) alive until the backward pass. Rows are processed in chunks; the gradient is exact:
// d loss_i / d logits_i = softmax(logits_i) − onehot(target_i). On wasm, when all the logits are small (block 128:
// 25 MB), the forward's exponentials are kept for the backward pass instead of recomputing the logits (a 10 GFLOP
// product at GPT-2 124M); otherwise, and on the other backends, the backward pass recomputes each chunk's logits.
import * as tf from '@tensorflow/tfjs';
import { materializesTransposes, product } from './matmul';

/** About 32 MB of logits per chunk. */
const CHUNK_ELEMENTS = 8 * 1024 * 1024;
/** Keep the forward's exponentials when all of them take at most 64 MB. */
const KEEP_ELEMENTS = 16 * 1024 * 1024;

/** One chunk of rows: its losses, and its gradients given the upstream gradient dy [n]. */
interface ChunkOps {
  /** Losses [n]; `kept`: what `grads` can use instead of recomputing the logits (when the backend offers it). */
  losses(hc: tf.Tensor2D, w: tf.Tensor2D, t: tf.Tensor1D): { losses: tf.Tensor; kept?: tf.Tensor[] };
  /** dh, and dw unless `frozen` (the LM head does not train: LoRA). */
  grads(hc: tf.Tensor2D, w: tf.Tensor2D, t: tf.Tensor1D, dy: tf.Tensor, kept?: tf.Tensor[], frozen?: boolean): [dh: tf.Tensor, dw?: tf.Tensor];
}

export interface CrossEntropyOptions {
  /** Largest number of logits whose exponentials the forward pass keeps for the backward pass (default 16 Mi). */
  keepElements?: number;
  /** wte does not train (LoRA): its gradient, a [vocab × n_embd] product, is not computed. */
  frozenWeights?: boolean;
}

/**
 * Per-row cross-entropy of `h @ wteᵀ` against `targets`: h [N, C], wte [V, C], targets int32 [N] → losses [N].
 * Differentiable in h and, unless `frozenWeights`, wte.
 */
export function lmHeadCrossEntropy(h: tf.Tensor2D, wte: tf.Tensor2D, targets: tf.Tensor1D, opts: CrossEntropyOptions = {}): tf.Tensor1D {
  const [N] = h.shape;
  const V = wte.shape[0];
  const rows = Math.max(1, Math.min(N, Math.floor(CHUNK_ELEMENTS / V)));
  const chunks: Array<[number, number]> = [];
  for (let s = 0; s < N; s += rows) chunks.push([s, Math.min(rows, N - s)]);
  const ops = materializesTransposes() ? vocabMajor : tf.getBackend() === 'cpu' ? hostRows : rowMajor;
  const keep = N * V <= (opts.keepElements ?? KEEP_ELEMENTS);

  // customGrad passes the inputs then the save function through one rest parameter.
  const frozen = opts.frozenWeights === true;
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    // A frozen wte is no input of the gradient: its tape entry would need a gradient for it.
    const [hh, w, save] = (frozen ? [args[0], wte, args[1]] : args) as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    // Each chunk in its own tidy, so that only one chunk's logits exist at a time; [losses, ...kept] survive it.
    const parts = chunks.map(([s, n]) => tf.tidy(() => {
      const r = ops.losses(hh.slice([s, 0], [n, -1]), w, targets.slice(s, n));
      return [r.losses, ...(keep ? r.kept ?? [] : [])];
    }));
    const width = parts[0].length - 1;
    // targets too: the caller's tidy would dispose them before the backward pass. Without a tape nothing is saved,
    // and the engine's tidy around this forward frees the kept tensors.
    save([hh, w, targets, ...parts.flatMap((p) => p.slice(1))]);
    const value = (parts.length === 1 ? parts[0][0] : tf.concat(parts.map((p) => p[0]))) as tf.Tensor1D;
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.tidy(() => {
        const [hs, ws, ts] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        let dw: tf.Tensor | null = null;
        const dh: tf.Tensor[] = [];
        chunks.forEach(([s, n], i) => {
          const k = width ? saved.slice(3 + i * width, 3 + (i + 1) * width) : undefined;
          const [dhc, dwc] = tf.tidy(() => ops.grads(hs.slice([s, 0], [n, -1]), ws, ts.slice(s, n), dy.slice(s, n), k, frozen));
          dh.push(dhc);
          if (!dwc) return;
          if (dw) { const sum: tf.Tensor = dw.add(dwc); tf.dispose([dw, dwc]); dw = sum; } else dw = dwc;
        });
        const dx = dh.length === 1 ? dh[0] : tf.concat(dh);
        return frozen ? [dx] : [dx, dw!];
      }),
    };
  });
  return (frozen ? f(h) : f(h, wte)) as tf.Tensor1D;
}

/** Logits as [n, V]: GPU backends, where a transposed operand costs nothing. */
const rowMajor: ChunkOps = {
  losses(hc, w, t) {
    const logits = tf.matMul(hc, w, false, true);
    const [n, V] = logits.shape;
    // logits[i, t_i] through a flat gather: exact, and without a one-hot [n, V] product.
    return { losses: tf.logSumExp(logits, 1).sub(tf.gather(logits.reshape([-1]), t.add(tf.range(0, n * V, V, 'int32')))) };
  },
  grads(hc, w, t, dy, _kept, frozen) {
    const logits = tf.matMul(hc, w, false, true);
    const [n, V] = logits.shape;
    const g = tf.softmax(logits).sub(tf.oneHot(t, V).cast('float32')).mul(dy.reshape([n, 1]));
    return [tf.matMul(g, w), frozen ? undefined : tf.matMul(g, hc, true, false)];
  },
};

/**
 * Logits as [V, n], for wasm: XNNPACK runs w·hᵀ ([V, C]·[C, n]) at full speed while h·wᵀ needs either a slow
 * transposed product or a [C, V] copy of wte (154 MB for GPT-2, twice per step); here only the small h and g are
 * transposed, except for dh = g·wte, where transposing wte beats packing it (see `product`). The forward keeps
 * e = exp(logitsᵀ − max) and its column sums s: softmax = e / s.
 */
const vocabMajor: ChunkOps = {
  losses(hc, w, t) {
    const logitsT = tf.matMul(w, hc.transpose()) as tf.Tensor2D;
    const { e, s, m } = expParts(logitsT);
    const n = hc.shape[0];
    return { losses: tf.log(s).add(m).reshape([n]).sub(tf.gather(logitsT.reshape([-1]), targetsAt(t, n))), kept: [e, s] };
  },
  grads(hc, w, t, dy, kept, frozen) {
    const { e, s } = kept ? { e: kept[0] as tf.Tensor2D, s: kept[1] } : expParts(tf.matMul(w, hc.transpose()));
    const [V, n] = e.shape;
    // (softmax − onehot)·dy. The one-hot part is n entries, scattered into [V·n]: a [V, n] comparison cost 1.2 s.
    const target = tf.scatterND(targetsAt(t, n).reshape([n, 1]), dy.reshape([n]), [V * n]).reshape([V, n]);
    const gT = e.mul(dy.reshape([1, n]).div(s)).sub(target);
    return [product(gT, w, true), frozen ? undefined : product(gT, hc)];
  },
};

/** exp(logitsᵀ − m) [V, n] with m the column maxima [1, n], and its column sums s [1, n]. */
function expParts(logitsT: tf.Tensor2D): { e: tf.Tensor2D; s: tf.Tensor2D; m: tf.Tensor2D } {
  const m = tf.max(logitsT, 0, true) as tf.Tensor2D;
  const e = tf.exp(logitsT.sub(m)) as tf.Tensor2D;
  return { e, s: tf.sum(e, 0, true) as tf.Tensor2D, m };
}

/** Flat positions t_i·n + i of the targets in vocab-major [V, n] logits. */
const targetsAt = (t: tf.Tensor1D, n: number) => t.mul(tf.scalar(n, 'int32')).add(tf.range(0, n, 1, 'int32'));

/**
 * The cpu backend: the row computations in plain JavaScript, since its generic elementwise kernels take ~250 ns
 * an element (Softmax alone was 2.5 s of a 10 s tiny-model step); its data is on the host already.
 */
const hostRows: ChunkOps = {
  losses: (hc, w, t) => ({ losses: cpuRows(rowMajorLogits(hc, w), t, null) }),
  grads(hc, w, t, dy, _kept, frozen) {
    const g = cpuRows(rowMajorLogits(hc, w), t, dy) as tf.Tensor2D;
    return [tf.matMul(g, w), frozen ? undefined : tf.matMul(g, hc, true, false)];
  },
};

const rowMajorLogits = (hc: tf.Tensor2D, w: tf.Tensor2D) => tf.matMul(hc, w, false, true);

/** Returns losses [n] when dy is null, else the gradient [n, V] of the loss rows scaled by dy. */
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
