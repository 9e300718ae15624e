// Peak memory of one GPT-2 124M training step (batch 1, wasm in Node) against the block size: 128, 256, 512, 1024,
// with the activations kept and with gradient checkpointing (each block recomputed in the backward pass), next to
// the memory plan's estimate. Each measurement runs in a process of its own.
//
//   node --import tsx bench/memory/block_size.ts [--blocks 128,256,512,1024] [--modes kept,recomputed]
//
// A configuration the plan refuses (the activations of block 512 and 1024 kept) is measured only with --all: it
// aborts when the heap reaches its 4 GiB ceiling.
import { initBackend } from '../../src/core/backend';
import { GPT2 } from '../../src/core/gpt2/model';
import { Trainer } from '../../src/core/train/trainer';
import { resolveArgs } from '../../src/core/train/args';
import { deviceBudget, planTraining } from '../../src/core/train/memory_plan';
import { GPT2_124M, child, gib, jsAndWasm, peakRss } from './common';

interface Measured { blockSize: number; recompute: boolean; peakRss: number; wasmHeap: number; js: number; estimate: number; stepSeconds: number }

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
  const plan = planTraining({ config: GPT2_124M, batchSize: 1, blockSize, recompute, budget: deviceBudget('wasm', null) });
  return { blockSize, recompute, peakRss: peakRss(), wasmHeap: wasm, js, estimate: plan.estimate.total, stepSeconds };
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  console.log(JSON.stringify(await measure(Number(argv[1]), argv[2] === 'true')));
} else {
  const list = (flag: string, dflt: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : dflt).split(',');
  const blocks = list('--blocks', '128,256,512,1024').map(Number);
  const modes = list('--modes', 'kept,recomputed');
  console.log('| block | activations | peak RSS | wasm heap | JS heap and buffers | plan\'s estimate | step | load average |\n|---|---|---|---|---|---|---|---|');
  for (const blockSize of blocks) for (const mode of modes) {
    const recompute = mode === 'recomputed';
    const plan = planTraining({ config: GPT2_124M, batchSize: 1, blockSize, recompute, budget: deviceBudget('wasm', null) });
    if (plan.refusal && !argv.includes('--all')) { console.log(`| ${blockSize} | ${mode} | refused by the plan (${gib(plan.estimate.total)}) | | | | | |`); continue; }
    const m = child<Measured>(import.meta.url, [String(blockSize), String(recompute)]);
    console.log(`| ${blockSize} | ${mode} | ${gib(m.peakRss)} | ${gib(m.wasmHeap)} | ${gib(m.js)} | ${gib(m.estimate)} | ${m.stepSeconds.toFixed(0)} s | ${m.loadAverage} |`);
  }
}
