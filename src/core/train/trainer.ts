// The training loop, with Hugging Face Trainer semantics: micro-batches of per_device_train_batch_size blocks,
// gradient accumulation, AdamW with a schedule, clipping, logging/evaluation/saving every N steps, and a
// log_history in Trainer's shape. One loop serves the CLI, the browser worker and the benchmarks; it talks to its
// host through callbacks and never touches files itself.
//
// Inside a step nothing is read back from the device: losses, grad norms and the non-finite guard are kept as device
// scalars and read asynchronously once per logging step, so a GPU backend never stalls the queue.
import * as tf from '@tensorflow/tfjs';
import type { GPT2, ForwardOptions } from '../gpt2/model';
import { hostMemory, isHostBackend, ownsMemory } from '../backend/host_memory';
import { createAdamW, type AdamW } from './adamw';
import type { TrainingArguments } from './args';
import { lrLambda, runLength } from './schedule';
import { mixSeed, permutation } from '../random';
import type { FolderFiles } from '../io/files';
import { UserError } from '../errors';
import type { Said } from '../messages';
import { sayTrain } from './messages';
import { ACCUMULATORS, checkpointFiles, readCheckpoint, type AccumulatorName, type LogEntry, type TrainerSnapshot } from './checkpoint';
import { checkBlockDataset, type BlockDataset } from '../data/blocks';


export type { LogEntry };

export interface Progress {
  step: number;
  maxSteps: number;
  epoch: number;
  /** Seconds of training so far (pauses excluded). */
  elapsed: number;
  eta: number;
  tokensPerSecond: number;
}

export interface TrainerHooks {
  /** Every entry as it is appended to log_history (training logs, evaluations, the final summary). */
  onLog?(entry: LogEntry): void;
  onProgress?(p: Progress): void;
  /**
   * A checkpoint to store as `checkpoint-{step}/`; `remove` lists older ones that save_total_limit drops. Its large
   * files are streams of the optimizer's live state: write them before this promise resolves (training waits).
   */
  onCheckpoint?(name: string, files: FolderFiles, remove: string[]): Promise<void>;
  /**
   * Something the user should know that is not an error (a skipped non-finite step, a diverging loss), as a sentence:
   * its `text` is the English, and a host with another language words it from the catalog.
   */
  onWarning?(warning: Said): void;
}

/** A run the trainer ended itself (e.g. the loss stayed non-finite): the message says where to resume from. */
export class TrainingStopped extends UserError {}

/**
 * table[ids[i]] += rows[i] for every i; returns the result (the table itself, updated in place, on host backends
 * when nothing shares its memory) and frees `table` otherwise. Exported for its leak test.
 */
export function addRows(table: tf.Tensor, ids: tf.Tensor1D, rows: tf.Tensor): tf.Tensor {
  if (!isHostBackend() || !ownsMemory(table)) {
    const sum = tf.tidy(() => table.add(tf.unsortedSegmentSum(rows, ids, table.shape[0])));
    table.dispose();
    return sum;
  }
  const idx = ids.dataSync(), src = rows.dataSync() as Float32Array;
  const dst = hostMemory(table), C = table.shape[1]!;
  for (let i = 0; i < idx.length; i++) for (let j = 0; j < C; j++) dst[idx[i] * C + j] += src[i * C + j];
  return table;
}

/** Reads scalars back in one asynchronous transfer. */
async function readScalars(ts: tf.Tensor[]): Promise<Float32Array> {
  const packed = tf.stack(ts);
  try { return (await packed.data()) as Float32Array; } finally { packed.dispose(); }
}

/**
 * A run diverges when its logged loss stays above FACTOR times the loss of its first step for LOGS logs in a row:
 * training goes on (as Trainer's does) and the weights are saved as usual, but the user is told, once.
 */
const DIVERGENCE = { factor: 2, logs: 3 };

/** Device-side running sums, read once per logging step. */
type Accumulators = Record<AccumulatorName, tf.Scalar>;

export class Trainer {
  readonly optimizer: AdamW;
  readonly stepsPerEpoch: number;
  readonly maxSteps: number;
  readonly warmup: number;
  globalStep = 0;
  logHistory: LogEntry[] = [];
  private acc: Accumulators;
  private paused: { promise: Promise<void>; resume: () => void } | null = null;
  private stopRequested = false;
  private failure: Error | null = null;
  private pending: Promise<void> = Promise.resolve();
  private elapsed = 0;
  private tokensSeen = 0;
  private checkpoints: string[] = [];
  /** The first step's loss, on the device until the first log reads it, then its value. */
  private firstLoss: tf.Scalar | null = null;
  private startLoss: number | null = null;
  /** Logs in a row with the loss far above startLoss. */
  private logsAboveStart = 0;

