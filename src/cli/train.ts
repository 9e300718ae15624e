// gpt2-studio train: fine-tune (or train from scratch) like run_clm.py with Trainer, writing a Hugging Face model
// folder with trainer_state.json, and checkpoint-N/ folders that --resume_from_checkpoint continues exactly.
import path from 'node:path';
import { readFile, rm } from 'node:fs/promises';
import { prepareDataset } from '../core/data';
import { parseConfig } from '../core/gpt2/config';
import { GPT2 } from '../core/gpt2/model';
import { checkTokenizerFits, readModelFolder, readTokenizer, type ModelFolder } from '../core/io/model_folder';
import { modelFolderFiles } from '../core/io/export';
import { outputFolderFiles } from '../core/train/output';
import { ModelFileError } from '../core/errors';
import { DEFAULT_ARGS, resolveArgs, SettingsError, type TrainingArguments } from '../core/train/args';
import { isOutOfMemory, outOfMemoryDetail } from '../core/backend/out_of_memory';
import { Trainer, type LogEntry } from '../core/train/trainer';
import { CHECKPOINT_STATE_FILES } from '../core/train/checkpoint';
import { dirSource, openDataFile } from '../node/fs_source';
import { isNonEmptyDir, readFolder, writeFilesAtomic, writeFolderAtomic } from '../node/files';
import { UsageError, required, type FlagSpecs, type FlagValues } from './flags';
import { BACKEND_FLAG, startBackend } from './common';
import { ProgressBar } from './progress';

export const summary = 'fine-tune GPT-2 with Hugging Face Trainer semantics (flags of run_clm.py and TrainingArguments)';

const d = DEFAULT_ARGS;
export const flags: FlagSpecs = {
  model_name_or_path: { type: 'string', help: 'Hugging Face model folder to fine-tune' },
  config_name: { type: 'string', help: 'config.json to train from scratch (GPT-2 initialization) instead of --model_name_or_path' },
  tokenizer_name: { type: 'string', help: 'folder with the tokenizer files (with --config_name)' },
  train_file: { type: 'list', help: '.txt .jsonl .json .csv .mbox .eml or .u16 (pre-tokenized) files' },
  validation_file: { type: 'list', help: 'evaluation files (otherwise --validation_split_percentage of the blocks)' },
  validation_split_percentage: { type: 'number', help: 'percent of blocks held out for evaluation', default: 5 },
  text_column: { type: 'string', help: 'field or column holding the text in .jsonl/.json/.csv', default: 'text' },
  text_separator: { type: 'string', help: 'split .txt files into documents on this string (e.g. "\\n\\n")' },
  keep_headers: { type: 'boolean', help: 'keep email headers in .mbox/.eml documents', default: false },
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
  ...BACKEND_FLAG,
};

const ARG_KEYS = Object.keys(DEFAULT_ARGS) as Array<keyof TrainingArguments>;

async function loadStart(v: FlagValues): Promise<{ model: GPT2; folder: Omit<ModelFolder, 'weights'> }> {
  const from = (v.resume_from_checkpoint ?? v.model_name_or_path) as string | undefined;
  if (from !== undefined && v.config_name !== undefined && v.resume_from_checkpoint === undefined) {
    throw new UsageError('train: give --model_name_or_path or --config_name, not both');
  }
  if (from !== undefined) {
    // The weights are dropped once they are tensors: kept, they would hold the file's bytes (0.5 GB for 124M) all run.
    const { weights, ...folder } = await readModelFolder(await dirSource(from));
    return { model: GPT2.fromArrays(folder.config, weights), folder };
  }
  const configFile = required<string>(v, 'config_name', 'train');
  const raw = JSON.parse(await readFile(configFile, 'utf8').catch(() => { throw new ModelFileError(`${configFile}: cannot read the config`); }));
  const config = parseConfig(raw, configFile);
  const tokDir = (v.tokenizer_name ?? path.dirname(configFile)) as string;
  const tokenizer = await readTokenizer(await dirSource(tokDir));
  checkTokenizerFits(tokenizer, config, [[configFile, raw]], `the tokenizer in ${tokDir}`);
  return {
    model: GPT2.init(config, v.seed as number),
    folder: { config, rawConfig: raw, tokenizer, generationConfig: { bos_token_id: config.bos_token_id, eos_token_id: config.eos_token_id } },
  };
}

