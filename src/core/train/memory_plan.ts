// Whether a training run fits its device, decided before it starts: the CLI and the worker refuse what does not fit,
// and the page shows the same plan in words. The plan is data (the estimate's parts, the budget, what does not fit
// and the largest batch that does); describeRefusal words it with the caller's names for the settings.
//
// Training keeps, per trained parameter, its weight, its gradient and AdamW's two moments: 16 bytes in float32; a
// frozen parameter (LoRA's base model) keeps its weight alone. Activations start from Korthikanti et al., "Reducing
// Activation Recomputation in Large Transformer Models" (2022): per layer s·b·h·(34 + 5·a·s/h) bytes in 16-bit, so
// twice that in float32 (s = block size, b = batch size, h = n_embd, a = n_head). TensorFlow.js keeps far more than
// that minimum (every op's inputs for its gradient, float32 dropout masks, gradients alive until the backward pass
// ends), so the figure is scaled by what was measured on wasm in Node: 124M at block 128 (heap 1.57 GiB with 1 GB of
// weights and gradients) and the 48-wide fixture model at block 64 (batch 512: 3.4 GB; 1024 and 3749 run out of the
// 4 GiB heap) both keep about 6× the paper's bytes. With recomputation (gradient_checkpointing) only each block's
// input stays from the forward pass, and one block's activations exist at a time, during its backward pass. The LM
// head's logits are computed in chunks of about 8M values (src/core/gpt2/cross_entropy.ts), each with its softmax and
// gradient alive at once.
import type { BackendName } from '../backend';
import type { GPT2Config } from '../gpt2/config';
import { countParameters } from '../gpt2/config';
import { formatBytes, formatCount } from '../format';
import type { Said } from '../messages';
import { sayTrain } from './messages';
import { SettingsError } from './args';
import type { LoraConfig } from './lora_args';

const LOGITS_CHUNK_ELEMENTS = 8 * 1024 * 1024;
/** Activation bytes TensorFlow.js keeps over the paper's float32 minimum: ~6 measured, 7 to leave a margin. */
const TFJS_ACTIVATION_FACTOR = 7;
const GiB = 2 ** 30;

/** Full fine-tuning, or LoRA adapters of rank r on the Conv1D modules PEFT's target_modules name. */
export type TrainingMode = { kind: 'full' } | { kind: 'lora'; r: number; targetModules: readonly string[] };

/** The mode of a run that trains `lora` (a resolved LoRA config), or every weight when there is none. */
export const trainingMode = (lora: LoraConfig | null | undefined): TrainingMode =>
  (lora ? { kind: 'lora', r: lora.r, targetModules: lora.target_modules } : { kind: 'full' });

/** GPT-2's Conv1D modules in a block, with their input and output widths. */
function conv1dModules(c: GPT2Config): Array<[name: string, fanIn: number, fanOut: number]> {
  const C = c.n_embd, I = c.n_inner;
  return [['attn.c_attn', C, 3 * C], ['attn.c_proj', C, C], ['mlp.c_fc', C, I], ['mlp.c_proj', I, C]];
}

/**
 * LoRA's parameter count: r·(in + out) for each targeted Conv1D of each block (A is [r, in], B is [out, r]). A target
 * matches a module as PEFT matches it: the whole name or its last part ("c_proj" is both attn.c_proj and mlp.c_proj).
 */
export function adapterParameters(c: GPT2Config, r: number, targetModules: readonly string[]): number {
  const targeted = conv1dModules(c).filter(([name]) => targetModules.some((t) => name === t || name.endsWith('.' + t)));
  return c.n_layer * targeted.reduce((sum, [, fanIn, fanOut]) => sum + r * (fanIn + fanOut), 0);
}

export interface MemoryEstimate {
  /** Parameters that train (all of them, or the adapters). */
  trainableParameters: number;
  /** Weights (frozen ones included), gradients and AdamW moments. */
  state: number;
  activations: number;
  logits: number;
  total: number;
  /** The largest single tensor (the token embedding), which must fit one GPU buffer. */
  largestTensor: number;
}

export interface PlanRequest {
  config: GPT2Config;
  batchSize: number;
  blockSize: number;
  mode?: TrainingMode;
  /**
   * Recompute each block's activations in the backward pass (gradient_checkpointing). Undefined: the plan turns it
   * on only when the run does not fit without it (on wasm it about doubles the step time, and changes no number).
   */
  recompute?: boolean;
  budget: DeviceBudget;
}

