// The folder a training run leaves, as run_clm.py's trainer.save_model(), save_state() and save_metrics() write it:
// the model folder, trainer_state.json, training_args.json, train_results.json and (after an evaluation)
// eval_results.json. The CLI writes it to --output_dir; the studio zips it for Export model.
import type { GPT2 } from '../gpt2/model';
import { modelFolderFiles, type ModelMeta } from '../io/export';
import { jsonFile, type FolderFiles } from '../io/files';
import type { LogEntry } from './checkpoint';

/** A run's trainer_state.json (its log_history ends with the summary of a finished run) and its arguments. */
export interface RunRecord { state: Record<string, unknown>; args: object }

export function outputFolderFiles(model: GPT2, meta: ModelMeta, run: RunRecord | null): FolderFiles {
  const files = modelFolderFiles(model, meta);
  if (!run) return files;
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