export async function run(v: FlagValues): Promise<void> {
  const outputDir = required<string>(v, 'output_dir', 'train');
  const trainFiles = required<string[]>(v, 'train_file', 'train');
  // Everything is checked before anything is written: a mistake leaves no half-written output_dir.
  if (!v.overwrite_output_dir && !v.resume_from_checkpoint && (await isNonEmptyDir(outputDir))) {
    throw new UsageError(`--output_dir ${outputDir} exists and is not empty; pass --overwrite_output_dir to replace it or --resume_from_checkpoint to continue`);
  }
  const args = resolveArgs(Object.fromEntries(ARG_KEYS.map((k) => [k, k === 'dropout' ? (v.dropout ?? null) : v[k]])) as Partial<TrainingArguments>);
  const backend = await startBackend(v.backend as string);
  const { model, folder } = await loadStart(v);
  const c = model.config;
  const blockSize = (v.block_size as number | undefined) ?? Math.min(1024, c.n_positions);
  if (!(blockSize >= 2 && blockSize <= c.n_positions)) throw new UsageError(`--block_size must be in [2, ${c.n_positions}] (the model's n_positions), got ${blockSize}`);
  const readOpts = { textColumn: v.text_column as string, textSeparator: v.text_separator as string | undefined, keepHeaders: v.keep_headers as boolean };
  const train = await Promise.all(trainFiles.map(openDataFile));
  const validation = await Promise.all(((v.validation_file as string[] | undefined) ?? []).map(openDataFile));
  const pct = v.validation_split_percentage as number;
  if (!(pct >= 0 && pct < 100)) throw new UsageError(`--validation_split_percentage must be in [0, 100), got ${pct}`);
  const data = await prepareDataset(train, folder.tokenizer, { ...readOpts, blockSize, validationSplitPercentage: pct }, validation);
  const s = data.stats;
  console.error(`${s.documents} documents, ${s.tokens} tokens, ${s.blocks} blocks of ${blockSize} (${s.trainBlocks} train, ${data.validation.length} validation) on ${backend}`);

  const bar = new ProgressBar();
  let lastCheckpoint = v.resume_from_checkpoint as string | undefined;
  const trainer = new Trainer(model, data, args, backend, {
    onLog: (e: LogEntry) => { bar.log(e); },
    onProgress: (p) => bar.update(p),
    onWarning: (m) => bar.warn(m),
    onCheckpoint: async (name, files, remove) => {
      await writeFolderAtomic(path.join(outputDir, name), new Map([...(await modelFolderFiles(model, folder)), ...files]));
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
    const b = args.per_device_train_batch_size;
    throw new SettingsError(`out of memory on ${backend} in step ${trainer.globalStep + 1}: a batch of ${b} × ${blockSize} tokens does not fit ` +
      `(${outOfMemoryDetail(e)}); lower ${b > 1 ? `--per_device_train_batch_size to ${Math.floor(b / 2)}` : '--block_size'} and ` +
      (lastCheckpoint ? `resume from ${lastCheckpoint}, which is intact` : 'start again (no checkpoint was written)'));
  } finally {
    process.off('SIGINT', onSigint);
    bar.done();
  }
  // The optimizer's moments (twice the model's size) are not part of the output: free them before serializing.
  trainer.dispose();
  const final = outputFolderFiles(model, folder, { state: trainer.trainerState(), args: { ...args, output_dir: outputDir, block_size: blockSize, backend } });
  await writeFilesAtomic(outputDir, final);
  console.error(`saved to ${outputDir}`);
}
