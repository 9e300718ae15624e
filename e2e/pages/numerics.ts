// The browser side of e2e/numerics.test.ts: the checks of src/core/gpt2/model.test.ts (forward losses, logits and
// every gradient against the PyTorch reference, no tensor leak) on one backend, with the real core, the fixtures
// fetched from /fixtures/. `window.numerics.run(backend, names)` returns a JSON summary; the test asserts on it.
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName, type BackendReport } from '../../src/core/backend';
import { GPT2 } from '../../src/core/gpt2/model';
import { parseConfig, type GPT2Config } from '../../src/core/gpt2/config';
import { readParameters } from '../../src/core/gpt2/weights';
import { parseSafetensors, type SafetensorsFile } from '../../src/core/io/safetensors';
import { TFJS_WASM_PATHS } from '../../src/tfjs-wasm';

export interface Check {
  /** 'losses', 'eval_loss', 'logits', 'grad.loss' (the loss valueAndGrads returns) or 'grad.NAME'. */
  name: string;
  diff: number;
  bound: number;
  /** '<' as model.test.ts asserts losses and logits, '<=' for gradients. */
  op: '<' | '<=';
  /** max |reference| (gradients). */
  refMaxAbs?: number;
}

export interface ReferenceSummary {
  name: string;
  checks: Check[];
  /** tf.memory().numTensors around the gradient step (model.test.ts) and around the whole reference. */
  tensors: { beforeGrads: number; afterGrads: number; beforeModel: number; afterDispose: number };
  ms: { load: number; losses: number; logits: number; grads: number };
  error?: string;
}

export interface NumericsSummary {
  requested: BackendName;
  report: BackendReport | null;
  /** tf.getBackend() after initBackend. */
  tfBackend: string;
  /** Backend details: tfjs flags that bear on precision, wasm threads. */
  info: Record<string, unknown>;
  references: ReferenceSummary[];
  ms: { init: number; total: number };
  error?: string;
}

interface Reference {
  run: { num_blocks: number; block_size: number; eval_loss: number; logits_positions: 'all' | Array<[number, number]>; model_dir: string; blocks: string };
  blocks: Int32Array;
  expected: SafetensorsFile;
  config: GPT2Config;
  weights: Map<string, Float32Array>;
}

declare global {
  interface Window {
    numerics?: { run(backend: BackendName, names: string[]): Promise<NumericsSummary> };
  }
}

