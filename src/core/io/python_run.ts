// "Continue in Python": a run as what Hugging Face's own script needs to carry it on, on GPUs. The plan holds
//   run_clm.sh   `accelerate launch run_clm.py …` with our settings under run_clm.py / TrainingArguments flags,
//   README.md    how to run it, and where the Python run differs from ours,
//   model/       the current weights as a Hugging Face model folder (--model_name_or_path model),
//   data/        train.json and validation.json: JSON Lines with a "text" field (--train_file/--validation_file).
// It is data only: the CLI writes it as a folder, the worker zips it.
//
// The dataset: run_clm.py tokenizes each example's "text" (no EOS added) and concatenates, then cuts blocks per map
// batch of 1,000 examples, dropping a tail per batch. So each example is the decoded text of whole documents
// including their <|endoftext|> (which HF's tokenizer reads back as the EOS id, as ours does), and documents are
// packed into at most 1,000 examples: then run_clm's blocks are ours, block for block. Every example is encoded
// again here to check that it gives back its ids; where it does not, the README says so.
import { groupFiles } from '../data/dataset';
import { splitTrainValidation } from '../data/blocks';
import type { GPT2 } from '../gpt2/model';
import type { TrainingArguments } from '../train/args';
import { lrLambda, runLength } from '../train/schedule';
import { modelFolderFiles, type ModelMeta } from './export';
import type { FolderFiles } from './files';

/** Examples per `datasets.map` batch in run_clm.py's group_texts: each batch drops its own tail. */
const MAP_BATCH = 1000;
const PYTHON_MODEL_DIR = 'model';
const PYTHON_TRAIN_FILE = 'data/train.json';
const PYTHON_VALIDATION_FILE = 'data/validation.json';
/** Where the Python run writes, relative to the export folder. */
const PYTHON_OUTPUT_DIR = 'output';

export interface Tokens { ids: Uint16Array | Int32Array }

export interface Codec {
  encode(text: string): number[];
  decode(ids: ArrayLike<number>): string;
  eosTokenId: number;
}

export interface PythonRunInput {
  model: GPT2;
  meta: ModelMeta;
  tokenizer: Codec;
  args: TrainingArguments;
  blockSize: number;
  /** The training files' ids, each document followed by EOS, tail included (tokenizeFiles' ids). */
  train: Tokens;
  /** The validation files' ids; null: the last validationSplitPercentage of the blocks are held out, as in training. */
  validation: Tokens | null;
  validationSplitPercentage: number;
  /** Optimizer steps these weights have had in the run (0: the run has not started). */
  globalStep: number;
}

export interface PythonRun {
  /** The arguments after `accelerate launch run_clm.py`: `--flag value` pairs and lone boolean flags. */
  argv: string[];
  files: FolderFiles;
  /** What the Python run does differently, one sentence each. */
  notes: string[];
  trainBlocks: number;
  validationBlocks: number;
  /** Examples of the data files whose text does not encode back to their ids (0: the blocks are ours exactly). */
  changedExamples: number;
}

export interface Examples {
  /** JSON Lines, each ending in a newline */
  lines: string[];
  /** how many of them do not encode back to their ids */
  changed: number;
}

/** ids as at most MAP_BATCH JSON Lines examples of whole documents (a cut inside one, when it must, at the ends). */
export function runClmExamples(ids: Uint16Array | Int32Array, tok: Codec): Examples {
  const ends: number[] = [];
  for (let i = 0; i < ids.length; i++) if (ids[i] === tok.eosTokenId) ends.push(i + 1);
  if (ends.at(-1) !== ids.length) ends.push(ids.length);
  const perExample = Math.ceil(ends.length / MAP_BATCH);
  const lines: string[] = [];
  let changed = 0, start = 0;
  for (let first = 0; first < ends.length; first += perExample) {
    const end = ends[Math.min(first + perExample, ends.length) - 1];
    const piece = ids.subarray(start, end);
    const text = tok.decode(piece);
    const back = tok.encode(text);
    if (back.length !== piece.length || back.some((id, i) => id !== piece[i])) changed++;
    lines.push(JSON.stringify({ text }) + '\n');
    start = end;
  }
  return { lines, changed };
}