  constructor(readonly model: GPT2, readonly data: BlockDataset, readonly args: TrainingArguments, readonly backend: string, readonly hooks: TrainerHooks = {}) {
    const a = args;
    if (data.train.length === 0) throw new Error('the dataset has no training blocks');
    checkBlockDataset(data);
    this.optimizer = createAdamW({ beta1: a.adam_beta1, beta2: a.adam_beta2, epsilon: a.adam_epsilon, weightDecay: a.weight_decay, maxGradNorm: a.max_grad_norm });
    ({ stepsPerEpoch: this.stepsPerEpoch, maxSteps: this.maxSteps, warmup: this.warmup } = runLength(data.train.length, a));
    this.acc = tf.tidy(() => ({ loss: tf.scalar(0), applied: tf.scalar(0), totalLoss: tf.scalar(0), totalApplied: tf.scalar(0), badRun: tf.scalar(0), gradNorm: tf.scalar(0) }));
  }

  get epoch(): number { return this.globalStep / this.stepsPerEpoch; }
  get isPaused(): boolean { return this.paused !== null; }

  learningRate(step: number): number {
    return this.args.learning_rate * lrLambda(this.args.lr_scheduler_type, step, this.warmup, this.maxSteps);
  }

  /** Block ids of micro-batch k (counted over the whole run): epochs reshuffle from (seed, epoch). */
  microBatch(k: number): number[] {
    const { per_device_train_batch_size: bs, gradient_accumulation_steps: accum, shuffle, seed } = this.args;
    const perEpoch = this.stepsPerEpoch * accum;
    const epoch = Math.floor(k / perEpoch), i = k % perEpoch;
    const n = this.data.train.length;
    const order = shuffle ? permutation(n, mixSeed(seed, epoch)) : null;
    const ids: number[] = [];
    for (let j = i * bs; j < Math.min((i + 1) * bs, n); j++) ids.push(this.data.train[order ? order[j] : j]);
    return ids;
  }

  private batchTensor(blockIds: number[]): tf.Tensor2D {
    const T = this.data.blockSize;
    const flat = new Int32Array(blockIds.length * T);
    blockIds.forEach((b, r) => flat.set(this.data.blocks.subarray(b * T, (b + 1) * T), r * T));
    return tf.tensor2d(flat, [blockIds.length, T], 'int32');
  }

  /** What trains: the LoRA adapter's tensors when the model has one (the base is frozen), else every parameter. */
  get trainable(): Map<string, tf.Tensor> { return this.model.lora?.params ?? this.model.params; }

  /**
   * Loss and gradients of one micro-batch, the loss divided by the accumulation steps as Trainer does before
   * backward. The token embeddings enter as an input of their own and their gradient is scattered into wte's here:
   * through autodiff, wte's two uses would each hold a [vocab × n_embd] gradient, plus their sum, at the end of the
   * backward pass (460 MB for GPT-2, the peak of a wasm step). With LoRA only the adapter's gradients are taken.
   * Public for the bench, which times this step's halves (this, then `optimizer.apply`) as the product runs them.
   */
  gradients(ids: tf.Tensor2D, opts: ForwardOptions, accum: number): { value: tf.Scalar; grads: Map<string, tf.Tensor> } {
    const params = this.trainable;
    const names = [...params.keys()];
    if (this.model.lora) {
      const { value, grads } = tf.valueAndGrads(() => this.model.loss(ids, opts).div(accum) as tf.Scalar)(names.map((n) => params.get(n)!));
      return { value, grads: new Map(names.map((n, i) => [n, grads[i]])) };
    }
    const wte = params.get('wte.weight')!;
    const flat = ids.reshape([-1]) as tf.Tensor1D;
    const rows = tf.gather(wte, flat) as tf.Tensor2D;
    const { value, grads: g } = tf.valueAndGrads((...xs: tf.Tensor[]) =>
      this.model.loss(ids, { ...opts, tokenEmbeddings: xs[xs.length - 1] as tf.Tensor2D }).div(accum) as tf.Scalar)([...names.map((n) => params.get(n)!), rows]);
    const grads = new Map(names.map((n, i) => [n, g[i]]));
    grads.set('wte.weight', addRows(grads.get('wte.weight')!, flat, g[names.length]));
    tf.dispose([flat, rows, g[names.length]]);
    return { value, grads };
  }

