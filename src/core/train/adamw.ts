// AdamW as torch.optim.AdamW computes it (decoupled weight decay, bias-corrected moments), with Trainer's groups,
// global-norm gradient clipping (torch.nn.utils.clip_grad_norm_), and a guard that skips the update when the loss
// or a gradient is not finite.
//
// Two implementations of the same arithmetic:
// - on GPU backends, tf ops that stay on the device: nothing is read back inside a step;
// - on the CPU-side backends (wasm, cpu), one loop over the tensors' memory per parameter, writing the update into
//   the consumed gradient's memory (see updateTarget), with the moments in plain Float32Arrays. Op by op, tf would
//   allocate several parameter-sized temporaries per tensor (GPT-2's wte is 154 MB) inside the wasm heap, which
//   cannot exceed 4 GB and never shrinks: GPT-2 124M then dies with "memory access out of bounds". Reading back is
//   free there, so nothing is lost by leaving the device. On wasm the loop is our SIMD kernel (backend/simd/adamw.c)
//   working on the heap in place: 124M parameters in 163 ms of CPU time instead of 768 (bench/micro/adamw.ts); the
//   cpu backend (and wasm without SIMD) keeps the JavaScript loop.
import * as tf from '@tensorflow/tfjs';
import { decays } from '../gpt2/weights';
import { hostMemory, isHostBackend, ownsMemory } from '../backend/host_memory';
import { simdKernels, type SimdKernels } from '../backend/simd';

export interface AdamWConfig { beta1: number; beta2: number; epsilon: number; weightDecay: number; maxGradNorm: number }

/** The optimizer's state as checkpoints store it: step count and both moments per parameter. */
export interface AdamWState { step: number; m: Map<string, Float32Array>; v: Map<string, Float32Array> }

export interface AdamW {
  /**
   * One update of `params` from `grads` (consumed). Returns the gradient L2 norm before clipping and a 0/1 flag of
   * whether the update was applied, as scalar tensors the caller owns. The step count includes skipped steps:
   * on a GPU, knowing which were skipped would mean reading the flag back inside the step.
   */
  apply(params: Map<string, tf.Tensor>, grads: Map<string, tf.Tensor>, lr: number, loss: tf.Scalar): { gradNorm: tf.Scalar; applied: tf.Scalar };
  exportState(): Promise<AdamWState>;
  importState(s: AdamWState, shapes: Map<string, number[]>): void;
  dispose(): void;
}

/** `simd: false` keeps the JavaScript loop on wasm (to compare the two: bench/micro/adamw.ts, adamw.test.ts). */
export function createAdamW(cfg: AdamWConfig, opts: { simd?: boolean } = {}): AdamW {
  return isHostBackend() ? new HostAdamW(cfg, opts.simd === false ? null : simdKernels()) : new DeviceAdamW(cfg);
}

/** torch's bias corrections for step t (1-based). */
function corrections(cfg: AdamWConfig, t: number) {
  return { bc1: 1 - cfg.beta1 ** t, bc2Sqrt: Math.sqrt(1 - cfg.beta2 ** t) };
}

/** Kernels per WebGPU submit during the update (tfjs's default: 15); see DeviceAdamW.apply. */
const UPDATE_SUBMIT_BATCH = 4;

class DeviceAdamW implements AdamW {
  private readonly m = new Map<string, tf.Tensor>();
  private readonly v = new Map<string, tf.Tensor>();
  private step = 0;

  constructor(readonly cfg: AdamWConfig) {}

