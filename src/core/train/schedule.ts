// Learning-rate schedules of transformers.optimization, as multipliers of the base rate at a step.
// The update of optimizer step s (0-based) uses lrLambda(s); Trainer logs the rate after the scheduler's step,
// lrLambda(s + 1), which is why a linear run's last log shows 0.
import type { LrSchedule, TrainingArguments } from './args';

export function lrLambda(type: LrSchedule, step: number, warmupSteps: number, totalSteps: number): number {
  if (type === 'constant') return 1;
  if (step < warmupSteps) return step / Math.max(1, warmupSteps);
  if (type === 'constant_with_warmup') return 1;
  const progress = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
  if (type === 'linear') return Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
  // cosine with num_cycles = 0.5: from 1 down to 0 over the steps after warmup
  return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * 2 * 0.5 * progress)));
}

/** warmup_steps wins over warmup_ratio, as in TrainingArguments.get_warmup_steps. */
export function warmupSteps(warmup_steps: number, warmup_ratio: number, totalSteps: number): number {
  return warmup_steps > 0 ? warmup_steps : Math.ceil(totalSteps * warmup_ratio);
}

export interface RunLength { stepsPerEpoch: number; maxSteps: number; warmup: number }

/** How many optimizer steps a run on `trainBlocks` blocks makes, and how many of them warm up, as Trainer counts. */
export function runLength(trainBlocks: number, a: TrainingArguments): RunLength {
  const microBatches = Math.ceil(trainBlocks / a.per_device_train_batch_size);
  // Trainer: num_update_steps_per_epoch = len(dataloader) // gradient_accumulation_steps, at least 1.
  const stepsPerEpoch = Math.max(1, Math.floor(microBatches / a.gradient_accumulation_steps));
  const maxSteps = a.max_steps > 0 ? a.max_steps : Math.ceil(a.num_train_epochs * stepsPerEpoch);
  return { stepsPerEpoch, maxSteps, warmup: warmupSteps(a.warmup_steps, a.warmup_ratio, maxSteps) };
}
