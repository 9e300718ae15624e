// The measurements themselves, shared by every host: Node child processes (wasm, cpu; bench/node/child.ts), the
// Chromium page (webgpu, webgl, wasm; e2e/pages/bench.ts) and the H200 bundle (webgpu through Dawn; bench/gpu/main.ts).
// Only TensorFlow.js and the core here: no Node or DOM imports. The host starts the backend first and supplies the
// token stream and its own memory figures.
//
// Timing: every phase ends by reading a value back, so asynchronous backends (webgpu, webgl) are timed to the end
// of their queued work, not to the end of enqueueing it.
import * as tf from '@tensorflow/tfjs';
import { GPT2, type LayerCache } from '../../src/core/gpt2/model';
import { parseConfig, countParameters, type GPT2Config } from '../../src/core/gpt2/config';
import { generate } from '../../src/core/gpt2/generate';
import { resolveArgs } from '../../src/core/train/args';
import { Trainer } from '../../src/core/train/trainer';
import { trainStepFlops, forwardFlops, matmulFlops } from './flops';
import { simdKernels } from '../../src/core/backend/simd';

export interface ModelSpec {
  /** 'tiny-gpt2' (the fixture), '124M', 'medium'. */
  name: string;
  /** config.json fields (parseConfig fills the rest). */
  config: Record<string, unknown>;
}

const GPT2_SHAPE = (n_layer: number, n_head: number, n_embd: number) => ({ n_layer, n_head, n_embd, vocab_size: 50257, n_positions: 1024 });

export const MODELS = {
  /** /work/shared/fixtures/models/tiny-gpt2 (its config.json). */
  'tiny-gpt2': { name: 'tiny-gpt2', config: { vocab_size: 50257, n_positions: 64, n_embd: 32, n_layer: 2, n_head: 2 } },
  /** /work/shared/fixtures/models/tiny-gpt2-v512: its own 512-token vocabulary (what SwiftShader can afford). */
  'tiny-gpt2-v512': { name: 'tiny-gpt2-v512', config: { vocab_size: 512, n_positions: 64, n_embd: 48, n_layer: 3, n_head: 4 } },
  /** The tiny shape llm.c's CPU figure is measured on (bench/lib/llmc.ts); GPT2Config's n_positions. */
  'llmc-tiny': { name: 'llmc-tiny', config: { vocab_size: 512, n_positions: 1024, n_embd: 64, n_layer: 2, n_head: 2 } },
  '124M': { name: '124M', config: GPT2_SHAPE(12, 12, 768) },
  medium: { name: 'medium', config: GPT2_SHAPE(24, 16, 1024) },
  large: { name: 'large', config: GPT2_SHAPE(36, 20, 1280) },
} satisfies Record<string, ModelSpec>;

export interface MatmulShape { label: string; a: number[]; b: number[]; transposeB?: boolean }

export type Task =
  | { kind: 'matmul'; shapes: MatmulShape[]; /** per shape, ms of repetitions to time */ minMs: number }
  | {
    kind: 'train'; model: ModelSpec; block: number; batch: number; warmup: number; steps: number;
    /** tf.profile the first step's forward+backward+optimizer (kernel hot spots). */
    profile: boolean;
    /** Also time a forward without dropout (what dropout costs). */
    evalForward: boolean;
    /** AdamW after every step, only after the last one (when it is too slow to repeat), or never. */
    optimizer: 'every' | 'last' | 'none';
    /** Recompute each block's activations in the backward pass (gradient_checkpointing), as the plan does past block 256 on wasm. */
    recompute?: boolean;
  }
  | { kind: 'generate'; model: ModelSpec; prompt: number; runs: Array<{ newTokens: number; cache: boolean }>; /** tf.profile one cached decode step */ profileDecode?: boolean }
  | { kind: 'stability'; model: ModelSpec; block: number; steps: number; sampleEvery: number; /** stop early after this long */ maxSeconds?: number; /** wait for the device after every step (default) */ paced?: boolean }
  | { kind: 'trainer'; model: ModelSpec; block: number; batch: number; steps: number };

export interface Host {
  /** The host's own memory figures (Node: RSS, VmHWM, wasm heap; browser: tf.memory(), JS heap). */
  memory(): Record<string, number>;
  /** A GPT-2 token stream (ids < 50257). */
  tokens: Int32Array;
  log(msg: string): void;
  /**
   * CPU milliseconds this process has used (Node): on a shared machine, a single-threaded step's CPU time is far
   * steadier than its wall-clock time, which includes waiting for a core.
   */
  cpuMs?(): number;
  /** Partial results after each step of a long task, so that a host that kills it on a timeout keeps them. */
  progress?(partial: Result): void;
}

export type Result = Record<string, unknown>;

