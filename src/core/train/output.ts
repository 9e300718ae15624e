// The folder a training run leaves, as run_clm.py's trainer.save_model(), save_state() and save_metrics() write it:
// the weights (the model folder, or PEFT's adapter folder after LoRA), trainer_state.json, training_args.json,
// train_results.json and (after an evaluation) eval_results.json. The CLI writes it to --output_dir; the studio zips
// it for Export model.
import type { GPT2 } from '../gpt2/model';
import { modelFolderFiles, type ModelMeta } from '../io/export';
import { adapterFolderFiles, mergedModelFiles } from '../io/adapter';
import { jsonFile, type FolderFiles } from '../io/files';
import type { LogEntry } from './checkpoint';

/** What a LoRA run's folder holds: the adapter folder (PEFT's files, a few MB) or the merged full model. */
export type ExportKind = 'adapter' | 'merged';

/**
 * The weights a run leaves: the model folder after full fine-tuning; after LoRA, the adapter folder with the
 * tokenizer (as TRL's Trainer saves a PeftModel, naming `baseModelName` as its base) or, asked for, the base model with
 * the update merged in. `release` frees what was made for the merge once the files are written.
 */
export function savedModelFiles(model: GPT2, meta: ModelMeta, baseModelName: string | null, kind: ExportKind = 'adapter'): { files: FolderFiles; release(): void } {
  // Full fine-tuning has no adapter: the model is the output, whatever `kind` says.
  if (!model.lora) return { files: modelFolderFiles(model, meta), release: () => {} };
  if (kind === 'merged') return mergedModelFiles(model, meta);
  return { files: adapterFolderFiles(model.lora, baseModelName, meta.tokenizer), release: () => {} };
}

/** A run's trainer_state.json (its log_history ends with the summary of a finished run) and its arguments. */
export interface RunRecord { state: Record<string, unknown>; args: object }

/** `weights` (savedModelFiles') with the run's state, arguments and results beside them, when there was a run. */
export function outputFolderFiles(weights: FolderFiles, run: RunRecord | null): FolderFiles {
  if (!run) return weights;
  const files = new Map(weights);
  files.set('trainer_state.json', jsonFile(run.state));
  files.set('training_args.json', jsonFile(run.args));
  const history = (run.state.log_history ?? []) as LogEntry[];
  const summary = history.at(-1);
  if (summary && 'train_runtime' in summary) {
    files.set('train_results.json', jsonFile(Object.fromEntries(Object.entries(summary).filter(([k]) => k.startsWith('train_') || k === 'epoch'))));
  }
  const lastEval = history.findLast((e) => 'eval_loss' in e);
  if (lastEval) files.set('eval_results.json', jsonFile(lastEval));
  return files;
}
