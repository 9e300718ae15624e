// The studio's state in the worker — the model, the dataset, the latest run — and the StudioApi the page calls.
// All heavy work happens here: downloads, tokenizing, training, generation, checkpoints, zipping.
//
// Calls that replace or read the model, the dataset or the backend run one at a time, in the order they came (a
// checkpoint restored while a model still downloads must not interleave with it); a run's setup is one such call,
// the run itself is not, so that pause, stop and generation reach it.
//
// Anything that reads the weights while a run is going (samples, generation, checkpoints, export) happens between
// optimizer steps: it holds the trainer (Trainer.pause takes effect before the next step) and releases it after.
// Holds are counted, so that the user's own pause outlasts them.
//
// A run watches its device: when the GPU device or the WebGL context is lost, or WebGPU runs out of memory, the run
// ends as 'interrupted' with a RunFault naming the last checkpoint kept in the origin private file system and the
// next backend to continue on (recover). Nothing is read back from a lost device: its weights are dropped unread.
import type { Tensor } from '@tensorflow/tfjs';
import { GPT2 } from '../core/gpt2/model';
import { LoraAdapter } from '../core/gpt2/lora';
import { resolveLora } from '../core/train/lora_args';
import { countParameters } from '../core/gpt2/config';
import { memorySource, readModelFolder, type ModelFolder } from '../core/io/model_folder';
import { baseName, explainLoadFailure, openModelSource, sourceName } from './model_sources';
import { fileBytes, jsonFile, modelFolderFiles, type FolderFiles } from '../core/io/export';
import { adapterFiles, exportFiles, restoreAdapter } from './lora';
import { DataError, prepareDataset, type DatasetFile } from '../core/data';
import { resolveArgs, SettingsError, type TrainingArguments } from '../core/train/args';
import { Trainer, type BlockDataset, type TrainerHooks } from '../core/train/trainer';
import { deviceLimits, loseDeviceForTest, probeBackends, startBackend, tensorMemory, watchDevice, type DeviceFault, type DeviceWatch } from './backends';
import { isOutOfMemory, outOfMemoryDetail } from '../core/backend/out_of_memory';
import { isHostBackend } from '../core/backend/host_memory';
import { deviceBudget, outOfMemoryAdvice, requireFit, trainingMode } from '../core/train/memory_plan';
import { streamGenerate } from './generation';
import { RunStore } from './run_store';
import { preparePythonRun } from './python_export';
import { writeFolder, zipBlob } from './export_files';
import { BACKEND_LABELS, STUDIO_SETTING_NAMES } from './protocol';
import type {
  BackendChoice, BackendName, BackendState, CheckpointInfo, DatasetOptions, DatasetSummary, DownloadProgress, ExportKind, ExportTarget, GeneratedToken,
  GenerateRequest, GenerateResult, ModelInfo, ModelSource, Recovered, RestoredRun, RunFault, SampleSettings, SavedRun, StudioApi, TensorMemory,
  TokenizeProgress, TrainEvents,
  TrainRequest, TrainResult,
} from './protocol';

const PREVIEW_DOCUMENTS = 5;
const PREVIEW_CHARACTERS = 2000;
const PROGRESS_EVERY_MS = 100;
/** The order a run falls back in after a fault (the core's BACKENDS order). */
const FALLBACK: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
/** How long a failed run waits for its device to report a loss or an out-of-memory error. */
const FAULT_REPORT_MS = 1000;

/** A run in progress. */
interface ActiveRun {
  trainer: Trainer;
  events: TrainEvents;
  samples: SampleSettings;
  userPaused: boolean;
  /** Work holding the trainer between steps. */
  holds: number;
  evaluations: number;
  /** Samples in flight, awaited before the run reports its end. */
  sideWork: Promise<void>;
  lastProgress: number;
  watch: DeviceWatch;
}

interface Dataset { data: BlockDataset; summary: DatasetSummary }


