// The trainer against the PyTorch Trainer runs of the reference fixtures, on cpu and wasm.
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { GPT2 } from '../gpt2/model';
import { Trainer } from './trainer';
import { resolveArgs, type TrainingArguments } from './args';
import { loadReference, REFERENCES } from '../../../test/reference';
import { compareRun } from '../../../test/compare_run';

function runArgs(args: Record<string, number | string>): TrainingArguments {
  return resolveArgs({ ...(args as Partial<TrainingArguments>), shuffle: false, dropout: 0, logging_steps: 1, save_steps: 0 });
}

describe.each(['cpu', 'wasm'] as const)('Trainer on %s', (backend) => {
  beforeAll(async () => { await initBackend(backend); });

  for (const name of REFERENCES) {
    const ref = loadReference(name);
    for (const [runName, run] of Object.entries(ref.run.runs)) {
      it(`reproduces ${name} run "${runName}" with no tensor leak`, async () => {
        const before = tf.memory().numTensors;
        const model = GPT2.fromArrays(ref.config, ref.weights);
        const data = { blocks: ref.blocks, blockSize: ref.run.block_size, train: Array.from({ length: ref.run.num_blocks }, (_, i) => i), validation: [] };
        const trainer = new Trainer(model, data, runArgs(run.args), backend);
        await trainer.train();
        const final = new Map<string, Float32Array>();
        for (const [n, t] of model.params) final.set(n, (await t.data()) as Float32Array);
        expect(compareRun(runName, run, ref.expected, trainer.logHistory, final)).toEqual([]);
        const summary = trainer.logHistory.at(-1)!;
        expect(summary.backend).toBe(backend);
        expect(summary.step).toBe(run.log_history.length);
        trainer.dispose();
        model.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }
});
