// One measurement in its own Node process, so that its peak RSS (VmHWM) is its own:
//   node --import tsx bench/node/child.ts '<task JSON>' <result file>   (bench/run.ts runs it bundled by esbuild)
// Runs a suite task (bench/lib/suite.ts) on the task's backend, or one of the Node-only tasks below (tokenization,
// model load), and writes {result, memory, backend, ms} as JSON to the result file.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { initBackend, type BackendName } from '../../src/core/backend';
import { runTask, backendInfo, type Task, type Result } from '../lib/suite';
import { nodeHost, procStatus } from './host';
import { wasmHeapBytes } from '../../src/core/backend/host_memory';
import { nodeTasks, type NodeTask } from './tasks';

export type ChildTask = (Task | NodeTask) & { backend: BackendName | 'none' };

export interface ChildOutput {
  ok: boolean;
  /** Written while the task runs: what it had when it was stopped. */
  partial?: boolean;
  result?: Result;
  error?: string;
  backend?: Record<string, unknown>;
  /** VmHWM (peak RSS) and VmRSS at the end, from /proc/self/status, in bytes. */
  memory: Record<string, number>;
  ms: number;
}

async function main(): Promise<void> {
  const [json, outFile] = process.argv.slice(2);
  const task = JSON.parse(json) as ChildTask;
  const t0 = performance.now();
  const out: ChildOutput = { ok: false, memory: {}, ms: 0 };
  try {
    if (task.backend !== 'none') {
      // Bundled (bench/run.ts), the wasm backend cannot find its .wasm files beside itself: the parent says where.
      await initBackend(task.backend, process.env.GPT2_BENCH_WASM_DIR ? { wasmPaths: process.env.GPT2_BENCH_WASM_DIR } : {});
      out.backend = await backendInfo();
    }
    const host = nodeHost();
    // Partial results, in case the parent kills this process at its timeout.
    host.progress = (partial) => writeFileSync(path.resolve(outFile), JSON.stringify({ ...out, partial: true, result: partial, memory: procStatus(), ms: Math.round(performance.now() - t0) }));
    out.result = task.kind in nodeTasks
      ? await nodeTasks[task.kind as NodeTask['kind']](task as NodeTask, host)
      : await runTask(task as Task, host);
    out.ok = true;
    const w = wasmHeapBytes();
    if (w !== undefined) out.memory.wasmHeapBytes = w;
  } catch (e) {
    out.error = (e as Error).stack ?? String(e);
  }
  Object.assign(out.memory, procStatus());
  out.ms = Math.round(performance.now() - t0);
  writeFileSync(path.resolve(outFile), JSON.stringify(out));
  // tfjs keeps nothing alive that should hold the process; exit explicitly all the same.
  process.exit(0);
}

await main();