export class Studio implements StudioApi {
  private readonly ready: Promise<BackendState>;
  private backend!: BackendState;
  private readonly store = RunStore.open();
  private folder: ModelFolder | null = null;
  private modelName = '';
  /** The model as first loaded (hub id, URL or "dropped files"), a restored run's too: its adapters' base_model_name_or_path. */
  private baseModelName = '';
  /** The model as trained so far; `baseModel` keeps the weights as loaded, made on first use. */
  private model: GPT2 | null = null;
  private baseModel: GPT2 | null = null;
  /** as given: File objects are read again (streamed) to regroup, never held as bytes */
  private dataFiles: DatasetFile[] = [];
  private dataset: Dataset | null = null;
  /** The latest run's trainer, kept (with its optimizer state) for checkpoints until another run, model or backend. */
  private trainer: Trainer | null = null;
  /** What the log download and export need of a trainer that is gone. */
  private finished: { state: Record<string, unknown>; args: TrainingArguments } | null = null;
  /** A trainer restored from a checkpoint, waiting for continueTraining. */
  private restored: Trainer | null = null;
  private run: ActiveRun | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor() {
    this.ready = (async () => {
      const offers = await probeBackends();
      this.backend = { choice: 'auto', report: await startBackend('auto'), offers, device: await deviceLimits() };
      return this.backend;
    })();
  }

  backends(): Promise<BackendState> { return this.ready; }

  /** Runs `f` after the calls before it have ended (and after the backends have started). */
  private serial<T>(f: () => Promise<T>): Promise<T> {
    const result = this.queue.then(() => this.ready).then(f);
    this.queue = result.catch(() => {});
    return result;
  }

  setBackend(choice: BackendChoice): Promise<BackendState> {
    return this.serial(async () => {
      this.assertIdle('change the backend');
      // Tensors live on one backend: the weights are read back and made again on the new one.
      const weights = this.model ? await readWeights(this.model.params) : null;
      const lora = this.model?.lora ? { config: this.model.lora.config, weights: await readWeights(this.model.lora.params) } : null;
      this.retireTrainer();
      this.disposeModels();
      const previous = this.backend.report.backend;
      try {
        this.backend = { ...this.backend, choice, report: await startBackend(choice) };
      } catch (e) {
        await startBackend(previous); // a failed start leaves tfjs on cpu
        throw e;
      } finally {
        if (weights && this.folder) this.model = GPT2.fromArrays(this.folder.config, weights);
        if (lora && this.model) this.model.lora = LoraAdapter.fromArrays(this.model.config, lora.config, lora.weights);
      }
      return this.backend;
    });
  }

  loadModel(source: ModelSource, onDownload: (p: DownloadProgress) => void): Promise<ModelInfo> {
    return this.serial(async () => {
      this.assertIdle('load another model');
      const folder = await readModelFolder(await openModelSource(source, onDownload)).catch((e) => { throw explainLoadFailure(e, source); });
      this.retireTrainer();
      this.finished = null;
      this.disposeModels();
      this.folder = folder;
      this.modelName = this.baseModelName = sourceName(source);
      this.model = GPT2.fromArrays(folder.config, folder.weights);
      // The dataset was tokenized with the previous tokenizer: the page regroups it for this model.
      this.dataset = null;
      return this.modelInfo();
    });
  }

  loadDataset(files: DatasetFile[], options: DatasetOptions, onProgress: (p: TokenizeProgress) => void): Promise<DatasetSummary> {
    return this.serial(async () => {
      if (files.length === 0) throw new DataError('no files given');
      const dataset = await this.prepare(files, options, onProgress);
      this.dataFiles = files;
      this.dataset = dataset;
      return dataset.summary;
    });
  }

  regroupDataset(options: DatasetOptions, onProgress: (p: TokenizeProgress) => void): Promise<DatasetSummary> {
    return this.serial(() => this.regroup(options, onProgress));
  }

  private async regroup(options: DatasetOptions, onProgress: (p: TokenizeProgress) => void): Promise<DatasetSummary> {
    if (this.dataFiles.length === 0) {
      throw new DataError(this.dataset ? 'the files of a restored run are not kept: add the dataset files again to change how they are grouped' : 'add dataset files first');
    }
    this.dataset = await this.prepare(this.dataFiles, options, onProgress);
    return this.dataset.summary;
  }

  private async prepare(files: DatasetFile[], options: DatasetOptions, onProgress: (p: TokenizeProgress) => void): Promise<Dataset> {
    this.assertIdle('change the dataset');
    const folder = this.requireModel();
    const n = folder.config.n_positions;
    if (!Number.isInteger(options.blockSize) || options.blockSize < 2 || options.blockSize > n) {
      throw new SettingsError(`block_size must be an integer from 2 to the model's context of ${n} tokens (n_positions), got ${options.blockSize}`);
    }
    const p = await prepareDataset(files, folder.tokenizer, options, [], (stage, done, total) => onProgress({ stage, done, total }));
    return {
      data: { blocks: p.blocks, blockSize: p.blockSize, train: p.train, validation: p.validation },
      summary: {
        files: files.map((f) => baseName(f.name)), options, stats: p.stats,
        preview: p.preview.slice(0, PREVIEW_DOCUMENTS).map((d) => (d.length > PREVIEW_CHARACTERS ? d.slice(0, PREVIEW_CHARACTERS) + '…' : d)),
      },
    };
  }

