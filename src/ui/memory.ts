// The memory plan of a run, for the model card and the Start button: the core decides (src/core/train/memory_plan.ts,
// the same plan the worker refuses with); the page puts it into words.
import { describeRefusal, deviceBudget, planTraining, type TrainingPlan } from '../core/train/memory_plan';
import { STUDIO_SETTING_NAMES, type BackendState, type GPT2Config } from '../worker/protocol';

/** The plan for training `config` with this batch and block size on the backend running now. */
export function trainingPlan(config: GPT2Config, batchSize: number, blockSize: number, backend: BackendState): TrainingPlan {
  return planTraining({ config, batchSize, blockSize, budget: deviceBudget(backend.report.backend, backend.device) });
}

/** Why the plan's run cannot fit, naming the field to change and the largest batch size that fits; null when it fits. */
export const fitError = (plan: TrainingPlan): string | null => describeRefusal(plan, STUDIO_SETTING_NAMES);
