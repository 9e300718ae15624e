// The Python export's two pieces of arithmetic: the schedule continued from a step, and the data packed so that
// run_clm.py cuts our blocks. Checked against transformers.optimization's schedules (lrLambda) and run_clm.py's
// tokenize-then-group_texts (test/run_clm.ts) on the fixture tokenizer.
import { describe, it, expect, beforeAll } from 'vitest';
import { fixture } from '../../../test/fixtures';
import { runClmBlocks } from '../../../test/run_clm';
import { groupTexts } from '../data';
import { DEFAULT_ARGS, type LrSchedule, type TrainingArguments } from '../train/args';
import { lrLambda, runLength } from '../train/schedule';
import { dirSource } from '../../node/fs_source';
import { readTokenizer } from './model_folder';
import { continuation, runClmExamples } from './python_run';
import type { GPT2Tokenizer } from '../tokenizer';

const args = (over: Partial<TrainingArguments>): TrainingArguments => ({ ...DEFAULT_ARGS, learning_rate: 1e-3, max_steps: 40, per_device_train_batch_size: 2, ...over });

/** The rate of each step left: ours, and Trainer's under the exported flags. */
function rates(a: TrainingArguments, done: number) {
  const { maxSteps: N, warmup: W } = runLength(100, a);
  const c = continuation(a, 100, done);
  const ours = [], theirs = [];
  for (let k = 0; k < c.maxSteps; k++) {
    ours.push(a.learning_rate * lrLambda(a.lr_scheduler_type, done + k, W, N));
    theirs.push(c.learningRate * lrLambda(a.lr_scheduler_type, k, c.warmupSteps, c.maxSteps));
  }
  return { ours, theirs, c };
}

describe('continuation', () => {
  it.each<[LrSchedule, number]>([['linear', 0], ['linear', 5], ['constant', 0], ['constant', 5], ['constant_with_warmup', 5]])(
    '%s with %i warmup steps, continued from step 12 after the warmup, is our schedule exactly', (type, warmup) => {
      const { ours, theirs, c } = rates(args({ lr_scheduler_type: type, warmup_steps: warmup }), 12);
      expect(c.maxSteps).toBe(28);
      expect(c.warmupSteps).toBe(0);
      for (let k = 0; k < ours.length; k++) expect(theirs[k]).toBeCloseTo(ours[k], 15);
      expect(c.notes.join(' ')).not.toMatch(/cosine|warmup restarts/);
    });

  it('cosine from the middle starts and ends where ours does, and says its curve differs', () => {
    const { ours, theirs, c } = rates(args({ lr_scheduler_type: 'cosine', warmup_steps: 4 }), 12);
    expect(theirs[0]).toBeCloseTo(ours[0], 15);
    expect(Math.max(...theirs.map((t, k) => Math.abs(t - ours[k])))).toBeGreaterThan(1e-5);
    expect(c.notes[0]).toMatch(/^The cosine schedule restarts from the rate at step 12/);
  });

  it.each<LrSchedule>(['linear', 'cosine', 'constant_with_warmup'])('%s inside the warmup: the same schedule after it, and a note', (type) => {
    const { ours, theirs, c } = rates(args({ lr_scheduler_type: type, warmup_steps: 10 }), 4);
    expect(c.warmupSteps).toBe(6);
    for (let k = 6; k < ours.length; k++) expect(theirs[k]).toBeCloseTo(ours[k], 15);
    expect(theirs[0]).toBe(0);
    expect(c.notes[0]).toMatch(/^The warmup restarts from 0 over the 6 warmup steps left \(ours had reached 4 of 10\)/);
  });

  it('counts epochs as Trainer does, and carries a finished run on as the same run again', () => {
    // 100 blocks, batch 2, accumulation 3: 50 micro-batches, 16 steps an epoch; 2.5 epochs = 40 steps.
    const a = args({ max_steps: -1, num_train_epochs: 2.5, gradient_accumulation_steps: 3, warmup_ratio: 0.1 });
    expect(continuation(a, 100, 0)).toMatchObject({ maxSteps: 40, warmupSteps: 4, learningRate: 1e-3, notes: [] });
    const again = continuation(a, 100, 40);
    expect(again).toMatchObject({ maxSteps: 40, warmupSteps: 4, learningRate: 1e-3 });
    expect(again.notes).toEqual(['The run had finished (40 steps): the command trains the same 40 steps again, from the fine-tuned weights.']);
  });
});

describe('runClmExamples', () => {
  let tok: GPT2Tokenizer;
  beforeAll(async () => { tok = await readTokenizer(await dirSource(fixture('tokenizers', 'gpt2-v512'))); });

  it('packs 2,500 documents into at most 1,000 examples that run_clm.py cuts into our blocks', () => {
    const docs = Array.from({ length: 2500 }, (_, d) => [...tok.encode(`Message ${d}: ${'lorem ipsum '.repeat(d % 7)}bye\n`), tok.eosTokenId]);
    const ids = docs.flat();
    const ex = runClmExamples(Uint16Array.from(ids), tok);
    expect(ex.lines.length).toBe(834); // 3 documents an example
    expect(ex.changed).toBe(0);
    const g = groupTexts(ids, 16);
    const want = Array.from({ length: g.numBlocks }, (_, i) => Array.from(g.blocks.subarray(i * 16, (i + 1) * 16)));
    expect(runClmBlocks(ex.lines.join(''), (t) => tok.encode(t), 16)).toEqual(want);
    // One example per document would lose a tail per 1,000 examples.
    const perDocument = docs.map((d) => JSON.stringify({ text: tok.decode(d) })).join('\n');
    expect(runClmBlocks(perDocument, (t) => tok.encode(t), 16).length).toBeLessThan(want.length);
  });

  it('counts the examples whose text does not encode back to their ids (token ids that are not the tokenizer\'s encoding)', () => {
    const text = 'hello there, the other one';
    // Each character on its own: the same text, but not the ids the tokenizer gives it (it merges pairs).
    const split = [...text].flatMap((ch) => tok.encode(ch));
    expect(tok.encode(text).length).toBeLessThan(split.length);
    const doc = (ids: number[]) => [...ids, tok.eosTokenId];
    expect(runClmExamples(Uint16Array.from([...doc(tok.encode(text)), ...doc(tok.encode(text))]), tok).changed).toBe(0);
    expect(runClmExamples(Uint16Array.from([...doc(tok.encode(text)), ...doc(split)]), tok)).toMatchObject({ changed: 1 });
  });
});