/** The training measurements' learning rate (constant): small enough that no step diverges. */
const LEARNING_RATE = 1e-4;

const now = () => performance.now();
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** Waits until `t` (and everything queued before it) is computed, reading back one element. */
export async function settle(t: tf.Tensor): Promise<void> {
  if (t.size <= 1) { await t.data(); return; }
  const one = tf.tidy(() => t.reshape([-1]).slice(0, 1));
  await one.data();
  one.dispose();
}

/** Peak of tf.memory().numBytes between start() and stop(), by hooking the engine's tensor tracking. */
export function peakBytesTracker(): { stop(): number } {
  const engine = tf.engine() as unknown as { trackTensor: (a: unknown, b: unknown) => void; state: { numBytes: number } };
  const orig = engine.trackTensor;
  let peak = engine.state.numBytes;
  engine.trackTensor = function (this: typeof engine, a: unknown, b: unknown) {
    orig.call(this, a, b);
    if (this.state.numBytes > peak) peak = this.state.numBytes;
  };
  return { stop() { engine.trackTensor = orig; return peak; } };
}

/** Keeps the maximum of every numeric memory figure the host reports. */
function memoryMax(host: Host) {
  const max: Record<string, number> = {};
  return {
    sample() { for (const [k, v] of Object.entries(host.memory())) if (typeof v === 'number') max[k] = Math.max(max[k] ?? -Infinity, v); },
    get: () => max,
  };
}

function makeModel(spec: ModelSpec): { config: GPT2Config; model: GPT2; initMs: number } {
  const config = parseConfig(spec.config);
  const t0 = now();
  const model = GPT2.init(config);
  return { config, model, initMs: now() - t0 };
}

