// `gpt2-studio export-run`: a run trained here, written for Hugging Face's run_clm.py: every flag of the command is
// a real one, the settings map over, the data files make the very blocks trained on, and the weights are the
// checkpoint's. Subprocesses on the fixture emails and tiny model.
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli } from '../../test/cli';
import { fixture } from '../../test/fixtures';
import { tempDirs } from '../../test/tmp';
import { RUN_CLM_FLAGS, blocksOf, commandArgs, runClmBlocks } from '../../test/run_clm';
import { prepareDataset } from '../core/data';
import { readTokenizer } from '../core/io/model_folder';
import { parseSafetensors } from '../core/io/safetensors';
import { dirSource, openDataFile } from '../node/fs_source';

const model = fixture('models', 'tiny-gpt2-v512');
const mbox = fixture('emails', 'dev', 'messages.mbox');
const settings = ['--model_name_or_path', model, '--train_file', mbox, '--block_size', '32', '--max_steps', '6', '--save_steps', '3',
  '--logging_steps', '1', '--eval_steps', '3', '--per_device_train_batch_size', '2', '--gradient_accumulation_steps', '2',
  '--learning_rate', '1e-3', '--warmup_steps', '2', '--weight_decay', '0.1', '--dropout', '0.1', '--validation_split_percentage', '10', '--backend', 'cpu'];
const tempDir = tempDirs('gpt2-studio-export-');
let dir: string;

const command = (exported: string) => commandArgs(readFileSync(path.join(exported, 'run_clm.sh'), 'utf8'));
const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string });

