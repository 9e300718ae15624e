// bench/results.json → the markdown tables of bench/results.md (shown by the README).
/* eslint-disable @typescript-eslint/no-explicit-any */
import { llmcAnchor } from './llmc';
import { EXPORT, WASM_BLOCK, WEBGPU_BLOCK, WEBGPU_CHECK, type Columns, type MemoryTask } from '../memory/tables';

export type Status = 'ok' | 'failed' | 'timeout' | 'skipped' | 'error';

export interface Entry {
  id: string;
  section: string;
  env: string;
  backend: string;
  status: Status;
  /** Why it was skipped, failed or timed out. */
  reason?: string;
  note?: string;
  task?: unknown;
  result?: any;
  /** Node: the child process's VmHWM/VmRSS; browser: tf.memory() and the JS heap at the end. */
  memory?: Record<string, number>;
  backendInfo?: Record<string, unknown>;
  ms?: number;
  pageErrors?: string[];
}

export interface Meta {
  mode: 'quick' | 'full';
  date: string;
  durationS?: number;
  machine: { cpus: number; cpuModel: string; memoryBytes: number; platform: string; release: string; loadavgStart: number[]; loadavgEnd?: number[] };
  node: string;
  chromium: string | null;
  tfjs: string;
  gitCommit: string | null;
  webgpuAdapter?: unknown;
  notes: string[];
}

export interface Results { meta: Meta; entries: Entry[] }

const GiB = 2 ** 30, MiB = 2 ** 20;
const f = (x: unknown, d = 1): string => (typeof x === 'number' && Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: 0 }) : '–');
const bytes = (x: unknown): string => (typeof x !== 'number' ? '–' : x >= GiB ? `${(x / GiB).toFixed(2)} GiB` : `${(x / MiB).toFixed(0)} MiB`);
const where = (e: Entry) => ({ node: 'Node', chromium: 'Chromium', dawn: 'Node + Dawn' } as Record<string, string>)[e.env] ?? e.env;
export const row = (cells: unknown[]) => `| ${cells.map((c) => String(c ?? '–').replace(/\|/g, '\\|').replace(/\n/g, ' ')).join(' | ')} |`;
export const tableHead = (head: string[]) => `${row(head)}\n${row(head.map(() => '---'))}`;
export const table = (head: string[], rows: unknown[][]) => rows.length ? [tableHead(head), ...rows.map(row)].join('\n') : '_none_';

/** Why a finished task's figures cannot be trusted (its own error, GPU validation errors, non-finite steps), if so. */
export function failureOf(r: any): string | undefined {
  if (!r) return undefined;
  if (r.error) return String(r.error);
  if (r.gpuErrors?.length) return `WebGPU errors (the commands submitted with them did nothing): ${r.gpuErrors.slice(0, 2).map((g: any) => `${g.message} ×${g.count}`).join('; ')}`;
  if (r.nonFiniteSteps) return `${r.nonFiniteSteps} of ${r.steps?.length} steps had a non-finite loss or gradient norm, or a skipped update`;
  if (r.nonFiniteLogs) return `${r.nonFiniteLogs} logged losses were not finite`;
  if (r.flat === false && r.drifts && !r.error) {
    const d = r.drifts;
    return `memory not flat over ${r.steps} steps: numTensors moved by ${d.numTensors}, numBytes by ${d.numBytes}` + (d.numBytesInGPU !== undefined ? `, GPU bytes by ${d.numBytesInGPU}` : '');
  }
  return undefined;
}

/**
 * The best NN matmul GFLOP/s measured for this env+backend: B packed once (the higher one, the step's ceiling), and
 * on wasm with a fresh B each product (XNNPACK's packing included).
 */
export function ceilingOf(entries: Entry[], env: string, backend: string): { packed: number | null; fresh: number | null; cpuPacked: number | null; cpuFresh: number | null } {
  const r = entries.find((e) => e.section === 'matmul' && e.env === env && e.backend === backend && e.result)?.result ?? {};
  return { packed: r.ceilingGflops ?? null, fresh: r.freshCeilingGflops ?? null, cpuPacked: r.cpuCeilingGflops ?? null, cpuFresh: r.freshCpuCeilingGflops ?? null };
}

