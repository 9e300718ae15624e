// LoRA through the command line, as subprocesses: TRL's flags, PEFT's files in output_dir, continuing from an
// adapter (the PyTorch reference in test/fixtures/lora), resuming a checkpoint, eval/generate with an adapter, merge.
import { describe, it, expect } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { cli, runFlags } from '../../test/cli';
import { fixture } from '../../test/fixtures';
import { loadLoraReference, maxAbsDiff } from '../../test/reference';
import { compareRun } from '../../test/compare_run';
import { tempDirs } from '../../test/tmp';
import { parseSafetensors } from '../core/io/safetensors';

const ref = loadLoraReference();
const root = tempDirs('gpt2-studio-lora-')();
const blocksFile = path.join(ref.adapterDir, '..', 'blocks.u16');
const PREFIX = 'base_model.model.transformer.';

function adapterWeights(dir: string): Map<string, Float32Array> {
  const st = parseSafetensors(new Uint8Array(readFileSync(path.join(dir, 'adapter_model.safetensors'))));
  return new Map([...st.tensors.keys()].map((k) => [k.slice(PREFIX.length), st.float32(k)]));
}
const json = (f: string) => JSON.parse(readFileSync(f, 'utf8'));
const evalLoss = async (...more: string[]) => {
  const r = await cli(['eval', '--tokens_file', blocksFile, '--block_size', String(ref.run.block_size), ...more]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).eval_loss as number;
};

