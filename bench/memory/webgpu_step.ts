// The page of bench/memory/webgpu_block_size.ts: one GPT-2 training step on the webgpu backend, its GPU buffer bytes
// read from tf.memory() as soon as the step has been dispatched (see that script's header for why that is the step's
// peak), and, when asked, again once the GPU has finished it.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { initBackend } from '../../src/core/backend';
import { parseConfig } from '../../src/core/gpt2/config';
import { GPT2 } from '../../src/core/gpt2/model';
import { Trainer } from '../../src/core/train/trainer';
import { resolveArgs } from '../../src/core/train/args';
import { deviceBudget, describeRefusal, planTraining } from '../../src/core/train/memory_plan';
import { deviceLimits } from '../../src/worker/backends';

/** tf.memory()'s figures: tensors (numBytes) and, from tfjs-backend-webgpu's buffer pool, bytes in use and allocated. */
export interface Figures { numTensors: number; numBytes: number; numBytesInGPU: number; numBytesAllocatedInGPU: number }

export interface StepRequest {
  config: Record<string, unknown>; blockSize: number; recompute: boolean;
  /** Wait for the GPU to finish the step. */
  complete: boolean;
  /** Measure it even when the plan refuses it. */
  measureRefused?: boolean;
}

export interface StepMemory {
  limits: { adapter: string | null; maxBufferSize: number | null; maxStorageBufferBindingSize: number | null; memoryGB: number | null };
  plan: { estimate: number; refusal: string | null };
  /** GPT2.init (random weights made on the CPU; uploaded at their first use, in the step) and the Trainer. */
  initMs?: number;
  /** After GPT2.init and the Trainer's construction. */
  before?: Figures;
  /** How long trainer.train() took to return its promise: the step enqueued, nothing waited for. */
  dispatchMs?: number;
  /** tf.memory() when train() returned. */
  dispatched?: Figures;
  /** The largest numBytesInGPU (buffers in use at once) during the dispatch. */
  peakInUse?: number;
  /** tf.memory() sampled by a timer while the page awaits the step's loss (count, the largest allocated). */
  timer?: { samples: number; maxAllocated: number };
  /** When the step's log entry arrived (its loss read back: the GPU has run the whole step). */
  completed?: Figures & { ms: number; loss: number };
  /** Whether tfjs read a GPU buffer synchronously (readSync), which would block the page on the GPU. */
  readSyncFromGpu?: boolean;
  /** WebGPU errors reported by the device (validation, out of memory). */
  gpuErrors: string[];
}

declare global { interface Window { webgpuStep?: { run(r: StepRequest): Promise<StepMemory> } } }

function figures(): Figures {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU: number; numBytesAllocatedInGPU: number };
  return { numTensors: m.numTensors, numBytes: m.numBytes, numBytesInGPU: m.numBytesInGPU, numBytesAllocatedInGPU: m.numBytesAllocatedInGPU };
}

async function run(req: StepRequest): Promise<StepMemory> {
  await initBackend('webgpu');
  const backend = tf.backend() as WebGPUBackend;
  const gpuErrors: string[] = [];
  backend.device.addEventListener('uncapturederror', (e) => gpuErrors.push((e as GPUUncapturedErrorEvent).error.message));
  const config = parseConfig(req.config);
  const device = await deviceLimits();
  const p = planTraining({ config, batchSize: 1, blockSize: req.blockSize, recompute: req.recompute, budget: deviceBudget('webgpu', device) });
  const refusal = describeRefusal(p, { batchSize: 'per_device_train_batch_size', blockSize: 'block_size', backend: 'backend', backendLabel: (b) => b });
  const out: StepMemory = {
    limits: { adapter: device.adapter, maxBufferSize: device.maxBufferSize, maxStorageBufferBindingSize: device.maxStorageBufferBindingSize, memoryGB: device.memoryGB },
    plan: { estimate: p.estimate.total, refusal }, gpuErrors,
  };
  if (refusal && !req.measureRefused) return out;

  let t0 = performance.now();
  const model = GPT2.init(config, 1);
  const blocks = new Int32Array(2 * req.blockSize).map((_, i) => (i * 7919) % config.vocab_size);
  let completed: Promise<Figures & { ms: number; loss: number }> | null = null;
  let resolveCompleted: ((f: Figures & { ms: number; loss: number }) => void) | null = null;
  if (req.complete) completed = new Promise((r) => { resolveCompleted = r; });
  const trainer = new Trainer(model, { blocks, blockSize: req.blockSize, train: [0, 1], validation: [] },
    resolveArgs({ max_steps: 1, per_device_train_batch_size: 1, logging_steps: 1, save_steps: 0, gradient_checkpointing: req.recompute }), 'webgpu',
    // The step's log entry is written once its loss has been read back: the GPU has finished the step.
    { onLog: (e) => { if ('loss' in e) resolveCompleted?.({ ...figures(), ms: performance.now() - t0, loss: Number(e.loss) }); } });
  out.initMs = performance.now() - t0;
  out.before = figures();

  // The peak of the buffers in use at once, through the buffer pool's own counter.
  const pool = (backend as unknown as { bufferManager: { acquireBuffer(...a: unknown[]): GPUBuffer; numBytesUsed: number } }).bufferManager;
  const acquire = pool.acquireBuffer;
  let peakInUse = pool.numBytesUsed;
  pool.acquireBuffer = function (...a: unknown[]) { const b = acquire.apply(pool, a); peakInUse = Math.max(peakInUse, pool.numBytesUsed); return b; };
  const timer = { samples: 0, maxAllocated: 0 };
  const interval = setInterval(() => { timer.samples++; timer.maxAllocated = Math.max(timer.maxAllocated, figures().numBytesAllocatedInGPU); }, 5);

  t0 = performance.now();
  const training = trainer.train(); // runs synchronously up to its first await: the step and its loss read, enqueued
  out.dispatchMs = performance.now() - t0;
  out.dispatched = figures();
  out.peakInUse = peakInUse;
  out.readSyncFromGpu = (backend as unknown as { hasReadSyncWarned?: boolean }).hasReadSyncWarned === true;
  if (completed) {
    out.completed = await completed;
  } else {
    training.catch(() => {}); // the page is closed before SwiftShader finishes
    await new Promise((r) => setTimeout(r, 500));
  }
  clearInterval(interval);
  pool.acquireBuffer = acquire;
  out.timer = timer;
  if (completed) await training;
  return out;
}

window.webgpuStep = { run };
