// GPU buffer memory of one GPT-2 124M training step (batch 1, webgpu in Chromium) against the block size: 128, 256,
// 512, 1024, with the activations kept and with gradient checkpointing, next to the memory plan's estimate. The
// WebGPU half of bench/memory/block_size.ts (wasm in Node).
//
//   node --import tsx bench/memory/webgpu_block_size.ts [--blocks 128,256,512,1024] [--modes kept,recomputed] [--all]
//
// Here WebGPU runs on SwiftShader (a CPU emulation, ~0.24 GFLOP/s): a 124M step would take many minutes. It need not
// run to be measured. tf.memory()'s GPU figures are tfjs-backend-webgpu's bookkeeping of its buffer pool, kept in
// JavaScript as kernels are *dispatched*: a kernel's output buffer is taken from the pool (or created) when the op is
// called, and a disposed tensor's buffer goes back to the pool when the command encoder is submitted
// (queue.submit, every 15 dispatches and before a read), whatever the GPU has run by then. The pool never shrinks
// (only the staging buffers of uploads are destroyed, at the next submit), so numBytesAllocatedInGPU once the step is
// dispatched is the buffer memory the step has made the device hold, and the GPU's speed does not enter it. The
// Trainer's step reads nothing back (trainer.ts: losses, grad norms and the non-finite guard stay on the device until
// the logging read), so trainer.train() returns its promise with the whole step (forward, backward, AdamW) and its
// loss read enqueued; the page reads tf.memory() then, checks that tfjs did not read a GPU buffer synchronously on
// the way (readSync would wait for the GPU), and is closed without waiting for SwiftShader.
//
// The method is checked on the fixture shape tiny-gpt2-v512, whose step SwiftShader finishes in seconds: its figure
// when the step was dispatched must equal the one when the step's loss has been read back (the GPU has run the whole
// step). The script prints both.
//
// Columns: the pool's size (numBytesAllocatedInGPU: buffers created, in use or free for reuse; a free buffer is
// reused only for the same byte size), the most bytes in use at once (the largest numBytesInGPU during the dispatch),
// the tensors alive after the step (numBytes: weights, AdamW moments, the loss read), the plan's estimate for the
// page's budget (src/core/train/memory_plan.ts with this adapter's limits and navigator.deviceMemory, as the studio's
// worker gets them), how long the dispatch took, and GPT2.init before it (random weights made on the CPU). The
// dispatch's wall time is not the page's work alone: Chromium's WebGPU calls go to the GPU process, which SwiftShader
// keeps busy with the step already submitted, on the same two cores (block 1024 recomputed: 52 s of wall time, 7 s of
// CPU time in the page's process, init included, with other jobs on the machine). It does not enter the figures.
// A configuration the plan refuses is measured only with --all. `npm run bench` runs it too (webgpuCheckRow and
// webgpuBlockRow, in its `memory` items, on the runner's dev server).
import { launchChromium, startDevServer } from '../../e2e/harness';
import type { StepMemory, StepRequest } from './webgpu_step';
import { MODELS } from '../lib/suite';
import { isMain } from './common';
import { WEBGPU_BLOCK, WEBGPU_CHECK, type WebgpuBlockRow, type WebgpuCheckRow } from './tables';
import { row, tableHead } from '../lib/report';

const GPT2_124M = { model_type: 'gpt2' };

/**
 * One measurement in a browser of its own. Closing a page does not stop SwiftShader: the GPU process goes on running
 * the abandoned step for minutes, and the next page's work waits behind it. Closing the browser ends it.
 */
async function measure(url: string, req: StepRequest, timeoutS = Infinity): Promise<StepMemory> {
  const browser = await launchChromium();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(`console.error: ${m.text()}`); });
    await page.goto(`${url}/bench/memory/webgpu_step.html`);
    await page.waitForFunction(() => window.webgpuStep !== undefined, undefined, { timeout: 90_000 });
    const job = page.evaluate((r) => window.webgpuStep!.run(r), req);
    job.catch(() => {}); // rejects when the browser closes
    const stop = new Promise<never>((_, reject) => { if (Number.isFinite(timeoutS)) timer = setTimeout(() => reject(new Error(`stopped after ${timeoutS} s`)), timeoutS * 1000); });
    const out = await Promise.race([job, stop]);
    out.gpuErrors.push(...errors);
    return out;
  } finally {
    clearTimeout(timer);
    await browser.close();
  }
}

