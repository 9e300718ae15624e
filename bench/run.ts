// `npm run bench` (full, under 20 minutes on the 2-core dev machine) and `npm run bench -- --quick` (under 3):
// GPT-2 training, generation, tokenization, model load and memory on every backend Node has (wasm, cpu, each
// measurement in its own child process) and Chromium has (webgpu, webgl, wasm, through the e2e harness).
// Writes bench/results.json and bench/results.md (quick: results-quick.*) and prints the tables.
//
//   npm run bench -- --quick                 the quick plan
//   npm run bench -- --only=node|chromium    one half
//   npm run bench -- --filter=124M           items whose id contains the text
//   npm run bench -- --budget=600            seconds; items that would end later are skipped
//   npm run bench -- --out=DIR               where the results go (default bench/)
//   npm run bench -- --render [--quick]      rewrite results(.quick).md from the JSON only
// Full runs write bench/results.json and bench/results.md (what the README shows); quick runs write
// bench/results-quick.json and bench/results-quick.md.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlan, LOAD_DIR, type PlanItem } from './plan';
import { markdown, failureOf, type Entry, type Results } from './lib/report';
import type { ChildOutput } from './node/child';
import { memoryBrief, memoryFailure, type MemoryTask } from './memory/tables';
import type { Harness } from '../e2e/harness';
import { FIXTURES } from '../test/fixtures';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '..');

const argv = process.argv.slice(2);
const opt = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');
const quick = argv.includes('--quick');
const only = opt('only');
const filter = opt('filter');
const budgetS = Number(opt('budget') ?? (quick ? 160 : 1140));
const outDir = path.resolve(opt('out') ?? BENCH);
const base = quick ? 'results-quick' : 'results';

const t0 = Date.now();
const elapsed = () => (Date.now() - t0) / 1000;
const say = (s: string) => process.stdout.write(s + '\n');

function tfjsVersion(): string {
  try { return JSON.parse(readFileSync(path.join(ROOT, 'node_modules/@tensorflow/tfjs/package.json'), 'utf8')).version; } catch { return 'unknown'; }
}
function gitCommit(): string | null {
  try { return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim() + (execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).trim() ? ' (with uncommitted changes)' : ''); } catch { return null; }
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'gpt2-studio-bench-'));
let childCount = 0;

/**
 * The child entry bundled once with esbuild (a child then starts in under a second instead of tsx's ~3 s of
 * transpiling); tsx when esbuild is not there. The bundle finds the fixtures and tfjs's .wasm files through the
 * environment.
 */
function childCommand(): { args: string[]; env: NodeJS.ProcessEnv } {
  const env = { ...process.env, GPT2_STUDIO_FIXTURES: FIXTURES };
  const esbuild = path.join(ROOT, 'node_modules', '.bin', 'esbuild');
  const out = path.join(tmp, 'child.mjs');
  try {
    execFileSync(esbuild, [path.join(BENCH, 'node', 'child.ts'), '--bundle', '--platform=node', '--format=esm', '--target=node20', `--outfile=${out}`, '--log-level=error',
      "--banner:js=import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '');"], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    return { args: [out], env: { ...env, GPT2_BENCH_WASM_DIR: path.join(ROOT, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + path.sep } };
  } catch (e) {
    say(`(esbuild failed, children run through tsx: ${(e as Error).message.split('\n')[0]})`);
    return { args: ['--import', 'tsx', path.join(BENCH, 'node', 'child.ts')], env };
  }
}
let child: ReturnType<typeof childCommand> | null = null;

/** Runs one item in `node --import tsx bench/node/child.ts`, killing it at its timeout. */
function runChild(item: PlanItem): Promise<{ out: ChildOutput | null; timedOut: boolean; exit: string }> {
  const file = path.join(tmp, `${++childCount}.json`);
  const task = { ...item.task, backend: item.backend };
  return new Promise((resolve) => {
    child ??= childCommand();
    const proc = spawn(process.execPath, [...child.args, JSON.stringify(task), file], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: child.env });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; proc.kill('SIGKILL'); }, item.timeoutS * 1000);
    let buf = '';
    proc.stderr.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      // Child logs; emscripten prints its whole minified glue on an abort: keep lines short.
      for (const l of lines) if (l.trim() && !/^\s*\^?\s*$/.test(l)) say(`    ${l.length > 160 ? l.slice(0, 160) + '…' : l}`);
    });
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      let out: ChildOutput | null = null;
      try { out = JSON.parse(readFileSync(file, 'utf8')); } catch { /* no result written */ }
      resolve({ out, timedOut, exit: signal ? `signal ${signal}` : `exit code ${code}` });
    });
  });
}

