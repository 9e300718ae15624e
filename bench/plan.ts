// What `npm run bench` measures, in order: the quick plan (`--quick`, under 3 minutes on the 2-core dev machine) and
// the full one (under 20 minutes there). Whatever a plan leaves out, or cannot run, is listed with the reason why.
import os from 'node:os';
import path from 'node:path';
import { MODELS, type MatmulShape, type Task } from './lib/suite';
import type { NodeTask } from './node/tasks';
import type { MemoryTask } from './memory/tables';

export type Env = 'node' | 'chromium';
export type Section = 'tokenize' | 'matmul' | 'train' | 'generate' | 'stability' | 'trainer' | 'load' | 'prepare' | 'memory';

export interface PlanItem {
  id: string;
  section: Section;
  env: Env;
  backend: 'wasm' | 'cpu' | 'webgpu' | 'webgl' | 'none';
  task?: Task | NodeTask | MemoryTask;
  /** Killed after this long (its partial results are kept). */
  timeoutS: number;
  /** Expected seconds, for the time budget: an item that would end past the budget is skipped. */
  estS: number;
  /** Planned as skipped: why. */
  skip?: string;
  /** Shown beside the figures. */
  note?: string;
  /** Chromium's wasm: the thread pool asked for (default: tfjs's, 1 on 2 cores; see src/core/backend/index.ts). */
  wasmThreads?: number;
}

export const MM: Record<string, MatmulShape> = {
  qkv: { label: 'attn.c_attn [128x768]·[768x2304]', a: [128, 768], b: [768, 2304] },
  fc: { label: 'mlp.c_fc [128x768]·[768x3072]', a: [128, 768], b: [768, 3072] },
  proj: { label: 'mlp.c_proj [128x3072]·[3072x768]', a: [128, 3072], b: [3072, 768] },
  head: { label: 'LM head [128x768]·[768x50257]', a: [128, 768], b: [768, 50257] },
  headT: { label: 'LM head, B transposed [128x768]·[50257x768]ᵀ', a: [128, 768], b: [50257, 768], transposeB: true },
  sq768: { label: 'attn.c_proj [128x768]·[768x768]', a: [128, 768], b: [768, 768] },
  tinyHead: { label: 'fixture LM head [64x32]·[32x50257]', a: [64, 32], b: [32, 50257] },
  fc512: { label: 'mlp.c_fc T=512 [512x768]·[768x3072]', a: [512, 768], b: [768, 3072] },
  att512: { label: 'attention Q·Kᵀ T=512 [12x512x64]·[12x64x512]', a: [12, 512, 64], b: [12, 64, 512] },
};

export const LOAD_DIR = path.join(os.tmpdir(), 'gpt2-studio-bench-124M');

const tiny = MODELS['tiny-gpt2'];
const v512 = MODELS['tiny-gpt2-v512'];
const m124 = MODELS['124M'];
const medium = MODELS.medium;
const llmcTiny = MODELS['llmc-tiny'];
const LLMC_TINY = 'llm.c\'s tiny shape: 2 layers, 2 heads, n_embd 64, vocab 512';

const mode = (recompute: boolean) => (recompute ? 'recomputed' : 'kept');
/** The standalone command that measures what a memory item does. */
const memoryCommand = (t: MemoryTask) => `node --import tsx bench/memory/${{ wasmBlock: 'block_size', webgpuBlock: 'webgpu_block_size', webgpuCheck: 'webgpu_block_size', export: 'export' }[t.measure]}.ts` +
  ('blockSize' in t ? ` --blocks ${t.blockSize} --modes ${mode(t.recompute)}` : '');

const train = (model: typeof m124, block: number, o: Partial<Extract<Task, { kind: 'train' }>> = {}): Task =>
  ({ kind: 'train', model, block, batch: 1, warmup: 1, steps: 2, profile: false, evalForward: false, optimizer: 'every', ...o });
const gen = (model: typeof m124, runs: Array<{ newTokens: number; cache: boolean }>): Task => ({ kind: 'generate', model, prompt: 16, runs });