export function trainingMemory(c: GPT2Config, batchSize: number, blockSize: number, mode: TrainingMode = { kind: 'full' }, recompute = false): MemoryEstimate {
  const parameters = countParameters(c);
  const trainableParameters = mode.kind === 'full' ? parameters : adapterParameters(c, mode.r, mode.targetModules);
  const state = mode.kind === 'full' ? 16 * parameters : 4 * parameters + 16 * trainableParameters;
  const perLayer = TFJS_ACTIVATION_FACTOR * 2 * blockSize * batchSize * c.n_embd * (34 + (5 * c.n_head * blockSize) / c.n_embd);
  const blockInputs = 4 * batchSize * blockSize * c.n_embd * c.n_layer;
  const activations = recompute ? blockInputs + perLayer : perLayer * c.n_layer;
  const rows = Math.min(batchSize * blockSize, Math.max(1, Math.floor(LOGITS_CHUNK_ELEMENTS / c.vocab_size)));
  const logits = 3 * 4 * rows * c.vocab_size;
  return { trainableParameters, state, activations, logits, total: state + activations + logits, largestTensor: 4 * c.vocab_size * c.n_embd };
}

/** What a backend can hold for a training run, and where that figure comes from. */
export interface DeviceBudget {
  backend: BackendName;
  bytes: number;
  /** wasm-heap: WebAssembly's 32-bit heap; reported: the memory the device reports; assumed: 4 GiB, none reported. */
  source: 'wasm-heap' | 'reported' | 'assumed';
  /** WebGPU: the largest buffer one tensor may bind (maxStorageBufferBindingSize). */
  perTensor: number | null;
}

/** What the host says of its device (the browser's navigator.deviceMemory and WebGPU adapter; Node's RAM). */
export interface DeviceMemory {
  /** RAM in GB, as navigator.deviceMemory reports it (rounded down and capped at 8 by browsers). */
  memoryGB: number | null;
  maxStorageBufferBindingSize: number | null;
}

/**
 * wasm: its 32-bit heap. GPUs and cpu: browsers do not say how much memory a GPU has, so the budget is the RAM the
 * host reports, or 4 GiB when it reports none; WebGPU adds its per-buffer limit, which the adapter does report.
 */
export function deviceBudget(backend: BackendName, device: DeviceMemory | null): DeviceBudget {
  if (backend === 'wasm') return { backend, bytes: 4 * GiB, source: 'wasm-heap', perTensor: null };
  const gb = device?.memoryGB;
  return {
    backend, bytes: gb ? gb * 1e9 : 4 * GiB, source: gb ? 'reported' : 'assumed',
    perTensor: backend === 'webgpu' ? device?.maxStorageBufferBindingSize ?? null : null,
  };
}

/** Why a run does not fit, with the numbers behind it. */
export type Refusal =
  /** The weights, gradients and AdamW moments alone are more than the budget, whatever the batch and block size. */
  | { kind: 'parameters'; needed: number; available: number }
  /** The estimate is more than the budget. */
  | { kind: 'memory'; needed: number; available: number }
  /** One tensor is larger than the GPU binds: the token embedding (whatever the batch), or one of the step's. */
  | { kind: 'buffer'; tensor: 'embedding' | 'activation'; needed: number; limit: number };

export interface TrainingPlan {
  request: PlanRequest;
  /** Whether the run recomputes activations (as asked, or as the plan chose). */
  recompute: boolean;
  estimate: MemoryEstimate;
  refusal: Refusal | null;
  /** The largest batch size that fits at this block size (0: not even one block), recomputing when that is allowed. */
  largestBatch: number;
}

/** The largest tensor of a step: the token embedding (and its gradient), attention scores, the MLP's hidden layer or a logits chunk. */
function largestStepTensor(c: GPT2Config, m: MemoryEstimate, batchSize: number, blockSize: number): number {
  return Math.max(4 * batchSize * c.n_head * blockSize ** 2, 16 * batchSize * blockSize * c.n_embd, m.logits / 3);
}

function refusal(c: GPT2Config, m: MemoryEstimate, batchSize: number, blockSize: number, budget: DeviceBudget): Refusal | null {
  const limit = budget.perTensor;
  if (limit !== null && m.largestTensor > limit) return { kind: 'buffer', tensor: 'embedding', needed: m.largestTensor, limit };
  if (m.state > budget.bytes) return { kind: 'parameters', needed: m.state, available: budget.bytes };
  if (m.total > budget.bytes) return { kind: 'memory', needed: m.total, available: budget.bytes };
  const step = largestStepTensor(c, m, batchSize, blockSize);
  if (limit !== null && step > limit) return { kind: 'buffer', tensor: 'activation', needed: step, limit };
  return null;
}