  async train(request: TrainRequest, events: TrainEvents): Promise<TrainResult> {
    return this.finishRun(await this.serial(async () => {
      this.assertIdle('start another run');
      const folder = this.requireModel();
      const args = resolveArgs(request.args);
      const lora = request.lora ? resolveLora(request.lora) : null;
      // What cannot fit the device is refused here, before the run, as the page's own check says it.
      args.gradient_checkpointing = requireFit({
        config: folder.config, batchSize: args.per_device_train_batch_size, blockSize: request.dataset.blockSize, mode: trainingMode(lora),
        recompute: args.gradient_checkpointing ?? undefined, budget: deviceBudget(this.backend.report.backend, this.backend.device),
      }, STUDIO_SETTING_NAMES).recompute;
      const current = this.dataset?.summary.options;
      if (!current || current.blockSize !== request.dataset.blockSize || current.validationSplitPercentage !== request.dataset.validationSplitPercentage) {
        await this.regroup(request.dataset, () => {});
      }
      const dataset = this.dataset!;
      // Every run starts from the weights as loaded, so that runs with different settings compare.
      this.retireTrainer();
      this.finished = null;
      this.model?.dispose();
      this.model = GPT2.fromArrays(folder.config, folder.weights);
      if (lora) this.model.lora = LoraAdapter.init(folder.config, lora, args.seed);
      const trainer = this.newTrainer(dataset.data, args);
      const store = await this.store;
      try {
        await store?.begin({ model: this.modelName, maxSteps: trainer.maxSteps, startedAt: new Date().toISOString() },
          { summary: dataset.summary, blocks: dataset.data.blocks, train: dataset.data.train, validation: dataset.data.validation });
      } catch (e) {
        events.onWarning(`checkpoints cannot be kept in this browser's storage (${(e as Error).message}); export the model instead`);
      }
      return this.beginRun(trainer, request.samples, events);
    }));
  }

  /** Makes `trainer` the active run (inside a serial call, so that no other call sees a half-started run). */
  private beginRun(trainer: Trainer, samples: SampleSettings, events: TrainEvents): ActiveRun {
    this.trainer = trainer;
    const watch = watchDevice(this.backend.report.backend);
    this.run = { trainer, events, samples, userPaused: false, holds: 0, evaluations: 0, sideWork: Promise.resolve(), lastProgress: 0, watch };
    return this.run;
  }

  private async finishRun(run: ActiveRun): Promise<TrainResult> {
    const { trainer, events } = run;
    try {
      // A lost device may leave the trainer waiting forever on a read: the fault ends the run without it.
      const training = trainer.train().then(() => null);
      const fault = await Promise.race([training, run.watch.fault]);
      if (fault) {
        training.catch(() => { /* the trainer failing on the lost device is expected */ });
        return await this.interrupt(run, fault);
      }
      await run.sideWork;
      return { status: trainer.globalStep >= trainer.maxSteps ? 'completed' : 'stopped', step: trainer.globalStep };
    } catch (e) {
      // A lost device can fail the step that used it before the browser reports the loss: give the report a moment.
      const fault = await Promise.race([run.watch.fault, new Promise<null>((resolve) => setTimeout(() => resolve(null), FAULT_REPORT_MS))]);
      if (fault) return await this.interrupt(run, fault);
      if (run.watch.isLost()) return await this.interrupt(run, { kind: 'device-lost', detail: (e as Error).message });
      if (isOutOfMemory(e)) return await this.interrupt(run, { kind: 'out-of-memory', detail: outOfMemoryDetail(e) });
      throw e;
    } finally {
      events.onProgress(trainer.progress());
      this.run = null;
    }
  }