const mb = (b: number | null) => `${((b ?? NaN) / 1e6).toFixed(2)} MB`;
/** What makes a measurement untrustworthy: a synchronous read of the GPU, WebGPU errors. */
const problems = (m: StepMemory) => [...(m.readSyncFromGpu ? ['tfjs read a GPU buffer synchronously during the step'] : []), ...m.gpuErrors].join('; ');

/** The check on tiny-gpt2-v512 (block 64): the figure read when the step is dispatched against the one after the GPU has finished it. */
export async function webgpuCheckRow(url: string, recompute: boolean, timeoutS?: number): Promise<WebgpuCheckRow> {
  const m = await measure(url, { config: MODELS['tiny-gpt2-v512'].config, blockSize: 64, recompute, complete: true }, timeoutS);
  return { recompute, dispatched: m.dispatched!.numBytesAllocatedInGPU, completed: m.completed!.numBytesAllocatedInGPU, dispatchSeconds: m.dispatchMs! / 1000, doneSeconds: m.completed!.ms / 1000, problems: problems(m) };
}

/** One GPT-2 124M step (batch 1), in a Chromium of its own; refused by the plan, not measured unless `all`. */
export async function webgpuBlockRow(url: string, blockSize: number, recompute: boolean, opts: { all?: boolean; timeoutS?: number } = {}): Promise<WebgpuBlockRow> {
  const m = await measure(url, { config: GPT2_124M, blockSize, recompute, complete: false, measureRefused: opts.all }, opts.timeoutS);
  const limits = `WebGPU adapter ${m.limits.adapter}: maxBufferSize ${mb(m.limits.maxBufferSize)}, maxStorageBufferBindingSize ${mb(m.limits.maxStorageBufferBindingSize)}; navigator.deviceMemory ${m.limits.memoryGB} GB`;
  const r: WebgpuBlockRow = { blockSize, recompute, estimate: m.plan.estimate, refusal: m.plan.refusal, problems: problems(m), limits };
  if (!m.dispatched) return r;
  return { ...r, allocated: m.dispatched.numBytesAllocatedInGPU, peakInUse: m.peakInUse, tensorsAfter: m.dispatched.numBytes, dispatchSeconds: m.dispatchMs! / 1000, initSeconds: m.initMs! / 1000,
    grewTo: m.timer!.maxAllocated > m.dispatched.numBytesAllocatedInGPU ? m.timer!.maxAllocated : undefined };
}

if (isMain(import.meta.url)) {
  const argv = process.argv.slice(2);
  const list = (flag: string, dflt: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : dflt).split(',');
  const server = await startDevServer();
  try {
    console.log('Check on tiny-gpt2-v512 (block 64), whose step SwiftShader finishes:\n');
    console.log(tableHead(WEBGPU_CHECK.head));
    for (const mode of ['kept', 'recomputed']) console.log(row(WEBGPU_CHECK.cells(await webgpuCheckRow(server.url, mode === 'recomputed'))));

    console.log('\nGPT-2 124M, batch 1, one training step (forward, backward, AdamW) on webgpu:\n');
    console.log(tableHead(WEBGPU_BLOCK.head));
    let limits = '';
    for (const blockSize of list('--blocks', '128,256,512,1024').map(Number)) for (const mode of list('--modes', 'kept,recomputed')) {
      const r = await webgpuBlockRow(server.url, blockSize, mode === 'recomputed', { all: argv.includes('--all') });
      limits = r.limits;
      console.log(row(WEBGPU_BLOCK.cells(r)));
    }
    console.log(`\n${limits}`);
  } finally {
    await server.close();
  }
}
