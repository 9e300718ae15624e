// Peak memory of one GPT-2 124M training step (batch 1, wasm in Node) against the block size: 128, 256, 512, 1024,
// with the activations kept and with gradient checkpointing (each block recomputed in the backward pass), next to
// the memory plan's estimate. Each measurement runs in a process of its own. `npm run bench` runs it too
// (blockSizeRow, in its `memory` items).
//
//   node --import tsx bench/memory/block_size.ts [--blocks 128,256,512,1024] [--modes kept,recomputed]
//
// A configuration the plan refuses (the activations of block 512 and 1024 kept) is measured only with --all: it
// aborts when the heap reaches its 4 GiB ceiling.
import { initBackend } from '../../src/core/backend';
import { GPT2 } from '../../src/core/gpt2/model';
import { Trainer } from '../../src/core/train/trainer';
import { resolveArgs } from '../../src/core/train/args';
import { describeRefusal, deviceBudget, planTraining } from '../../src/core/train/memory_plan';
import { GPT2_124M, child, isMain, jsAndWasm, peakRss } from './common';
import { WASM_BLOCK, type WasmBlockRow } from './tables';
import { row, tableHead } from '../lib/report';

type Measured = Required<Omit<WasmBlockRow, 'refusal' | 'loadAverage'>>;

const plan = (blockSize: number, recompute: boolean) => planTraining({ config: GPT2_124M, batchSize: 1, blockSize, recompute, budget: deviceBudget('wasm', null) });

async function measure(blockSize: number, recompute: boolean): Promise<Measured> {
  await initBackend('wasm');
  const model = GPT2.init(GPT2_124M, 1);
  const blocks = new Int32Array(2 * blockSize).map((_, i) => (i * 7919) % GPT2_124M.vocab_size);
  const trainer = new Trainer(model, { blocks, blockSize, train: [0, 1], validation: [] },
    resolveArgs({ max_steps: 1, per_device_train_batch_size: 1, logging_steps: 1, save_steps: 0, gradient_checkpointing: recompute }), 'wasm');
  const t0 = performance.now();
  await trainer.train();
  const stepSeconds = (performance.now() - t0) / 1000;
  const { js, wasm } = jsAndWasm();
  return { blockSize, recompute, peakRss: peakRss(), wasmHeap: wasm, js, estimate: plan(blockSize, recompute).estimate.total, stepSeconds };
}

/** One configuration, measured in a process of its own (killed after `timeoutS`), or refused by the plan (unless `all`). */
export async function blockSizeRow(blockSize: number, recompute: boolean, opts: { all?: boolean; timeoutS?: number } = {}): Promise<WasmBlockRow> {
  const p = plan(blockSize, recompute);
  const refusal = describeRefusal(p, { batchSize: 'per_device_train_batch_size', blockSize: 'block_size', backend: 'backend', backendLabel: (b) => b });
  if (refusal && !opts.all) return { blockSize, recompute, estimate: p.estimate.total, refusal };
  return child<Measured>(import.meta.url, [String(blockSize), String(recompute)], opts.timeoutS);
}

const argv = process.argv.slice(2);
if (isMain(import.meta.url) && argv[0] === '--child') {
  console.log(JSON.stringify(await measure(Number(argv[1]), argv[2] === 'true')));
} else if (isMain(import.meta.url)) {
  const list = (flag: string, dflt: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : dflt).split(',');
  console.log(tableHead(WASM_BLOCK.head));
  for (const blockSize of list('--blocks', '128,256,512,1024').map(Number)) for (const mode of list('--modes', 'kept,recomputed')) {
    console.log(row(WASM_BLOCK.cells(await blockSizeRow(blockSize, mode === 'recomputed', { all: argv.includes('--all') }))));
  }
}