  /** One optimizer step: accumulate gradients over the micro-batches, then AdamW. Enqueues device work only. */
  private step(): void {
    const s = this.globalStep;
    const accum = this.args.gradient_accumulation_steps;
    const names = [...this.trainable.keys()];
    let grads: Map<string, tf.Tensor> | null = null;
    let stepLoss: tf.Scalar | null = null;
    for (let a = 0; a < accum; a++) {
      const k = s * accum + a;
      const ids = this.batchTensor(this.microBatch(k));
      this.tokensSeen += ids.size;
      const opts = { training: true, dropout: this.args.dropout ?? undefined, seed: mixSeed(this.args.seed, k, 0x5eed), recompute: this.args.gradient_checkpointing === true };
      const { value, grads: g } = this.gradients(ids, opts, accum);
      ids.dispose();
      if (grads === null) {
        grads = g;
        stepLoss = value;
      } else {
        for (const n of names) { const sum = grads.get(n)!.add(g.get(n)!); tf.dispose([grads.get(n)!, g.get(n)!]); grads.set(n, sum); }
        const sum = stepLoss!.add(value) as tf.Scalar; stepLoss!.dispose(); value.dispose(); stepLoss = sum;
      }
    }
    const { gradNorm, applied } = this.optimizer.apply(this.trainable, grads!, this.learningRate(s), stepLoss!);
    if (s === 0) this.firstLoss = stepLoss!.clone();
    const prev = this.acc;
    this.acc = tf.tidy(() => {
      const kept = tf.where(applied.cast('bool'), stepLoss!, tf.scalar(0)) as tf.Scalar;
      return {
        loss: prev.loss.add(kept), applied: prev.applied.add(applied), totalLoss: prev.totalLoss.add(kept), totalApplied: prev.totalApplied.add(applied),
        badRun: prev.badRun.add(1).mul(tf.scalar(1).sub(applied)), gradNorm: gradNorm.clone(),
      } as Accumulators;
    });
    for (const t of [...Object.values(prev), stepLoss!, gradNorm, applied]) t.dispose();
    this.globalStep = s + 1;
  }

  /** Reads the logging accumulators asynchronously and appends Trainer's log entry for the current step. */
  private scheduleLog(): void {
    const step = this.globalStep, epoch = this.epoch, lr = this.learningRate(step);
    const sinceLog = step - (this.lastLogStep ?? 0);
    this.lastLogStep = step;
    const first = this.firstLoss;
    this.firstLoss = null;
    const read = readScalars([this.acc.loss, this.acc.applied, this.acc.gradNorm, this.acc.badRun, ...(first ? [first] : [])]);
    first?.dispose();
    this.resetLogAccumulators();
    this.enqueue(async () => {
      const [lossSum, applied, gradNorm, badRun, start] = await read;
      if (start !== undefined) this.startLoss = start;
      if (applied < sinceLog) this.hooks.onWarning?.(sayTrain('updatesSkipped', step, sinceLog - applied, sinceLog));
      if (badRun >= 3) {
        const last = this.checkpoints.at(-1);
        this.fail(new TrainingStopped(sayTrain('trainingStopped', step, badRun, last ?? null)));
      }
      const loss = applied > 0 ? lossSum / applied : NaN;
      this.log({ loss, grad_norm: gradNorm, learning_rate: lr, epoch, step });
      this.watchDivergence(step, loss);
    });
  }

  /** Warns once the loss has stayed far above its start for DIVERGENCE.logs logs, naming the learning rate. */
  private watchDivergence(step: number, loss: number): void {
    // A run resumed from a checkpoint starts from its first logged loss.
    this.startLoss ??= Number(this.logHistory.find((e) => 'loss' in e)?.loss);
    const start = this.startLoss;
    this.logsAboveStart = loss > DIVERGENCE.factor * start ? this.logsAboveStart + 1 : 0;
    if (this.logsAboveStart !== DIVERGENCE.logs) return;
    this.hooks.onWarning?.(sayTrain('diverging', step, loss, DIVERGENCE.factor, start, DIVERGENCE.logs, this.args.learning_rate));
  }

