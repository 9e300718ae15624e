// gpt2-studio train: fine-tune (or train from scratch) like run_clm.py with Trainer, writing a Hugging Face model
// folder with trainer_state.json, and checkpoint-N/ folders that --resume_from_checkpoint continues exactly.
import path from 'node:path';
import { totalmem } from 'node:os';
import { readFile, rm } from 'node:fs/promises';
import { prepareDataset } from '../core/data';
import { parseConfig, type GPT2Config } from '../core/gpt2/config';
import { applyConfigOverrides, defaultGPT2ConfigJson } from '../core/gpt2/sizes';
import { GPT2_TOKENIZER_NAME } from '../core/tokenizer/gpt2_files';
import type { GPT2Tokenizer } from '../core/tokenizer';
import { bundledGPT2Tokenizer } from '../node/gpt2_tokenizer';
import { GPT2 } from '../core/gpt2/model';
import { checkTokenizerFits, readModelFolder, readTokenizer, type ModelFolder } from '../core/io/model_folder';
import { isAdapterFolder, loadAdapter, readAdapterConfig } from '../core/io/adapter';
import { LoraAdapter } from '../core/gpt2/lora';
import { resolveLora, type LoraConfig } from '../core/train/lora_args';
import { countParameters } from '../core/gpt2/config';
import { outputFolderFiles, savedModelFiles } from '../core/train/output';
import { ModelFileError } from '../core/errors';
import { DEFAULT_ARGS, resolveArgs, SettingsError, type TrainingArguments } from '../core/train/args';
import { isOutOfMemory, outOfMemoryDetail } from '../core/backend/out_of_memory';
import { deviceBudget, outOfMemoryAdvice, planTraining, requireFit, trainingMode, type SettingNames } from '../core/train/memory_plan';
import type { BackendName } from '../core/backend';
import { Trainer, type LogEntry } from '../core/train/trainer';
import { CHECKPOINT_STATE_FILES } from '../core/train/checkpoint';
import { dirSource } from '../node/fs_source';
import { isNonEmptyDir, readFolder, writeFilesAtomic, writeFolderAtomic } from '../node/files';
import { UsageError, required, type FlagSpecs, type FlagValues } from './flags';
import { ADAPTER_FLAG, BACKEND_FLAG, startBackend } from './common';
import { TEXT_FLAGS, blockSizeOf, openDataFiles, readOptions, validationPercentOf } from './data_flags';
import { ProgressBar } from './progress';

export const summary = 'fine-tune GPT-2 with Hugging Face Trainer semantics (flags of run_clm.py and TrainingArguments)';

