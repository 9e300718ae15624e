// The GPU benchmark: GPT-2 124M (and medium, large) training, generation, matmul ceiling and WebGPU stability on
// WebGPU in Node through Dawn, for a remote machine with a real GPU (an NVIDIA H200) and nothing installed.
// bench/gpu/prepare.sh bundles this file with esbuild into vendor/bench-gpu.mjs; bench/gpu/run.sh runs it with the
// carried Node binary. The measurements are bench/lib/suite.ts's, the same as `npm run bench` makes.
//
//   node bench-gpu.mjs --dawn=dawn.node --out=DIR [--budget=SECONDS] [--smoke] [--only=id,id] [--dawn-flags="..."] [--raise-limits]
//
// Results go to DIR/results.json and DIR/results.md after every item, so a run stopped at any point keeps what it has.
import { gpu, dawnPath, dawnFlags, raisedLimits } from './setup'; // first: navigator.gpu must exist before tfjs-backend-webgpu loads
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/core/backend';
import { runTask, backendInfo, MODELS, type Task, type Host, type Result, type MatmulShape } from '../lib/suite';
import { markdown, failureOf, type Entry, type Results } from '../lib/report';
import { procStatus } from '../node/host';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(arg('out') ?? process.env.OUT ?? path.join(here, 'out'));
const smoke = process.argv.includes('--smoke');
const budgetS = Number(arg('budget') ?? (smoke ? 300 : 330));
const only = arg('only')?.split(',');
const t0 = Date.now();
const elapsed = () => (Date.now() - t0) / 1000;
const say = (s: string) => process.stdout.write(`[${elapsed().toFixed(0).padStart(4)} s] ${s}\n`);

interface Item { id: string; section: string; task: Task; estS: number; note?: string }

const mm = (label: string, a: number[], b: number[], transposeB = false): MatmulShape => ({ label, a, b, transposeB });
const M = MODELS;
const train = (model: typeof M['124M'], block: number, batch: number, warmup: number, steps: number, profile = false): Task =>
  ({ kind: 'train', model, block, batch, warmup, steps, profile, evalForward: false, optimizer: 'every' });

function plan(): Item[] {
  if (smoke) {
    return [
      { id: 'matmul', section: 'matmul', estS: 10, task: { kind: 'matmul', minMs: 100, shapes: [mm('attn.c_proj [128x768]·[768x768]', [128, 768], [768, 768])] } },
      { id: 'train/tiny-gpt2-v512/T64', section: 'train', estS: 40, task: train(M['tiny-gpt2-v512'], 64, 1, 0, 2) },
      { id: 'generate/tiny-gpt2-v512', section: 'generate', estS: 30, task: { kind: 'generate', model: M['tiny-gpt2-v512'], prompt: 16, runs: [{ newTokens: 4, cache: true }] } },
      { id: 'stability/tiny-gpt2-v512', section: 'stability', estS: 60, task: { kind: 'stability', model: M['tiny-gpt2-v512'], block: 64, steps: 6, sampleEvery: 2 } },
    ];
  }
  return [
    { id: 'matmul', section: 'matmul', estS: 25, task: { kind: 'matmul', minMs: 200, shapes: [
      mm('mlp.c_fc [128x768]·[768x3072]', [128, 768], [768, 3072]),
      mm('LM head [128x768]·[768x50257]', [128, 768], [768, 50257]),
      mm('LM head, B transposed [128x768]·[50257x768]ᵀ', [128, 768], [50257, 768], true),
      mm('mlp.c_fc T=1024 [1024x768]·[768x3072]', [1024, 768], [768, 3072]),
      mm('LM head T=1024 [1024x768]·[768x50257]', [1024, 768], [768, 50257]),
      mm('attention Q·Kᵀ T=1024 [12x1024x64]·[12x64x1024]', [12, 1024, 64], [12, 64, 1024]),
      mm('mlp.c_fc B=8·T=1024 [8192x768]·[768x3072]', [8192, 768], [768, 3072]),
      mm('square [4096x4096]·[4096x4096]', [4096, 4096], [4096, 4096]),
    ] } },
    { id: 'stability/tiny-gpt2', section: 'stability', estS: 40, task: { kind: 'stability', model: M['tiny-gpt2'], block: 64, steps: 500, sampleEvery: 10 } },
    { id: 'train/124M/T128', section: 'train', estS: 25, task: train(M['124M'], 128, 1, 2, 5) },
    { id: 'train/124M/T512', section: 'train', estS: 20, task: train(M['124M'], 512, 1, 1, 3) },
    { id: 'train/124M/T1024', section: 'train', estS: 30, task: train(M['124M'], 1024, 1, 1, 3, true), note: 'step 0 profiled (kernel times from timestamp queries where the adapter has them)' },
    { id: 'generate/124M', section: 'generate', estS: 40, task: { kind: 'generate', model: M['124M'], prompt: 16, runs: [{ newTokens: 32, cache: true }, { newTokens: 512, cache: true }, { newTokens: 32, cache: false }] } },
    { id: 'train/124M/T1024/B8', section: 'train', estS: 25, task: train(M['124M'], 1024, 8, 1, 2) },
    { id: 'trainer/124M/T1024', section: 'trainer', estS: 20, task: { kind: 'trainer', model: M['124M'], block: 1024, batch: 1, steps: 5 }, note: 'the Trainer as the app runs it' },
    { id: 'train/medium/T1024', section: 'train', estS: 30, task: train(M.medium, 1024, 1, 1, 2) },
    { id: 'train/large/T1024', section: 'train', estS: 40, task: train(M.large, 1024, 1, 1, 2) },
  ];
}

