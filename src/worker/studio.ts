// The studio's state in the worker — the model, the dataset, the latest run — and the StudioApi the page calls.
// All heavy work happens here: downloads, tokenizing, training, generation, checkpoints, zipping.
//
// Calls that replace or read the model, the dataset or the backend run one at a time, in the order they came (a
// checkpoint restored while a model still downloads must not interleave with it); a run's setup is one such call,
// the run itself is not, so that pause, stop and generation reach it.
//
// The run in progress is ./run_controller.ts's: anything that reads the weights while it trains happens between
// optimizer steps. When its GPU device or WebGL context is lost, or it runs out of memory, the run ends as
// 'interrupted' with a RunFault (./faults.ts) naming the last checkpoint kept in the origin private file system and
// the next backend to continue on (recover).
import type { Tensor } from '@tensorflow/tfjs';
import { GPT2 } from '../core/gpt2/model';
import { LoraAdapter } from '../core/gpt2/lora';
import { resolveLora } from '../core/train/lora_args';
import { countParameters } from '../core/gpt2/config';
import { memorySource, readModelFolder, type ModelFolder } from '../core/io/model_folder';
import { baseName, explainLoadFailure, openModelSource, sourceName, sourceTitle } from './model_sources';
import { modelFolderFiles } from '../core/io/export';
import { fileBytes, type FolderFiles } from '../core/io/files';
import { parseJsonObject } from '../core/io/json';
import { adapterFiles, restoreAdapter } from './lora';
import { DataError, prepareDataset, type BlockDataset, type DatasetFile } from '../core/data';
import { resolveArgs, SettingsError, type TrainingArguments } from '../core/train/args';
import { Trainer } from '../core/train/trainer';
import { isHostBackend } from '../core/backend/host_memory';
import { deviceBudget, requireFit, trainingMode } from '../core/train/memory_plan';
import { outputFolderFiles, savedModelFiles } from '../core/train/output';
import { deviceLimits, loseDeviceForTest, probeBackends, startBackend, tensorMemory, type DeviceFault } from './backends';
import { faultMessage, nextBackend, withoutLost } from './faults';
import { RunController, type ActiveRun } from './run_controller';
import { streamGenerate } from './generation';
import { RunStore, type OwnRun } from './run_store';
import { preparePythonRun } from './python_export';
import { writeFolder, zipBlob } from './export_files';
import { saidOf, sayWorker, type IdleAction } from './messages';
import { ModelFileError, UserError } from '../core/errors';
import { STUDIO_SETTING_NAMES } from './protocol';
import type { Said } from '../core/messages';
import type {
  BackendChoice, BackendName, BackendState, CheckpointInfo, DatasetOptions, DatasetSummary, DownloadProgress, ExportKind, ExportTarget, GeneratedToken,
  GenerateRequest, GenerateResult, ModelInfo, ModelSource, Recovered, RestoredRun, SampleSettings, SavedRun, StudioApi, TensorMemory,
  TokenizeProgress, TrainEvents,
  TrainRequest, TrainResult,
} from './protocol';

const PREVIEW_DOCUMENTS = 5;
const PREVIEW_CHARACTERS = 2000;

interface Dataset { data: BlockDataset; summary: DatasetSummary }