const utf8 = (s: string) => new TextEncoder().encode(s);

/** The Python run's length and schedule: ours from `globalStep` on, as TrainingArguments can say it. */
export interface Continuation { maxSteps: number; warmupSteps: number; learningRate: number; notes: string[] }

export function continuation(a: TrainingArguments, trainBlocks: number, globalStep: number): Continuation {
  const notes: string[] = [];
  const { maxSteps, warmup } = runLength(trainBlocks, a);
  // A finished run is carried on as the same run again from its weights.
  const done = globalStep >= maxSteps ? 0 : globalStep;
  let learningRate = a.learning_rate;
  if (done > 0) {
    const decays = a.lr_scheduler_type === 'linear' || a.lr_scheduler_type === 'cosine';
    if (decays && done >= warmup) {
      // Linear from lr(done) to 0 over the steps left is our schedule's rest exactly; cosine's rest is not a cosine.
      learningRate = a.learning_rate * lrLambda(a.lr_scheduler_type, done, warmup, maxSteps);
      if (a.lr_scheduler_type === 'cosine') notes.push(`The cosine schedule restarts from the rate at step ${done} (${learningRate}) over the ${maxSteps - done} steps left: the same ends, a slightly different curve in between.`);
    } else if (done < warmup && a.lr_scheduler_type !== 'constant') {
      // Past the warmup, the rest of linear, cosine or constant_with_warmup over N − done steps with W − done warmup is ours.
      notes.push(`The warmup restarts from 0 over the ${warmup - done} warmup steps left (ours had reached ${done} of ${warmup}); the schedule after it is ours.`);
    }
    notes.push(`The run continues from step ${done} of ${maxSteps}: Trainer counts its steps from 0 (its step k is our step ${done} + k), ` +
      'starts AdamW\'s moments from zero (Hugging Face cannot read our optimizer.safetensors; --resume_from_checkpoint needs its own optimizer.pt) ' +
      'and draws its own data order.');
  } else if (globalStep > 0) {
    notes.push(`The run had finished (${globalStep} steps): the command trains the same ${maxSteps} steps again, from the fine-tuned weights.`);
  }
  return { maxSteps: maxSteps - done, warmupSteps: Math.max(0, warmup - done), learningRate, notes };
}

