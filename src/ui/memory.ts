// The memory plan of a run, for the model card and the Start button: the core decides (src/core/train/memory_plan.ts,
// the same plan the worker refuses with); the page puts its refusal into words from the catalog (src/ui/i18n).
import { deviceBudget, planTraining, trainingMode, type DeviceBudget, type TrainingPlan } from '../core/train/memory_plan';
import type { LoraConfig } from '../core/train/lora_args';
import type { BackendState, GPT2Config } from '../worker/protocol';
import type { I18n } from './i18n/language';

/** The plan for training `config` (every weight, or `lora`'s adapters) with this batch and block size on the backend running now. */
export function trainingPlan(config: GPT2Config, batchSize: number, blockSize: number, backend: BackendState, lora: LoraConfig | null = null): TrainingPlan {
  return planTraining({ config, batchSize, blockSize, mode: trainingMode(lora), budget: deviceBudget(backend.report.backend, backend.device) });
}

/** Why the plan's run cannot fit, naming the field to change and the largest batch size that fits; null when it fits. */
export function fitError(plan: TrainingPlan, { t, f }: Pick<I18n, 't' | 'f'>): string | null {
  const r = plan.refusal;
  if (!r) return null;
  const w = t.fit, batchLabel = t.fields.per_device_train_batch_size.label, blockLabel = t.fields.block_size.label;
  const { batchSize, blockSize, budget } = plan.request;
  const on = t.backends.names[budget.backend];
  const budgetWords = (b: DeviceBudget) => (b.source === 'wasm-heap' ? w.wasmHeap : b.source === 'reported' ? w.reported(f.number(b.bytes / 1e9, 1)) : w.assumed);
  if (r.kind === 'buffer' && r.tensor === 'embedding') return `${t.backends.label}: ${w.embedding(f.bytes(r.needed), f.bytes(r.limit), t.backends.names.wasm)}`;
  if (r.kind === 'parameters') {
    const full = (plan.request.mode ?? { kind: 'full' }).kind === 'full';
    return `${t.backends.label}: ${w.parameters(f.count(plan.estimate.trainableParameters), full, f.bytes(r.needed), on, budgetWords(budget))}`;
  }
  const blocks = w.blocks(f.count(batchSize), f.count(blockSize));
  const why = r.kind === 'memory' ? w.memory(blocks, f.bytes(r.needed), on, budgetWords(budget)) : w.buffer(blocks, f.bytes(r.needed), f.bytes(r.limit));
  return plan.largestBatch > 0 ? `${batchLabel}: ${w.largestBatch(why, f.count(plan.largestBatch))}` : `${blockLabel}: ${w.notEvenOne(why, blockLabel)}`;
}
