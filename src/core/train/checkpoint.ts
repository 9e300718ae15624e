// The trainer's files in a `checkpoint-{step}/` folder, beside the model folder: AdamW's moments in
// optimizer.safetensors (Trainer's exp_avg / exp_avg_sq per parameter), scheduler.json, rng_state.json,
// trainer_state.json (Trainer's, plus a `gpt2_studio` section with the running sums that make a resumed run log
// exactly what an uninterrupted one does) and training_args.json. Written and read here; the trainer only hands its
// state over and takes it back.
import type { AdamWState } from './adamw';
import type { TrainingArguments } from './args';
import { jsonFile, type FolderFiles } from '../io/files';
import { JsonFields, jsonText } from '../io/json';
import { sayIo } from '../io/messages';
import { parseSafetensors, safetensorsStream, type TensorToWrite } from '../io/safetensors';
import { ModelFileError } from '../errors';
import { sayTrain } from './messages';

/** The files of a checkpoint that `readCheckpoint` needs, besides the model folder. */
export const CHECKPOINT_STATE_FILES = ['trainer_state.json', 'optimizer.safetensors'] as const;

/** The trainer's running sums between logs, saved by name. */
export const ACCUMULATORS = ['loss', 'applied', 'totalLoss', 'totalApplied', 'badRun', 'gradNorm'] as const;
export type AccumulatorName = (typeof ACCUMULATORS)[number];

/** One entry of Trainer's log_history. */
export type LogEntry = Record<string, number | string>;

/** Where a run stands: what a checkpoint holds beyond the weights. */
export interface TrainerSnapshot {
  globalStep: number;
  logHistory: LogEntry[];
  accumulators: Record<AccumulatorName, number>;
  lastLogStep: number | null;
  /** Seconds of training so far. */
  elapsed: number;
  tokensSeen: number;
  optimizer: AdamWState;
}

/** What the trainer adds to a snapshot when it writes one. */
export interface CheckpointContext {
  args: TrainingArguments;
  warmup: number;
  maxSteps: number;
  /** trainer_state.json as Trainer writes it. */
  trainerState: Record<string, unknown>;
  /** The model's parameters and their shapes (moments are written for those the optimizer holds). */
  shapes: Map<string, number[]>;
}

/**
 * The checkpoint's files. optimizer.safetensors streams the optimizer's own arrays when it is written (twice the
 * model's size: never copied whole), so it must be written before the next step changes them.
 */
export function checkpointFiles(s: TrainerSnapshot, c: CheckpointContext): FolderFiles {
  const files: FolderFiles = new Map();
  const moments = new Map<string, TensorToWrite>();
  for (const [n, shape] of c.shapes) {
    const m = s.optimizer.m.get(n), v = s.optimizer.v.get(n);
    if (!m || !v) continue;
    moments.set('exp_avg.' + n, { shape, data: () => [m] });
    moments.set('exp_avg_sq.' + n, { shape, data: () => [v] });
  }
  files.set('optimizer.safetensors', safetensorsStream(moments, { step: String(s.optimizer.step) }));
  files.set('scheduler.json', jsonFile({ last_epoch: s.globalStep, lr_scheduler_type: c.args.lr_scheduler_type, warmup_steps: c.warmup, max_steps: c.maxSteps }));
  files.set('rng_state.json', jsonFile({ seed: c.args.seed, note: 'data order and dropout derive from (seed, epoch) and (seed, micro-batch)' }));
  files.set('trainer_state.json', jsonFile({
    ...c.trainerState,
    gpt2_studio: { accumulators: s.accumulators, last_log_step: s.lastLogStep, elapsed: s.elapsed, tokens_seen: s.tokensSeen },
  }));
  files.set('training_args.json', jsonFile(c.args));
  return files;
}

/**
 * Reads CHECKPOINT_STATE_FILES back, every field checked by name (a damaged file is refused naming the file and the
 * field). The moments are views of the file's bytes: no second copy.
 */
export function readCheckpoint(files: Map<string, Uint8Array>, shapes: Map<string, number[]>): TrainerSnapshot {
  const need = (f: string) => files.get(f) ?? (() => { throw new ModelFileError(sayTrain('checkpointFileMissing', f, ...CHECKPOINT_STATE_FILES)); })();
  const state = JsonFields.parse(need('trainer_state.json'), 'trainer_state.json');
  const x = state.object('gpt2_studio'), acc = x.object('accumulators');
  const snapshot = {
    globalStep: state.integer('global_step'),
    logHistory: state.objects('log_history') as LogEntry[],
    accumulators: Object.fromEntries(ACCUMULATORS.map((k) => [k, acc.float(k)])) as Record<AccumulatorName, number>,
    lastLogStep: x.nullableInteger('last_log_step'),
    elapsed: x.number('elapsed'),
    tokensSeen: x.integer('tokens_seen'),
  };
  const opt = parseSafetensors(need('optimizer.safetensors'), 'optimizer.safetensors');
  const step = Number(opt.metadata.step);
  if (!Number.isInteger(step) || step < 0) throw new ModelFileError(sayIo('fieldMustBe', 'optimizer.safetensors', '__metadata__ step', sayIo('aWholeNumber'), jsonText(opt.metadata.step)));
  const moments = (prefix: string) => new Map([...shapes.keys()].map((n) => [n, opt.float32(prefix + n)]));
  return { ...snapshot, optimizer: { step, m: moments('exp_avg.'), v: moments('exp_avg_sq.') } };
}