export function planTraining(request: PlanRequest): TrainingPlan {
  const { config: c, blockSize, budget, mode } = request;
  const check = (b: number, recompute: boolean) => refusal(c, trainingMemory(c, b, blockSize, mode, recompute), b, blockSize, budget);
  const recompute = request.recompute ?? (check(request.batchSize, false) !== null && check(request.batchSize, true) === null);
  const estimate = trainingMemory(c, request.batchSize, blockSize, mode, recompute);
  // Memory grows with the batch: a binary search.
  const canRecompute = request.recompute ?? true;
  const fits = (b: number) => check(b, canRecompute) === null;
  let lo = 0, hi = 1;
  while (hi < 2 ** 30 && fits(hi)) { lo = hi; hi *= 2; }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid; else hi = mid;
  }
  return { request, recompute, estimate, refusal: refusal(c, estimate, request.batchSize, blockSize, budget), largestBatch: lo };
}

/** The names a message gives the settings and backends: the page's labels, or the command line's flags. */
export interface SettingNames {
  batchSize: string;
  blockSize: string;
  backend: string;
  backendLabel(b: BackendName): string;
}

const lower = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

function budgetInWords(b: DeviceBudget): string {
  if (b.source === 'wasm-heap') return 'the 4 GiB WebAssembly heap';
  if (b.source === 'reported') return `the ${Number((b.bytes / 1e9).toFixed(1))} GB this device reports`;
  return 'a 4 GiB budget (the browser does not report the memory)';
}

/**
 * Why the plan's run cannot fit, naming the setting to change, the numbers and the largest batch size that fits;
 * null when it fits.
 */
export function describeRefusal(plan: TrainingPlan, names: SettingNames): string | null {
  const r = plan.refusal;
  if (!r) return null;
  const { batchSize, blockSize, budget } = plan.request;
  if (r.kind === 'buffer' && r.tensor === 'embedding') {
    return `${names.backend}: the token embedding needs one ${formatBytes(r.needed)} buffer; this GPU binds at most ${formatBytes(r.limit)} (choose ${names.backendLabel('wasm')})`;
  }
  if (r.kind === 'parameters') {
    const full = (plan.request.mode ?? { kind: 'full' }).kind === 'full';
    const what = full ? `all ${formatCount(plan.estimate.trainableParameters)} parameters` : `${formatCount(plan.estimate.trainableParameters)} adapter parameters`;
    return `${names.backend}: training ${what} needs about ${formatBytes(r.needed)} on ${names.backendLabel(budget.backend)} for the weights, ` +
      `gradients and AdamW moments alone, more than ${budgetInWords(budget)}; ${full ? 'train LoRA adapters or ' : ''}choose a backend with more memory`;
  }
  const blocks = `${formatCount(batchSize)} blocks of ${formatCount(blockSize)} tokens`;
  const why = r.kind === 'memory'
    ? `${blocks} need about ${formatBytes(r.needed)} to train on ${names.backendLabel(budget.backend)}, more than ${budgetInWords(budget)}`
    : `${blocks} need one ${formatBytes(r.needed)} buffer; this GPU binds at most ${formatBytes(r.limit)}`;
  return plan.largestBatch > 0
    ? `${names.batchSize}: ${why}; the largest ${lower(names.batchSize)} that fits is ${formatCount(plan.largestBatch)}`
    : `${names.blockSize}: ${why}; not even ${lower(names.batchSize)} 1 fits, lower ${names.blockSize}`;
}

/** The plan of a run that fits; a SettingsError naming the numbers when it does not (`hint` is added to its message). */
export function requireFit(request: PlanRequest, names: SettingNames, hint = ''): TrainingPlan {
  const plan = planTraining(request);
  const refusal = describeRefusal(plan, names);
  if (refusal) throw new SettingsError(refusal + hint);
  return plan;
}

/** A setting's or a backend's name in a sentence: a flag or label, or a sentence for the page to word in its language. */
type Name = string | Said;

/**
 * What to do after a step ran out of memory anyway: the batch that did not fit and the setting to lower, for the CLI's
 * error (its `text`) and the studio's fault alike (a sentence starting in lower case, for the caller's own).
 */
export function outOfMemoryAdvice(o: {
  backend: Name; step: number; batchSize: number; blockSize: number; detail: string | Said; names: { batchSize: Name; blockSize: Name };
}): Said {
  const { batchSize: b, names } = o;
  return sayTrain('outOfMemory', o.backend, o.step, b, o.blockSize, o.detail, b > 1 ? names.batchSize : names.blockSize, b > 1 ? Math.floor(b / 2) : null);
}