  /** Ends a run its device failed: says what happened, which checkpoint is kept and where to continue. */
  private async interrupt(run: ActiveRun, fault: DeviceFault): Promise<TrainResult> {
    const { trainer } = run;
    trainer.stop();
    const backend = this.backend.report.backend, step = trainer.globalStep;
    if (fault.kind === 'device-lost') this.abandonDevice(backend);
    const next = FALLBACK.slice(FALLBACK.indexOf(backend) + 1).find((b) => this.backend.offers.some((o) => o.backend === b && o.ok)) ?? null;
    const saved = await (await this.store)?.latest() ?? null;
    const checkpoint = saved && { name: saved.checkpoint, step: saved.step };
    const where = next ? ` on ${BACKEND_LABELS[next]}` : '';
    const kept = checkpoint
      ? `${checkpoint.name} is kept in this browser's storage: continue from step ${checkpoint.step}${where}.`
      : `No checkpoint was saved yet (Save steps): start again${where}.`;
    const what = fault.kind === 'out-of-memory'
      ? capitalize(outOfMemoryAdvice({
        backend: BACKEND_LABELS[backend], step: step + 1, batchSize: trainer.args.per_device_train_batch_size,
        blockSize: this.dataset?.data.blockSize ?? 0, detail: fault.detail, names: STUDIO_SETTING_NAMES,
      })) + '.'
      : `The ${backend === 'webgl' ? 'WebGL context' : `${BACKEND_LABELS[backend]} device`} was lost at step ${step} (${fault.detail}).`;
    const result: RunFault = { kind: fault.kind, message: `${what} ${kept}`, backend, next, checkpoint };
    return { status: 'interrupted', step, fault: result };
  }

  /**
   * Forgets everything that lived on a lost device, unread (a lost WebGL context reads back zeros), and marks its
   * backend unavailable: tfjs keeps the dead device for it until the page reloads.
   */
  private abandonDevice(backend: BackendName): void {
    try {
      this.retireTrainer();
      this.disposeModels();
    } catch {
      this.trainer = this.restored = null;
      this.model = this.baseModel = null;
    }
    this.backend = {
      ...this.backend,
      offers: this.backend.offers.map((o) => (o.backend === backend ? { ...o, ok: false, reason: 'its device was lost during a run; reload the page to use it again' } : o)),
    };
  }

  recover(backend: BackendName): Promise<Recovered> {
    return this.serial(async () => {
      this.assertIdle('change the backend');
      this.retireTrainer();
      this.disposeModels();
      this.backend = { ...this.backend, choice: backend, report: await startBackend(backend) };
      if (await (await this.store)?.latest()) return { backend: this.backend, run: await this.restoreSaved() };
      if (this.folder) this.model = GPT2.fromArrays(this.folder.config, this.folder.weights);
      return { backend: this.backend, run: null };
    });
  }

  /** A trainer whose hooks forward to the active run only while it is this trainer's (not a lost device's left-over). */
  private newTrainer(data: BlockDataset, args: TrainingArguments): Trainer {
    const trainer: Trainer = new Trainer(this.model!, data, args, this.backend.report.backend, this.hooks(() => trainer));
    return trainer;
  }

  private hooks(owner: () => Trainer): TrainerHooks {
    const active = () => (this.run?.trainer === owner() ? this.run : null);
    return {
      onLog: (entry) => {
        const run = active();
        if (!run) return;
        run.events.onLog(entry);
        if (!('eval_loss' in entry)) return;
        run.evaluations++;
        const every = run.samples.everyEvaluations;
        if (every > 0 && run.evaluations % every === 0) {
          const release = this.hold(run);
          const step = Number(entry.step);
          run.sideWork = run.sideWork
            .then(() => this.sample(run, step))
            .catch((e) => run.events.onWarning(`sample at step ${step} failed: ${(e as Error).message}`))
            .finally(release);
        }
      },
      onProgress: (p) => {
        const run = active();
        const now = performance.now();
        // The last step before a pause or the end is always sent: the page shows where the run holds.
        if (run && (now - run.lastProgress >= PROGRESS_EVERY_MS || p.step === p.maxSteps || run.trainer.isPaused)) {
          run.lastProgress = now;
          run.events.onProgress(p);
        }
      },
      onWarning: (message) => active()?.events.onWarning(message),
      // Older checkpoints are pruned by the store (save_total_limit), which also counts those saved by hand.
      onCheckpoint: async (name, files) => {
        const run = active();
        if (!run) return;
        try {
          run.events.onCheckpoint(await this.writeCheckpoint(name, files, run.trainer));
        } catch (e) {
          run.events.onWarning(`${name} was not saved: ${(e as Error).message}`);
        }
      },
    };
  }