  private lastLogStep: number | null = null;

  private resetLogAccumulators(): void {
    this.acc.loss.dispose(); this.acc.applied.dispose();
    this.acc.loss = tf.scalar(0); this.acc.applied = tf.scalar(0);
  }

  private log(entry: LogEntry): void {
    this.logHistory.push(entry);
    this.hooks.onLog?.(entry);
  }

  /** Host work after earlier reads, in order. */
  private enqueue(f: () => Promise<void>): void {
    this.pending = this.pending.then(f).catch((e) => this.fail(e as Error));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.stopRequested = true;
  }

  /** Mean loss over the validation blocks (Trainer's eval_loss) and its perplexity. */
  async evaluate(): Promise<{ eval_loss: number; perplexity: number }> {
    const bs = this.args.per_device_eval_batch_size;
    const ids = this.data.validation;
    let sum = tf.scalar(0);
    for (let i = 0; i < ids.length; i += bs) {
      const x = this.batchTensor(ids.slice(i, i + bs));
      const next = tf.tidy(() => sum.add(this.model.losses(x).sum())) as tf.Scalar;
      x.dispose(); sum.dispose(); sum = next;
    }
    const total = (await sum.data())[0];
    sum.dispose();
    const eval_loss = total / (ids.length * (this.data.blockSize - 1));
    return { eval_loss, perplexity: Math.exp(eval_loss) };
  }

  private async evaluateAndLog(): Promise<void> {
    await this.pending;
    const start = performance.now();
    const { eval_loss, perplexity } = await this.evaluate();
    const runtime = (performance.now() - start) / 1000;
    this.log({ eval_loss, perplexity, eval_runtime: runtime, eval_samples_per_second: this.data.validation.length / runtime, epoch: this.epoch, step: this.globalStep });
  }

  /** Pausing takes effect after the current step. */
  pause(): void {
    if (this.paused) return;
    let resume!: () => void;
    const promise = new Promise<void>((r) => { resume = r; });
    this.paused = { promise, resume };
  }

  resume(): void {
    const p = this.paused;
    this.paused = null;
    p?.resume();
  }

  stop(): void {
    this.stopRequested = true;
    this.resume();
  }

  /** Runs until max_steps, stop() or a failure (rethrown after the pending logs are written). */
  async train(): Promise<void> {
    const a = this.args;
    const hasEval = this.data.validation.length > 0;
    let lastEval = -1;
    while (this.globalStep < this.maxSteps && !this.stopRequested) {
      if (this.paused) { await this.paused.promise; continue; }
      const t0 = performance.now();
      this.step();
      const s = this.globalStep;
      if (s % a.logging_steps === 0 || s === this.maxSteps) {
        // At most one logging interval in flight: wait for the previous log's read, so a GPU queue stays bounded and
        // the elapsed time, ETA and tokens/s measure training, not queueing.
        const previous = this.pending;
        this.scheduleLog();
        await previous;
      }
      if (hasEval && a.eval_steps > 0 && s % a.eval_steps === 0) { await this.evaluateAndLog(); lastEval = s; }
      if (a.save_steps > 0 && s % a.save_steps === 0 && s < this.maxSteps) await this.saveCheckpoint();
      // Yield so the host (worker messages, CLI signals) runs between steps.
      await new Promise((r) => setTimeout(r, 0));
      this.elapsed += (performance.now() - t0) / 1000;
      this.hooks.onProgress?.(this.progress());
    }
    await this.pending;
    if (this.failure) throw this.failure;
    if (this.lastLogStep !== this.globalStep && this.globalStep > 0) { this.scheduleLog(); await this.pending; }
    if (hasEval && lastEval !== this.globalStep && this.globalStep > 0) await this.evaluateAndLog();
    await this.logSummary();
  }

  progress(): Progress {
    const rate = this.elapsed > 0 ? this.globalStep / this.elapsed : 0;
    return {
      step: this.globalStep, maxSteps: this.maxSteps, epoch: this.epoch, elapsed: this.elapsed,
      eta: rate > 0 ? (this.maxSteps - this.globalStep) / rate : Infinity,
      tokensPerSecond: this.elapsed > 0 ? this.tokensSeen / this.elapsed : 0,
    };
  }

