// Every training run's log, kept in this browser's IndexedDB (through idb-keyval) so that runs can be compared
// side by side as in TensorBoard: its name, its settings, when it ran, and its log_history. This is the page's own
// record of runs, apart from the worker's autosave (src/worker/run_store.ts), which keeps one run's checkpoint.
import { createStore, del, get, set, values, type UseStore } from 'idb-keyval';
import type { DatasetOptions, LogEntry, TrainingArguments } from '../worker/protocol';

export interface RunRecord {
  id: string;
  name: string;
  /** ISO time the run started. */
  startedAt: string;
  model: string;
  backend: string;
  /** The dataset's files. */
  dataset: string[];
  args: TrainingArguments;
  datasetOptions: DatasetOptions;
  logHistory: LogEntry[];
  status: string;
}

let store: UseStore | null = null;
/** Opened on first use: a page that never trains never creates the database. */
const db = () => (store ??= createStore('gpt2-studio-runs', 'runs'));

/** The runs kept, oldest first. */
export async function listRuns(): Promise<RunRecord[]> {
  return (await values<RunRecord>(db())).sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
}

export const putRun = (run: RunRecord) => set(run.id, run, db());

export async function renameRun(id: string, name: string): Promise<void> {
  const run = await get<RunRecord>(id, db());
  if (run) await set(id, { ...run, name }, db());
}

export const deleteRun = (id: string) => del(id, db());

/** A run's log as a file: trainer_state.json's log_history, with the run's name, settings and time beside it. */
export function runLogFile(run: RunRecord): string {
  const { name, startedAt, model, backend, dataset, args, datasetOptions, logHistory, status } = run;
  return JSON.stringify({
    run_name: name, started_at: startedAt, status, model_name_or_path: model, backend, train_file: dataset,
    block_size: datasetOptions.blockSize, validation_split_percentage: datasetOptions.validationSplitPercentage,
    training_args: args, log_history: logHistory,
  }, null, 2) + '\n';
}