describe('gpt2-studio with LoRA', () => {
  it.each(['cpu', 'wasm'])('train --adapter_name_or_path continues the reference adapter: logs and final adapter match PyTorch (%s)', async (backend) => {
    const [runName, run] = Object.entries(ref.run.runs)[0];
    const out = path.join(root, `continue-${backend}`);
    const r = await cli(['train', '--model_name_or_path', ref.modelDir, '--adapter_name_or_path', ref.adapterDir, '--train_file', blocksFile,
      '--output_dir', out, '--block_size', String(ref.run.block_size), '--validation_split_percentage', '0', '--shuffle', 'false', '--dropout', '0',
      '--logging_steps', '1', '--save_steps', '0', '--backend', backend, ...runFlags(run.args)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/trainable params: 9,216 \|\| all params: [\d,]+ \|\| trainable%: /);
    expect(compareRun(runName, run, ref.expected, json(path.join(out, 'trainer_state.json')).log_history, adapterWeights(out))).toEqual([]);
    // PEFT's files, and no full model.
    expect(readFileSync(path.join(out, 'adapter_config.json'), 'utf8').replace('"base_model_name_or_path": "' + ref.modelDir + '"', '"base_model_name_or_path": "tiny-gpt2-v512"'))
      .toBe(readFileSync(path.join(ref.adapterDir, 'adapter_config.json'), 'utf8'));
    expect(existsSync(path.join(out, 'model.safetensors'))).toBe(false);
    for (const f of ['tokenizer.json', 'trainer_state.json', 'training_args.json', 'train_results.json']) expect(existsSync(path.join(out, f)), f).toBe(true);
  });

  it('eval and generate take an adapter; merge writes the model merge_and_unload() makes, which evaluates and generates the same', async () => {
    const adapted = await evalLoss('--model_name_or_path', ref.modelDir, '--adapter_name_or_path', ref.adapterDir);
    expect(Math.abs(adapted - ref.run.eval_loss)).toBeLessThan(1e-4);
    expect(Math.abs(adapted - await evalLoss('--model_name_or_path', ref.modelDir))).toBeGreaterThan(1e-3);
    const merged = path.join(root, 'merged');
    const m = await cli(['merge', '--model_name_or_path', ref.modelDir, '--adapter_name_or_path', ref.adapterDir, '--output_dir', merged]);
    expect(m.code, m.stderr).toBe(0);
    expect(Math.abs(await evalLoss('--model_name_or_path', merged) - adapted)).toBeLessThan(1e-4);
    const weights = parseSafetensors(new Uint8Array(readFileSync(path.join(merged, 'model.safetensors'))));
    for (const key of ref.expected.tensors.keys()) {
      if (key.startsWith('merged.')) expect(maxAbsDiff(weights.float32('transformer.' + key.slice(7)), ref.expected.float32(key)), key).toBeLessThan(1e-6);
    }
    const gen = async (...more: string[]) => {
      const r = await cli(['generate', '--prompt_ids', '1,2,3', '--max_new_tokens', '8', '--json', ...more]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout).sequences[0].ids as number[];
    };
    expect(await gen('--model_name_or_path', merged)).toEqual(await gen('--model_name_or_path', ref.modelDir, '--adapter_name_or_path', ref.adapterDir));
  });

  it('train --use_peft writes PEFT\'s files; a run resumed from its LoRA checkpoint ends where an uninterrupted one does', async () => {
    const flags = (out: string) => ['train', '--model_name_or_path', fixture('models', 'tiny-gpt2-v512'), '--train_file', fixture('emails', 'dev', 'messages.mbox'),
      '--output_dir', out, '--block_size', '32', '--max_steps', '4', '--save_steps', '2', '--logging_steps', '1', '--per_device_train_batch_size', '2',
      '--learning_rate', '1e-2', '--use_peft', '--lora_r', '2', '--lora_alpha', '6', '--lora_dropout', '0.1', '--lora_target_modules', 'c_attn,mlp.c_proj'];
    const full = path.join(root, 'peft-full');
    const a = await cli(flags(full));
    expect(a.code, a.stderr).toBe(0);
    const config = json(path.join(full, 'adapter_config.json'));
    expect(config).toMatchObject({ peft_type: 'LORA', task_type: 'CAUSAL_LM', r: 2, lora_alpha: 6, lora_dropout: 0.1, fan_in_fan_out: true, bias: 'none',
      target_modules: ['c_attn', 'mlp.c_proj'], base_model_name_or_path: fixture('models', 'tiny-gpt2-v512'), inference_mode: true });
    const w = adapterWeights(full);
    expect([...w.keys()].filter((k) => k.startsWith('h.0.'))).toEqual(['h.0.attn.c_attn.lora_A.weight', 'h.0.attn.c_attn.lora_B.weight', 'h.0.mlp.c_proj.lora_A.weight', 'h.0.mlp.c_proj.lora_B.weight']);
    expect(existsSync(path.join(full, 'checkpoint-2', 'adapter_model.safetensors'))).toBe(true);
    expect(existsSync(path.join(full, 'checkpoint-2', 'model.safetensors'))).toBe(false);
    const resumed = path.join(root, 'peft-resumed');
    // Killed with SIGKILL once step 3 is logged (checkpoint-2 is complete by then).
    const b = await cli(flags(resumed), { onStdout: (chunk, kill) => { if (chunk.includes('"step":3')) kill(); } });
    expect(b.signal).toBe('SIGKILL');
    const c = await cli([...flags(resumed), '--resume_from_checkpoint', path.join(resumed, 'checkpoint-2')]);
    expect(c.code, c.stderr).toBe(0);
    const got = adapterWeights(resumed);
    for (const [n, v] of w) expect(maxAbsDiff(got.get(n)!, v), n).toBe(0);
    const losses = (dir: string) => json(path.join(dir, 'trainer_state.json')).log_history.filter((e: { loss?: number }) => 'loss' in e);
    expect(losses(resumed)).toEqual(losses(full));
  });

  it('refuses LoRA flags that do not fit, in one line', async () => {
    const base = ['train', '--model_name_or_path', ref.modelDir, '--train_file', blocksFile, '--output_dir', path.join(root, 'bad'), '--max_steps', '1'];
    const err = async (args: string[]) => { const r = await cli(args); expect(r.code).toBe(2); return r.stderr.trim(); };
    expect(await err([...base, '--lora_r', '4'])).toBe('gpt2-studio train: error: train: --lora_r needs --use_peft');
    expect(await err([...base, '--adapter_name_or_path', ref.adapterDir, '--lora_alpha', '4']))
      .toBe(`gpt2-studio train: error: train: --lora_alpha comes from ${ref.adapterDir}/adapter_config.json with --adapter_name_or_path`);
    expect(await err([...base, '--use_peft', '--lora_target_modules', 'q_proj']))
      .toBe('gpt2-studio train: error: lora_target_modules: "q_proj" matches none of GPT-2\'s Conv1D layers (c_attn, c_proj, c_fc, or attn.c_proj / mlp.c_proj)');
    expect(await err(['merge', '--model_name_or_path', ref.modelDir, '--output_dir', path.join(root, 'bad')]))
      .toBe('gpt2-studio merge: error: merge: --adapter_name_or_path is required (see gpt2-studio merge --help)');
    expect(existsSync(path.join(root, 'bad'))).toBe(false);
  });
});