function nodeEntry(item: PlanItem, r: Awaited<ReturnType<typeof runChild>>): Entry {
  const e: Entry = { id: item.id, section: item.section, env: item.env, backend: item.backend, note: item.note, task: item.task, status: 'ok' };
  const o = r.out;
  if (o) { e.result = o.result; e.memory = o.memory; e.backendInfo = o.backend; e.ms = o.ms; }
  if (r.timedOut) { e.status = 'timeout'; e.reason = `killed after ${item.timeoutS} s` + (o?.result?.running ? ` during ${String(o.result.running)}` : ''); }
  else if (!o || o.partial) { e.status = 'error'; e.reason = `the child process ended (${r.exit}) without a result` + (o?.result?.running ? `, during ${String(o.result.running)}` : ''); }
  else if (!o.ok) { e.status = 'error'; e.reason = (o.error ?? '').split('\n').slice(0, 3).join(' '); }
  else if (failureOf(o.result)) { e.status = 'failed'; e.reason = failureOf(o.result); }
  return e;
}

/** A memory item: bench/memory/'s measurement, which makes its own process (Node child or Chromium). */
async function memoryEntry(item: PlanItem, url?: string): Promise<Entry> {
  const { runMemoryTask } = await import('./memory/tasks');
  const e: Entry = { id: item.id, section: item.section, env: item.env, backend: item.backend, note: item.note, task: item.task, status: 'ok' };
  const t0 = performance.now();
  try {
    e.result = await runMemoryTask(item.task as MemoryTask, item.timeoutS, url);
    e.ms = Math.round(performance.now() - t0);
    e.reason = memoryFailure(e.result);
    if (e.reason) e.status = 'failed';
  } catch (err) {
    const m = (err as Error).message;
    e.status = /^(killed|stopped) after/.test(m) ? 'timeout' : 'error';
    e.reason = m.split('\n').slice(0, 3).join(' ');
  }
  return e;
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const plan = buildPlan(quick).filter((i) => (!only || i.env === only) && (!filter || i.id.includes(filter)));
  const entries: Entry[] = [];
  const results: Results = {
    meta: {
      mode: quick ? 'quick' : 'full', date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryBytes: os.totalmem(), platform: `${os.platform()} ${os.arch()}`, release: os.release(), loadavgStart: os.loadavg() },
      node: process.version, chromium: null, tfjs: tfjsVersion(), gitCommit: gitCommit(),
      notes: [
        'Every Node figure comes from its own child process (its peak RSS is VmHWM from /proc/self/status); every Chromium figure from a fresh page.',
        'Chromium\'s WebGPU and WebGL run on SwiftShader here (CPU emulation, no GPU): their figures measure the emulation, not a GPU. A real GPU: bench/gpu/.',
        'The dev machine is shared with other work (see the load average): timings carry that noise.',
      ],
    },
    entries,
  };
  const save = () => {
    results.meta.durationS = elapsed();
    results.meta.machine.loadavgEnd = os.loadavg();
    writeFileSync(path.join(outDir, `${base}.json`), JSON.stringify(results, null, 1) + '\n');
  };
  const record = (e: Entry) => {
    entries.push(e);
    const r = e.result ?? {};
    const brief = e.status === 'skipped' ? `skipped: ${e.reason}` : `${e.status}${e.reason ? `: ${e.reason.slice(0, 200)}` : ''}` +
      (r.tokensPerSecond ? `, ${r.tokensPerSecond} tokens/s` : r.tokensPerSecondForwardBackward ? `, ${r.tokensPerSecondForwardBackward} tokens/s (fwd+bwd)` : '') +
      (r.ceilingGflops ? `, ceiling ${r.ceilingGflops} GFLOP/s` : '') + (r.totalMs && e.section === 'load' ? `, ${r.totalMs} ms` : '') +
      (e.memory?.VmHWM ? `, peak RSS ${(e.memory.VmHWM / 2 ** 30).toFixed(2)} GiB` : '') + (e.section === 'memory' && e.result ? `, ${memoryBrief(e.result)}` : '');
    say(`  = ${e.id}: ${brief}`);
    save();
  };
  const overBudget = (i: PlanItem) => elapsed() + i.estS > budgetS;

  say(`GPT-2 Studio bench (${quick ? 'quick' : 'full'}): ${plan.length} items, budget ${budgetS} s; results in ${outDir}`);
  // One pass in plan order (most important first); Vite + Chromium start at the first browser item and stay up.
  let h: Harness | null = null;
  let browserDown: string | null = null;
  const browser = async (): Promise<Harness | null> => {
    if (h || browserDown) return h;
    try {
      const { startBrowser } = await import('./browser');
      say(`- starting Vite + Chromium (${Math.round(elapsed())} s)`);
      const b = await startBrowser();
      h = b.h;
      results.meta.chromium = b.version;
      results.meta.webgpuAdapter = b.h.gpu;
    } catch (e) {
      browserDown = `Chromium did not start: ${(e as Error).message.split('\n')[0]}`;
    }
    return h;
  };
  try {
    for (const item of plan) {
      const base = { id: item.id, section: item.section, env: item.env, backend: item.backend, note: item.note };
      if (item.skip) { record({ ...base, status: 'skipped', reason: item.skip }); continue; }
      if (overBudget(item)) { record({ ...base, status: 'skipped', reason: `time budget: ${Math.round(elapsed())} s spent of ${budgetS} s, this item takes ~${item.estS} s` }); continue; }
      if (item.env === 'node') {
        say(`- ${item.id} (${Math.round(elapsed())} s)`);
        record(item.task?.kind === 'memory' ? await memoryEntry(item) : nodeEntry(item, await runChild(item)));
        continue;
      }
      const hh = await browser();
      if (!hh) { record({ ...base, status: 'skipped', reason: browserDown ?? 'no browser' }); continue; }
      say(`- ${item.id} (${Math.round(elapsed())} s)`);
      if (item.task?.kind === 'memory') { record(await memoryEntry(item, hh.url)); continue; }
      const { runInBrowser } = await import('./browser');
      const r = await runInBrowser(hh, item, (line) => say(`    ${line}`));
      const e: Entry = { ...base, task: item.task, status: 'ok', pageErrors: r.pageErrors.length ? r.pageErrors : undefined };
      if (r.output) { e.result = r.output.result; e.memory = r.output.memory; e.backendInfo = r.output.backend; e.ms = r.output.ms; }
      if (r.timedOut) { e.status = 'timeout'; e.result = r.partial ?? undefined; e.reason = `stopped after ${item.timeoutS} s` + (r.partial?.running ? ` during ${String(r.partial.running)}` : ''); }
      else if (r.error) { e.status = 'error'; e.reason = r.error.split('\n')[0]; }
      else if (!r.output?.ok) { e.status = 'error'; e.reason = (r.output?.error ?? '').split('\n').slice(0, 2).join(' '); }
      else if (failureOf(r.output.result)) { e.status = 'failed'; e.reason = failureOf(r.output.result); }
      record(e);
    }
  } finally {
    await (h as Harness | null)?.close();
  }

  save();
  const md = markdown(results);
  writeFileSync(path.join(outDir, `${base}.md`), md);
  say('\n' + md);
  say(`(${Math.round(elapsed())} s; ${path.relative(process.cwd(), path.join(outDir, `${base}.json`))}, ${path.relative(process.cwd(), path.join(outDir, `${base}.md`))})`);
}

/** --render: only rewrite the markdown from the results JSON (after changing lib/report.ts). */
function render(): void {
  const res = JSON.parse(readFileSync(path.join(outDir, `${base}.json`), 'utf8')) as Results;
  writeFileSync(path.join(outDir, `${base}.md`), markdown(res));
  say(markdown(res));
}

try {
  if (argv.includes('--render')) render(); else await main();
} finally {
  rmSync(tmp, { recursive: true, force: true });
  if (existsSync(LOAD_DIR)) rmSync(LOAD_DIR, { recursive: true, force: true });
}
// Vite's and Chromium's handles may linger after close().
process.exit(0);
