// The memory training will need, for the model card. Training keeps, per parameter, its weight, its gradient and
// AdamW's two moments: 16 bytes in float32. Activations follow Korthikanti et al., "Reducing Activation
// Recomputation in Large Transformer Models" (2022): per layer s·b·h·(34 + 5·a·s/h) bytes in 16-bit, so twice
// that in float32 (s = block size, b = batch size, h = n_embd, a = n_head). The LM head's logits are computed in
// chunks of about 8M values (src/core/gpt2/cross_entropy.ts), each with its softmax and gradient alive at once.
import type { DeviceLimits, GPT2Config } from '../worker/protocol';

const LOGITS_CHUNK_ELEMENTS = 8 * 1024 * 1024;

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
  const activations = 2 * perLayer * c.n_layer;
  const rows = Math.min(batchSize * blockSize, Math.max(1, Math.floor(LOGITS_CHUNK_ELEMENTS / c.vocab_size)));
  const logits = 3 * 4 * rows * c.vocab_size;
  return { state, activations, logits, total: state + activations + logits, largestTensor: 4 * c.vocab_size * c.n_embd };
}

/** Why the estimate may not fit this device, or null when nothing says it will not. */
export function memoryWarning(m: MemoryEstimate, device: DeviceLimits | null): string | null {
  const binding = device?.maxStorageBufferBindingSize;
  if (binding && m.largestTensor > binding) return `the token embedding needs one ${(m.largestTensor / 2 ** 20).toFixed(0)} MiB buffer; this GPU binds at most ${(binding / 2 ** 20).toFixed(0)} MiB (try wasm)`;
  // deviceMemory is rounded and capped by the browser: only an estimate above it is a warning.
  if (device?.memoryGB && m.total > device.memoryGB * 1e9) return `about ${(m.total / 1e9).toFixed(1)} GB needed; this device reports ${device.memoryGB} GB of memory (lower the batch or block size)`;
  return null;
}