const d = DEFAULT_ARGS;
export const flags: FlagSpecs = {
  model_name_or_path: { type: 'string', help: 'Hugging Face model folder to fine-tune' },
  config_name: { type: 'string', help: 'config.json to train from scratch (GPT-2 initialization) instead of --model_name_or_path' },
  model_type: { type: 'string', help: 'train from scratch with GPT2Config\'s defaults: gpt2 (with --config_overrides)' },
  config_overrides: { type: 'string', help: 'with --model_type or --config_name: "n_embd=256,n_layer=4,n_head=4,n_positions=256"' },
  tokenizer_name: { type: 'string', help: 'from scratch: a folder with the tokenizer files, or gpt2 (GPT-2\'s, bundled; default with --model_type)' },
  train_file: { type: 'list', help: '.txt .jsonl .json .csv .mbox .eml or .u16 (pre-tokenized) files' },
  validation_file: { type: 'list', help: 'evaluation files (otherwise --validation_split_percentage of the blocks)' },
  validation_split_percentage: { type: 'number', help: 'percent of blocks held out for evaluation', default: 5 },
  ...TEXT_FLAGS,
  block_size: { type: 'int', help: 'tokens per training block (default: min(1024, n_positions))' },
  output_dir: { type: 'string', help: 'where the model, trainer_state.json and checkpoints go' },
  overwrite_output_dir: { type: 'boolean', help: 'allow a non-empty --output_dir', default: false },
  resume_from_checkpoint: { type: 'string', help: 'a checkpoint-N folder to continue from' },
  learning_rate: { type: 'number', help: 'AdamW learning rate', default: d.learning_rate },
  weight_decay: { type: 'number', help: 'decoupled weight decay (not on biases and LayerNorm weights)', default: d.weight_decay },
  adam_beta1: { type: 'number', help: 'AdamW β1', default: d.adam_beta1 },
  adam_beta2: { type: 'number', help: 'AdamW β2', default: d.adam_beta2 },
  adam_epsilon: { type: 'number', help: 'AdamW ε', default: d.adam_epsilon },
  max_grad_norm: { type: 'number', help: 'clip the global gradient norm (0: no clipping)', default: d.max_grad_norm },
  num_train_epochs: { type: 'number', help: 'epochs (when --max_steps is not given)', default: d.num_train_epochs },
  max_steps: { type: 'int', help: 'optimizer steps (overrides --num_train_epochs)', default: d.max_steps },
  lr_scheduler_type: { type: 'string', help: 'linear, cosine, constant or constant_with_warmup', default: d.lr_scheduler_type },
  warmup_steps: { type: 'int', help: 'linear warmup steps', default: d.warmup_steps },
  warmup_ratio: { type: 'number', help: 'warmup as a fraction of the steps (when --warmup_steps is 0)', default: d.warmup_ratio },
  per_device_train_batch_size: { type: 'int', help: 'blocks per micro-batch', default: d.per_device_train_batch_size },
  per_device_eval_batch_size: { type: 'int', help: 'blocks per evaluation batch', default: d.per_device_eval_batch_size },
  gradient_accumulation_steps: { type: 'int', help: 'micro-batches per optimizer step', default: d.gradient_accumulation_steps },
  logging_steps: { type: 'int', help: 'log every N steps', default: d.logging_steps },
  eval_steps: { type: 'int', help: 'evaluate every N steps (0: at the end only)', default: d.eval_steps },
  save_steps: { type: 'int', help: 'write checkpoint-N every N steps (0: never)', default: d.save_steps },
  save_total_limit: { type: 'int', help: 'keep only the newest N checkpoints (0: all)', default: d.save_total_limit },
  seed: { type: 'int', help: 'seed of initialization, data order and dropout', default: d.seed },
  shuffle: { type: 'boolean', help: 'shuffle the training blocks each epoch', default: d.shuffle },
  dropout: { type: 'number', help: 'set embd/attn/resid dropout (0 turns it off; default: the config\'s)' },
  use_peft: { type: 'boolean', help: 'train a LoRA adapter (PEFT) instead of every weight: output_dir gets adapter_config.json and adapter_model.safetensors', default: false },
  lora_r: { type: 'int', help: 'LoRA rank (default 16)' },
  lora_alpha: { type: 'number', help: 'LoRA alpha: the update is scaled by lora_alpha / lora_r (default 32)' },
  lora_dropout: { type: 'number', help: 'dropout on the adapters\' input (default 0.05)' },
  lora_target_modules: { type: 'list', help: 'Conv1D layers to adapt: c_attn, c_proj, c_fc or all-linear, comma- or space-separated (default c_attn)' },
  ...ADAPTER_FLAG,
  gradient_checkpointing: { type: 'boolean', help: 'recompute each block\'s activations in the backward pass: less memory, ~2× the time on wasm, the same numbers (default: only when the run would not fit otherwise)' },
  skip_memory_check: { type: 'boolean', help: 'train even when the memory estimate says the run does not fit (it errs on the safe side)', default: false },
  ...BACKEND_FLAG,
};
export const LORA_FLAGS = ['lora_r', 'lora_alpha', 'lora_dropout', 'lora_target_modules'];

const ARG_KEYS = Object.keys(DEFAULT_ARGS) as Array<keyof TrainingArguments>;

/** The TrainingArguments the flags set (the rest at their defaults), checked. */
export function trainingArgs(v: FlagValues): TrainingArguments {
  return resolveArgs(Object.fromEntries(ARG_KEYS.map((k) => [k, k === 'dropout' ? (v.dropout ?? null) : v[k]])) as Partial<TrainingArguments>);
}

/** The settings as the command line names them, in the memory plan's refusals and the out-of-memory advice. */
const FLAG_NAMES: SettingNames = {
  batchSize: '--per_device_train_batch_size', blockSize: '--block_size', backend: '--backend', backendLabel: (b) => b,
};

/**
 * The model a run starts from: --resume_from_checkpoint, --model_name_or_path, or --config_name initialized;
 * `check` sees the config before any weight is made.
 */
