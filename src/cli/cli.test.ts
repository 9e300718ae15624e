// The command line against the reference fixtures, as subprocesses, on the two Node backends.
import { describe, it, expect, beforeAll } from 'vitest';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { cli, runFlags } from '../../test/cli';
import { fixture } from '../../test/fixtures';
import { tempDirs } from '../../test/tmp';
import { loadReference, ALL_REFERENCES, maxAbsDiff } from '../../test/reference';
import { compareRun } from '../../test/compare_run';
import { parseSafetensors } from '../core/io/safetensors';

const tmp = tempDirs('gpt2-studio-cli-');

function finalParams(dir: string): Map<string, Float32Array> {
  const st = parseSafetensors(new Uint8Array(readFileSync(path.join(dir, 'model.safetensors'))));
  const out = new Map<string, Float32Array>();
  for (const k of st.tensors.keys()) out.set(k.replace(/^transformer\./, ''), st.float32(k));
  return out;
}

describe.each(['cpu', 'wasm'])('gpt2-studio on %s', (backend) => {
  for (const name of ALL_REFERENCES) {
    const ref = loadReference(name);
    let blocksFile: string;
    beforeAll(() => {
      blocksFile = path.join(tmp(), 'blocks.u16');
      writeFileSync(blocksFile, new Uint16Array(ref.blocks));
    });

    it(`eval reproduces ${name}'s eval_loss`, async () => {
      const r = await cli(['eval', '--model_name_or_path', ref.modelDir, '--tokens_file', blocksFile, '--block_size', String(ref.run.block_size), '--backend', backend]);
      expect(r.stderr).toBe('');
      const out = JSON.parse(r.stdout);
      expect(Math.abs(out.eval_loss - ref.run.eval_loss)).toBeLessThan(1e-4);
      expect(out).toMatchObject({ num_tokens: ref.blocks.length, backend });
      expect(Math.abs(out.perplexity - Math.exp(ref.run.eval_loss)) / out.perplexity).toBeLessThan(1e-3);
    });

    const g = ref.run.generate;
    if (g) it(`generate reproduces ${name}'s greedy continuation and top-5 log-probabilities`, async () => {
      const r = await cli(['generate', '--model_name_or_path', ref.modelDir, '--prompt_ids', g.prompt_ids.join(','), '--max_new_tokens', String(g.max_new_tokens), '--json', '--logprobs', '5', '--backend', backend]);
      const seq = JSON.parse(r.stdout).sequences[0];
      // The fixture's continuation does not stop at EOS; neither id list contains it here.
      expect(seq.ids).toEqual(g.greedy_new_ids);
      const got = seq.logprobs.flat().map((x: { id: number; logprob: number }) => [x.id, x.logprob]);
      const want = g.top5_logprobs.flat();
      expect(got.map((x: number[]) => x[0])).toEqual(want.map((x) => x[0]));
      expect(maxAbsDiff(got.map((x: number[]) => x[1]), want.map((x) => x[1]))).toBeLessThan(1e-4);
    });

    // Gradient checkpointing (recomputing each block in the backward pass) must not change a number.
    for (const [runName, run] of Object.entries(ref.run.runs)) for (const checkpointing of [false, true]) {
      it(`train reproduces ${name} run "${runName}"${checkpointing ? ' with --gradient_checkpointing' : ''}`, async () => {
        const out = path.join(tmp(), 'out');
        const r = await cli(['train', '--model_name_or_path', ref.modelDir, '--train_file', blocksFile, '--output_dir', out,
          '--block_size', String(ref.run.block_size), '--validation_split_percentage', '0', '--shuffle', 'false', '--dropout', '0',
          '--logging_steps', '1', '--save_steps', '0', '--backend', backend, '--gradient_checkpointing', String(checkpointing), ...runFlags(run.args)]);
        expect(r.code, r.stderr).toBe(0);
        expect(JSON.parse(readFileSync(path.join(out, 'training_args.json'), 'utf8')).gradient_checkpointing).toBe(checkpointing);
        const state = JSON.parse(readFileSync(path.join(out, 'trainer_state.json'), 'utf8'));
        expect(compareRun(runName, run, ref.expected, state.log_history, finalParams(out))).toEqual([]);
        // Every training log is also printed as a JSON line.
        expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((e) => 'loss' in e)).toHaveLength(run.log_history.length);
        for (const f of ['config.json', 'generation_config.json', 'training_args.json', 'train_results.json', 'tokenizer.json', 'vocab.json', 'merges.txt']) {
          expect(existsSync(path.join(out, f)), f).toBe(true);
        }
      });
    }
  }
});

