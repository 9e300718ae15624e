// The training settings as the form holds them (text, as typed) and their reading into TrainingArguments. Labels are
// the page's, in its language (i18n/en.ts `fields`); each field also shows its Hugging Face name (TrainingArguments /
// run_clm.py) so that a Trainer user's settings carry over. Defaults are DEFAULT_ARGS except where a browser run needs other ones (see UI_DEFAULTS).
import { DEFAULT_ARGS, LR_SCHEDULES, resolveArgs, SettingsError, type LrSchedule, type TrainingArguments } from '../core/train/args';
import type { DatasetOptions, SampleSettings } from '../worker/protocol';
import type { Messages } from './i18n/en';

export { LR_SCHEDULES, type LrSchedule };

export type SettingKey =
  | 'learning_rate' | 'lr_scheduler_type' | 'warmup_steps' | 'weight_decay' | 'max_grad_norm'
  | 'per_device_train_batch_size' | 'gradient_accumulation_steps' | 'block_size' | 'num_train_epochs' | 'max_steps'
  | 'logging_steps' | 'eval_steps' | 'save_steps' | 'seed' | 'dropout' | 'shuffle' | 'validation_split_percentage' | 'sample_prompt' | 'sample_every';

export type Settings = Record<SettingKey, string>;

export interface NumberField {
  key: SettingKey;
  /** The Hugging Face name (TrainingArguments, or run_clm.py's data arguments); none for page-only fields. */
  hf: string | null;
  integer: boolean;
  min: number;
  max?: number;
  step?: number;
}

type FieldOptions = Partial<Omit<NumberField, 'key'>>;
const field = (key: SettingKey, o: FieldOptions = {}): NumberField => ({ key, hf: key, integer: true, min: 0, ...o });

/**
 * HF's defaults suit long GPU runs: logging every 500 steps would leave the charts empty for a long while here, and
 * evaluation is off by default (eval_strategy "no"). Block size: HF's default is min(1024, n_positions); a browser
 * trains GPT-2 at 1024 tokens far too slowly and in too much memory, so the page starts at min(128, n_positions).
 * Checkpoints go to the browser's own storage: the latest one is kept.
 */
const UI_DEFAULTS = { logging_steps: 10, eval_steps: 50, save_steps: 100, save_total_limit: 1, block_size: 128 } as const;

export const defaultBlockSize = (nPositions: number) => Math.min(UI_DEFAULTS.block_size, nPositions);

export const DEFAULT_SETTINGS: Settings = {
  learning_rate: String(DEFAULT_ARGS.learning_rate),
  lr_scheduler_type: DEFAULT_ARGS.lr_scheduler_type,
  warmup_steps: String(DEFAULT_ARGS.warmup_steps),
  weight_decay: String(DEFAULT_ARGS.weight_decay),
  max_grad_norm: String(DEFAULT_ARGS.max_grad_norm),
  per_device_train_batch_size: String(DEFAULT_ARGS.per_device_train_batch_size),
  gradient_accumulation_steps: String(DEFAULT_ARGS.gradient_accumulation_steps),
  block_size: String(UI_DEFAULTS.block_size),
  num_train_epochs: String(DEFAULT_ARGS.num_train_epochs),
  max_steps: String(DEFAULT_ARGS.max_steps),
  logging_steps: String(UI_DEFAULTS.logging_steps),
  eval_steps: String(UI_DEFAULTS.eval_steps),
  save_steps: String(UI_DEFAULTS.save_steps),
  seed: String(DEFAULT_ARGS.seed),
  dropout: '',
  shuffle: String(DEFAULT_ARGS.shuffle),
  validation_split_percentage: '5',
  sample_prompt: 'The',
  sample_every: '1',
};

export const FIELDS = {
  learning_rate: field('learning_rate', { integer: false, step: 1e-5 }),
  warmup_steps: field('warmup_steps'),
  weight_decay: field('weight_decay', { integer: false, step: 0.01 }),
  max_grad_norm: field('max_grad_norm', { integer: false, step: 0.1 }),
  per_device_train_batch_size: field('per_device_train_batch_size', { min: 1 }),
  gradient_accumulation_steps: field('gradient_accumulation_steps', { min: 1 }),
  block_size: field('block_size', { min: 2 }),
  num_train_epochs: field('num_train_epochs', { integer: false, step: 1 }),
  max_steps: field('max_steps', { min: -1 }),
  logging_steps: field('logging_steps', { min: 1 }),
  eval_steps: field('eval_steps'),
  save_steps: field('save_steps'),
  seed: field('seed'),
  dropout: field('dropout', { integer: false, max: 0.99, step: 0.05 }),
  validation_split_percentage: field('validation_split_percentage', { integer: false, max: 100, step: 1 }),
  sample_every: field('sample_every', { hf: null }),
} satisfies Partial<Record<SettingKey, NumberField>>;