export async function loadStart(v: FlagValues, loraCheckpoint = false, check: (c: GPT2Config) => void = () => {}): Promise<{ model: GPT2; folder: Omit<ModelFolder, 'weights'> }> {
  // A LoRA checkpoint holds the adapter only: the base model comes from --model_name_or_path, as at the start.
  if (loraCheckpoint && v.model_name_or_path === undefined) {
    throw new UsageError(`train: ${v.resume_from_checkpoint} is a LoRA checkpoint; give its base model with --model_name_or_path`);
  }
  const from = (loraCheckpoint ? v.model_name_or_path : v.resume_from_checkpoint ?? v.model_name_or_path) as string | undefined;
  if (from !== undefined && (v.config_name ?? v.model_type) !== undefined && v.resume_from_checkpoint === undefined) {
    throw new UsageError('train: give --model_name_or_path or --config_name/--model_type, not both');
  }
  if (from !== undefined) {
    // The weights are dropped once they are tensors: kept, they would hold the file's bytes (0.5 GB for 124M) all run.
    const { weights, ...folder } = await readModelFolder(await dirSource(from));
    check(folder.config);
    return { model: GPT2.fromArrays(folder.config, weights), folder };
  }
  const { raw, configFile } = await scratchConfig(v);
  const config = parseConfig(raw, configFile);
  const tokName = (v.tokenizer_name ?? (v.config_name ? path.dirname(configFile) : GPT2_TOKENIZER_NAME)) as string;
  const tokenizer = await scratchTokenizer(tokName);
  checkTokenizerFits(tokenizer, config, [[configFile, raw]], `the tokenizer ${tokName}`);
  check(config);
  return {
    model: GPT2.init(config, v.seed as number),
    folder: { config, rawConfig: raw, tokenizer, generationConfig: { bos_token_id: config.bos_token_id, eos_token_id: config.eos_token_id } },
  };
}

/** run_clm.py's new model: --config_name's file or --model_type's defaults, with --config_overrides applied. */
async function scratchConfig(v: FlagValues): Promise<{ raw: Record<string, unknown>; configFile: string }> {
  if (v.config_name === undefined && v.model_type === undefined) {
    throw new UsageError('train: give --model_name_or_path, or --model_type gpt2 / --config_name to train from scratch (see gpt2-studio train --help)');
  }
  if (v.model_type !== undefined && v.model_type !== 'gpt2') throw new UsageError(`--model_type must be gpt2, got "${v.model_type}"`);
  const configFile = (v.config_name ?? '--model_type gpt2') as string;
  const raw = v.config_name !== undefined
    ? JSON.parse(await readFile(configFile, 'utf8').catch(() => { throw new ModelFileError(`${configFile}: cannot read the config`); }))
    : defaultGPT2ConfigJson();
  const overrides = v.config_overrides as string | undefined;
  return { raw: overrides === undefined ? raw : applyConfigOverrides(raw, overrides), configFile };
}

/** --tokenizer_name: GPT-2's bundled tokenizer, or a folder's tokenizer files. */
async function scratchTokenizer(name: string): Promise<GPT2Tokenizer> {
  return name === GPT2_TOKENIZER_NAME ? bundledGPT2Tokenizer() : readTokenizer(await dirSource(name));
}

