// What the page and the studio worker say to each other. The worker exposes one StudioApi object through comlink;
// the page calls it (every call returns a Promise, so the page never waits on training, tokenizing or downloads)
// and passes callbacks wrapped in Comlink.proxy for streams: download progress, tokenizing progress, training
// events and generated tokens. Everything here is plain data (structured-clonable): the page never imports
// TensorFlow.js, only types from the core.
import type { BackendChoice, BackendName, BackendReport } from '../core/backend';
import type { SettingNames } from '../core/train/memory_plan';
import type { GPT2Config } from '../core/gpt2/config';
import type { LoraConfig } from '../core/train/lora_args';
import type { DataFile, DatasetFile, DatasetStats } from '../core/data';
import type { TrainingArguments } from '../core/train/args';
import type { ExportKind } from '../core/train/output';
import type { LogEntry, Progress } from '../core/train/trainer';
import type { Said } from '../core/messages';

export type { BackendChoice, BackendName, BackendReport, DataFile, DatasetFile, DatasetStats, GPT2Config, LogEntry, LoraConfig, Progress, Said, TrainingArguments };

/**
 * The backend choices the page offers, best first; the same order as the core's BACKENDS after 'auto'
 * (listed here so that the page does not load TensorFlow.js to show a list).
 */
export const BACKEND_CHOICES = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const satisfies readonly BackendChoice[];

/** The backends as the page names them (the worker's fault messages too). */
export const BACKEND_LABELS: Record<BackendChoice, string> = { auto: 'Auto', webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'CPU (JavaScript)' };

/** The settings as the page labels them, for the memory plan's refusals and out-of-memory advice (page and worker). */
export const STUDIO_SETTING_NAMES: SettingNames = {
  batchSize: 'Batch size', blockSize: 'Block size', backend: 'Backend', backendLabel: (b) => BACKEND_LABELS[b],
};

/** Where an export goes: a zip to download, or a folder (one the user picked, or the origin private file system). */
export type ExportTarget = { kind: 'zip' } | { kind: 'folder'; dir: FileSystemDirectoryHandle };

/**
 * Where a model comes from: a Hugging Face hub id, a URL base (http(s)://… or /…), files the user gave, the built-in
 * model served with the page, or a new GPT-2 to train from scratch (GPT2Config's defaults with run_clm.py's
 * `config_overrides`, GPT-2's tokenizer).
 */
export type ModelSource =
  | { kind: 'hub'; id: string }
  | { kind: 'url'; base: string }
  | { kind: 'files'; files: DataFile[] }
  | { kind: 'builtin' }
  | { kind: 'scratch'; name: string; overrides: string };

/** One file of a model download, reported while its body streams in. */
export interface DownloadProgress {
  file: string;
  url: string;
  loaded: number;
  /** Content-Length, when the server sent one. */
  total: number | null;
  bytesPerSecond: number;
  /** null when the total is unknown. */
  secondsLeft: number | null;
  /** Served from Cache Storage (a previous visit downloaded it). */
  fromCache: boolean;
  done: boolean;
}

export interface ModelInfo {
  /** Hub id, URL base, "dropped files" or "checkpoint-N of …". */
  name: string;
  /** The name as the page shows it, where it is words rather than an id or address ("dropped files"). */
  title?: Said;
  config: GPT2Config;
  /** model.num_parameters(): the tied LM head counted once. */
  parameters: number;
}

/** What each backend did when the worker tried it: why one does not work, worded by the page. */
export interface BackendOffer { backend: BackendName; ok: boolean; reason?: Said }

/** What the device allows, as far as the browser tells. */
export interface DeviceLimits {
  /** navigator.deviceMemory: RAM in GB, rounded down and capped (at 8) by the browser. */
  memoryGB: number | null;
  /** The WebGPU adapter's maxBufferSize and maxStorageBufferBindingSize, in bytes. */
  maxBufferSize: number | null;
  maxStorageBufferBindingSize: number | null;
  /** The adapter's description (e.g. "SwiftShader"), when WebGPU gives one. */
  adapter: string | null;
}