export type FieldKey = keyof typeof FIELDS;

const labelOf = (t: Messages, key: string) => (key in FIELDS ? t.fields[key as FieldKey].label : key === 'lr_scheduler_type' ? t.settings.schedule : key);

function readNumber(s: Partial<Settings>, key: FieldKey, t: Messages): number {
  const f: NumberField = FIELDS[key], label = t.fields[key].label;
  const text = (s[key] ?? '').trim();
  const x = Number(text);
  if (text === '' || !Number.isFinite(x)) throw new SettingsError(t.errors.number(label, text));
  if (f.integer && !Number.isInteger(x)) throw new SettingsError(t.errors.whole(label, text));
  if (x < f.min) throw new SettingsError(t.errors.atLeast(label, f.min, text));
  if (f.max !== undefined && x > f.max) throw new SettingsError(t.errors.atMost(label, f.max, text));
  return x;
}

export interface RunSettings { args: TrainingArguments; dataset: DatasetOptions; samples: SampleSettings }

/** The form read and checked; a SettingsError names the field by its label (and its Hugging Face name). */
export function readSettings(s: Settings, nPositions: number, t: Messages): RunSettings {
  const number = (s: Partial<Settings>, key: FieldKey) => readNumber(s, key, t);
  const partial: Partial<TrainingArguments> = {
    learning_rate: number(s, 'learning_rate'),
    lr_scheduler_type: s.lr_scheduler_type as LrSchedule,
    warmup_steps: number(s, 'warmup_steps'),
    weight_decay: number(s, 'weight_decay'),
    max_grad_norm: number(s, 'max_grad_norm'),
    per_device_train_batch_size: number(s, 'per_device_train_batch_size'),
    per_device_eval_batch_size: number(s, 'per_device_train_batch_size'),
    gradient_accumulation_steps: number(s, 'gradient_accumulation_steps'),
    num_train_epochs: number(s, 'num_train_epochs'),
    max_steps: number(s, 'max_steps'),
    logging_steps: number(s, 'logging_steps'),
    eval_steps: number(s, 'eval_steps'),
    save_steps: number(s, 'save_steps'),
    save_total_limit: UI_DEFAULTS.save_total_limit,
    seed: number(s, 'seed'),
    // Off and in order, a run is exactly repeatable; the defaults (the config's dropout, shuffled) train better.
    dropout: s.dropout.trim() === '' ? null : number(s, 'dropout'),
    shuffle: s.shuffle !== 'false',
  };
  let args: TrainingArguments;
  try {
    args = resolveArgs(partial);
  } catch (e) {
    // resolveArgs names the Hugging Face key first: put the label the page shows before it.
    const key = (e as Error).message.split(' ')[0];
    throw new SettingsError(`${labelOf(t, key)} (${(e as Error).message})`);
  }
  return {
    args,
    dataset: readDatasetOptions(s, nPositions, t),
    samples: { prompt: s.sample_prompt, everyEvaluations: number(s, 'sample_every'), maxNewTokens: 32 },
  };
}

/** Block size and split, which the dataset panel also needs (to show the blocks) before training. */
export function readDatasetOptions(s: Pick<Settings, 'block_size' | 'validation_split_percentage'>, nPositions: number, t: Messages): DatasetOptions {
  const blockSize = readNumber(s, 'block_size', t);
  if (blockSize > nPositions) throw new SettingsError(t.errors.blockSize(t.fields.block_size.label, nPositions, blockSize));
  return { blockSize, validationSplitPercentage: readNumber(s, 'validation_split_percentage', t) };
}

/** The form showing `args` (a restored run's), keeping the page-only fields. */
export function settingsOf(args: TrainingArguments, blockSize: number, previous: Settings): Settings {
  const out: Settings = { ...previous, block_size: String(blockSize), lr_scheduler_type: args.lr_scheduler_type };
  for (const key of Object.keys(FIELDS) as FieldKey[]) if (key in args) out[key] = String(args[key as keyof TrainingArguments]);
  out.dropout = args.dropout === null ? '' : String(args.dropout);
  out.shuffle = String(args.shuffle);
  return out;
}
