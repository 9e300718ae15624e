// The memory training will need, for the model card. Training keeps, per parameter, its weight, its gradient and
// AdamW's two moments: 16 bytes in float32. Activations start from Korthikanti et al., "Reducing Activation
// Recomputation in Large Transformer Models" (2022): per layer s·b·h·(34 + 5·a·s/h) bytes in 16-bit, so twice
// that in float32 (s = block size, b = batch size, h = n_embd, a = n_head). TensorFlow.js keeps far more than that
// minimum (every op's inputs for its gradient, float32 dropout masks, gradients alive until the backward pass ends),
// so the figure is scaled by what was measured on wasm in Node: 124M at block 128 (heap 1.57 GiB with 1 GB of
// weights and gradients) and the 48-wide fixture model at block 64 (batch 512: 3.4 GB; 1024 and 3749 run out of the
// 4 GiB heap) both keep about 6× the paper's bytes. The LM head's logits are computed in chunks of about 8M values
// (src/core/gpt2/cross_entropy.ts), each with its softmax and gradient alive at once. The estimate is compared with
// what the backend allows before a run starts (fitError).
import { BACKEND_LABELS, type BackendName, type DeviceLimits, type GPT2Config } from '../worker/protocol';
import { formatBytes, formatCount } from './format';

const LOGITS_CHUNK_ELEMENTS = 8 * 1024 * 1024;
/** Activation bytes TensorFlow.js keeps over the paper's float32 minimum: ~6 measured, 7 to leave a margin. */
const TFJS_ACTIVATION_FACTOR = 7;

export interface MemoryEstimate {
  /** Weights, gradients and AdamW moments. */
  state: number;
  activations: number;
  logits: number;
  total: number;
  /** The largest single tensor (the token embedding), which must fit one GPU buffer. */
  largestTensor: number;
}

export function trainingMemory(c: GPT2Config, parameters: number, batchSize: number, blockSize: number): MemoryEstimate {
  const state = 16 * parameters;
  const perLayer = blockSize * batchSize * c.n_embd * (34 + (5 * c.n_head * blockSize) / c.n_embd);
  const activations = TFJS_ACTIVATION_FACTOR * 2 * perLayer * c.n_layer;
  const rows = Math.min(batchSize * blockSize, Math.max(1, Math.floor(LOGITS_CHUNK_ELEMENTS / c.vocab_size)));
  const logits = 3 * 4 * rows * c.vocab_size;
  return { state, activations, logits, total: state + activations + logits, largestTensor: 4 * c.vocab_size * c.n_embd };
}

const GiB = 2 ** 30;

/** What a backend can hold for a training run, as far as the browser tells. */
export interface DeviceBudget {
  backend: BackendName;
  bytes: number;
  /** The budget in words, for messages. */
  what: string;
  /** WebGPU: the largest buffer one tensor may bind (maxStorageBufferBindingSize). */
  perTensor: number | null;
}

/**
 * wasm: its 32-bit heap. GPUs: browsers do not say how much memory a GPU has, so the budget is the RAM that
 * navigator.deviceMemory reports (rounded down and capped at 8 GB by the browser), or 4 GiB when it reports none;
 * WebGPU adds its per-buffer limit, which the adapter does report.
 */
export function deviceBudget(backend: BackendName, device: DeviceLimits | null): DeviceBudget {
  if (backend === 'wasm') return { backend, bytes: 4 * GiB, what: 'the 4 GiB WebAssembly heap', perTensor: null };
  const gb = device?.memoryGB;
  return {
    backend, bytes: gb ? gb * 1e9 : 4 * GiB, what: gb ? `the ${gb} GB this device reports` : 'a 4 GiB budget (the browser does not report the memory)',
    perTensor: backend === 'webgpu' ? device?.maxStorageBufferBindingSize ?? null : null,
  };
}

/** The largest tensor of a step: the token embedding (and its gradient), attention scores, the MLP's hidden layer or a logits chunk. */
function largestTensor(c: GPT2Config, m: MemoryEstimate, batchSize: number, blockSize: number): number {
  return Math.max(m.largestTensor, 4 * batchSize * c.n_head * blockSize ** 2, 16 * batchSize * blockSize * c.n_embd, m.logits / 3);
}

const fits = (c: GPT2Config, parameters: number, b: number, blockSize: number, budget: DeviceBudget) => {
  const m = trainingMemory(c, parameters, b, blockSize);
  return m.total <= budget.bytes && (budget.perTensor === null || largestTensor(c, m, b, blockSize) <= budget.perTensor);
};

/** The largest batch size that fits the budget (0: not even one block). Memory grows with the batch: a binary search. */
export function largestBatch(c: GPT2Config, parameters: number, blockSize: number, budget: DeviceBudget): number {
  let lo = 0, hi = 1;
  while (hi < 2 ** 30 && fits(c, parameters, hi, blockSize, budget)) { lo = hi; hi *= 2; }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(c, parameters, mid, blockSize, budget)) lo = mid; else hi = mid;
  }
  return lo;
}

/**
 * Why training with this batch and block size cannot fit the device, naming the setting to change and the largest
 * batch size that fits; null when it fits.
 */
export function fitError(c: GPT2Config, parameters: number, batchSize: number, blockSize: number, budget: DeviceBudget): string | null {
  if (fits(c, parameters, batchSize, blockSize, budget)) return null;
  const m = trainingMemory(c, parameters, batchSize, blockSize);
  const on = BACKEND_LABELS[budget.backend];
  if (budget.perTensor !== null && m.largestTensor > budget.perTensor) {
    return `Backend: the token embedding needs one ${formatBytes(m.largestTensor)} buffer; this GPU binds at most ${formatBytes(budget.perTensor)} (choose WebAssembly)`;
  }
  const why = m.total > budget.bytes
    ? `${formatCount(batchSize)} blocks of ${formatCount(blockSize)} tokens need about ${formatBytes(m.total)} to train on ${on}, more than ${budget.what}`
    : `${formatCount(batchSize)} blocks of ${formatCount(blockSize)} tokens need one ${formatBytes(largestTensor(c, m, batchSize, blockSize))} buffer; this GPU binds at most ${formatBytes(budget.perTensor!)}`;
  const largest = largestBatch(c, parameters, blockSize, budget);
  return largest > 0
    ? `Batch size: ${why}; the largest batch size that fits is ${formatCount(largest)}`
    : `Block size: ${why}; not even batch size 1 fits, lower Block size`;
}