/** The export: the command, the files it reads, and the notes on what differs. */
export function pythonRun(input: PythonRunInput): PythonRun {
  const { args: a, blockSize, tokenizer } = input;
  const notes: string[] = [];
  // The blocks, exactly as prepareDataset makes them.
  let trainIds = input.train.ids, validationIds: Uint16Array | Int32Array | null = input.validation?.ids ?? null;
  const grouped = groupFiles(trainIds, blockSize, [{ name: 'the training files' }]);
  let trainBlocks = grouped.numBlocks, validationBlocks = 0;
  if (validationIds) {
    validationBlocks = groupFiles(validationIds, blockSize, [{ name: 'the validation files' }]).numBlocks;
  } else {
    const split = splitTrainValidation(grouped.numBlocks, input.validationSplitPercentage);
    trainBlocks = split.train.length;
    validationBlocks = split.validation.length;
    if (validationBlocks > 0) {
      // Our split holds out the last blocks; run_clm's --validation_split_percentage would take the first examples.
      // The held-out blocks go to validation.json instead, cut from the stream where our split cuts it.
      validationIds = trainIds.subarray(trainBlocks * blockSize);
      trainIds = trainIds.subarray(0, trainBlocks * blockSize);
    }
  }
  const train = runClmExamples(trainIds, tokenizer);
  const validation = validationIds && validationBlocks > 0 ? runClmExamples(validationIds, tokenizer) : null;
  const changedExamples = train.changed + (validation?.changed ?? 0);
  if (changedExamples > 0) {
    notes.push(`${changedExamples} example(s) of the data files do not tokenize back to the ids trained on here (token ids from a .u16 file ` +
      'that are not the tokenizer\'s own encoding of their text, or the validation cut falling inside a word): from there on run_clm.py\'s blocks differ from ours.');
  }

  const run = continuation(a, trainBlocks, input.globalStep);
  notes.push(...run.notes);
  if (a.shuffle) notes.push('Trainer shuffles the blocks with its own random sampler (seeded by --seed): the same blocks each epoch, in another order than ours.');
  else notes.push('--train_sampling_strategy sequential keeps the blocks in file order, as --shuffle false does here (the flag is in transformers 5; drop it on 4.x, which always shuffles).');

  const argv: string[] = [];
  const flag = (name: string, value?: string | number) => { argv.push(`--${name}`, ...(value === undefined ? [] : [String(value)])); };
  flag('model_name_or_path', PYTHON_MODEL_DIR);
  flag('train_file', PYTHON_TRAIN_FILE);
  if (validation) flag('validation_file', PYTHON_VALIDATION_FILE);
  flag('block_size', blockSize);
  flag('do_train');
  if (validation) flag('do_eval');
  flag('output_dir', PYTHON_OUTPUT_DIR);
  flag('per_device_train_batch_size', a.per_device_train_batch_size);
  flag('per_device_eval_batch_size', a.per_device_eval_batch_size);
  flag('gradient_accumulation_steps', a.gradient_accumulation_steps);
  // Steps, never epochs: the count is ours, whatever Trainer's rounding of a fractional epoch.
  flag('max_steps', run.maxSteps);
  flag('learning_rate', run.learningRate);
  flag('lr_scheduler_type', a.lr_scheduler_type);
  flag('warmup_steps', run.warmupSteps);
  flag('weight_decay', a.weight_decay);
  flag('adam_beta1', a.adam_beta1);
  flag('adam_beta2', a.adam_beta2);
  flag('adam_epsilon', a.adam_epsilon);
  flag('max_grad_norm', a.max_grad_norm);
  if (a.gradient_checkpointing) flag('gradient_checkpointing');
  flag('logging_steps', a.logging_steps);
  if (validation && a.eval_steps > 0) { flag('eval_strategy', 'steps'); flag('eval_steps', a.eval_steps); }
  if (a.save_steps > 0) flag('save_steps', a.save_steps);
  else flag('save_strategy', 'no');
  if (a.save_total_limit > 0) flag('save_total_limit', a.save_total_limit);
  flag('seed', a.seed);
  if (!a.shuffle) flag('train_sampling_strategy', 'sequential');

  // Dropout lives in the model's config: run_clm.py refuses --config_overrides with --model_name_or_path.
  const dropout = a.dropout === null ? {} : { embd_pdrop: a.dropout, attn_pdrop: a.dropout, resid_pdrop: a.dropout };
  if (a.dropout !== null) notes.push(`Dropout ${a.dropout} is written into model/config.json (embd_pdrop, attn_pdrop, resid_pdrop): run_clm.py takes --config_overrides only when training from scratch.`);
  const files: FolderFiles = new Map();
  for (const [name, data] of modelFolderFiles(input.model, { ...input.meta, rawConfig: { ...input.meta.rawConfig, ...dropout } })) {
    files.set(`${PYTHON_MODEL_DIR}/${name}`, data);
  }
  files.set(PYTHON_TRAIN_FILE, utf8(train.lines.join('')));
  if (validation) files.set(PYTHON_VALIDATION_FILE, utf8(validation.lines.join('')));
  files.set('run_clm.sh', utf8(script(argv)));
  files.set('README.md', utf8(readme({ argv, notes, trainBlocks, validationBlocks, blockSize, changedExamples, trainExamples: train.lines.length, heldOut: !input.validation && validation !== null })));
  return { argv, files, notes, trainBlocks, validationBlocks, changedExamples };
}

