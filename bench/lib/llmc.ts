// llm.c's CPU throughput, the bar for training without a GPU: `train_gpt2.c` (fp32, OpenMP) measured on this
// project's 2-core dev machine on 2026-12-01 (issue 13), until the bench can run llm.c beside itself. Keyed by the
// bench's model name, block and batch.

export interface LlmcAnchor {
  model: string;
  block: number;
  batch: number;
  /** tokens/s with OMP_NUM_THREADS=1 and 2. */
  oneThread: number;
  twoThreads: number;
  /** Our target, as a fraction of llm.c with as many threads as we use (1 in Node, 2 in Chromium's threaded wasm). */
  target: { oneThread: number; twoThreads: number };
}

export const LLMC_ANCHORS: LlmcAnchor[] = [
  { model: '124M', block: 128, batch: 1, oneThread: 28.9, twoThreads: 51.3, target: { oneThread: 1.0, twoThreads: 0.8 } },
  { model: 'llmc-tiny', block: 64, batch: 8, oneThread: 22900, twoThreads: 33600, target: { oneThread: 0.7, twoThreads: 0.7 } },
];

export function llmcAnchor(model: string, block: number, batch: number): LlmcAnchor | undefined {
  return LLMC_ANCHORS.find((a) => a.model === model && a.block === block && a.batch === batch);
}
