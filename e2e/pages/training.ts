// The browser side of e2e/training.test.ts: a reference run of ../shared/fixtures (run.json) driven through the
// studio's own Web Worker and protocol, as the page drives it: load the model by URL, load the blocks as a .u16
// dataset, choose the backend, train, export the zip. The exported weights and the log_history are compared with
// the reference in the page; the mismatches (none, when it passes) go back to the test.
import * as Comlink from 'comlink';
import { unzipSync } from 'fflate';
import type { StudioApi, LogEntry, Said } from '../../src/worker/protocol';
import type { BackendName } from '../../src/core/backend';
import { parseSafetensors } from '../../src/core/io/safetensors';
import { compareRun, type RunReference } from '../../test/compare_run';

export interface TrainingSummary { backend: string; steps: number; mismatches: string[]; refused: string; seconds: number }

const log = (s: string) => { document.getElementById('log')!.textContent += s + '\n'; };

async function run(backend: BackendName, reference: string, runName: string): Promise<TrainingSummary> {
  const start = performance.now();
  const api = Comlink.wrap<StudioApi>(new Worker(new URL('../../src/worker/worker.ts', import.meta.url), { type: 'module' }));
  const base = `/fixtures/reference/${reference}/`;
  const ref = await (await fetch(base + 'run.json')).json();
  const run = ref.runs[runName] as RunReference & { args: Record<string, number | string> };
  const state = await api.setBackend(backend);
  log(`${reference}/${runName} on ${state.report.backend}`);
  await api.loadModel({ kind: 'url', base: new URL(base + ref.model_dir, location.href).pathname.replace(/\/?$/, '/') }, Comlink.proxy(() => {}));
  const blocks = new Uint8Array(await (await fetch(base + ref.blocks)).arrayBuffer());
  const dataset = { blockSize: ref.block_size, validationSplitPercentage: 0 };
  await api.loadDataset([{ name: 'blocks.u16', bytes: blocks }], dataset, Comlink.proxy(() => {}));
  const logs: LogEntry[] = [];
  const args = { ...run.args, shuffle: false, dropout: 0, logging_steps: 1, save_steps: 0, eval_steps: 0 };
  // The worker refuses on its own what cannot fit (the page's check aside), in the page's words.
  const refused = await api.train({ args: { ...args, per_device_train_batch_size: 100_000 } as never, dataset, samples: { prompt: '', everyEvaluations: 0, maxNewTokens: 0 } },
    Comlink.proxy({ onLog: () => {}, onProgress: () => {}, onWarning: () => {}, onSample: () => {}, onCheckpoint: () => {} })).then(() => '', (e: Error) => e.message);
  await api.train({ args: args as never, dataset, samples: { prompt: '', everyEvaluations: 0, maxNewTokens: 0 } },
    Comlink.proxy({ onLog: (e: LogEntry) => { logs.push(e); }, onProgress: () => {}, onWarning: (w: Said) => log('warning: ' + w.text), onSample: () => {}, onCheckpoint: () => {} }));
  const zip = unzipSync(new Uint8Array(await (await api.exportModel({ kind: 'zip' }))!.arrayBuffer()));
  // The same folder written as files (into the origin private file system, the API a folder the user picks has).
  const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(`export-${backend}-${runName}`, { create: true });
  await api.exportModel({ kind: 'folder', dir });
  for (const name of Object.keys(zip)) {
    const written = new Uint8Array(await (await (await dir.getFileHandle(name)).getFile()).arrayBuffer());
    if (written.length !== zip[name].length || written.some((b, i) => b !== zip[name][i])) throw new Error(`${name}: the folder export differs from the zip's`);
  }
  const model = parseSafetensors(zip['model.safetensors']);
  const final = new Map([...model.tensors.keys()].map((k) => [k.replace(/^transformer\./, ''), model.float32(k)]));
  const expected = parseSafetensors(new Uint8Array(await (await fetch(base + 'expected.safetensors')).arrayBuffer()), 'expected.safetensors');
  const mismatches = compareRun(runName, run, expected, logs as Array<Record<string, number>>, final);
  log(mismatches.length ? mismatches.join('\n') : 'matches');
  return { backend: state.report.backend, steps: logs.filter((e) => 'loss' in e).length, mismatches, refused, seconds: (performance.now() - start) / 1000 };
}

declare global { interface Window { training?: { run: typeof run } } }
window.training = { run };