export async function run(v: FlagValues): Promise<void> {
  const outputDir = required<string>(v, 'output_dir', 'train');
  const trainFiles = required<string[]>(v, 'train_file', 'train');
  // Everything is checked before anything is written: a mistake leaves no half-written output_dir.
  if (!v.overwrite_output_dir && !v.resume_from_checkpoint && (await isNonEmptyDir(outputDir))) {
    throw new UsageError(`--output_dir ${outputDir} exists and is not empty; pass --overwrite_output_dir to replace it or --resume_from_checkpoint to continue`);
  }
  const args = trainingArgs(v);
  const backend = await startBackend(v.backend as string);
  const resume = v.resume_from_checkpoint as string | undefined;
  const loraCheckpoint = resume !== undefined && (await isAdapterFolder(await dirSource(resume)));
  const adapter = await adapterChoice(v, loraCheckpoint ? resume : undefined);
  let blockSize = 0;
  const { model, folder } = await loadStart(v, loraCheckpoint, (c) => {
    blockSize = blockSizeOf(v, c.n_positions);
    // A run that cannot fit is refused before its weights are made and its data is read.
    const request = {
      config: c, batchSize: args.per_device_train_batch_size, blockSize, mode: trainingMode(adapter.lora), recompute: args.gradient_checkpointing ?? undefined,
      budget: deviceBudget(backend as BackendName, { memoryGB: totalmem() / 1e9, maxStorageBufferBindingSize: null }),
    };
    args.gradient_checkpointing = (v.skip_memory_check ? planTraining(request) : requireFit(request, FLAG_NAMES, ' (--skip_memory_check trains anyway)')).recompute;
  });
  await startAdapter(model, v, adapter);
  const baseName = (v.model_name_or_path as string | undefined) ?? null;
  // With LoRA, what is saved is the adapter (with the tokenizer), as PEFT's Trainer saves a PeftModel.
  const outputFiles = () => savedModelFiles(model, folder, baseName).files;
  const train = await openDataFiles(trainFiles);
  const validation = await openDataFiles(v.validation_file);
  const pct = validationPercentOf(v);
  const data = await prepareDataset(train, folder.tokenizer, { ...readOptions(v), blockSize, validationSplitPercentage: pct }, validation);
  const s = data.stats;
  console.error(`${s.documents} documents, ${s.tokens} tokens, ${s.blocks} blocks of ${blockSize} (${s.trainBlocks} train, ${data.validation.length} validation) on ${backend}`);

  const bar = new ProgressBar();
  let lastCheckpoint = v.resume_from_checkpoint as string | undefined;
  const trainer = new Trainer(model, data, args, backend, {
    onLog: (e: LogEntry) => { bar.log(e); },
    onProgress: (p) => bar.update(p),
    onWarning: (w) => bar.warn(w.text),
    onCheckpoint: async (name, files, remove) => {
      await writeFolderAtomic(path.join(outputDir, name), new Map([...outputFiles(), ...files]));
      for (const old of remove) await rm(path.join(outputDir, old), { recursive: true, force: true });
      lastCheckpoint = path.join(outputDir, name);
    },
  });
  if (v.resume_from_checkpoint) {
    // Only the trainer's files: the weights were read with the model folder (a second read would cost 0.5 GB for 124M).
    trainer.restore(await readFolder(v.resume_from_checkpoint as string, CHECKPOINT_STATE_FILES));
    console.error(`resumed from ${v.resume_from_checkpoint} at step ${trainer.globalStep}`);
  }
  // Ctrl-C stops after the current step and still writes the model trained so far.
  const onSigint = () => { console.error('\nstopping after this step…'); trainer.stop(); };
  process.once('SIGINT', onSigint);
  try {
    await trainer.train();
  } catch (e) {
    if (!isOutOfMemory(e)) throw e;
    const advice = outOfMemoryAdvice({
      backend, step: trainer.globalStep + 1, batchSize: args.per_device_train_batch_size, blockSize, detail: outOfMemoryDetail(e), names: FLAG_NAMES,
    });
    throw new SettingsError(`${advice.text} and ${lastCheckpoint ? `resume from ${lastCheckpoint}, which is intact` : 'start again (no checkpoint was written)'}`);
  } finally {
    process.off('SIGINT', onSigint);
    bar.done();
  }
  // The optimizer's moments (twice the model's size) are not part of the output: free them before serializing.
  trainer.dispose();
  const final = outputFolderFiles(outputFiles(), { state: trainer.trainerState(), args: { ...args, output_dir: outputDir, block_size: blockSize, backend } });
  await writeFilesAtomic(outputDir, final);
  console.error(`saved to ${outputDir}`);
}

/** The adapter a run trains: its folder (to load) and its config, known before the model is made; none without LoRA. */
interface AdapterChoice { from?: string; lora: LoraConfig | null }

/**
 * The checkpoint's adapter when resuming a LoRA run, the one --adapter_name_or_path names (its adapter_config.json
 * decides r, alpha, dropout and targets), or a new one for --use_peft.
 */
async function adapterChoice(v: FlagValues, checkpoint: string | undefined): Promise<AdapterChoice> {
  const from = checkpoint ?? (v.adapter_name_or_path as string | undefined);
  const given = LORA_FLAGS.filter((f) => v[f] !== undefined);
  if (from !== undefined) {
    if (given.length && checkpoint === undefined) throw new UsageError(`train: --${given[0]} comes from ${from}/adapter_config.json with --adapter_name_or_path`);
    return { from, lora: (await readAdapterConfig(await dirSource(from))).config };
  }
  if (v.use_peft) {
    return { lora: resolveLora({ r: v.lora_r as number | undefined, lora_alpha: v.lora_alpha as number | undefined, lora_dropout: v.lora_dropout as number | undefined, target_modules: v.lora_target_modules as string[] | undefined }) };
  }
  if (given.length) throw new UsageError(`train: --${given[0]} needs --use_peft`);
  return { lora: null };
}

/** Puts the chosen adapter on the model, and prints the share that trains, as PEFT's print_trainable_parameters does. */
async function startAdapter(model: GPT2, v: FlagValues, { from, lora }: AdapterChoice): Promise<void> {
  if (from !== undefined) await loadAdapter(model, await dirSource(from));
  else if (lora) model.lora = LoraAdapter.init(model.config, lora, v.seed as number);
  else return;
  const trainable = [...model.lora!.params.values()].reduce((n, t) => n + t.size, 0);
  const all = countParameters(model.config) + trainable;
  console.error(`trainable params: ${trainable.toLocaleString('en-US')} || all params: ${all.toLocaleString('en-US')} || trainable%: ${(100 * trainable / all).toFixed(4)}`);
}
