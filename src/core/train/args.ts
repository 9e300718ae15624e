// Training arguments under Hugging Face TrainingArguments / run_clm.py names, with their defaults, so that a
// `Trainer` user's settings mean the same thing here. Only what GPT-2 Studio implements is listed.
import { UserError } from '../errors';
import type { Said } from '../messages';
import { jsonText } from '../io/json';
import { sayIo } from '../io/messages';
import { sayTrain } from './messages';

export const LR_SCHEDULES = ['linear', 'cosine', 'constant', 'constant_with_warmup'] as const;
export type LrSchedule = (typeof LR_SCHEDULES)[number];

export interface TrainingArguments {
  learning_rate: number;
  weight_decay: number;
  adam_beta1: number;
  adam_beta2: number;
  adam_epsilon: number;
  /** 0 turns clipping off (the norm is still computed and logged). */
  max_grad_norm: number;
  num_train_epochs: number;
  /** > 0 overrides num_train_epochs. */
  max_steps: number;
  lr_scheduler_type: LrSchedule;
  warmup_steps: number;
  warmup_ratio: number;
  per_device_train_batch_size: number;
  per_device_eval_batch_size: number;
  gradient_accumulation_steps: number;
  logging_steps: number;
  /** 0: evaluate only at the end (when there is a validation split). */
  eval_steps: number;
  /** 0: no checkpoints during training. */
  save_steps: number;
  /** 0: keep every checkpoint. */
  save_total_limit: number;
  seed: number;
  /** Shuffle the training blocks each epoch (from the seed); false keeps file order. */
  shuffle: boolean;
  /** Sets embd/attn/resid dropout together; null keeps the config's rates. */
  dropout: number | null;
  /**
   * Recompute each transformer block's activations in the backward pass instead of keeping them: less memory, about
   * twice the time on wasm (measured at block 128 and 256), the same numbers. null: only when the run would not fit
   * without it (the memory plan decides).
   */
  gradient_checkpointing: boolean | null;
}

export const DEFAULT_ARGS: TrainingArguments = {
  learning_rate: 5e-5,
  weight_decay: 0,
  adam_beta1: 0.9,
  adam_beta2: 0.999,
  adam_epsilon: 1e-8,
  max_grad_norm: 1.0,
  num_train_epochs: 3,
  max_steps: -1,
  lr_scheduler_type: 'linear',
  warmup_steps: 0,
  warmup_ratio: 0,
  per_device_train_batch_size: 8,
  per_device_eval_batch_size: 8,
  gradient_accumulation_steps: 1,
  logging_steps: 500,
  eval_steps: 0,
  save_steps: 500,
  save_total_limit: 0,
  seed: 42,
  shuffle: true,
  dropout: null,
  gradient_checkpointing: null,
};

export class SettingsError extends UserError {}

/** Fills defaults and checks every value, naming the setting and what was expected. */
export function resolveArgs(partial: Partial<TrainingArguments>): TrainingArguments {
  const a = { ...DEFAULT_ARGS, ...Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) } as TrainingArguments;
  const check = (ok: boolean, key: keyof TrainingArguments, expected: Said) => {
    if (!ok) throw new SettingsError(sayTrain('settingMustBe', key, expected, jsonText(a[key])));
  };
  const posInt = (k: keyof TrainingArguments) => check(Number.isInteger(a[k]) && (a[k] as number) > 0, k, sayIo('aPositiveInteger'));
  const nonNegInt = (k: keyof TrainingArguments) => check(Number.isInteger(a[k]) && (a[k] as number) >= 0, k, sayTrain('anIntegerFrom0'));
  check(Number.isFinite(a.learning_rate) && a.learning_rate >= 0, 'learning_rate', sayTrain('aNumberFrom0'));
  check(Number.isFinite(a.weight_decay) && a.weight_decay >= 0, 'weight_decay', sayTrain('aNumberFrom0'));
  check(a.adam_beta1 >= 0 && a.adam_beta1 < 1, 'adam_beta1', sayIo('inUnitRange'));
  check(a.adam_beta2 >= 0 && a.adam_beta2 < 1, 'adam_beta2', sayIo('inUnitRange'));
  check(a.adam_epsilon > 0, 'adam_epsilon', sayIo('aNumberAbove0'));
  check(Number.isFinite(a.max_grad_norm) && a.max_grad_norm >= 0, 'max_grad_norm', sayTrain('aClippingNorm'));
  check(a.max_steps > 0 ? Number.isInteger(a.max_steps) : a.num_train_epochs > 0, a.max_steps > 0 ? 'max_steps' : 'num_train_epochs', sayTrain('aPositiveNumber'));
  check((LR_SCHEDULES as readonly string[]).includes(a.lr_scheduler_type), 'lr_scheduler_type', sayTrain('oneOf', LR_SCHEDULES.join(', ')));
  nonNegInt('warmup_steps');
  check(a.warmup_ratio >= 0 && a.warmup_ratio <= 1, 'warmup_ratio', sayTrain('inClosedUnitRange'));
  posInt('per_device_train_batch_size');
  posInt('per_device_eval_batch_size');
  posInt('gradient_accumulation_steps');
  posInt('logging_steps');
  nonNegInt('eval_steps');
  nonNegInt('save_steps');
  nonNegInt('save_total_limit');
  check(Number.isInteger(a.seed), 'seed', sayIo('anInteger'));
  check(a.dropout === null || (a.dropout >= 0 && a.dropout < 1), 'dropout', sayIo('inUnitRange'));
  check(a.gradient_checkpointing === null || typeof a.gradient_checkpointing === 'boolean', 'gradient_checkpointing', sayTrain('trueFalseOrNull'));
  return a;
}