  apply(params: Map<string, tf.Tensor>, grads: Map<string, tf.Tensor>, lr: number, loss: tf.Scalar) {
    const { beta1, beta2, epsilon, weightDecay, maxGradNorm } = this.cfg;
    const { bc1, bc2Sqrt } = corrections(this.cfg, ++this.step);
    const { gradNorm, applied, scale } = tf.tidy(() => {
      // stack, not addN: tfjs-backend-webgpu's AddN binds every input to one shader, and past the device's
      // maxStorageBuffersPerShaderStage (8 to 10) its pipeline fails silently and the sum is garbage.
      const gradNorm = tf.stack([...grads.values()].map((g) => g.square().sum())).sum().sqrt() as tf.Scalar;
      const finite = tf.logicalAnd(tf.isFinite(gradNorm), tf.isFinite(loss));
      // clip_grad_norm_: scale by max_norm / (norm + 1e-6) when that is below 1.
      const scale = maxGradNorm > 0 ? tf.minimum(tf.scalar(maxGradNorm).div(gradNorm.add(1e-6)), 1) : tf.scalar(1);
      return { gradNorm, applied: finite.cast('float32') as tf.Scalar, scale };
    });
    const keep = applied.cast('bool');
    // The update's peak is its parameter-sized temporaries (bench/memory/webgpu_block_size.ts, 124M at block 128: most
    // GPU bytes in use at once 3.23 GiB with one tidy around each parameter's whole update). Each quantity in a tidy of
    // its own, its inputs freed once used: 3.08 GiB. tfjs-backend-webgpu frees a disposed tensor's buffer only when its
    // commands are submitted, every 15 kernels by default; every 4 during the update: 1.93 GiB, for a few more submits
    // in a phase of simple kernels.
    const batched = tf.getBackend() === 'webgpu' ? tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') : null;
    if (batched !== null) tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', UPDATE_SUBMIT_BATCH);
    try {
      for (const [name, g] of grads) {
        const p = params.get(name)!;
        const m = this.m.get(name), v = this.v.get(name);
        const gc = tf.tidy(() => g.mul(scale));
        g.dispose();
        // A non-finite step (`keep` false) leaves parameters and moments as they were.
        const m1 = tf.tidy(() => tf.where(keep, m ? m.mul(beta1).add(gc.mul(1 - beta1)) : gc.mul(1 - beta1), m ?? tf.zerosLike(p)));
        m?.dispose();
        const v1 = tf.tidy(() => tf.where(keep, v ? v.mul(beta2).add(gc.square().mul(1 - beta2)) : gc.square().mul(1 - beta2), v ?? tf.zerosLike(p)));
        v?.dispose(); gc.dispose();
        // With `keep` false the update is discarded below, so the kept moments serve as well as the new ones.
        const denominator = tf.tidy(() => v1.sqrt().div(bc2Sqrt).add(epsilon));
        const update = tf.tidy(() => m1.div(denominator).mul(lr / bc1));
        denominator.dispose();
        const p1 = tf.tidy(() => tf.where(keep, (weightDecay > 0 && decays(name) ? p.mul(1 - lr * weightDecay) : p).sub(update), p));
        update.dispose(); p.dispose();
        params.set(name, p1); this.m.set(name, m1); this.v.set(name, v1);
      }
    } finally {
      if (batched !== null) tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', batched);
    }
    keep.dispose(); scale.dispose();
    return { gradNorm, applied };
  }

  async exportState(): Promise<AdamWState> {
    const read = async (src: Map<string, tf.Tensor>) => new Map(await Promise.all([...src].map(async ([n, t]) => [n, (await t.data()) as Float32Array] as const)));
    return { step: this.step, m: await read(this.m), v: await read(this.v) };
  }

  importState(s: AdamWState, shapes: Map<string, number[]>): void {
    this.dispose();
    this.step = s.step;
    for (const [n, shape] of shapes) {
      this.m.set(n, tf.tensor(s.m.get(n)!, shape));
      this.v.set(n, tf.tensor(s.v.get(n)!, shape));
    }
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear(); this.v.clear();
  }
}

/**
 * Where a parameter's update is written: into its gradient's memory, which the update consumes, when no other tensor
 * shares it (a clone or reshape would); else in place (cpu only); else a new tensor. Never in place on wasm: XNNPACK
 * keeps its own packed copy of a matmul's weights, cached by tensor id, and would go on using the old values of a
 * weight changed in place. The gradient is a tensor no matmul has used as weights, so it can become the parameter,
 * and the update allocates nothing: no parameter-sized block the wasm heap (which never shrinks) must find room for.
 */
function updateTarget(p: tf.Tensor, g: tf.Tensor): tf.Tensor {
  if (g.dtype === 'float32' && ownsMemory(g)) return g;
  if (tf.getBackend() === 'cpu' && ownsMemory(p)) return p;
  const backend = tf.backend() as unknown as { makeOutput?(shape: number[], dtype: 'float32'): tf.TensorInfo };
  if (backend.makeOutput) return tf.engine().makeTensorFromTensorInfo(backend.makeOutput(p.shape, 'float32'));
  return tf.zeros(p.shape);
}

/** Constants of one host AdamW step, computed once (the loop repeats them 124M times for GPT-2). */
interface StepConstants { scale: number; beta1: number; oneMinusBeta1: number; beta2: number; oneMinusBeta2: number; decay: number; stepSize: number; bc2Sqrt: number; epsilon: number }

/** `sq` plus Σ x² over a tensor's memory, in index order: one running sum over all gradients, in their order. */
function addSquares(sq: number, x: Float32Array): number {
  for (let i = 0, n = x.length; i < n; i++) sq += x[i] * x[i];
  return sq;
}

/**
 * One parameter's update, q = p updated (q may be p or g), in one pass and torch's order of operations: the clipped
 * gradient, then the moments (each rounded to float32 as torch stores them, and used rounded), then the step.
 * A small monomorphic function so that V8 optimizes the loop itself rather than the whole apply().
 */
function updateParameter(g: Float32Array, p: Float32Array, q: Float32Array, m: Float32Array, v: Float32Array, k: StepConstants): void {
  const { scale, beta1, oneMinusBeta1, beta2, oneMinusBeta2, decay, stepSize, bc2Sqrt, epsilon } = k;
  const fround = Math.fround, sqrt = Math.sqrt;
  for (let i = 0, n = q.length; i < n; i++) {
    const gi = g[i] * scale;
    const mi = fround(beta1 * m[i] + oneMinusBeta1 * gi);
    const vi = fround(beta2 * v[i] + oneMinusBeta2 * gi * gi);
    m[i] = mi;
    v[i] = vi;
    q[i] = p[i] * decay - stepSize * (mi / (sqrt(vi) / bc2Sqrt + epsilon));
  }
}