  private async sample(run: ActiveRun, step: number): Promise<void> {
    const { prompt, maxNewTokens } = run.samples;
    let text = '';
    await streamGenerate(this.model!, this.folder!.tokenizer, {
      prompt, maxNewTokens, temperature: 0, topK: 0, topP: 1, numSequences: 1, seed: 0, model: 'current',
    }, (t) => { text += t.text; });
    run.events.onSample({ step, prompt, text });
  }

  /** Holds the trainer before its next step; the returned function releases the hold. */
  private hold(run: ActiveRun): () => void {
    run.holds++;
    run.trainer.pause();
    return () => {
      if (--run.holds === 0 && !run.userPaused) run.trainer.resume();
    };
  }

  /** Runs `f` between optimizer steps when a run is going, else at once. */
  private async betweenSteps<T>(f: () => Promise<T>): Promise<T> {
    const release = this.run ? this.hold(this.run) : () => {};
    try { return await f(); } finally { release(); }
  }

  async pause(): Promise<void> {
    if (!this.run) return;
    this.run.userPaused = true;
    this.run.trainer.pause();
  }

  async resume(): Promise<void> {
    const run = this.run;
    if (!run) return;
    run.userPaused = false;
    if (run.holds === 0) run.trainer.resume();
  }

  async stop(): Promise<void> {
    this.run?.trainer.stop();
  }

  saveCheckpoint(): Promise<CheckpointInfo> {
    return this.serial(async () => {
      const trainer = this.trainer;
      if (!trainer) throw new Error('nothing to save: no run holds its optimizer state (a new model or backend releases it); start training first');
      return this.betweenSteps(async () => this.writeCheckpoint(`checkpoint-${trainer.globalStep}`, await trainer.checkpointFiles(), trainer));
    });
  }

  /** checkpoint-{step}/: the model folder beside the trainer's files, kept in the origin private file system. */
  private async writeCheckpoint(name: string, trainerFiles: FolderFiles, trainer: Trainer): Promise<CheckpointInfo> {
    const store = await this.store;
    if (!store) throw new Error("this browser has no origin private file system for checkpoints; use Export model");
    const files = await modelFolderFiles(this.model!, this.folder!);
    // On a GPU the weights are read here, not while the store writes them, so that a device lost meanwhile is noticed
    // first (a lost WebGL context reads back zeros); wasm and cpu cannot lose their memory, and stream them.
    if (!isHostBackend()) files.set('model.safetensors', await fileBytes(files.get('model.safetensors')!));
    if (this.run?.watch.isLost()) throw new Error('the device was lost while the weights were read: the previous checkpoint is kept');
    for (const [n, bytes] of [...trainerFiles, ...await adapterFiles(this.model!, this.baseModelName)]) files.set(n, bytes);
    const limit = trainer.args.save_total_limit;
    await store.saveCheckpoint(name, files, limit > 0 ? limit : Infinity);
    return { name, step: trainer.globalStep };
  }

  async savedRun(): Promise<SavedRun | null> {
    return (await this.store)?.latest() ?? null;
  }

  discardSavedRun(): Promise<void> {
    return this.serial(async () => {
      this.assertIdle('discard the saved run');
      await (await this.store)?.clear();
    });
  }

  loadCheckpoint(): Promise<RestoredRun> {
    return this.serial(async () => {
      this.assertIdle('load a checkpoint');
      return this.restoreSaved();
    });
  }

  /** The saved run's last checkpoint on the backend running now: model, dataset, optimizer and log history. */
  private async restoreSaved(): Promise<RestoredRun> {
    const store = await this.store;
    const saved = await store?.latest();
    if (!store || !saved) throw new Error('no saved run to continue');
    const files = await store.readCheckpoint(saved.checkpoint);
    const folder = await readModelFolder(memorySource(files, saved.checkpoint));
    const stored = await store.readDataset();
    const argsFile = files.get('training_args.json');
    if (!argsFile) throw new Error(`${saved.checkpoint}: training_args.json is missing`);
    const args = resolveArgs(JSON.parse(new TextDecoder().decode(argsFile)) as Partial<TrainingArguments>);
    this.retireTrainer();
    this.finished = null;
    this.disposeModels();
    this.folder = folder;
    this.modelName = `${saved.checkpoint} of ${saved.model}`;
    this.baseModelName = saved.model;
    this.model = GPT2.fromArrays(folder.config, folder.weights);
    await restoreAdapter(this.model, files, saved.checkpoint);
    this.dataFiles = [];
    this.dataset = {
      data: { blocks: stored.blocks, blockSize: stored.summary.options.blockSize, train: stored.train, validation: stored.validation },
      summary: stored.summary,
    };
    const trainer = this.newTrainer(this.dataset.data, args);
    trainer.restore(files);
    this.trainer = this.restored = trainer;
    return { model: this.modelInfo(), lora: this.model.lora?.config ?? null, dataset: stored.summary, args, logHistory: trainer.logHistory, progress: trainer.progress() };
  }