describe('export-run', () => {
  beforeAll(async () => {
    dir = tempDir();
    const r = await cli(['train', ...settings, '--output_dir', path.join(dir, 'out')]);
    expect(r.code, r.stderr).toBe(0);
    const e = await cli(['export-run', ...settings, '--resume_from_checkpoint', path.join(dir, 'out', 'checkpoint-3'), '--output_dir', path.join(dir, 'py')]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout.trim()).toMatch(/^accelerate launch run_clm\.py --model_name_or_path model /);
  });

  it('writes run_clm.sh whose every flag is a flag of run_clm.py or TrainingArguments, with our settings continued from step 3', () => {
    const c = command(path.join(dir, 'py'));
    expect(c.size).toBeGreaterThan(20);
    for (const f of c.keys()) expect(RUN_CLM_FLAGS.has(f), `--${f}`).toBe(true);
    expect(Object.fromEntries(c)).toEqual({
      model_name_or_path: 'model', train_file: 'data/train.json', validation_file: 'data/validation.json', block_size: '32',
      do_train: '', do_eval: '', output_dir: 'output', per_device_train_batch_size: '2', per_device_eval_batch_size: '8',
      gradient_accumulation_steps: '2',
      // 3 of 6 steps done after 2 of warmup: the linear schedule's rest is 1e-3 · (6 − 3) / (6 − 2) down to 0 over 3 steps.
      max_steps: '3', learning_rate: '0.00075', lr_scheduler_type: 'linear', warmup_steps: '0',
      weight_decay: '0.1', adam_beta1: '0.9', adam_beta2: '0.999', adam_epsilon: '1e-8', max_grad_norm: '1',
      logging_steps: '1', eval_strategy: 'steps', eval_steps: '3', save_steps: '3', seed: '42',
    });
    const readme = readFileSync(path.join(dir, 'py', 'README.md'), 'utf8');
    expect(readme).toContain('--learning_rate 0.00075');
    expect(readme).toMatch(/continues from step 3 of 6/);
    expect(readme).toMatch(/AdamW's moments from zero/);
  });

  it('writes the dataset as JSON Lines that make, in run_clm.py, the very blocks trained on here', async () => {
    const tok = await readTokenizer(await dirSource(model));
    const ours = await prepareDataset([await openDataFile(mbox)], tok, { blockSize: 32, validationSplitPercentage: 10 });
    for (const [file, want] of [['train.json', ours.train], ['validation.json', ours.validation]] as const) {
      const jsonLines = readFileSync(path.join(dir, 'py', 'data', file), 'utf8');
      expect(jsonLines.trim().split('\n').length).toBeLessThanOrEqual(1000);
      expect(runClmBlocks(jsonLines, (t) => tok.encode(t), 32), file).toEqual(blocksOf(ours, want));
    }
    expect(lines(path.join(dir, 'py', 'data', 'train.json'))[0].text).toMatch(/<\|endoftext\|>$/);
  });

  it('writes the checkpoint\'s weights as a model folder with the dropout in its config', () => {
    const st = (p: string) => parseSafetensors(new Uint8Array(readFileSync(p)));
    const want = st(path.join(dir, 'out', 'checkpoint-3', 'model.safetensors')), got = st(path.join(dir, 'py', 'model', 'model.safetensors'));
    expect([...got.tensors.keys()]).toEqual([...want.tensors.keys()]);
    for (const k of want.tensors.keys()) expect(got.float32(k), k).toEqual(want.float32(k));
    const base = st(path.join(model, 'model.safetensors'));
    expect(got.float32('transformer.wte.weight')).not.toEqual(base.float32([...base.tensors.keys()].find((k) => k.endsWith('wte.weight'))!));
    const config = JSON.parse(readFileSync(path.join(dir, 'py', 'model', 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'gpt2', embd_pdrop: 0.1, attn_pdrop: 0.1, resid_pdrop: 0.1, n_embd: 48 });
    for (const f of ['tokenizer.json', 'vocab.json', 'merges.txt', 'tokenizer_config.json', 'generation_config.json']) expect(existsSync(path.join(dir, 'py', 'model', f)), f).toBe(true);
  });

  it('maps a finished run, file order, no checkpoints, no validation and recomputation: the same run again, sequential, save_strategy no, gradient_checkpointing', async () => {
    const out = path.join(dir, 'again');
    const r = await cli(['export-run', ...settings, '--resume_from_checkpoint', path.join(dir, 'out'), '--output_dir', out,
      '--shuffle', 'false', '--save_steps', '0', '--validation_split_percentage', '0', '--lr_scheduler_type', 'cosine', '--gradient_checkpointing', 'true']);
    expect(r.code, r.stderr).toBe(0);
    const c = command(out);
    for (const f of c.keys()) expect(RUN_CLM_FLAGS.has(f), `--${f}`).toBe(true);
    expect(c.get('max_steps')).toBe('6');
    expect(c.get('learning_rate')).toBe('0.001');
    expect(c.get('warmup_steps')).toBe('2');
    expect(c.get('lr_scheduler_type')).toBe('cosine');
    expect(c.get('train_sampling_strategy')).toBe('sequential');
    expect(c.get('save_strategy')).toBe('no');
    expect(c.get('gradient_checkpointing')).toBe('');
    for (const f of ['save_steps', 'validation_file', 'do_eval', 'eval_strategy']) expect(c.has(f), f).toBe(false);
    expect(existsSync(path.join(out, 'data', 'validation.json'))).toBe(false);
    expect(readFileSync(path.join(out, 'README.md'), 'utf8')).toMatch(/had finished \(6 steps\)/);
  });

  it.each([
    ['a missing training file', ['--train_file', '/nonexistent/mails.mbox'], /^gpt2-studio export-run: error: \/nonexistent\/mails\.mbox: no such file$/],
    ['a folder that is no checkpoint', ['--resume_from_checkpoint', 'EMPTY'], /^gpt2-studio export-run: error: .*: no trainer_state\.json with a global_step \(expected a checkpoint-N folder written by train\)$/],
  ])('refuses %s with one line, exit 2, and writes nothing', async (_what, extra, message) => {
    const out = path.join(dir, 'refused');
    const empty = path.join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    writeFileSync(path.join(empty, 'notes.txt'), 'not a checkpoint');
    const r = await cli(['export-run', ...settings, ...extra.map((a) => (a === 'EMPTY' ? empty : a)), '--output_dir', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd()).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });
});