  private async logSummary(): Promise<void> {
    const [totalLoss, totalApplied] = await readScalars([this.acc.totalLoss, this.acc.totalApplied]);
    const rt = this.elapsed;
    const samples = this.globalStep * this.args.per_device_train_batch_size * this.args.gradient_accumulation_steps;
    this.log({
      train_runtime: rt, train_samples_per_second: samples / rt, train_steps_per_second: this.globalStep / rt,
      train_loss: totalApplied > 0 ? totalLoss / totalApplied : NaN, epoch: this.epoch, step: this.globalStep,
      tokens_per_second: this.tokensSeen / rt, backend: this.backend,
    });
  }

  /** trainer_state.json as Trainer writes it. */
  trainerState(): Record<string, unknown> {
    const a = this.args;
    return {
      best_metric: null, best_model_checkpoint: null, epoch: this.epoch, eval_steps: a.eval_steps || null, global_step: this.globalStep,
      is_hyper_param_search: false, is_local_process_zero: true, is_world_process_zero: true,
      log_history: this.logHistory, logging_steps: a.logging_steps, max_steps: this.maxSteps,
      num_train_epochs: Math.ceil(this.maxSteps / this.stepsPerEpoch), save_steps: a.save_steps, total_flos: 0,
      train_batch_size: a.per_device_train_batch_size, trial_name: null, trial_params: null,
    };
  }

  /**
   * The files of `checkpoint-{step}/` beyond the model folder (./checkpoint.ts). optimizer.safetensors streams the
   * live moments: write it before the next step.
   */
  async checkpointFiles(): Promise<FolderFiles> {
    await this.pending;
    const values = await readScalars(ACCUMULATORS.map((k) => this.acc[k]));
    const snapshot: TrainerSnapshot = {
      globalStep: this.globalStep, logHistory: this.logHistory, lastLogStep: this.lastLogStep, elapsed: this.elapsed, tokensSeen: this.tokensSeen,
      accumulators: Object.fromEntries(ACCUMULATORS.map((k, i) => [k, values[i]])) as TrainerSnapshot['accumulators'],
      optimizer: await this.optimizer.exportState(),
    };
    return checkpointFiles(snapshot, { args: this.args, warmup: this.warmup, maxSteps: this.maxSteps, trainerState: this.trainerState(), shapes: this.shapes() });
  }

  private shapes(): Map<string, number[]> {
    return new Map([...this.trainable].map(([n, t]) => [n, t.shape]));
  }

  private async saveCheckpoint(): Promise<void> {
    if (!this.hooks.onCheckpoint) return;
    const name = `checkpoint-${this.globalStep}`;
    // A checkpoint taken while steps are being skipped would hold the weights that made them non-finite; the one
    // before stays the last good one (a read of one flag: writing a checkpoint reads everything anyway).
    const [badRun] = await readScalars([this.acc.badRun]);
    if (badRun > 0) {
      this.hooks.onWarning?.(sayTrain('checkpointSkipped', this.globalStep, name));
      return;
    }
    const files = await this.checkpointFiles();
    this.checkpoints.push(name);
    const limit = this.args.save_total_limit;
    const remove = limit > 0 && this.checkpoints.length > limit ? this.checkpoints.splice(0, this.checkpoints.length - limit) : [];
    await this.hooks.onCheckpoint(name, files, remove);
  }

  /**
   * Continues from a checkpoint's files, CHECKPOINT_STATE_FILES (the model's weights are loaded by the caller from
   * the same folder). Everything is read and checked before anything changes: a damaged file leaves the trainer as it
   * was. The optimizer takes the moments over from the file's bytes: no second copy.
   */
  restore(files: Map<string, Uint8Array>): void {
    const s = readCheckpoint(files, this.shapes());
    this.optimizer.importState(s.optimizer, this.shapes());
    this.globalStep = s.globalStep;
    this.logHistory = s.logHistory;
    for (const t of Object.values(this.acc)) t.dispose();
    this.acc = tf.tidy(() => Object.fromEntries(ACCUMULATORS.map((k) => [k, tf.scalar(s.accumulators[k])]))) as Accumulators;
    this.lastLogStep = s.lastLogStep;
    this.elapsed = s.elapsed;
    this.tokensSeen = s.tokensSeen;
  }

  dispose(): void {
    this.firstLoss?.dispose();
    this.optimizer.dispose();
    for (const t of Object.values(this.acc)) t.dispose();
  }
}