  async continueTraining(samples: SampleSettings, events: TrainEvents): Promise<TrainResult> {
    return this.finishRun(await this.serial(async () => {
      const trainer = this.restored;
      if (!trainer || trainer !== this.trainer) throw new Error('no restored run to continue: load the checkpoint first');
      this.assertIdle('continue the saved run');
      this.restored = null;
      return this.beginRun(trainer, samples, events);
    }));
  }

  generate(request: GenerateRequest, onToken: (t: GeneratedToken) => void): Promise<GenerateResult> {
    return this.serial(() => {
      const folder = this.requireModel();
      const model = request.model === 'base' ? (this.baseModel ??= GPT2.fromArrays(folder.config, folder.weights)) : this.model!;
      return this.betweenSteps(() => streamGenerate(model, folder.tokenizer, request, onToken));
    });
  }

  exportModel(target: ExportTarget, kind?: ExportKind): Promise<Blob | null> {
    return this.serial(async () => {
      const folder = this.requireModel();
      return this.betweenSteps(async () => {
        const { files, release } = exportFiles(this.model!, folder, this.baseModelName, kind);
        const state = await this.trainerState();
        const args = this.trainer?.args ?? this.finished?.args;
        if (state && args) {
          files.set('trainer_state.json', jsonFile(state));
          files.set('training_args.json', jsonFile(args));
        }
        try { return await sendFolder(files, target); } finally { release(); }
      });
    });
  }

  exportPythonRun(request: TrainRequest): Promise<Blob> {
    return this.serial(async () => {
      const folder = this.requireModel();
      // The latest run's settings and dataset, or the page's before any run.
      const args = this.trainer?.args ?? this.finished?.args ?? resolveArgs(request.args);
      const make = await preparePythonRun({ folder, dataFiles: this.dataFiles, options: this.dataset?.summary.options ?? request.dataset, args });
      const step = () => this.trainer?.globalStep ?? Number(this.finished?.state.global_step ?? 0);
      return this.betweenSteps(() => zipBlob(make(this.model!, step())));
    });
  }

  async trainerState(): Promise<Record<string, unknown> | null> {
    return this.trainer?.trainerState() ?? this.finished?.state ?? null;
  }

  tensorMemory(): Promise<TensorMemory> {
    return this.betweenSteps(async () => tensorMemory());
  }

  async debugLoseDevice(): Promise<void> {
    loseDeviceForTest(this.backend.report.backend);
  }

  private modelInfo(): ModelInfo {
    const config = this.folder!.config;
    return { name: this.modelName, config, parameters: countParameters(config) };
  }

  private requireModel(): ModelFolder {
    if (!this.folder || !this.model) throw new Error('load a model first');
    return this.folder;
  }

  private assertIdle(what: string): void {
    if (this.run) throw new Error(`stop training before you ${what}`);
  }

  /** Frees the latest trainer's optimizer state, keeping what the log download and export need. */
  private retireTrainer(): void {
    if (!this.trainer) return;
    this.finished = { state: this.trainer.trainerState(), args: this.trainer.args };
    this.trainer.dispose();
    this.trainer = this.restored = null;
  }

  private disposeModels(): void {
    this.model?.dispose();
    this.baseModel?.dispose();
    this.model = this.baseModel = null;
  }
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A folder leaving the worker, streamed: into the folder the user picked (null comes back), or as a zip Blob. */
async function sendFolder(files: FolderFiles, target: ExportTarget): Promise<Blob | null> {
  if (target.kind === 'zip') return zipBlob(files);
  await writeFolder(target.dir, files);
  return null;
}

async function readWeights(params: Map<string, Tensor>): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, t] of params) out.set(name, (await t.data()) as Float32Array);
  return out;
}