function tokens(): Int32Array {
  const file = path.join(here, 'gpt2.u16');
  if (existsSync(file)) { const b = readFileSync(file); return Int32Array.from(new Uint16Array(b.buffer, b.byteOffset, b.byteLength / 2)); }
  let s = 12345; // no fixture: a fixed pseudo-random stream
  return Int32Array.from({ length: 16384 }, () => (s = (s * 1103515245 + 12345) >>> 0) % 50257);
}

async function adapterDetails(): Promise<Record<string, unknown>> {
  const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!a) return { error: 'navigator.gpu.requestAdapter() returned null' };
  const info = (a as GPUAdapter & { info?: Record<string, unknown> }).info ?? {};
  const limits: Record<string, number> = {};
  for (const k of ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup']) limits[k] = (a.limits as unknown as Record<string, number>)[k];
  return { ...Object.fromEntries(['vendor', 'architecture', 'device', 'description'].map((k) => [k, info[k]])), features: [...a.features].map(String).sort(), limits };
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const entries: Entry[] = [];
  const results: Results = {
    meta: {
      mode: smoke ? 'quick' : 'full', date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryBytes: os.totalmem(), platform: `${os.platform()} ${os.arch()}`, release: os.release(), loadavgStart: os.loadavg() },
      node: process.version, chromium: null, tfjs: tf.version.tfjs, gitCommit: process.env.GPT2_STUDIO_COMMIT ?? null,
      notes: [`WebGPU in Node through Dawn (${path.basename(dawnPath)}${dawnFlags.length ? `, flags ${dawnFlags.join(' ')}` : ''}); every item in one process, one after another.`, smoke ? 'Smoke mode: tiny shapes only.' : `Budget ${budgetS} s: items that would end later are skipped.`],
    },
    entries,
  };
  const save = () => {
    results.meta.durationS = elapsed();
    results.meta.machine.loadavgEnd = os.loadavg();
    writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(results, null, 1) + '\n');
    writeFileSync(path.join(outDir, 'results.md'), markdown(results));
  };

  const adapter = await adapterDetails();
  results.meta.webgpuAdapter = adapter;
  say(`adapter: ${JSON.stringify(adapter)}`);
  save();
  if ('error' in adapter) throw new Error(String(adapter.error));
  const report = await initBackend('webgpu');
  const info = { ...(await backendInfo()), raisedLimits: { ...raisedLimits } };
  results.meta.notes.push(Object.keys(raisedLimits).length
    ? `Device limits raised to the adapter's (--raise-limits): ${JSON.stringify(raisedLimits)}.`
    : 'WebGPU\'s default device limits (8 storage buffers per shader), as in Chromium.');
  say(`tfjs ${tf.version.tfjs} on ${report.backend}: ${JSON.stringify(info)}`);

  const stream = tokens();
  let current: Entry | null = null;
  const host: Host = {
    tokens: stream,
    memory: () => {
      const m = process.memoryUsage();
      const out: Record<string, number> = { rss: m.rss, ...procStatus() };
      for (const [k, v] of Object.entries(tf.memory())) if (typeof v === 'number') out[k === 'numBytes' ? 'tfNumBytes' : k] = v;
      return out;
    },
    log: (s) => say(`  ${s}`),
    progress: (partial) => { if (current) { current.result = partial; save(); } },
  };

  for (const item of plan().filter((i) => !only || only.includes(i.id))) {
    const e: Entry = { id: `dawn/webgpu/${item.id}`, section: item.section, env: 'dawn', backend: 'webgpu', note: item.note, task: item.task, status: 'ok' };
    entries.push(e);
    if (elapsed() + item.estS > budgetS) { e.status = 'skipped'; e.reason = `time budget: ${Math.round(elapsed())} s spent of ${budgetS} s, this item takes ~${item.estS} s`; say(`${e.id}: ${e.reason}`); save(); continue; }
    say(`${e.id} …`);
    current = e;
    const s0 = Date.now();
    try {
      e.result = await runTask(item.task, host);
      if (failureOf(e.result)) { e.status = 'failed'; e.reason = failureOf(e.result); }
    } catch (err) {
      e.status = 'error'; e.reason = String((err as Error).stack ?? err).split('\n').slice(0, 3).join(' ');
    }
    current = null;
    e.ms = Date.now() - s0;
    e.memory = host.memory();
    e.backendInfo = info;
    const r: Result = e.result ?? {};
    say(`${e.id}: ${e.status}${e.reason ? ` (${e.reason})` : ''}` + (r.tokensPerSecond ? `, ${String(r.tokensPerSecond)} tokens/s` : '') + (r.ceilingGflops ? `, ceiling ${String(r.ceilingGflops)} GFLOP/s` : '') + `, ${(e.ms / 1000).toFixed(1)} s`);
    save();
  }
  save();
  process.stdout.write('\n' + markdown(results) + '\n');
}

try {
  await main();
} catch (e) {
  say(`fatal: ${(e as Error).stack ?? e}`);
  process.exitCode = 1;
}
say(`done; results in ${outDir}`);
// dawn.node keeps the process alive while navigator.gpu is referenced.
process.exit(process.exitCode ?? 0);