async function get(url: URL, as: 'json'): Promise<unknown>;
async function get(url: URL, as: 'bytes'): Promise<Uint8Array>;
async function get(url: URL, as: 'json' | 'bytes'): Promise<unknown> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url}: HTTP ${r.status}`);
  return as === 'json' ? r.json() : new Uint8Array(await r.arrayBuffer());
}

/** test/reference.ts's loadReference, over HTTP. */
async function loadReference(name: string): Promise<Reference> {
  const dir = new URL(`/fixtures/reference/${name}/`, location.href);
  const run = (await get(new URL('run.json', dir), 'json')) as Reference['run'];
  const modelDir = new URL(run.model_dir.replace(/\/?$/, '/'), dir);
  const [u16, expected, config, model] = await Promise.all([
    get(new URL(run.blocks, dir), 'bytes'),
    get(new URL('expected.safetensors', dir), 'bytes'),
    get(new URL('config.json', modelDir), 'json'),
    get(new URL('model.safetensors', modelDir), 'bytes'),
  ]);
  const blocks = Int32Array.from(new Uint16Array(u16.slice().buffer));
  const cfg = parseConfig(config);
  return { run, blocks, expected: parseSafetensors(expected, 'expected.safetensors'), config: cfg, weights: readParameters(parseSafetensors(model), cfg) };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return Number.isNaN(m) ? Infinity : m;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

const log = (s: string) => { document.getElementById('log')!.textContent += s + '\n'; };
const now = () => performance.now();

async function checkReference(name: string): Promise<ReferenceSummary> {
  const out: ReferenceSummary = { name, checks: [], tensors: { beforeGrads: -1, afterGrads: -1, beforeModel: -1, afterDispose: -1 }, ms: { load: 0, losses: 0, logits: 0, grads: 0 } };
  let t = now();
  const ref = await loadReference(name);
  out.tensors.beforeModel = tf.memory().numTensors;
  const model = GPT2.fromArrays(ref.config, ref.weights);
  const ids = tf.tensor2d(ref.blocks, [ref.run.num_blocks, ref.run.block_size], 'int32');
  out.ms.load = now() - t;
  try {
    // per-position losses and eval_loss
    t = now();
    const losses = tf.tidy(() => model.losses(ids));
    out.checks.push({ name: 'losses', diff: maxAbsDiff(await losses.data(), ref.expected.float32('losses')), bound: 1e-4, op: '<' });
    const meanT = tf.tidy(() => losses.mean());
    const mean = (await meanT.data())[0];
    out.checks.push({ name: 'eval_loss', diff: Math.abs(mean - ref.run.eval_loss), bound: 1e-4, op: '<' });
    meanT.dispose();
    losses.dispose();
    out.ms.losses = now() - t;
    log(`${name}: losses ${out.ms.losses.toFixed(0)} ms`);

    // logits
    t = now();
    const { num_blocks: B, block_size: T, logits_positions: where } = ref.run;
    const logits = tf.tidy(() => model.logits(model.hidden(ids)));
    const all = await logits.data();
    const V = ref.config.vocab_size;
    const rows = where === 'all' ? Array.from({ length: B * T }, (_, i) => i) : where.map(([b, p]) => b * T + p);
    const got = new Float32Array(rows.length * V);
    rows.forEach((r, i) => got.set(all.subarray(r * V, (r + 1) * V), i * V));
    out.checks.push({ name: 'logits', diff: maxAbsDiff(got, ref.expected.float32('logits')), bound: 1e-4, op: '<' });
    logits.dispose();
    out.ms.logits = now() - t;
    log(`${name}: logits ${out.ms.logits.toFixed(0)} ms`);

    // gradients of every parameter, with no tensor leak
    t = now();
    out.tensors.beforeGrads = tf.memory().numTensors;
    const names = [...model.params.keys()];
    const originals = names.map((n) => model.params.get(n)!);
    const { value, grads } = tf.valueAndGrads((...ps: tf.Tensor[]) => {
      names.forEach((n, i) => model.params.set(n, ps[i]));
      return model.loss(ids);
    })(originals);
    out.checks.push({ name: 'grad.loss', diff: Math.abs((await value.data())[0] - ref.run.eval_loss), bound: 1e-4, op: '<' });
    for (const [i, n] of names.entries()) {
      const exp = ref.expected.float32('grad.' + n);
      const refMaxAbs = maxAbs(exp);
      out.checks.push({ name: 'grad.' + n, diff: maxAbsDiff(await grads[i].data(), exp), bound: 1e-5 + 1e-3 * refMaxAbs, op: '<=', refMaxAbs });
    }
    value.dispose();
    grads.forEach((g) => g.dispose());
    out.tensors.afterGrads = tf.memory().numTensors;
    out.ms.grads = now() - t;
    log(`${name}: gradients ${out.ms.grads.toFixed(0)} ms`);
  } catch (e) {
    out.error = (e as Error).stack ?? String(e);
  } finally {
    model.dispose();
    ids.dispose();
    out.tensors.afterDispose = tf.memory().numTensors;
  }
  return out;
}

async function backendInfo(name: BackendName): Promise<Record<string, unknown>> {
  const env = tf.env();
  const flag = (f: string) => { try { return env.get(f); } catch { return undefined; } };
  const info: Record<string, unknown> = { tfjs: tf.version.tfjs, crossOriginIsolated: globalThis.crossOriginIsolated };
  if (name === 'webgl') {
    for (const f of ['WEBGL_VERSION', 'WEBGL_RENDER_FLOAT32_CAPABLE', 'WEBGL_RENDER_FLOAT32_ENABLED', 'WEBGL_FORCE_F16_TEXTURES', 'WEBGL_PACK', 'WEBGL_DOWNLOAD_FLOAT_ENABLED', 'WEBGL_CPU_FORWARD']) info[f] = flag(f);
  }
  if (name === 'webgpu') {
    for (const f of ['WEBGPU_CPU_FORWARD', 'WEBGPU_USE_LOW_POWER_GPU']) info[f] = flag(f);
    const adapter = (tf.backend() as unknown as { adapterInfo?: unknown }).adapterInfo;
    if (adapter) info.adapter = adapter;
  }
  if (name === 'wasm') {
    info.simd = await env.getAsync('WASM_HAS_SIMD_SUPPORT');
    info.multithread = await env.getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    const wasm = (tf.backend() as unknown as { wasm?: { tfjs?: { getThreadsCount?: () => number } } }).wasm;
    info.threads = wasm?.tfjs?.getThreadsCount?.();
    info.wasmPaths = TFJS_WASM_PATHS;
    info.wasmFiles = performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.endsWith('.wasm'));
  }
  return info;
}

async function run(backend: BackendName, names: string[]): Promise<NumericsSummary> {
  const t0 = now();
  const summary: NumericsSummary = { requested: backend, report: null, tfBackend: '', info: {}, references: [], ms: { init: 0, total: 0 } };
  try {
    summary.report = await initBackend(backend, { wasmPaths: TFJS_WASM_PATHS });
    summary.tfBackend = tf.getBackend();
    summary.ms.init = now() - t0;
    summary.info = await backendInfo(backend);
    log(`backend ${summary.tfBackend} in ${summary.ms.init.toFixed(0)} ms`);
    for (const name of names) summary.references.push(await checkReference(name));
  } catch (e) {
    summary.error = (e as Error).stack ?? String(e);
  }
  summary.ms.total = now() - t0;
  log('done');
  return summary;
}

window.numerics = { run };