/** Threads the wasm backend ran with (1 in Node; Chromium's threaded wasm: its pool). */
const threadsOf = (e: Entry) => (e.backend === 'wasm' ? Number(e.backendInfo?.threads ?? 1) || 1 : null);

/** llm.c's tokens/s for this shape at as many threads as this run had, ours against it, and the target. */
function versusLlmc(e: Entry): { one: string; two: string; ratio: string } {
  const r = e.result ?? {};
  const a = llmcAnchor(r.model, r.block, r.batch);
  if (!a || e.backend !== 'wasm') return { one: a ? f(a.oneThread, 1) : '–', two: a ? f(a.twoThreads, 1) : '–', ratio: '–' };
  const two = (threadsOf(e) ?? 1) >= 2;
  const theirs = two ? a.twoThreads : a.oneThread, target = two ? a.target.twoThreads : a.target.oneThread;
  const ours = r.tokensPerSecond as number | undefined;
  const cpu = r.tokensPerCpuSecond as number | undefined;
  const ratio = ours ? `${f(ours / theirs, 2)}× of ${two ? '2' : '1'}-thread` + (cpu ? ` (${f(cpu / theirs, 2)}× by CPU time)` : '') +
    ` (target ${f(target, 1)}×: ${ours / theirs >= target ? 'met' : '**not met**'})` : '–';
  return { one: f(a.oneThread, 1), two: f(a.twoThreads, 1), ratio };
}

function peakMemory(e: Entry): string {
  if (e.env === 'node') return `${bytes(e.memory?.VmHWM)} RSS` + (e.memory?.wasmHeapBytes ? `, wasm heap ${bytes(e.memory.wasmHeapBytes)}` : '');
  const r = e.result ?? {};
  return r.peakTfBytes ? `${bytes(r.peakTfBytes)} tf` : r.memoryMax?.tfNumBytes ? `${bytes(r.memoryMax.tfNumBytes)} tf` : '–';
}

/** The wasm heap is 32-bit: its maximum is 65,535 pages of 64 KiB. */
const WASM_HEAP_MAX = 65535 * 65536;
const heapFull = (e: Entry) => (e.memory?.wasmHeapBytes ?? 0) >= WASM_HEAP_MAX;
const problem = (e: Entry) => e.status === 'ok' ? '' : `**${e.status}**: ${e.reason ?? ''}` + (heapFull(e) ? ' (the wasm heap had reached its 4 GiB maximum)' : '');

/** bench/memory/'s rows: peak memory of one 124M step against the block size on wasm and WebGPU, and of an export. */
function memoryAgainstBlockSize(entries: Entry[]): string[] {
  const rows = (measure: MemoryTask['measure']) => entries.filter((e) => e.section === 'memory' && (e.task as MemoryTask | undefined)?.measure === measure && e.result).map((e) => e.result);
  const part = <R>(c: Columns<R>, measure: MemoryTask['measure']) => table(c.head, rows(measure).map(c.cells));
  const out = ['## Peak memory against the block size: GPT-2 124M, batch 1, one training step (forward, backward, AdamW)', ''];
  if (!entries.some((e) => e.section === 'memory' && e.result)) return [...out, '_not measured_', ''];
  out.push('**wasm in Node**: the peak RSS (VmHWM) of a Node process of its own for each step (`bench/memory/block_size.ts`), its wasm heap and JS side at the end, ' +
    'against the memory plan\'s estimate (`src/core/train/memory_plan.ts`); "kept": the activations kept for the backward pass, "recomputed": gradient ' +
    'checkpointing. A configuration the plan refuses is not run.', '', part(WASM_BLOCK, 'wasmBlock'), '');
  const gpu = rows('webgpuBlock');
  out.push('**WebGPU in Chromium** (SwiftShader here; `bench/memory/webgpu_block_size.ts`, a Chromium for each step): tf.memory()\'s numBytesAllocatedInGPU once ' +
    'the step has been dispatched. tfjs-backend-webgpu keeps that figure in JavaScript as kernels are dispatched (its buffer pool, which never shrinks), so ' +
    'the emulated GPU need not run the step; "most in use at once": the largest numBytesInGPU during the dispatch. The method is checked on ' +
    'tiny-gpt2-v512, whose step SwiftShader finishes: the figure when dispatched must equal the one once the step\'s loss has been read back.', '',
  part(WEBGPU_CHECK, 'webgpuCheck'), '', part(WEBGPU_BLOCK, 'webgpuBlock'), '', ...(gpu.length ? [gpu[0].limits, ''] : []));
  out.push('**Exporting 124M as a zip** (wasm in Node, `bench/memory/export.ts`): the JS + wasm heap sampled at every piece, and the peak RSS; the streamed zip ' +
    'the worker makes against the whole-folder zipSync it replaced.', '', part(EXPORT, 'export'), '');
  return out;
}