/** A value as the shell reads it back unchanged. */
const shellWord = (s: string) => (/^[\w./:=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

function commandLines(argv: string[]): string {
  const lines: string[] = [];
  for (const w of argv) {
    if (w.startsWith('--')) lines.push(w);
    else lines[lines.length - 1] += ` ${shellWord(w)}`;
  }
  return lines.map((l) => `  ${l}`).join(' \\\n');
}

function script(argv: string[]): string {
  return `#!/bin/sh
# Carries this GPT-2 Studio run on with Hugging Face's Trainer (see README.md). Needs run_clm.py beside this file.
set -e
cd "$(dirname "$0")"
exec accelerate launch run_clm.py \\
${commandLines(argv)}
`;
}

interface ReadmeFacts {
  argv: string[]; notes: string[]; trainBlocks: number; validationBlocks: number; blockSize: number; changedExamples: number; trainExamples: number;
  /** validation.json is the held-out end of the training files' stream */
  heldOut: boolean;
}

function readme(f: ReadmeFacts): string {
  return `# This run, continued in Python

Made by GPT-2 Studio. Hugging Face's \`run_clm.py\` with \`Trainer\` carries the run on from the current weights, on
your GPUs, with the same settings.

\`\`\`sh
pip install "transformers[torch]" datasets evaluate accelerate scikit-learn
# run_clm.py of the installed transformers version (the script checks it)
curl -LO https://raw.githubusercontent.com/huggingface/transformers/v$(python -c 'import transformers; print(transformers.__version__)')/examples/pytorch/language-modeling/run_clm.py
sh run_clm.sh
\`\`\`

which runs

\`\`\`sh
accelerate launch run_clm.py \\
${commandLines(f.argv)}
\`\`\`

Every flag is one of \`run_clm.py\`'s or of \`TrainingArguments\` (checked against transformers 5; \`--eval_strategy\`
needs 4.41 or later). The trained model, \`trainer_state.json\` and the
checkpoints go to \`${PYTHON_OUTPUT_DIR}/\`.

## What is here

- \`${PYTHON_MODEL_DIR}/\`: the weights as they are now, with the tokenizer, as a Hugging Face model folder.
- \`${PYTHON_TRAIN_FILE}\`${f.validationBlocks ? ` and \`${PYTHON_VALIDATION_FILE}\`` : ''}: JSON Lines, one \`{"text": ...}\` per example (${f.trainExamples} training examples),
  each holding documents that end in \`<|endoftext|>\`, as GPT-2 Studio tokenized them${f.heldOut ? ' (the validation file begins where our held-out last blocks begin, inside a document)' : ''}. \`run_clm.py\` makes
  ${f.trainBlocks} training${f.validationBlocks ? ` and ${f.validationBlocks} validation` : ''} blocks of ${f.blockSize} tokens from them: ${f.changedExamples === 0
    ? 'the very blocks trained on here (every example encodes back to its ids)'
    : `the blocks trained on here up to the ${f.changedExamples} example(s) noted below`}.
  Keep them under 1,000 examples (\`run_clm.py\` drops a short tail per 1,000), and add no
  \`--preprocessing_num_workers\`, which would split them.

## Differences from the run in GPT-2 Studio

${f.notes.map((n) => `- ${n}`).join('\n')}
- With N GPUs, \`accelerate launch\` trains N × \`--per_device_train_batch_size\` blocks per micro-batch: divide
  \`--gradient_accumulation_steps\` by N to keep the same batch per optimizer step.
- Trainer's default optimizer is PyTorch's AdamW (fused on recent PyTorch), the same update as ours; on a GPU the
  sums run in another order, so the numbers agree to float32 rounding, not bit for bit.
`;
}