/** Rows of T tokens from the host's stream, one batch per step. */
function batchIds(tokens: Int32Array, step: number, B: number, T: number, vocab: number): tf.Tensor2D {
  const out = new Int32Array(B * T);
  const span = Math.max(1, tokens.length - T);
  for (let r = 0; r < B; r++) {
    const start = ((step * B + r) * T) % span;
    for (let j = 0; j < T; j++) out[r * T + j] = tokens[(start + j) % tokens.length] % vocab;
  }
  return tf.tensor2d(out, [B, T], 'int32');
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * Milliseconds of one product, `mm(i)` being the i-th: warm-up (shader compilation, allocation), then one
 * synchronized product to size the batch; products slower than minMs/2 are timed once, faster ones as a batch
 * enqueued back to back with one read at the end. `limit` caps the batch (distinct operands to go round).
 */
async function timeProduct(mm: (i: number) => tf.Tensor, minMs: number, limit: number, host: Host): Promise<{ ms: number; reps: number; cpuMs?: number }> {
  const cpu = () => host.cpuMs?.() ?? NaN;
  let c = mm(0); await settle(c); c.dispose();
  let t0 = now(), c0 = cpu();
  c = mm(1); await settle(c); c.dispose();
  const single = now() - t0, singleCpu = cpu() - c0;
  if (single >= minMs / 2 || limit <= 2) return { ms: single, reps: 1, cpuMs: host.cpuMs ? singleCpu : undefined };
  const reps = Math.max(2, Math.min(limit - 2, Math.ceil(minMs / Math.max(single, 0.01))));
  t0 = now(); c0 = cpu();
  let last: tf.Tensor | null = null;
  for (let i = 0; i < reps; i++) { const r = mm(2 + i); last?.dispose(); last = r; }
  await settle(last!);
  last!.dispose();
  return { ms: (now() - t0) / reps, reps, cpuMs: host.cpuMs ? (cpu() - c0) / reps : undefined };
}

/** Bytes of fresh B operands the wasm "fresh B" measurement may hold at once. */
const FRESH_BYTES = 256 * 2 ** 20;

/**
 * GFLOP/s of the model's matmuls, two ways on wasm, whose XNNPACK packs B (the weights) and caches the packing by
 * B's tensor: "packed" reuses one B (weights that stay put: evaluation, generation; the backend's ceiling), "fresh"
 * takes a new B for each product (packing included, as the first use of each weight after an optimizer step, which
 * makes every weight a new tensor). Other backends have no packing: one figure each.
 */
async function matmulTask(t: Extract<Task, { kind: 'matmul' }>, host: Host): Promise<Result> {
  const rows: Result[] = [];
  const packs = tf.getBackend() === 'wasm';
  for (const s of t.shapes) {
    const a = tf.randomUniform(s.a, -1, 1), b = tf.randomUniform(s.b, -1, 1);
    const mm = (bi: tf.Tensor) => tf.matMul(a as tf.Tensor3D, bi as tf.Tensor3D, false, s.transposeB ?? false);
    const flops = matmulFlops(s.a, s.b, s.transposeB);
    const gflops = (ms: number) => round(flops / ms / 1e6, 2);
    const fresh: tf.Tensor[] = [];
    try {
      const packed = await timeProduct(() => mm(b), t.minMs, 500, host);
      const row: Result = { label: s.label, a: s.a, b: s.b, transposeB: s.transposeB ?? false, reps: packed.reps, ms: round(packed.ms, 3), gflops: gflops(packed.ms) };
      if (packed.cpuMs) Object.assign(row, { cpuMs: round(packed.cpuMs, 3), cpuGflops: gflops(packed.cpuMs) });
      host.log(`matmul ${s.label}: ${packed.ms.toFixed(2)} ms, ${gflops(packed.ms)} GFLOP/s` + (packs ? ' (B packed once)' : ''));
      if (packs && !s.transposeB) {
        const copies = Math.max(3, Math.min(50, Math.floor(FRESH_BYTES / (b.size * 4))));
        for (let i = 0; i < copies; i++) fresh.push(b.add(0));
        await settle(fresh[copies - 1]);
        const r = await timeProduct((i) => mm(fresh[i]), t.minMs, copies, host);
        Object.assign(row, { freshReps: r.reps, freshMs: round(r.ms, 3), freshGflops: gflops(r.ms) });
        if (r.cpuMs) Object.assign(row, { freshCpuMs: round(r.cpuMs, 3), freshCpuGflops: gflops(r.cpuMs) });
        host.log(`matmul ${s.label}: ${r.ms.toFixed(2)} ms, ${gflops(r.ms)} GFLOP/s (a fresh B each product)`);
      }
      rows.push(row);
    } catch (e) {
      rows.push({ label: s.label, a: s.a, b: s.b, error: String((e as Error).message ?? e) });
    } finally {
      tf.dispose([a, b, ...fresh]);
    }
  }
  const best = (k: string) => rows.filter((r) => !r.transposeB && typeof r[k] === 'number')
    .reduce<Result | null>((x, r) => (x === null || (r[k] as number) > (x[k] as number) ? r : x), null);
  const packed = best('gflops'), fresh = best('freshGflops');
  return {
    shapes: rows,
    /** The higher ceiling: the step is held against it. */
    ceilingGflops: packed?.gflops ?? null, ceilingShape: packed?.label ?? null,
    freshCeilingGflops: fresh?.freshGflops ?? null, freshCeilingShape: fresh?.label ?? null,
    /** The same by the process's CPU time (Node), steadier on a shared machine. */
    cpuCeilingGflops: best('cpuGflops')?.cpuGflops ?? null, freshCpuCeilingGflops: best('freshCpuGflops')?.freshCpuGflops ?? null,
  };
}

// ---------------------------------------------------------------------------------------------------------------

interface KernelRow { kernel: string; shapes: string; ms: number; calls: number; phase: string }

/** tf.profile's kernels, summed by (kernel, input shapes) and by kernel, largest first. */
export function summarizeProfile(kernels: Array<{ name: string; inputShapes: number[][]; kernelTimeMs: number | { error: string } }>, boundary: number, wallMs: number, top = 15, phases = ['fwd+bwd', 'optimizer']): Result {
  const byShape = new Map<string, KernelRow>();
  const byName = new Map<string, { kernel: string; ms: number; calls: number }>();
  let total = 0, scopes = 0;
  const backend = tf.getBackend();
  kernels.forEach((k, i) => {
    // tf.profile also lists the scopes around kernels (customGrad's forward, …): their time includes their kernels'.
    if (!tf.getKernel(k.name, backend)) { scopes++; return; }
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    total += ms;
    const shapes = k.inputShapes.map((s) => `[${s.join('x')}]`).join(' ');
    const phase = i < boundary ? phases[0] : phases[1];
    const key = `${phase}|${k.name}|${shapes}`;
    const row = byShape.get(key) ?? { kernel: k.name, shapes, ms: 0, calls: 0, phase };
    row.ms += ms; row.calls++;
    byShape.set(key, row);
    const n = byName.get(k.name) ?? { kernel: k.name, ms: 0, calls: 0 };
    n.ms += ms; n.calls++;
    byName.set(k.name, n);
  });
  const r = (x: { ms: number }) => ({ ...x, ms: round(x.ms, 1) });
  return {
    wallMs: round(wallMs, 1),
    kernelMs: round(total, 1),
    outsideKernelsMs: round(wallMs - total, 1),
    kernels: kernels.length - scopes,
    topByShape: [...byShape.values()].sort((a, b) => b.ms - a.ms).slice(0, top).map(r),
    topByKernel: [...byName.values()].sort((a, b) => b.ms - a.ms).slice(0, top).map(r),
  };
}

async function trainTask(t: Extract<Task, { kind: 'train' }>, host: Host): Promise<Result> {
  const { config, model, initMs } = makeModel(t.model);
  const T = Math.min(t.block, config.n_positions), B = t.batch;
  const names = [...model.params.keys()];
  // The step the product runs: the Trainer's own gradient (its embedding gradient included) and its own AdamW.
  const trainer = new Trainer(model, blockDataset(host.tokens, T, B, config.vocab_size),
    resolveArgs({ per_device_train_batch_size: B, learning_rate: LEARNING_RATE, lr_scheduler_type: 'constant', weight_decay: 0.01, save_steps: 0 }), tf.getBackend());
  const opt = trainer.optimizer;
  let applies = 0;
  const mem = memoryMax(host);
  const steps: Array<Record<string, number>> = [];
  let profile: Result | null = null;
  let peakTfBytes = 0, leak = 0, nonFinite = 0;
  let error: string | undefined;
  let phase = 'init';
  let row: Record<string, number> = {};
  const total = t.warmup + t.steps;
  /** Names the running phase, and hands the host the results so far (kept if the host kills a slow phase). */
  const enter = (p: string) => { phase = p; host.progress?.({ ...summary(), running: `${p} of step ${steps.length}` }); };
  await settle(model.params.get(names[names.length - 1])!);
  mem.sample();
  try {
    for (let s = 0; s < total; s++) {
      const ids = batchIds(host.tokens, s, B, T, config.vocab_size);
      const opts = { training: true, seed: 1000 + s, recompute: t.recompute === true }; // dropout on, as the Trainer trains
      const tensorsBefore = tf.memory().numTensors;
      const tracker = peakBytesTracker();
      row = { step: s };
      const applyHere = t.optimizer === 'every' || (t.optimizer === 'last' && s === total - 1);

      enter('forward');
      let t0 = now();
      const l = tf.tidy(() => model.loss(ids, opts));
      row.loss = (await l.data())[0]; l.dispose();
      row.forwardMs = now() - t0;
      mem.sample();

      if (t.evalForward) {
        enter('forward without dropout');
        t0 = now();
        const le = tf.tidy(() => model.loss(ids));
        await le.data(); le.dispose();
        row.forwardNoDropoutMs = now() - t0;
      }

      const profiled = t.profile && s === 0;
      let boundary = 0;
      const trainStep = async () => {
        enter('forward+backward');
        let t1 = now();
        const c0 = host.cpuMs?.();
        const { value, grads } = trainer.gradients(ids, opts, 1);
        await value.data(); // flushes the queue: every gradient is computed
        row.forwardBackwardMs = now() - t1;
        mem.sample();
        if (profiled) boundary = (tf.engine() as unknown as { state: { activeProfile: { kernels: unknown[] } } }).state.activeProfile.kernels.length;
        if (!applyHere) { tf.dispose([value, ...grads.values()]); return; }
        enter('optimizer (AdamW.apply)');
        t1 = now();
        const { gradNorm, applied } = opt.apply(model.params, grads, LEARNING_RATE, value);
        await settle(model.params.get(names[names.length - 1])!);
        row.optimizerMs = now() - t1;
        if (c0 !== undefined) row.stepCpuMs = host.cpuMs!() - c0;
        applies++;
        mem.sample();
        // Read after the timing: a norm that is not finite (or a skipped update) means the step computed garbage.
        row.gradNorm = (await gradNorm.data())[0];
        row.applied = (await applied.data())[0];
        tf.dispose([value, gradNorm, applied]);
      };
      if (profiled) {
        const flag = tf.env().getBool('CHECK_COMPUTATION_FOR_ERRORS');
        tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
        const w0 = now();
        const info = await tf.profile(trainStep);
        profile = { step: s, optimizer: applyHere, ...summarizeProfile(info.kernels as never, boundary, now() - w0), peakBytes: info.peakBytes };
        tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', flag);
      } else {
        await trainStep();
      }
      ids.dispose();
      row.backwardMs = row.forwardBackwardMs - row.forwardMs;
      if (row.optimizerMs !== undefined) row.stepMs = row.forwardBackwardMs + row.optimizerMs;
      row.tensorsAfterMinusBefore = tf.memory().numTensors - tensorsBefore;
      // The optimizer's moments appear at its first step; no other step may add a tensor.
      if (s > 0 && !(applyHere && applies === 1)) leak = Math.max(leak, row.tensorsAfterMinusBefore);
      peakTfBytes = Math.max(peakTfBytes, tracker.stop());
      for (const k of Object.keys(row)) if (!['loss', 'gradNorm'].includes(k)) row[k] = round(row[k], 1);
      if (![row.loss, row.gradNorm ?? 0].every(Number.isFinite) || row.applied === 0) nonFinite++;
      steps.push(row);
      host.progress?.(summary());
      host.log(`${t.model.name} T=${T} B=${B} step ${s}: fwd ${row.forwardMs} ms, fwd+bwd ${row.forwardBackwardMs} ms` + (row.optimizerMs !== undefined ? `, AdamW ${row.optimizerMs} ms` : ''));
    }
  } catch (e) {
    error = `${phase} of step ${steps.length}: ${(e as Error).message ?? e}`;
    host.log(`error: ${error}`);
    // Keep what the failed step measured before it failed (its forward, say).
    if (row.step === steps.length && Object.keys(row).length > 1) steps.push({ ...row, failed: 1 });
  }
  mem.sample();
  try { trainer.dispose(); model.dispose(); } catch { /* a failed wasm module cannot free */ }
  return summary();

  function summary(): Result {
  const measured = steps.slice(t.warmup).length ? steps.slice(t.warmup) : steps;
  const med = (k: string) => { const xs = measured.map((r) => r[k]).filter((x) => x !== undefined); return xs.length ? round(median(xs), 1) : undefined; };
  const opts = steps.map((r) => r.optimizerMs).filter((x) => x !== undefined);
  const forwardMs = med('forwardMs'), forwardBackwardMs = med('forwardBackwardMs');
  const optimizerMs = opts.length ? round(median(opts.slice(t.optimizer === 'every' ? Math.min(t.warmup, opts.length - 1) : 0)), 1) : undefined;
  const stepMs = forwardBackwardMs !== undefined && optimizerMs !== undefined ? round(forwardBackwardMs + optimizerMs, 1) : undefined;
  const flops = trainStepFlops(config, B, T);
  const gf = (f: number, ms?: number) => (ms ? round(f / ms / 1e6, 2) : undefined);
  return {
    model: t.model.name, params: countParameters(config), block: T, batch: B, tokensPerStep: B * T,
    initMs: round(initMs, 0), warmupSteps: t.warmup, measuredSteps: measured.length, optimizer: t.optimizer, optimizerClass: opt.constructor.name,
    forwardMs, backwardMs: med('backwardMs'), forwardBackwardMs, optimizerMs, stepMs,
    forwardNoDropoutMs: t.evalForward ? med('forwardNoDropoutMs') : undefined,
    tokensPerSecond: stepMs ? round((B * T) / (stepMs / 1000), 1) : undefined,
    /** The same by the process's CPU time (Node): what an unloaded core would give a single-threaded step. */
    tokensPerCpuSecond: med('stepCpuMs') ? round((B * T) / (med('stepCpuMs')! / 1000), 1) : undefined,
    stepCpuMs: med('stepCpuMs'), cpuGflops: gf(flops, med('stepCpuMs')),
    /** Without the optimizer, when it did not run. */
    tokensPerSecondForwardBackward: forwardBackwardMs ? round((B * T) / (forwardBackwardMs / 1000), 1) : undefined,
    stepFlops: flops, achievedGflops: gf(flops, stepMs), forwardBackwardGflops: gf(flops, forwardBackwardMs),
    forwardGflops: gf(forwardFlops(config, B, T), forwardMs),
    /** Steps whose loss or gradient norm was not finite, or whose update AdamW skipped: the figures time garbage. */
    nonFiniteSteps: nonFinite,
    tensorLeakPerStep: leak, peakTfBytes, memoryMax: mem.get(), steps, profile, error,
  };
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function generateTask(t: Extract<Task, { kind: 'generate' }>, host: Host): Promise<Result> {
  const { model, initMs } = makeModel(t.model);
  try {
    return { model: t.model.name, initMs: round(initMs, 0), ...(await generateRuns(model, t.prompt, t.runs, host, t.profileDecode ?? false)) };
  } finally {
    try { model.dispose(); } catch { /* a failed wasm module cannot free */ }
  }
}

/** tf.profile of one KV-cached decode step (hidden state of one new token, then its logits), after a prompt pass. */
async function profileDecodeStep(model: GPT2, prompt: number[]): Promise<Result> {
  const cache: LayerCache[] = [];
  // The cache made inside a tidy must be returned from it to survive (as generate does).
  const first = tf.tidy(() => [model.hidden(tf.tensor2d([prompt], [1, prompt.length], 'int32'), { cache }), ...cache.flatMap((c) => [c.k, c.v])])[0];
  await settle(first); first.dispose();
  const flag = tf.env().getBool('CHECK_COMPUTATION_FOR_ERRORS');
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
  const w0 = now();
  let out: tf.Tensor | null = null;
  const old = cache.slice();
  const info = await tf.profile(async () => {
    out = tf.tidy(() => {
      const h = model.hidden(tf.tensor2d([[prompt[0]]], [1, 1], 'int32'), { cache });
      return [model.logits(h), ...cache.flatMap((c) => [c.k, c.v])];
    })[0];
    await settle(out);
  });
  const wall = now() - w0;
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', flag);
  tf.dispose([out!, ...old.flatMap((c) => [c.k, c.v]), ...cache.flatMap((c) => [c.k, c.v])]);
  return { pastTokens: prompt.length, ...summarizeProfile(info.kernels as never, info.kernels.length, wall, 10, ['decode', '']) };
}

/** Generation runs on a model that exists: tokens/s, first-token and per-token times, with and without the KV cache. */
export async function generateRuns(model: GPT2, promptLength: number, specs: Array<{ newTokens: number; cache: boolean }>, host: Host, profile = false): Promise<Result> {
  const config = model.config;
  const prompt = Array.from(host.tokens.subarray(0, promptLength), (x) => x % config.vocab_size);
  const mem = memoryMax(host);
  const runs: Result[] = [];
  let error: string | undefined;
  let decodeProfile: Result | undefined;
  try {
    // Warm-up: compiles the kernels of the prompt pass and of a cached step.
    await generate(model, prompt, { maxNewTokens: 3, eosTokenId: null });
    if (specs.some((r) => !r.cache)) await generate(model, prompt, { maxNewTokens: 2, eosTokenId: null, useCache: false });
    for (const r of specs) {
      const tensorsBefore = tf.memory().numTensors;
      const stamps: number[] = [];
      const t0 = now();
      const out = await generate(model, prompt, { maxNewTokens: r.newTokens, eosTokenId: null, useCache: r.cache, onToken: () => { stamps.push(now()); } });
      const ms = now() - t0;
      mem.sample();
      const n = out[0].ids.length;
      const gaps = stamps.map((s, i) => s - (i === 0 ? t0 : stamps[i - 1]));
      const later = gaps.slice(1);
      const tail = gaps.slice(-Math.min(32, later.length));
      const row = {
        newTokens: n, cache: r.cache, totalMs: round(ms, 0), tokensPerSecond: round(n / (ms / 1000), 2),
        msPerToken: round(ms / n, 2), firstTokenMs: round(gaps[0], 1),
        decodeMsPerToken: later.length ? round(later.reduce((x, y) => x + y, 0) / later.length, 2) : null,
        last32MsPerToken: tail.length ? round(tail.reduce((x, y) => x + y, 0) / tail.length, 2) : null,
        exceedsPositions: promptLength + r.newTokens > config.n_positions,
        tensorLeak: tf.memory().numTensors - tensorsBefore,
      };
      runs.push(row);
      host.log(`generate ${n} tokens, ${r.cache ? 'KV cache' : 'no cache'}: ${row.tokensPerSecond} tokens/s (first ${row.firstTokenMs} ms, then ${row.decodeMsPerToken} ms/token)`);
    }
    if (profile) decodeProfile = await profileDecodeStep(model, prompt);
  } catch (e) {
    error = String((e as Error).message ?? e);
  }
  // How time per token grows with the length generated: the longest cached run against the 32-token one.
  const cached = runs.filter((r) => r.cache);
  const r32 = cached.find((r) => r.newTokens === 32)?.msPerToken as number | undefined;
  const long = cached.reduce<Result | undefined>((a, r) => ((r.newTokens as number) > ((a?.newTokens as number) ?? 32) ? r : a), undefined);
  const ratio = r32 && long ? { newTokens: long.newTokens, ratio: round((long.msPerToken as number) / r32, 2) } : null;
  return { prompt: promptLength, runs, ratioLongVs32: ratio, ratio512vs32: ratio?.newTokens === 512 ? ratio.ratio : null, memoryMax: mem.get(), decodeProfile, error };
}

// ---------------------------------------------------------------------------------------------------------------

function blockDataset(tokens: Int32Array, T: number, count: number, vocab: number) {
  const blocks = new Int32Array(count * T);
  for (let i = 0; i < blocks.length; i++) blocks[i] = tokens[i % tokens.length] % vocab;
  return { blocks, blockSize: T, train: Array.from({ length: count }, (_, i) => i), validation: [] as number[] };
}

/** The Trainer's loop for N steps, sampling tf.memory() (tensors, engine bytes, backend bytes) as it goes. */
async function stabilityTask(t: Extract<Task, { kind: 'stability' }>, host: Host): Promise<Result> {
  const { config, model } = makeModel(t.model);
  const T = Math.min(t.block, config.n_positions);
  const data = blockDataset(host.tokens, T, 16, config.vocab_size);
  const args = resolveArgs({ max_steps: t.steps, per_device_train_batch_size: 1, logging_steps: t.sampleEvery, save_steps: 0, learning_rate: 1e-4, lr_scheduler_type: 'constant' });
  const samples: Array<Record<string, number>> = [];
  const half = Math.max(1, t.sampleEvery >> 1);
  const warnings: string[] = [];
  const lastParam = () => model.params.get('ln_f.bias')!;
  const sample = (p: { step: number; tokensPerSecond: number }) => {
    // Half-way between two logging steps: no log read is in flight.
    if (p.step % t.sampleEvery !== half && p.step !== 1) return;
    const m = tf.memory() as tf.MemoryInfo & Record<string, unknown>;
    const row: Record<string, number> = { step: p.step, numTensors: m.numTensors, numBytes: m.numBytes, numDataBuffers: m.numDataBuffers };
    for (const k of ['numBytesInGPU', 'numBytesAllocatedInGPU', 'numBytesInGPUAllocated']) if (typeof m[k] === 'number') row[k] = m[k] as number;
    for (const [k, v] of Object.entries(host.memory())) if (k.startsWith('wasm') || k === 'rss' || k === 'jsHeapUsed') row[k] = v;
    row.trainerTokensPerSecond = round(p.tokensPerSecond, 1);
    row.seconds = round((now() - t0) / 1000, 1);
    samples.push(row);
    host.progress?.({ model: t.model.name, plannedSteps: t.steps, steps: p.step, samples, running: `step ${p.step + 1}` });
  };
  const t0 = now();
  // The Trainer enqueues GPU work without waiting for it. Paced (the default), every step waits until the device has
  // done it (a read of the updated parameters) before the next: memory is then sampled in a steady state, the time
  // box holds, and the wall clock counts computed steps, not enqueued ones.
  const paced = t.paced ?? true;
  const trainer: Trainer = new Trainer(model, data, args, tf.getBackend(), {
    onWarning: (w) => { if (warnings.length < 10) warnings.push(w.text); },
    onProgress(p) {
      const over = () => t.maxSeconds !== undefined && now() - t0 > t.maxSeconds * 1000;
      if (!paced) { sample(p); if (over()) trainer.stop(); return; }
      trainer.pause();
      void settle(lastParam()).then(() => { sample(p); if (over()) trainer.stop(); else trainer.resume(); }, () => trainer.stop());
    },
  });
  let error: string | undefined;
  try { await trainer.train(); } catch (e) { error = String((e as Error).message ?? e); }
  const ms = now() - t0;
  const steps = trainer.globalStep;
  try { trainer.dispose(); model.dispose(); } catch { /* a failed wasm module cannot free */ }
  // Flat: from the second sample on (the first step creates the optimizer's moments), every figure stays put.
  const steady = samples.filter((s) => s.step > 1);
  const drift = (k: string) => {
    const xs = steady.map((s) => s[k]).filter((x) => x !== undefined);
    return xs.length ? Math.max(...xs) - Math.min(...xs) : null;
  };
  const keys = ['numTensors', 'numBytes', 'numBytesInGPU', 'numBytesAllocatedInGPU', 'numBytesInGPUAllocated', 'wasmHeapBytes'];
  const drifts = Object.fromEntries(keys.map((k) => [k, drift(k)]).filter(([, v]) => v !== null));
  const flat = drifts.numTensors === 0 && drifts.numBytes === 0 && (drifts.numBytesInGPU ?? 0) === 0;
  const last = trainer.logHistory[trainer.logHistory.length - 1] ?? {};
  return {
    model: t.model.name, block: T, plannedSteps: t.steps, steps, paced, stoppedAfterSeconds: steps < t.steps && !error ? t.maxSeconds : undefined, totalMs: round(ms, 0), msPerStep: round(ms / Math.max(1, steps), 1),
    /** Computed steps over the wall clock; the Trainer's own figure (its train_runtime excludes pauses) beside it. */
    tokensPerSecond: round((steps * T) / (ms / 1000), 1), trainerTokensPerSecond: last.tokens_per_second, flat: error ? false : flat, drifts, samples,
    nonFiniteLogs: trainer.logHistory.filter((e) => 'loss' in e && !Number.isFinite(e.loss as number)).length,
    losses: trainer.logHistory.filter((e) => 'loss' in e).slice(0, 20).map((e) => [e.step, e.loss, e.grad_norm]),
    warnings, error,
  };
}

/** A Trainer run as the app makes it (for its peak memory and its own tokens/s). */
async function trainerTask(t: Extract<Task, { kind: 'trainer' }>, host: Host): Promise<Result> {
  const { config, model, initMs } = makeModel(t.model);
  const T = Math.min(t.block, config.n_positions);
  const data = blockDataset(host.tokens, T, Math.max(4, t.steps * t.batch), config.vocab_size);
  const args = resolveArgs({ max_steps: t.steps, per_device_train_batch_size: t.batch, logging_steps: 1, save_steps: 0, learning_rate: 1e-4 });
  const mem = memoryMax(host);
  const stepTimes: number[] = [];
  let last = now();
  const trainer = new Trainer(model, data, args, tf.getBackend(), {
    onProgress() { mem.sample(); const n = now(); stepTimes.push(round(n - last, 0)); last = n; host.log(`trainer step ${stepTimes.length}: ${stepTimes.at(-1)} ms`); },
  });
  mem.sample();
  const t0 = now();
  last = t0;
  try { await trainer.train(); } finally { trainer.dispose(); model.dispose(); }
  mem.sample();
  const summary = trainer.logHistory.at(-1) ?? {};
  const totalMs = now() - t0; // train() returns once the device has done every step (its final log reads them back)
  return {
    model: t.model.name, block: T, batch: t.batch, steps: t.steps, initMs: round(initMs, 0), totalMs: round(totalMs, 0),
    /** Steps over the wall clock, and the Trainer's own figure (on a GPU it times enqueueing, not the device). */
    wallTokensPerSecond: round((t.steps * t.batch * T) / (totalMs / 1000), 1),
    stepTimesMs: stepTimes, tokensPerSecond: summary.tokens_per_second, finalLoss: trainer.logHistory.filter((e) => 'loss' in e).at(-1)?.loss,
    memoryMax: mem.get(),
  };
}

/**
 * WebGPU validation and out-of-memory errors while a task runs. An invalid pipeline invalidates its whole command
 * buffer, so everything submitted with it silently computes nothing: such a task's figures are not to be trusted.
 */
function watchGpuErrors(): { stop(): Array<{ message: string; count: number }> } {
  const device = tf.getBackend() === 'webgpu' ? (tf.backend() as unknown as { device?: GPUDevice }).device : undefined;
  const seen = new Map<string, number>();
  if (!device) return { stop: () => [] };
  const prev = device.onuncapturederror;
  device.onuncapturederror = (ev: GPUUncapturedErrorEvent) => {
    const msg = String(ev.error?.message ?? ev).split('\n').slice(0, 2).join(' ').slice(0, 300);
    seen.set(msg, (seen.get(msg) ?? 0) + 1);
  };
  return { stop() { device.onuncapturederror = prev; return [...seen].map(([message, count]) => ({ message, count })); } };
}

function dispatch(task: Task, host: Host): Promise<Result> {
  switch (task.kind) {
    case 'matmul': return matmulTask(task, host);
    case 'train': return trainTask(task, host);
    case 'generate': return generateTask(task, host);
    case 'stability': return stabilityTask(task, host);
    case 'trainer': return trainerTask(task, host);
  }
}

export async function runTask(task: Task, host: Host): Promise<Result> {
  const watch = watchGpuErrors();
  let r: Result | undefined;
  try {
    r = await dispatch(task, host);
  } finally {
    const errors = watch.stop();
    if (errors.length) {
      host.log(`GPU errors: ${JSON.stringify(errors)}`);
      if (r) r.gpuErrors = errors;
    }
  }
  return r;
}

/** Backend-specific facts worth recording beside the figures. */
export async function backendInfo(): Promise<Record<string, unknown>> {
  const name = tf.getBackend();
  const info: Record<string, unknown> = { backend: name, tfjs: tf.version.tfjs };
  const flag = (f: string) => { try { return tf.env().get(f); } catch { return undefined; } };
  if (name === 'wasm') {
    info.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    info.multithread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    const w = (tf.backend() as unknown as { wasm?: { tfjs?: { getThreadsCount?: () => number } } }).wasm;
    info.threads = w?.tfjs?.getThreadsCount?.();
    /** Our SIMD kernels (AdamW, Transpose) loaded on the backend's memory; else the slower fallbacks run. */
    info.ourSimdKernels = simdKernels() !== null;
    /** A shared memory: the threaded build runs. */
    info.sharedMemory = typeof SharedArrayBuffer !== 'undefined' && simdKernels()?.memory.buffer instanceof SharedArrayBuffer;
  }
  if (name === 'webgpu') {
    const b = tf.backend() as unknown as { adapterInfo?: Record<string, unknown>; supportTimestampQuery?: boolean; device?: { limits?: Record<string, number> } };
    const ai = b.adapterInfo;
    if (ai) info.adapter = Object.fromEntries(['vendor', 'architecture', 'device', 'description'].map((k) => [k, ai[k]]));
    info.timestampQuery = b.supportTimestampQuery;
    info.maxBufferSize = b.device?.limits?.maxBufferSize;
    info.maxStorageBufferBindingSize = b.device?.limits?.maxStorageBufferBindingSize;
  }
  if (name === 'webgl') for (const f of ['WEBGL_VERSION', 'WEBGL_RENDER_FLOAT32_ENABLED', 'WEBGL_PACK']) info[f] = flag(f);
  return info;
}
