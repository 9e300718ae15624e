// Reads a reference fixture (../shared/fixtures/reference/NAME): its run.json, blocks and expected tensors,
// and the model folder it was made with. Shared by the Node tests of the model, the trainer and the CLI.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fixture, REPO_ROOT } from './fixtures';
import { parseSafetensors, type SafetensorsFile } from '../src/core/io/safetensors';
import { parseConfig, type GPT2Config } from '../src/core/gpt2/config';
import { readParameters } from '../src/core/gpt2/weights';

/** The shared fixtures (with logits and greedy continuations). */
export const REFERENCES = ['tiny-gpt2', 'tiny-gpt2-v512'] as const;
/**
 * Plus test/fixtures/unseen, made by scripts/make_reference.py with PyTorch: a model folder no other test uses,
 * with other sizes, n_inner and epsilon, F16 storage, `transformer.` keys, lm_head.weight and attn.bias buffers,
 * and runs with other schedules, accumulation and clipping.
 */
export const ALL_REFERENCES = [...REFERENCES, 'unseen'] as const;

export interface TrainingRun {
  args: Record<string, number | string>;
  log_history: Array<Record<string, number>>;
  final_tolerance_overrides?: unknown;
}

export interface Reference {
  name: string;
  run: {
    num_blocks: number; block_size: number; eval_loss: number;
    logits_positions?: 'all' | Array<[number, number]>;
    generate?: { prompt_ids: number[]; max_new_tokens: number; greedy_new_ids: number[]; top5_logprobs: Array<Array<[number, number]>> };
    runs: Record<string, TrainingRun>;
  };
  modelDir: string;
  blocks: Int32Array;
  expected: SafetensorsFile;
  config: GPT2Config;
  weights: Map<string, Float32Array>;
}

export function loadReference(name: string): Reference {
  const dir = name === 'unseen' ? path.join(REPO_ROOT, 'test', 'fixtures', 'unseen') : fixture('reference', name);
  const run = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));
  const modelDir = path.resolve(dir, run.model_dir);
  const u16 = readFileSync(path.join(dir, run.blocks));
  const blocks = Int32Array.from(new Uint16Array(u16.buffer, u16.byteOffset, u16.byteLength / 2));
  const expected = parseSafetensors(new Uint8Array(readFileSync(path.join(dir, 'expected.safetensors'))));
  const config = parseConfig(JSON.parse(readFileSync(path.join(modelDir, 'config.json'), 'utf8')));
  const weights = readParameters(parseSafetensors(new Uint8Array(readFileSync(path.join(modelDir, 'model.safetensors')))), config);
  return { name, run, modelDir, blocks, expected, config, weights };
}

/** max |a − b| */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return Number.isNaN(m) ? Infinity : m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** test/fixtures/lora, made by scripts/make_lora_reference.py: a given PEFT adapter on tiny-gpt2-v512 and runs from it. */
export interface LoraReference {
  run: { num_blocks: number; block_size: number; eval_loss: number; runs: Record<string, TrainingRun> };
  modelDir: string;
  adapterDir: string;
  blocks: Int32Array;
  expected: SafetensorsFile;
  config: GPT2Config;
  weights: Map<string, Float32Array>;
}

export function loadLoraReference(): LoraReference {
  const dir = path.join(REPO_ROOT, 'test', 'fixtures', 'lora');
  const run = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));
  const modelDir = fixture('models', run.base_model);
  const u16 = readFileSync(path.join(dir, run.blocks));
  const blocks = Int32Array.from(new Uint16Array(u16.buffer, u16.byteOffset, u16.byteLength / 2));
  const expected = parseSafetensors(new Uint8Array(readFileSync(path.join(dir, 'expected.safetensors'))));
  const config = parseConfig(JSON.parse(readFileSync(path.join(modelDir, 'config.json'), 'utf8')));
  const weights = readParameters(parseSafetensors(new Uint8Array(readFileSync(path.join(modelDir, 'model.safetensors')))), config);
  return { run, modelDir, adapterDir: path.join(dir, run.adapter_dir), blocks, expected, config, weights };
}