export function markdown(res: Results): string {
  const { meta, entries } = res;
  const out: string[] = [];
  const m = meta.machine;
  out.push(`# GPT-2 Studio benchmarks (${meta.mode} mode)`, '');
  out.push(`${meta.date.slice(0, 16).replace('T', ' ')} UTC · ${m.cpuModel} × ${m.cpus} cores · ${(m.memoryBytes / GiB).toFixed(0)} GiB · ` +
    `Node ${meta.node} · Chromium ${meta.chromium ?? '–'} · TensorFlow.js ${meta.tfjs}` + (meta.gitCommit ? ` · commit ${meta.gitCommit.slice(0, 10)}` : '') +
    ` · load average ${m.loadavgStart.map((x) => x.toFixed(1)).join('/')} at the start` + (m.loadavgEnd ? `, ${m.loadavgEnd.map((x) => x.toFixed(1)).join('/')} at the end` : '') +
    (meta.durationS ? ` · ${Math.round(meta.durationS)} s` : ''), '');
  for (const n of meta.notes) out.push(`- ${n}`);
  out.push('');

  // Training
  const train = entries.filter((e) => e.section === 'train');
  out.push('## Training (dropout on, AdamW)', '');
  out.push('The step the product runs: the Trainer\'s own gradient (`Trainer.gradients`, which takes the embedding gradient itself), then its own ' +
    'AdamW (`trainer.optimizer.apply`). Forward = `model.loss` timed on its own; backward = the gradient minus forward. Useful FLOPs per step = ' +
    '(6·N + 12·n_layer·n_embd·T)·B·T (nanoGPT/PaLM; N without wpe). Ceilings: the backend\'s best matmul of the model\'s shapes in the same run, ' +
    'with B packed once ("packed", the higher: MFU-like is held against it) and, on wasm, with a fresh B each product ("fresh": XNNPACK\'s packing ' +
    'included, as each weight\'s first use after an optimizer step). llm.c: `train_gpt2.c` (fp32, OpenMP) on the dev machine (bench/lib/llmc.ts), ' +
    'compared at the threads we ran (1 in Node, the pool\'s in Chromium), by wall-clock time. ' +
    'In Node the step\'s tokens per second of process CPU time is shown beside it: on a loaded machine the wall clock also counts the waits for a core. Where AdamW did not run, tokens/s and GFLOP/s are forward+backward only (marked ᶠᵇ).', '');
  out.push(table(['where', 'backend', 'model', 'batch × block', 'tokens/s', 'llm.c 1 thread', 'llm.c 2 threads', 'ours ÷ llm.c', 'ms/step', 'forward ms', 'backward ms', 'AdamW ms', 'GFLOP/s',
    'ceiling GFLOP/s (packed / fresh)', 'MFU-like', 'peak memory', 'notes'],
    train.filter((e) => e.status !== 'skipped').map((e) => {
      const r = e.result ?? {};
      const { packed: ceil, fresh, cpuPacked, cpuFresh } = ceilingOf(entries, e.env, e.backend);
      const vs = versusLlmc(e);
      const full = typeof r.stepMs === 'number';
      const byCpu = full && r.cpuGflops && cpuPacked;
      const gf = full ? r.achievedGflops : r.forwardBackwardGflops;
      const fb = full ? '' : 'ᶠᵇ';
      return [where(e), e.backend + (threadsOf(e) && threadsOf(e)! > 1 ? ` (${threadsOf(e)} threads)` : ''), r.model ?? (e.task as any)?.model?.name, `${r.batch ?? 1} × ${r.block}`,
        (full ? f(r.tokensPerSecond) : f(r.tokensPerSecondForwardBackward)) + (r.tokensPerSecondForwardBackward && !full ? fb : '') +
          (r.tokensPerCpuSecond ? ` (${f(r.tokensPerCpuSecond)} by CPU time)` : ''), vs.one, vs.two, vs.ratio,
        full ? f(r.stepMs, 0) : r.forwardBackwardMs ? `${f(r.forwardBackwardMs, 0)}${fb}` : '–',
        f(r.forwardMs, 0), f(r.backwardMs, 0), r.optimizerMs !== undefined ? f(r.optimizerMs, 0) : r.error?.includes('AdamW') ? 'failed' : '–',
        (gf !== undefined ? `${f(gf, 2)}${fb}` : '–') + (byCpu ? ` (${f(r.cpuGflops, 2)} by CPU time)` : ''),
        `${f(ceil, 1)} / ${f(fresh, 1)}` + (cpuPacked ? ` (CPU time: ${f(cpuPacked, 1)} / ${f(cpuFresh, 1)})` : ''),
        (gf && ceil ? `${f((100 * gf) / ceil, 0)}%${fb}` : '–') + (byCpu ? ` (${f((100 * r.cpuGflops) / cpuPacked, 0)}% by CPU time)` : ''),
        peakMemory(e), [e.note, problem(e)].filter(Boolean).join('; ')];
    })));
  out.push('');

  const runs = entries.filter((e) => e.section === 'trainer' && e.result);
  if (runs.length) {
    out.push('The Trainer itself (the loop the CLI and the app run; its first step included):', '');
    out.push(table(['where', 'backend', 'model', 'block', 'batch', 'steps', 'tokens/s (wall clock)', 'tokens/s (Trainer\'s own)', 'ms per step', 'peak memory', 'notes'], runs.map((e) => {
      const r = e.result;
      return [where(e), e.backend, r.model, r.block, r.batch, r.steps, f(r.wallTokensPerSecond ?? (r.steps * r.batch * r.block) / (r.totalMs / 1000), 1), f(r.tokensPerSecond, 1),
        (r.stepTimesMs ?? []).map((x: number) => f(x, 0)).join(', '), peakMemory(e), [e.note, problem(e)].filter(Boolean).join('; ')];
    })));
    out.push('');
  }

  // Matmul ceiling
  out.push('## Backend ceiling: matmul GFLOP/s', '');
  const mm = entries.filter((e) => e.section === 'matmul' && e.result);
  out.push('"packed": the same B each product (XNNPACK packs it once and caches the packing: the ceiling); "fresh": a new B each product, ' +
    'packing included (wasm only: what each weight\'s first product after an optimizer step pays).', '');
  const byCpu = (gflops: unknown) => (typeof gflops === 'number' ? ` (${f(gflops, 2)} by CPU time)` : '');
  out.push(table(['where', 'backend', 'product', 'ms (packed)', 'GFLOP/s (packed)', 'ms (fresh B)', 'GFLOP/s (fresh B)'], mm.flatMap((e) => (e.result.shapes as any[]).map((s) =>
    [where(e), e.backend, s.label, s.error ? `error: ${s.error}` : f(s.ms, 2), f(s.gflops, 2) + byCpu(s.cpuGflops), f(s.freshMs, 2), f(s.freshGflops, 2) + byCpu(s.freshCpuGflops)]))));
  out.push('');

  // Generation
  out.push('## Generation (greedy, batch 1, 16-token prompt)', '');
  // Generation measured on its own, or (quick mode) on the model the load measurement loaded.
  const gen = entries.filter((e) => e.result && (e.section === 'generate' || e.result.generation)).map((e) => ({ e, g: e.section === 'generate' ? e.result : e.result.generation }));
  out.push(table(['where', 'backend', 'model', 'KV cache', 'new tokens', 'tokens/s', 'ms/token', 'first token ms', 'decode ms/token (last 32)', 'time/token vs 32 tokens', 'notes'],
    gen.flatMap(({ e, g }) => ((g.runs ?? []) as any[]).map((r) => [where(e), e.backend, g.model, r.cache ? 'yes' : 'no', r.newTokens, f(r.tokensPerSecond, 2), f(r.msPerToken, 1),
      f(r.firstTokenMs, 0), f(r.last32MsPerToken, 1), r.cache && g.ratioLongVs32 && r.newTokens === g.ratioLongVs32.newTokens ? `${f(g.ratioLongVs32.ratio, 2)}×` : '',
      [r.exceedsPositions ? 'past n_positions: the cache is re-encoded from the last n_positions/2 tokens' : '', r.tensorLeak ? `${r.tensorLeak} tensors leaked` : '', failureOf(g) ? `**${failureOf(g)}**` : ''].filter(Boolean).join('; ')]))));
  out.push('');

  // Tokenization
  const tok = entries.find((e) => e.section === 'tokenize' && e.result)?.result;
  out.push('## Tokenization (emails/dev/bodies.jsonl repeated to ~1 MB, one encode per document)', '');
  if (tok) {
    out.push(table(['tokenizer', 'cold MB/s (first pass)', 'warm MB/s (best pass)', 'tokens'], [
      ['GPT2Tokenizer (ours)', f(tok.ours.coldMBps, 2), f(tok.ours.warmMBps, 2), tok.ours.tokens],
      ['gpt-tokenizer r50k_base', f(tok.gptTokenizer.coldMBps, 2), f(tok.gptTokenizer.warmMBps, 2), tok.gptTokenizer.tokens]]));
    const ok = tok.slowdownWarm <= 2 && tok.slowdownCold <= 2;
    out.push('', `Ours runs at ${f(1 / tok.slowdownWarm, 2)}× gpt-tokenizer's speed warm, ${f(1 / tok.slowdownCold, 2)}× cold (target: at least 0.5×, within 2×: **${ok ? 'met' : 'not met'}**). ` +
      `${f(tok.bytes / 1e6, 2)} MB in ${tok.documents} documents; ids differ on ${tok.mismatchedDocuments} of ${tok.comparedDocuments} documents compared. Building our tokenizer from its files: ${f(tok.constructMs, 0)} ms.`);
  } else out.push('_not measured_');
  out.push('');

  // Load
  out.push('## Model load: GPT-2 124M from a local model folder (F32 safetensors, 498 MB)', '');
  const loads = entries.filter((e) => e.section === 'load' && e.result);
  out.push(table(['backend', 'read ms', 'parse ms', 'tensors ms', 'first forward ms (16 tokens)', 'total ms', 'target < 3 s', 'peak RSS'],
    loads.map((e) => { const r = e.result; return [e.backend, f(r.readMs, 0), f(r.parseMs, 0), f(r.tensorsMs, 0), f(r.firstForwardMs, 0), f(r.totalMs, 0), r.totalMs < 3000 ? 'met' : '**not met**', bytes(e.memory?.VmHWM)]; })));
  out.push('');

  // Memory
  out.push('## Peak memory of 124M training on Node wasm (block 128, batch 1; target < 3 GiB)', '',
    'The target is the Trainer\'s (the loop the CLI and the app run). The `train` rows are the step harness of the training table, whose step 0 runs under tf.profile (it keeps every kernel\'s record) with an extra evaluation forward.', '');
  const mem = entries.filter((e) => e.env === 'node' && e.backend === 'wasm' && (e.section === 'trainer' || e.section === 'train') && (e.result?.model === '124M' || e.result?.model === 'medium') && e.memory);
  out.push(table(['run', 'peak RSS (VmHWM)', 'wasm heap', 'tf.memory() peak', 'target', 'outcome'], mem.map((e) => [e.id, bytes(e.memory?.VmHWM), bytes(e.memory?.wasmHeapBytes ?? e.result?.memoryMax?.wasmHeapBytes), bytes(e.result?.peakTfBytes || e.result?.memoryMax?.tfNumBytes),
    e.section === 'trainer' && e.result?.model === '124M' && e.result?.block === 128 ? ((e.memory?.VmHWM ?? Infinity) < 3 * GiB && !e.result?.error ? 'met' : '**not met**') : '',
    (e.result?.error ? `failed: ${e.result.error}` : e.status === 'ok' ? 'completed' : `${e.status}: ${e.reason ?? ''}`) + (heapFull(e) ? ' (wasm heap at its 4 GiB maximum)' : '')])));
  out.push('');

  out.push(...memoryAgainstBlockSize(entries));

  // Stability
  out.push('## WebGPU stability (the Trainer\'s loop; tf.memory() sampled between logging steps)', '');
  const st = entries.filter((e) => e.section === 'stability' && e.result);
  if (st.length) out.push('Paced: each step waits for the device before the next, so ms/step counts computed steps; the Trainer\'s own tokens/s (its `train_runtime` leaves the waits out) shows how far enqueueing runs ahead of the device.', '');
  out.push(table(['where', 'backend', 'model', 'steps', 'ms/step', 'tokens/s (Trainer\'s own)', 'numTensors drift', 'numBytes drift', 'GPU bytes drift (used / allocated)', 'flat', 'problems'],
    st.map((e) => { const r = e.result, d = r.drifts ?? {}; return [where(e), e.backend, r.model, `${r.steps}${r.plannedSteps !== r.steps ? ` of ${r.plannedSteps}` : ''}`, f(r.msPerStep, 1),
      `${f(r.tokensPerSecond, 1)} (${f(r.trainerTokensPerSecond, 1)})`, f(d.numTensors, 0), f(d.numBytes, 0),
      `${f(d.numBytesInGPU ?? d.numBytesInGPUAllocated, 0)} / ${f(d.numBytesAllocatedInGPU, 0)}`, r.flat && !failureOf(r) ? 'yes' : '**no**', failureOf(r) ?? '']; })));
  out.push('');

  // Hot spots
  const prof = entries.filter((e) => e.section === 'train' && e.result?.profile && e.result?.model !== 'tiny-gpt2');
  for (const e of prof) {
    const p = e.result.profile;
    out.push(`## Hot spots: ${e.result.model}, block ${e.result.block}, ${e.backend} in ${where(e)} (tf.profile of step ${p.step}${p.optimizer ? ', AdamW included' : ', forward+backward'})`, '');
    out.push(`Step wall time ${f(p.wallMs, 0)} ms, of which kernels ${f(p.kernelMs, 0)} ms (${p.kernels} kernel calls) and ${f(p.outsideKernelsMs, 0)} ms outside kernels.`, '');
    out.push(table(['phase', 'kernel', 'input shapes', 'calls', 'ms'], (p.topByShape as any[]).map((k) => [k.phase, k.kernel, k.shapes, k.calls, f(k.ms, 0)])));
    out.push('', 'By kernel: ' + (p.topByKernel as any[]).slice(0, 10).map((k) => `${k.kernel} ${f(k.ms, 0)} ms (${k.calls})`).join(', '), '');
  }

  const profiles: Array<[string, any]> = [];
  for (const { e, g } of gen) if (g.decodeProfile) profiles.push([`one KV-cached decode step of ${g.model} (${g.decodeProfile.pastTokens} tokens cached), ${e.backend} in ${where(e)}`, g.decodeProfile]);
  for (const e of loads) if (e.result.firstForwardProfile) profiles.push([`the first forward after loading 124M (${e.result.promptTokens} tokens, then the last position's logits), ${e.backend} in ${where(e)}`, e.result.firstForwardProfile]);
  for (const [title, p] of profiles) {
    out.push(`## Hot spots: ${title}`, '', `Wall time ${f(p.wallMs, 0)} ms, kernels ${f(p.kernelMs, 0)} ms (${p.kernels} calls).`, '');
    out.push(table(['kernel', 'input shapes', 'calls', 'ms'], (p.topByShape as any[]).slice(0, 8).map((k) => [k.kernel, k.shapes, k.calls, f(k.ms, 0)])), '');
  }

  // Skipped and failed
  out.push('## Skipped, failed, timed out', '');
  const bad = entries.filter((e) => e.status !== 'ok' || failureOf(e.result));
  out.push(bad.length ? bad.map((e) => `- \`${e.id}\`: ${e.status === 'ok' ? 'failed' : e.status}: ${e.reason ?? failureOf(e.result) ?? ''}${heapFull(e) ? ' (the wasm heap had reached its 4 GiB maximum)' : ''}`).join('\n') : '_nothing_');
  out.push('');
  return out.join('\n');
}