export function buildPlan(quick: boolean): PlanItem[] {
  const P: PlanItem[] = [];
  const add = (i: PlanItem) => P.push(i);
  const node = (id: string, section: Section, backend: PlanItem['backend'], task: Task | NodeTask, estS: number, timeoutS: number, note?: string) =>
    add({ id: `node/${backend}/${id}`, env: 'node', section, backend, task, estS, timeoutS, note });
  const web = (id: string, section: Section, backend: PlanItem['backend'], task: Task, estS: number, timeoutS: number, note?: string, wasmThreads?: number) =>
    add({ id: `chromium/${backend}/${id}`, env: 'chromium', section, backend, task, estS, timeoutS, note, wasmThreads });
  const skip = (env: Env, backend: PlanItem['backend'], id: string, section: Section, why: string) =>
    add({ id: `${env}/${backend}/${id}`, env, section, backend, estS: 0, timeoutS: 0, skip: why });

  // Most important first: the time budget skips whatever comes last when a loaded machine runs slow.
  const SWIFTSHADER = 'WebGPU and WebGL run on SwiftShader here (CPU emulation, ~25 s for one cold step of the tiny model)';
  const tinyNote = 'fixture shape: n_positions 64 caps the block';

  // ---- Node: the essentials ----
  node('tokenize', 'tokenize', 'none', { kind: 'tokenize', targetBytes: 1_000_000, reps: 2 }, 5, 90);
  node('matmul', 'matmul', 'wasm', { kind: 'matmul', minMs: 300, shapes: quick ? [MM.fc, MM.head] : [MM.qkv, MM.fc, MM.proj, MM.head, MM.headT, MM.fc512, MM.att512] }, quick ? 6 : 40, 180);
  // 124M on Node wasm: one cold step in quick mode; in full mode a profiled warm-up step (the hot spots) and a measured one.
  // A warm step in both modes: the first pays for growing the wasm heap and for JIT, which llm.c's figure does not.
  node('train/124M/T128', 'train', 'wasm', quick
    ? train(m124, 128, { warmup: 1, steps: 1 })
    : train(m124, 128, { warmup: 1, steps: 1, profile: true, evalForward: true }),
  quick ? 70 : 150, quick ? 180 : 400, quick ? 'step 0 warm-up, step 1 measured' : 'step 0 profiled (hot spots), step 1 measured');
  skip('node', 'cpu', 'train/124M/T128', 'train', 'the cpu backend\'s matmul runs at ~0.3 GFLOP/s here: one 124M step (97 GFLOP) would take ~5 minutes');
  if (quick) skip('node', 'wasm', 'trainer/124M/T128', 'trainer', 'quick mode: the peak RSS of a 124M training step comes from node/wasm/train/124M/T128 (forward, backward and AdamW in one process)');
  else node('trainer/124M/T128', 'trainer', 'wasm', { kind: 'trainer', model: m124, block: 128, batch: 1, steps: 2 }, 90, 300, 'the Trainer as the CLI runs it, 2 steps');
  if (quick) skip('node', 'wasm', 'generate/124M', 'generate', 'quick mode: 124M generation runs on the model node/wasm/load/124M loaded (16 tokens with the KV cache, 8 without)');
  else node('generate/124M', 'generate', 'wasm', { ...gen(m124, [{ newTokens: 32, cache: true }, { newTokens: 512, cache: true }, { newTokens: 16, cache: false }]), profileDecode: true } as Task, 200, 420);
  node('prepare/124M-folder', 'prepare', 'none', { kind: 'writeModel', dir: LOAD_DIR, config: m124.config }, 5, 60);
  node('load/124M', 'load', 'wasm', { kind: 'load', dir: LOAD_DIR, promptTokens: 16, generate: quick ? [{ newTokens: 16, cache: true }, { newTokens: 8, cache: false }] : undefined }, quick ? 40 : 10, 120,
    quick ? 'then 124M generation on the loaded model' : undefined);
  // Every Chromium backend's ceiling (WebGPU and WebGL on SwiftShader: small shapes).
  for (const b of ['wasm', 'webgpu', 'webgl'] as const) {
    const gpuLike = b !== 'wasm';
    const shapes = gpuLike ? (quick ? [MM.sq768] : [MM.sq768, MM.tinyHead]) : quick ? [MM.fc, MM.head] : [MM.fc, MM.head, MM.headT];
    web('matmul', 'matmul', b, { kind: 'matmul', minMs: 300, shapes }, quick ? 5 : 20, 150);
  }
  node('train/llmc-tiny/B8xT64', 'train', 'wasm', train(llmcTiny, 64, { batch: 8, warmup: 3, steps: quick ? 5 : 20 }), 6, 120, LLMC_TINY);
  node('train/tiny-gpt2/T64', 'train', 'wasm', train(tiny, 64, { steps: quick ? 2 : 4, profile: !quick }), 6, 120, tinyNote);
  node('matmul', 'matmul', 'cpu', { kind: 'matmul', minMs: 300, shapes: [MM.fc] }, 6, 120, 'the LM head product would take ~30 s here');
  node('train/tiny-gpt2/T64', 'train', 'cpu', train(tiny, 64, { steps: 2 }), 8, 150, tinyNote);
  node('generate/tiny-gpt2', 'generate', 'wasm', gen(tiny, quick ? [{ newTokens: 32, cache: true }, { newTokens: 32, cache: false }]
    : [{ newTokens: 32, cache: true }, { newTokens: 512, cache: true }, { newTokens: 32, cache: false }]), quick ? 5 : 20, 120);

  // ---- Chromium: WebGPU and WebGL run on SwiftShader here (a CPU emulation, seconds per step of even the tiny model):
  // the fixture shape with its 512-token vocabulary; the quick plan only measures their matmul.
  for (const b of ['wasm', 'webgpu', 'webgl'] as const) {
    const gpuLike = b !== 'wasm';
    const model = gpuLike ? v512 : tiny;
    if (quick && gpuLike) {
      skip('chromium', b, `train/${model.name}/T64`, 'train', `quick mode: ${SWIFTSHADER}`);
      skip('chromium', b, `generate/${model.name}`, 'generate', `quick mode: ${SWIFTSHADER}`);
      continue;
    }
    web(`train/${model.name}/T64`, 'train', b, train(model, 64, { steps: 2 }), gpuLike ? 60 : 5, 180,
      gpuLike ? 'fixture shape tiny-gpt2-v512 (SwiftShader cannot afford a 50,257-token LM head)' : tinyNote);
    web(`generate/${model.name}`, 'generate', b, gen(model, quick ? [{ newTokens: 32, cache: true }]
      : gpuLike ? [{ newTokens: 32, cache: true }, { newTokens: 16, cache: false }]
        : [{ newTokens: 32, cache: true }, { newTokens: 512, cache: true }, { newTokens: 32, cache: false }]), gpuLike ? 80 : 6, 240,
    gpuLike && !quick ? '512 tokens skipped on SwiftShader (~1 s a token)' : undefined);
  }
  if (quick) skip('chromium', 'webgpu', 'stability/tiny-gpt2-v512', 'stability', `quick mode: ${SWIFTSHADER}; the full bench runs it for 150 s, bench/gpu/ 500 steps on a GPU`);
  else web('stability/tiny-gpt2-v512', 'stability', 'webgpu', { kind: 'stability', model: v512, block: 64, steps: 500, sampleEvery: 2, maxSeconds: 150 }, 175, 300,
    '500 steps planned, stopped after 150 s: SwiftShader takes ~10 s a step (bench/gpu/ runs all 500 on a GPU); sampled every 2 steps');
  for (const b of ['webgpu', 'webgl'] as const) {
    skip('chromium', b, 'train/124M/T128', 'train', `${SWIFTSHADER}; 124M on a real GPU: bench/gpu/ (H200, WebGPU through Dawn)`);
  }

  // ---- The expensive extras (full mode, as time allows) ----
  const later = (env: Env, backend: PlanItem['backend'], id: string, section: Section, f: () => void) => (quick ? skip(env, backend, id, section, 'quick mode') : f());
  // Chromium's threaded wasm with tfjs's default pool (1 thread on 2 cores) and with a thread per core.
  for (const threads of [undefined, 2]) {
    const id = (s: string) => (threads ? `${s}/threads${threads}` : s);
    later('chromium', 'wasm', id('train/llmc-tiny/B8xT64'), 'train', () => web(id('train/llmc-tiny/B8xT64'), 'train', 'wasm', train(llmcTiny, 64, { batch: 8, warmup: 3, steps: 20 }), 8, 120, `${LLMC_TINY}; threaded wasm in the page`, threads));
    later('chromium', 'wasm', id('train/124M/T128'), 'train', () => web(id('train/124M/T128'), 'train', 'wasm', train(m124, 128, { warmup: 1, steps: 1 }), 140, 420, 'threaded wasm in the page; step 0 warm-up, step 1 measured', threads));
  }
  later('node', 'wasm', 'train/124M/T512', 'train', () => node('train/124M/T512', 'train', 'wasm', train(m124, 512, { warmup: 0, steps: 1, recompute: true }), 40, 240, 'one cold step, activations recomputed (kept, they need more than the 4 GiB heap: the plan refuses it)'));
  later('node', 'cpu', 'load/124M', 'load', () => node('load/124M', 'load', 'cpu', { kind: 'load', dir: LOAD_DIR, promptTokens: 16 }, 20, 120));
  later('node', 'wasm', 'generate/medium', 'generate', () => node('generate/medium', 'generate', 'wasm', gen(medium, [{ newTokens: 16, cache: true }]), 100, 300));
  skip('node', 'wasm', 'train/medium/T128', 'train', 'medium\'s parameters, gradients and AdamW moments (5.7 GB) do not fit the wasm backend\'s 32-bit heap (4 GiB); Node + Dawn on a GPU: bench/gpu/');
  later('node', 'cpu', 'generate/124M', 'generate', () => node('generate/124M', 'generate', 'cpu', gen(m124, [{ newTokens: 8, cache: true }]), 60, 180));

  // ---- Peak memory of one 124M training step against the block size (bench/memory/: each measurement makes its own
  // process, a Node child on wasm, a Chromium on WebGPU, whose tf.memory() is read once the step is dispatched).
  // Last: they take ~8 minutes of what the items above leave of the budget on this machine; on a slower day the
  // budget skips their tail, not the figures above. ----
  const mem = (env: Env, backend: PlanItem['backend'], id: string, task: MemoryTask, estS: number, timeoutS: number, why?: string) => {
    const skip = quick ? 'quick mode: the full bench measures it (a 124M step or export in a process of its own each)' : why;
    add({ id: `${env}/${backend}/memory/${id}`, env, section: 'memory', backend, task, estS, timeoutS, skip: skip && `${skip}; standalone: \`${memoryCommand(task)}\`` });
  };
  // Wasm: every block recomputed, and kept where the heap holds them; kept at 512 and 1024, a row that costs nothing: the plan refuses them.
  const wasmBlock = (blockSize: number, recompute: boolean, estS: number, why?: string) =>
    mem('node', 'wasm', `124M/T${blockSize}/${mode(recompute)}`, { kind: 'memory', measure: 'wasmBlock', blockSize, recompute }, estS, 300, why);
  for (const [blockSize, estS] of [[128, 25], [256, 40], [512, 60]]) wasmBlock(blockSize, true, estS);
  wasmBlock(1024, true, 90);
  for (const blockSize of [128, 256]) wasmBlock(blockSize, false, 20);
  for (const blockSize of [512, 1024]) wasmBlock(blockSize, false, 1);
  // WebGPU: every block both ways (block 1024 kept is refused by the plan for the 16 GB navigator.deviceMemory reports here), after the method's check.
  mem('chromium', 'webgpu', 'tiny-gpt2-v512/T64/kept', { kind: 'memory', measure: 'webgpuCheck', recompute: false }, 20, 120);
  for (const [blockSize, kept, recomputed] of [[128, 20, 20], [256, 20, 35], [512, 30, 35], [1024, 10, 70]]) {
    for (const recompute of [false, true]) mem('chromium', 'webgpu', `124M/T${blockSize}/${mode(recompute)}`, { kind: 'memory', measure: 'webgpuBlock', blockSize, recompute }, recompute ? recomputed : kept, 180);
  }
  for (const how of ['stream', 'zipSync'] as const) mem('node', 'wasm', `124M/export-${how}`, { kind: 'memory', measure: 'export', how }, 15, 120);
  return P;
}
