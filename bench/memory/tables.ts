// The memory benchmarks' rows as data and their tables' columns, shared by the standalone scripts (block_size.ts,
// webgpu_block_size.ts, export.ts print them) and `npm run bench` (bench/lib/report.ts). No heavy imports here: the
// report renders from results.json alone.

export const GiB = 2 ** 30;
export const gib = (b: number | undefined) => (typeof b === 'number' ? `${(b / GiB).toFixed(2)} GiB` : '');
const seconds = (s: number | undefined) => (typeof s === 'number' ? `${s.toFixed(1)} s` : '');
const mode = (recompute: boolean) => (recompute ? 'recomputed' : 'kept');

/** What `npm run bench` asks of bench/memory/ (bench/memory/tasks.ts runs it). */
export type MemoryTask =
  | { kind: 'memory'; measure: 'wasmBlock' | 'webgpuBlock'; blockSize: number; recompute: boolean }
  | { kind: 'memory'; measure: 'webgpuCheck'; recompute: boolean }
  | { kind: 'memory'; measure: 'export'; how: 'stream' | 'zipSync' };

/** One 124M training step on wasm in a Node process of its own (block_size.ts); `refusal`: not run, the plan refuses it. */
export interface WasmBlockRow {
  blockSize: number; recompute: boolean; estimate: number; refusal?: string;
  peakRss?: number; wasmHeap?: number; js?: number; stepSeconds?: number; loadAverage?: string;
}

/** One 124M training step on webgpu, tf.memory() read once it is dispatched (webgpu_block_size.ts). */
export interface WebgpuBlockRow {
  blockSize: number; recompute: boolean; estimate: number; refusal: string | null;
  /** numBytesAllocatedInGPU when the step was dispatched; the largest numBytesInGPU during it; numBytes after it. */
  allocated?: number; peakInUse?: number; tensorsAfter?: number;
  /** numBytesAllocatedInGPU sampled after the dispatch, when it grew past `allocated`. */
  grewTo?: number;
  dispatchSeconds?: number; initSeconds?: number;
  /** A synchronous read of the GPU, WebGPU errors: what makes the figures untrustworthy. */
  problems: string;
  limits: string;
}

/** The method's check on tiny-gpt2-v512: numBytesAllocatedInGPU when dispatched against when the loss was read back. */
export interface WebgpuCheckRow { recompute: boolean; dispatched: number; completed: number; dispatchSeconds: number; doneSeconds: number; problems: string }

/** Exporting 124M as a zip (export.ts). */
export interface ExportRow { how: string; zipBytes: number; before: number; peak: number; peakRss: number; seconds: number; loadAverage: string }

export interface Columns<R> { head: string[]; cells(r: R): unknown[] }

export const WASM_BLOCK: Columns<WasmBlockRow> = {
  head: ['block', 'activations', 'peak RSS', 'wasm heap', 'JS heap and buffers', 'plan\'s estimate', 'step', 'load average'],
  cells: (r) => r.refusal
    ? [r.blockSize, mode(r.recompute), `refused by the plan: ${r.refusal}`, '', '', gib(r.estimate), '', '']
    : [r.blockSize, mode(r.recompute), gib(r.peakRss), gib(r.wasmHeap), gib(r.js), gib(r.estimate), `${r.stepSeconds?.toFixed(0)} s`, r.loadAverage],
};

export const WEBGPU_BLOCK: Columns<WebgpuBlockRow> = {
  head: ['block', 'activations', 'GPU buffers allocated (numBytesAllocatedInGPU)', 'most in use at once', 'tensors after the step (numBytes)', 'plan\'s estimate', 'dispatch', 'model init', 'notes'],
  cells: (r) => r.allocated === undefined
    ? [r.blockSize, mode(r.recompute), `refused by the plan: ${r.refusal}`, '', '', gib(r.estimate), '', '', r.problems]
    : [r.blockSize, mode(r.recompute), gib(r.allocated), gib(r.peakInUse), gib(r.tensorsAfter), gib(r.estimate), seconds(r.dispatchSeconds), seconds(r.initSeconds),
      [r.refusal ? `refused by the plan: ${r.refusal}` : '', r.grewTo ? `grew to ${gib(r.grewTo)} after the dispatch` : '', r.problems].filter(Boolean).join('; ')],
};

export const WEBGPU_CHECK: Columns<WebgpuCheckRow> = {
  head: ['activations', 'numBytesAllocatedInGPU when dispatched', 'when the loss was read back', 'same', 'dispatch', 'step done after', 'problems'],
  cells: (r) => [mode(r.recompute), `${r.dispatched} B`, `${r.completed} B`, r.dispatched === r.completed ? 'yes' : '**no**', seconds(r.dispatchSeconds), seconds(r.doneSeconds), r.problems],
};

export const EXPORT: Columns<ExportRow> = {
  head: ['export of 124M', 'zip', 'JS + wasm heap before', 'peak', 'peak − before', 'peak RSS', 'time', 'load average'],
  cells: (r) => [r.how, `${(r.zipBytes / 1e6).toFixed(0)} MB`, gib(r.before), gib(r.peak), gib(r.peak - r.before), gib(r.peakRss), seconds(r.seconds), r.loadAverage],
};

/** Why a row's figures cannot be trusted, if so (the bench marks the item failed). */
export function memoryFailure(r: WebgpuBlockRow | WebgpuCheckRow | object): string | undefined {
  if ('problems' in r && r.problems) return r.problems;
  if ('completed' in r && r.completed !== r.dispatched) return `numBytesAllocatedInGPU when dispatched (${r.dispatched} B) differs from the figure after the step (${r.completed} B)`;
  return undefined;
}

/** The row in a few words, for the bench's progress lines. */
export function memoryBrief(r: Partial<WasmBlockRow & WebgpuBlockRow & WebgpuCheckRow & ExportRow>): string {
  if (r.peakRss !== undefined) return `peak RSS ${gib(r.peakRss)}` + (r.wasmHeap !== undefined ? `, wasm heap ${gib(r.wasmHeap)}` : `, JS + wasm heap peak − before ${gib(r.peak! - r.before!)}`);
  if (r.allocated !== undefined) return `GPU buffers allocated ${gib(r.allocated)}, most in use at once ${gib(r.peakInUse)}`;
  if (r.completed !== undefined) return `numBytesAllocatedInGPU ${r.dispatched} B when dispatched, ${r.completed} B after the step`;
  return r.refusal ? `refused by the plan (estimate ${gib(r.estimate)})` : '';
}