export class Studio implements StudioApi {
  private readonly ready: Promise<BackendState>;
  private backend!: BackendState;
  private readonly store = RunStore.open();
  /** The saved run this tab trains (its Web Lock held): checkpoints go there until another run replaces it. */
  private ownRun: OwnRun | null = null;
  private folder: ModelFolder | null = null;
  private modelName = '';
  /** The name as the page shows it where it is words (dropped files, a checkpoint of …); null: the name itself. */
  private modelTitle: Said | null = null;
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
  private readonly runs = new RunController({
    sample: (run, step) => this.sample(run, step),
    writeCheckpoint: (name, files, trainer) => this.writeCheckpoint(name, files, trainer),
    interrupt: (run, fault) => this.interrupt(run, fault),
  });
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
      this.assertIdle('backend');
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
        if (weights) this.model = this.modelOf(weights);
        if (lora && this.model) this.model.lora = LoraAdapter.fromArrays(this.model.config, lora.config, lora.weights);
      }
      return this.backend;
    });
  }

  loadModel(source: ModelSource, onDownload: (p: DownloadProgress) => void): Promise<ModelInfo> {
    return this.serial(async () => {
      this.assertIdle('model');
      const folder = await readModelFolder(await openModelSource(source, onDownload)).catch((e) => { throw explainLoadFailure(e, source); });
      this.retireTrainer();
      this.finished = null;
      this.disposeModels();
      this.folder = folder;
      this.modelName = this.baseModelName = sourceName(source);
      this.modelTitle = sourceTitle(source);
      this.model = this.modelOf();
      // The dataset was tokenized with the previous tokenizer: the page regroups it for this model.
      this.dataset = null;
      return this.modelInfo();
    });
  }

  loadDataset(files: DatasetFile[], options: DatasetOptions, onProgress: (p: TokenizeProgress) => void): Promise<DatasetSummary> {
    return this.serial(async () => {
      if (files.length === 0) throw new DataError(sayWorker('noFilesGiven'));
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
      throw new DataError(sayWorker(this.dataset ? 'restoredFilesNotKept' : 'addDatasetFirst'));
    }
    this.dataset = await this.prepare(this.dataFiles, options, onProgress);
    return this.dataset.summary;
  }

  private async prepare(files: DatasetFile[], options: DatasetOptions, onProgress: (p: TokenizeProgress) => void): Promise<Dataset> {
    this.assertIdle('dataset');
    const folder = this.requireModel();
    const n = folder.config.n_positions;
    if (!Number.isInteger(options.blockSize) || options.blockSize < 2 || options.blockSize > n) {
      throw new SettingsError(sayWorker('blockSizeRange', n, options.blockSize));
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
    return this.runs.finish(await this.serial(async () => {
      this.assertIdle('run');
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
      this.model = this.modelOf();
      if (lora) this.model.lora = LoraAdapter.init(this.model.config, lora, args.seed);
      const trainer = this.newTrainer(dataset.data, args);
      const store = await this.store;
      this.adopt(null);
      try {
        const own = await store?.create({ model: this.modelName, maxSteps: trainer.maxSteps, startedAt: new Date().toISOString() },
          { summary: dataset.summary, blocks: dataset.data.blocks, train: dataset.data.train, validation: dataset.data.validation });
        this.adopt(own ?? null);
      } catch (e) {
        events.onWarning(sayWorker('noCheckpointStorage', saidOf(e)));
      }
      return this.beginRun(trainer, request.samples, events);
    }));
  }

  /** Makes `trainer` the active run (inside a serial call, so that no other call sees a half-started run). */
  private beginRun(trainer: Trainer, samples: SampleSettings, events: TrainEvents): ActiveRun {
    this.trainer = trainer;
    return this.runs.begin(trainer, samples, events, this.backend.report.backend);
  }

  /** Ends a run its device failed: says what happened, which checkpoint is kept and where to continue. */
  private async interrupt(run: ActiveRun, fault: DeviceFault): Promise<TrainResult> {
    const { trainer } = run;
    trainer.stop();
    const backend = this.backend.report.backend, step = trainer.globalStep;
    if (fault.kind === 'device-lost') this.abandonDevice(backend);
    const next = nextBackend(backend, this.backend.offers);
    const saved = await this.ownRun?.latest() ?? null;
    const checkpoint = saved && { name: saved.name, step: saved.step };
    const message = faultMessage(fault, { backend, step, next, checkpoint, batchSize: trainer.args.per_device_train_batch_size, blockSize: this.dataset?.data.blockSize ?? 0 });
    return { status: 'interrupted', step, fault: { kind: fault.kind, message, backend, next, checkpoint } };
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
    this.backend = { ...this.backend, offers: withoutLost(backend, this.backend.offers) };
  }

  recover(backend: BackendName): Promise<Recovered> {
    return this.serial(async () => {
      this.assertIdle('backend');
      this.retireTrainer();
      this.disposeModels();
      this.backend = { ...this.backend, choice: backend, report: await startBackend(backend) };
      const own = this.ownRun;
      if (own && await own.latest()) return { backend: this.backend, run: await this.restoreSaved(own) };
      if (this.folder) this.model = this.modelOf();
      return { backend: this.backend, run: null };
    });
  }

  /** A trainer whose hooks forward to the active run only while it is this trainer's (not a lost device's left-over). */
  private newTrainer(data: BlockDataset, args: TrainingArguments): Trainer {
    const trainer: Trainer = new Trainer(this.model!, data, args, this.backend.report.backend, this.runs.hooks(() => trainer));
    return trainer;
  }

  /** The model with the loaded folder's weights, or `weights` (read back from another backend). */
  private modelOf(weights = this.folder!.weights): GPT2 {
    return GPT2.fromArrays(this.folder!.config, weights);
  }

  private async sample(run: ActiveRun, step: number): Promise<void> {
    const { prompt, maxNewTokens } = run.samples;
    let text = '';
    await streamGenerate(this.model!, this.folder!.tokenizer, {
      prompt, maxNewTokens, temperature: 0, topK: 0, topP: 1, numSequences: 1, seed: 0, model: 'current',
    }, (t) => { text += t.text; });
    run.events.onSample({ step, prompt, text });
  }

  async pause(): Promise<void> { this.runs.pause(); }
  async resume(): Promise<void> { this.runs.resume(); }
  async stop(): Promise<void> { this.runs.stop(); }

  saveCheckpoint(): Promise<CheckpointInfo> {
    return this.serial(async () => {
      const trainer = this.trainer;
      if (!trainer) throw new UserError(sayWorker('nothingToSave'));
      return this.runs.betweenSteps(async () => this.writeCheckpoint(`checkpoint-${trainer.globalStep}`, await trainer.checkpointFiles(), trainer));
    });
  }

  /** checkpoint-{step}/: the model folder beside the trainer's files, kept in the origin private file system. */
  private async writeCheckpoint(name: string, trainerFiles: FolderFiles, trainer: Trainer): Promise<CheckpointInfo> {
    const own = this.ownRun;
    if (!own) throw new UserError(sayWorker('checkpointsNotKept'));
    const files = await modelFolderFiles(this.model!, this.folder!);
    // On a GPU the weights are read here, not while the store writes them, so that a device lost meanwhile is noticed
    // first (a lost WebGL context reads back zeros); wasm and cpu cannot lose their memory, and stream them.
    if (!isHostBackend()) files.set('model.safetensors', await fileBytes(files.get('model.safetensors')!));
    if (this.runs.run?.watch.isLost()) throw new UserError(sayWorker('lostWhileReading'));
    for (const [n, bytes] of [...trainerFiles, ...await adapterFiles(this.model!, this.baseModelName)]) files.set(n, bytes);
    const limit = trainer.args.save_total_limit;
    await own.saveCheckpoint(name, files, limit > 0 ? limit : Infinity);
    return { name, step: trainer.globalStep };
  }

  async savedRuns(): Promise<SavedRun[]> {
    return (await (await this.store)?.list()) ?? [];
  }

  /** Another tab's run is refused by the store; this tab's own is not offered, so only a leftover id reaches here. */
  discardSavedRun(id: string): Promise<void> {
    return this.serial(async () => {
      if (id === this.ownRun?.id) throw new UserError(sayWorker('trainingHere'));
      await (await this.store)?.discard(id);
    });
  }

  loadCheckpoint(id: string): Promise<RestoredRun> {
    return this.serial(async () => {
      this.assertIdle('checkpoint');
      const store = await this.store;
      if (!store) throw new UserError(sayWorker('noPrivateFileSystem'));
      const run = await store.claim(id);
      try {
        const restored = await this.restoreSaved(run);
        this.adopt(run);
        return restored;
      } catch (e) {
        run.release();
        throw e;
      }
    });
  }

  /** Makes `run` this tab's own (null: none), letting go of the one before: other tabs may offer that again. */
  private adopt(run: OwnRun | null): void {
    if (this.ownRun !== run) this.ownRun?.release();
    this.ownRun = run;
  }

  /** The run's last checkpoint on the backend running now: model, dataset, optimizer and log history. */
  private async restoreSaved(run: OwnRun): Promise<RestoredRun> {
    const saved = await run.latest();
    if (!saved) throw new UserError(sayWorker('noCompleteCheckpoint', run.id));
    const files = await run.readCheckpoint(saved.name);
    const folder = await readModelFolder(memorySource(files, saved.name));
    const stored = await run.readDataset();
    const argsFile = files.get('training_args.json');
    if (!argsFile) throw new ModelFileError(sayWorker('argsMissing', saved.name));
    const args = resolveArgs(parseJsonObject(argsFile, 'training_args.json') as Partial<TrainingArguments>);
    this.retireTrainer();
    this.finished = null;
    this.disposeModels();
    this.folder = folder;
    this.modelTitle = sayWorker('checkpointOf', saved.name, run.manifest.model);
    this.modelName = this.modelTitle.text;
    this.baseModelName = run.manifest.model;
    this.model = this.modelOf();
    await restoreAdapter(this.model, files, saved.name);
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
    return this.runs.finish(await this.serial(async () => {
      const trainer = this.restored;
      if (!trainer || trainer !== this.trainer) throw new UserError(sayWorker('noRestoredRun'));
      this.assertIdle('continue');
      this.restored = null;
      return this.beginRun(trainer, samples, events);
    }));
  }

  generate(request: GenerateRequest, onToken: (t: GeneratedToken) => void): Promise<GenerateResult> {
    return this.serial(() => {
      const folder = this.requireModel();
      const model = request.model === 'base' ? (this.baseModel ??= this.modelOf()) : this.model!;
      return this.runs.betweenSteps(() => streamGenerate(model, folder.tokenizer, request, onToken));
    });
  }

  exportModel(target: ExportTarget, kind?: ExportKind): Promise<Blob | null> {
    return this.serial(async () => {
      const folder = this.requireModel();
      return this.runs.betweenSteps(async () => {
        const { files, release } = savedModelFiles(this.model!, folder, this.baseModelName, kind);
        const state = await this.trainerState();
        const args = this.trainer?.args ?? this.finished?.args;
        try { return await sendFolder(outputFolderFiles(files, state && args ? { state, args } : null), target); } finally { release(); }
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
      return this.runs.betweenSteps(() => zipBlob(make(this.model!, step())));
    });
  }

  async trainerState(): Promise<Record<string, unknown> | null> {
    return this.trainer?.trainerState() ?? this.finished?.state ?? null;
  }

  tensorMemory(): Promise<TensorMemory> {
    return this.runs.betweenSteps(async () => tensorMemory());
  }

  async debugLoseDevice(): Promise<void> {
    loseDeviceForTest(this.backend.report.backend);
  }

  private modelInfo(): ModelInfo {
    const config = this.folder!.config;
    return { name: this.modelName, ...(this.modelTitle && { title: this.modelTitle }), config, parameters: countParameters(config) };
  }

  private requireModel(): ModelFolder {
    if (!this.folder || !this.model) throw new UserError(sayWorker('loadModelFirst'));
    return this.folder;
  }

  private assertIdle(what: IdleAction): void {
    if (this.runs.run) throw new UserError(sayWorker('stopTrainingFirst', what));
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