describe('stop and resume', () => {
  const model = fixture('models', 'tiny-gpt2-v512');
  const mbox = fixture('emails', 'dev', 'messages.mbox');
  // Shuffling and dropout on: a resumed run must replay the same data order and dropout masks.
  const flags = (out: string) => ['train', '--model_name_or_path', model, '--train_file', mbox, '--output_dir', out, '--block_size', '32',
    '--max_steps', '6', '--save_steps', '3', '--logging_steps', '1', '--eval_steps', '3', '--per_device_train_batch_size', '2',
    '--gradient_accumulation_steps', '2', '--learning_rate', '1e-3', '--warmup_steps', '2', '--weight_decay', '0.1', '--dropout', '0.1'];

  it.each(['cpu', 'wasm'])('a run killed after its checkpoint and resumed ends where an uninterrupted one does (%s)', async (backend) => {
    const full = path.join(tmp(), 'full');
    const a = await cli([...flags(full), '--backend', backend]);
    expect(a.code, a.stderr).toBe(0);
    // Killed with SIGKILL once step 4 is logged (checkpoint-3 is complete by then).
    const killed = path.join(tmp(), 'killed');
    const b = await cli([...flags(killed), '--backend', backend], { onStdout: (c, kill) => { if (c.includes('"step":4')) kill(); } });
    expect(b.signal).toBe('SIGKILL');
    expect(existsSync(path.join(killed, 'model.safetensors'))).toBe(false);
    const c = await cli([...flags(killed), '--backend', backend, '--resume_from_checkpoint', path.join(killed, 'checkpoint-3')]);
    expect(c.code, c.stderr).toBe(0);
    const want = finalParams(full), got = finalParams(killed);
    for (const [n, w] of want) expect(maxAbsDiff(got.get(n)!, w), n).toBe(0);
    const logs = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'trainer_state.json'), 'utf8')).log_history
      .map((e: Record<string, unknown>) => ({ ...e, eval_runtime: 0, eval_samples_per_second: 0, train_runtime: 0, train_samples_per_second: 0, train_steps_per_second: 0, tokens_per_second: 0 }));
    expect(logs(killed)).toEqual(logs(full));
  });

  it('a run that diverges stops after 3 non-finite steps, keeps its last good checkpoint, and resumes from it with a lower learning rate', async () => {
    const out = path.join(tmp(), 'diverged');
    const run = (...more: string[]) => cli(['train', '--model_name_or_path', model, '--train_file', mbox, '--output_dir', out, '--block_size', '32',
      '--logging_steps', '1', '--save_steps', '2', '--backend', 'cpu', '--lr_scheduler_type', 'constant', '--dropout', '0', ...more]);
    expect((await run('--max_steps', '3', '--learning_rate', '1e-3')).code).toBe(0);
    // Step 3's update with a learning rate of 1e30 is finite; every step after it is not.
    const bad = await run('--max_steps', '9', '--learning_rate', '1e30', '--resume_from_checkpoint', path.join(out, 'checkpoint-2'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/warning: step 4: checkpoint-4 not written: the loss or gradient of the last step was not finite/);
    expect(bad.stderr.trim().split('\n').at(-1)).toBe('gpt2-studio train: error: training stopped at step 6: the loss or gradient was not finite ' +
      'for 3 steps in a row; lower the learning rate (checkpoints written before are intact)');
    expect(existsSync(path.join(out, 'checkpoint-4'))).toBe(false);
    const good = await run('--max_steps', '4', '--learning_rate', '1e-4', '--resume_from_checkpoint', path.join(out, 'checkpoint-2'));
    expect(good.code, good.stderr).toBe(0);
    const losses = JSON.parse(readFileSync(path.join(out, 'trainer_state.json'), 'utf8')).log_history.filter((e: { loss?: number }) => 'loss' in e);
    expect(losses.map((e: { step: number }) => e.step)).toEqual([1, 2, 3, 4]);
    for (const e of losses) expect(Number.isFinite(e.loss), JSON.stringify(e)).toBe(true);
  });
});

describe('divergence', () => {
  it('a loss that stays far above its start is reported on stderr naming the learning rate, and the weights are still saved', async () => {
    const out = path.join(tmp(), 'out');
    const r = await cli(['train', '--model_name_or_path', fixture('models', 'tiny-gpt2-v512'), '--train_file', fixture('emails', 'dev', 'messages.mbox'),
      '--output_dir', out, '--block_size', '16', '--max_steps', '12', '--logging_steps', '2', '--learning_rate', '1e6']);
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning: '));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning: step 6: the loss \([\d.]+e\+\d+\) has stayed above 2× its starting value \([\d.]+\) for 3 logs: training is diverging, most likely because learning_rate 1000000 is too high; lower it and train again$/);
    expect(existsSync(path.join(out, 'model.safetensors'))).toBe(true);
  });
});