export interface BackendState {
  choice: BackendChoice;
  /** The backend running now and why each better one was not used (for 'auto'). */
  report: BackendReport;
  offers: BackendOffer[];
  device: DeviceLimits;
}

/** How the dataset files become blocks (run_clm's block_size and validation_split_percentage). */
export interface DatasetOptions {
  blockSize: number;
  validationSplitPercentage: number;
}

export interface TokenizeProgress { stage: 'reading' | 'tokenizing'; done: number; total: number }

export interface DatasetSummary {
  files: string[];
  options: DatasetOptions;
  stats: DatasetStats;
  /** The first documents as text, cut to a few thousand characters each. */
  preview: string[];
}

export interface SampleSettings {
  /** The fixed prompt of the samples generated during training. */
  prompt: string;
  /** Generate a sample after every N-th evaluation (0: never). */
  everyEvaluations: number;
  maxNewTokens: number;
}

export interface TrainRequest {
  args: TrainingArguments;
  dataset: DatasetOptions;
  samples: SampleSettings;
  /** Train a new LoRA adapter (PEFT) with these settings, the base frozen; absent or null: full fine-tuning. */
  lora?: LoraConfig | null;
}

/** What Export gives after LoRA training (the core's choice of output folder). */
export type { ExportKind };

export interface Sample { step: number; prompt: string; text: string }

export interface CheckpointInfo { name: string; step: number }

/** Streams of a training run, called by the worker (fire and forget). */
export interface TrainEvents {
  onLog(entry: LogEntry): void;
  /** At most ten times a second, and at the last step. */
  onProgress(p: Progress): void;
  /** Worded by the page in its language. */
  onWarning(warning: Said): void;
  onSample(sample: Sample): void;
  onCheckpoint(checkpoint: CheckpointInfo): void;
}

/** A run cut short by its device: lost (a GPU reset, a lost WebGL context) or out of memory. */
export interface RunFault {
  kind: 'device-lost' | 'out-of-memory';
  /** One sentence for the page's alert: what happened, at which step, and what is kept. */
  message: Said;
  backend: BackendName;
  /** The backend to continue on (the next of webgpu → webgl → wasm that works here), null when none is left. */
  next: BackendName | null;
  /** The last checkpoint kept in the browser's storage, to continue from; null when none was saved yet. */
  checkpoint: CheckpointInfo | null;
}

export interface TrainResult {
  status: 'completed' | 'stopped' | 'interrupted';
  step: number;
  /** Why an interrupted run ended. */
  fault?: RunFault;
}

/** What the page needs after moving to another backend following a fault. */
export interface Recovered {
  backend: BackendState;
  /** The saved run restored on the new backend, ready for continueTraining; null when no checkpoint was saved. */
  run: RestoredRun | null;
}

/** tf.memory() of the worker: the tensors alive and the bytes the backend holds for them. */
export interface TensorMemory { numTensors: number; numBytes: number }

/** A run kept in the origin private file system that no tab is training, offered for resuming after a reload. */
export interface ResumableRun {
  /** The run's folder in the browser's storage. */
  id: string;
  model: string;
  /** Its last complete checkpoint. */
  checkpoint: string;
  step: number;
  maxSteps: number;
  savedAt: string;
}

/** A saved run that cannot be continued (a damaged or cut file, an earlier version's layout): offered for deletion. */
export interface DamagedRun {
  id: string;
  /** What cannot be read, naming the file. */
  problem: Said;
}

export type SavedRun = ResumableRun | DamagedRun;

/** Everything the page shows of a run reloaded from its checkpoint, before it continues. */
export interface RestoredRun {
  model: ModelInfo;
  /** The run's LoRA settings; null for full fine-tuning. */
  lora: LoraConfig | null;
  dataset: DatasetSummary;
  args: TrainingArguments;
  logHistory: LogEntry[];
  progress: Progress;
}