/**
 * Elements of the moments the SIMD kernel takes per call, staged through a buffer in the wasm heap. The moments
 * themselves stay in JavaScript memory: in the heap they would take 1 GB of GPT-2 124M's 4 GiB for good (the heap
 * never shrinks), room the activations of long blocks need. Staging costs a copy in and out, ~0.1 s for 124M.
 */
const STAGE = 32 * 1024;

/** updateParameter on the wasm heap: g, p and q by their offsets, m and v staged in chunks. */
function updateOnHeap(s: SimdKernels, stage: number, g: tf.Tensor, p: tf.Tensor, q: tf.Tensor, m: Float32Array, v: Float32Array, k: StepConstants): void {
  const gp = s.offset(g), pp = s.offset(p), qp = s.offset(q), ms = stage, vs = stage + 4 * STAGE;
  const heap = new Float32Array(s.memory.buffer); // after every allocation (a growing heap detaches older views)
  for (let i = 0, n = m.length; i < n; i += STAGE) {
    const len = Math.min(STAGE, n - i);
    heap.set(m.subarray(i, i + len), ms >> 2);
    heap.set(v.subarray(i, i + len), vs >> 2);
    s.adamw(gp + 4 * i, pp + 4 * i, qp + 4 * i, ms, vs, len, k.scale, k.beta1, k.oneMinusBeta1, k.beta2, k.oneMinusBeta2, k.decay, k.stepSize, k.bc2Sqrt, k.epsilon);
    m.set(heap.subarray(ms >> 2, (ms >> 2) + len), i);
    v.set(heap.subarray(vs >> 2, (vs >> 2) + len), i);
  }
}

class HostAdamW implements AdamW {
  private m = new Map<string, Float32Array>();
  private v = new Map<string, Float32Array>();
  private step = 0;
  /** The SIMD kernels' staging buffer in the wasm heap (two STAGE-float halves), made at the first step. */
  private stage: number | null = null;

  constructor(readonly cfg: AdamWConfig, private readonly simd: SimdKernels | null) {}

  apply(params: Map<string, tf.Tensor>, grads: Map<string, tf.Tensor>, lr: number, loss: tf.Scalar) {
    const { beta1, beta2, epsilon, weightDecay, maxGradNorm } = this.cfg;
    const { bc1, bc2Sqrt } = corrections(this.cfg, ++this.step);
    const simd = this.simd;
    let sq = 0;
    for (const g of grads.values()) sq = simd ? sq + simd.sumSquares(simd.offset(g), g.size) : addSquares(sq, hostMemory(g));
    const norm = Math.sqrt(sq);
    const finite = Number.isFinite(norm) && Number.isFinite(loss.dataSync()[0]);
    const k: StepConstants = {
      scale: maxGradNorm > 0 ? Math.min(maxGradNorm / (norm + 1e-6), 1) : 1,
      beta1, oneMinusBeta1: 1 - beta1, beta2, oneMinusBeta2: 1 - beta2, decay: 1, stepSize: lr / bc1, bc2Sqrt, epsilon,
    };
    for (const [name, g] of grads) {
      if (finite) {
        const p = params.get(name)!;
        let m = this.m.get(name), v = this.v.get(name);
        if (!m || !v) { m = new Float32Array(p.size); v = new Float32Array(p.size); this.m.set(name, m); this.v.set(name, v); }
        k.decay = weightDecay > 0 && decays(name) ? 1 - lr * weightDecay : 1;
        const out = updateTarget(p, g);
        // Views taken after any allocation above (a growing wasm heap detaches older ones). When out is g, each
        // element of g is read before its slot is overwritten.
        if (simd) updateOnHeap(simd, this.stage ??= simd.malloc(8 * STAGE), g, p, out, m, v, k);
        else updateParameter(hostMemory(g), hostMemory(p), hostMemory(out), m, v, k);
        if (out !== p) { p.dispose(); params.set(name, out); }
        if (out === g) continue;
      }
      // Freed as soon as it is used: the wasm heap holds one gradient less for each parameter updated.
      g.dispose();
    }
    return { gradNorm: tf.scalar(norm), applied: tf.scalar(finite ? 1 : 0) };
  }

  async exportState(): Promise<AdamWState> {
    return { step: this.step, m: new Map(this.m), v: new Map(this.v) };
  }

  /** Takes the arrays over, without a copy (GPT-2 124M: 1 GB): they come from a checkpoint file just read. */
  importState(s: AdamWState): void {
    this.step = s.step;
    this.m = new Map(s.m);
    this.v = new Map(s.v);
  }

  dispose(): void {
    this.m.clear(); this.v.clear();
    if (this.stage !== null && tf.getBackend() === 'wasm') this.simd?.free(this.stage);
    this.stage = null;
  }
}