export interface GenerateRequest {
  prompt: string;
  /** New tokens per sequence (run_generation.py's --length). */
  maxNewTokens: number;
  /** 0: greedy search; > 0: sampling at this temperature. */
  temperature: number;
  /** 0: off. */
  topK: number;
  topP: number;
  numSequences: number;
  seed: number;
  /** 'base': the weights as loaded, before any training; 'current': the model as trained so far. */
  model: 'base' | 'current';
}

export interface TokenAlternative { text: string; prob: number }

export interface GeneratedToken {
  seq: number;
  id: number;
  /** The text this token adds. A token holding part of a UTF-8 character adds nothing; the one completing it adds the character. */
  text: string;
  /** Its probability under the model (softmax of the raw logits); null when it was sampled from outside the top 5. */
  prob: number | null;
  /** The five likeliest tokens at its position, best first. */
  alternatives: TokenAlternative[];
}

export interface GenerateResult { tokens: number; seconds: number }

export interface StudioApi {
  /** Which backends work here, the one in use, and the device's limits (probed once, when the worker starts). */
  backends(): Promise<BackendState>;
  /** Moves the model to another backend. Not while training. */
  setBackend(choice: BackendChoice): Promise<BackendState>;
  loadModel(source: ModelSource, onDownload: (p: DownloadProgress) => void): Promise<ModelInfo>;
  /** Reads and tokenizes the files with the model's tokenizer. */
  loadDataset(files: DatasetFile[], options: DatasetOptions, onProgress: (p: TokenizeProgress) => void): Promise<DatasetSummary>;
  /** The dataset's files again, with other options (a new block size). */
  regroupDataset(options: DatasetOptions, onProgress: (p: TokenizeProgress) => void): Promise<DatasetSummary>;
  /** Trains from the weights as loaded; resolves when the run ends. */
  train(request: TrainRequest, events: TrainEvents): Promise<TrainResult>;
  /** Takes effect after the current step. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  /** Writes checkpoint-{step} to the origin private file system (between steps, when training). */
  saveCheckpoint(): Promise<CheckpointInfo>;
  /** The runs in this browser's storage that no tab is training, newest first. */
  savedRuns(): Promise<SavedRun[]>;
  /** Deletes a saved run (refused while another tab trains it). */
  discardSavedRun(id: string): Promise<void>;
  /** Loads a saved run's last checkpoint: model, dataset, optimizer and log history; the run becomes this tab's. */
  loadCheckpoint(id: string): Promise<RestoredRun>;
  /**
   * After a fault: starts `backend` without reading anything from the lost device, and restores the saved run's last
   * checkpoint on it (or the model as loaded, when no checkpoint was saved).
   */
  recover(backend: BackendName): Promise<Recovered>;
  /** Continues the run loadCheckpoint or recover restored. */
  continueTraining(samples: SampleSettings, events: TrainEvents): Promise<TrainResult>;
  generate(request: GenerateRequest, onToken: (t: GeneratedToken) => void): Promise<GenerateResult>;
  /**
   * The Hugging Face model folder, with trainer_state.json and training_args.json after training: written into a
   * folder (null comes back), or as a zip Blob. Either way streamed: the weights are never copied whole. A model with
   * a LoRA adapter gives the adapter folder or the merged model, as `kind` says (the adapter by default).
   */
  exportModel(target: ExportTarget, kind?: ExportKind): Promise<Blob | null>;
  /**
   * A zip of the run for Hugging Face's run_clm.py: run_clm.sh (`accelerate launch run_clm.py …`), README.md, model/
   * (the current weights) and data/ (the dataset as JSON Lines). The latest run's settings, or `request`'s before any.
   */
  exportPythonRun(request: TrainRequest): Promise<Blob>;
  /** trainer_state.json of the latest run (its log_history). */
  trainerState(): Promise<Record<string, unknown> | null>;
  /** tf.memory() between optimizer steps (the leak regression test reads it). */
  tensorMemory(): Promise<TensorMemory>;
  /**
   * Test-only: destroys the running backend's GPUDevice or loses its WebGL context (WEBGL_lose_context), as a driver
   * reset would, so that e2e/faults.test.ts can check what the studio does about it.
   */
  debugLoseDevice(): Promise<void>;
}
