// The run in progress in the worker: it starts and ends it, forwards the trainer's events to the page, and holds the
// trainer between optimizer steps for work that reads the weights while it trains (samples, generation, checkpoints,
// export): Trainer.pause takes effect before the next step. Holds are counted, so that the user's own pause
// outlasts them. A run watches its device; a fault ends it through the studio's interrupt (./faults.ts).
import type { Trainer, TrainerHooks } from '../core/train/trainer';
import type { FolderFiles } from '../core/io/files';
import { watchDevice, type DeviceFault, type DeviceWatch } from './backends';
import { faultOf } from './faults';
import { sayWorker, saidOf } from './messages';
import type { BackendName, CheckpointInfo, SampleSettings, TrainEvents, TrainResult } from './protocol';

const PROGRESS_EVERY_MS = 100;

/** A run in progress. */
export interface ActiveRun {
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

/** What a run needs of the studio. */
export interface RunHost {
  /** Generates the run's sample of `step` and sends it to the page. */
  sample(run: ActiveRun, step: number): Promise<void>;
  /** Keeps checkpoint `name` (the model folder beside the trainer's files). */
  writeCheckpoint(name: string, trainerFiles: FolderFiles, trainer: Trainer): Promise<CheckpointInfo>;
  /** Ends a run its device failed. */
  interrupt(run: ActiveRun, fault: DeviceFault): Promise<TrainResult>;
}

export class RunController {
  run: ActiveRun | null = null;

  constructor(private readonly host: RunHost) {}

  /** Makes `trainer` the active run (inside a serial call, so that no other call sees a half-started run). */
  begin(trainer: Trainer, samples: SampleSettings, events: TrainEvents, backend: BackendName): ActiveRun {
    const watch = watchDevice(backend);
    this.run = { trainer, events, samples, userPaused: false, holds: 0, evaluations: 0, sideWork: Promise.resolve(), lastProgress: 0, watch };
    return this.run;
  }

  /** Trains until the run ends: completed, stopped, or interrupted by its device. */
  async finish(run: ActiveRun): Promise<TrainResult> {
    const { trainer, events } = run;
    try {
      // A lost device may leave the trainer waiting forever on a read: the fault ends the run without it.
      const training = trainer.train().then(() => null);
      const fault = await Promise.race([training, run.watch.fault]);
      if (fault) {
        training.catch(() => { /* the trainer failing on the lost device is expected */ });
        return await this.host.interrupt(run, fault);
      }
      await run.sideWork;
      return { status: trainer.globalStep >= trainer.maxSteps ? 'completed' : 'stopped', step: trainer.globalStep };
    } catch (e) {
      const fault = await faultOf(e, run.watch);
      if (fault) return await this.host.interrupt(run, fault);
      throw e;
    } finally {
      events.onProgress(trainer.progress());
      this.run = null;
    }
  }

  /** The trainer's hooks, forwarding to the active run only while it is `owner`'s (not a lost device's left-over). */
  hooks(owner: () => Trainer): TrainerHooks {
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
            .then(() => this.host.sample(run, step))
            .catch((e) => run.events.onWarning(sayWorker('sampleFailed', step, saidOf(e))))
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
      onWarning: (warning) => active()?.events.onWarning(warning),
      // Older checkpoints are pruned by the store (save_total_limit), which also counts those saved by hand.
      onCheckpoint: async (name, files) => {
        const run = active();
        if (!run) return;
        try {
          run.events.onCheckpoint(await this.host.writeCheckpoint(name, files, run.trainer));
        } catch (e) {
          run.events.onWarning(sayWorker('checkpointNotSaved', name, saidOf(e)));
        }
      },
    };
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
  async betweenSteps<T>(f: () => Promise<T>): Promise<T> {
    const release = this.run ? this.hold(this.run) : () => {};
    try { return await f(); } finally { release(); }
  }

  pause(): void {
    if (!this.run) return;
    this.run.userPaused = true;
    this.run.trainer.pause();
  }

  resume(): void {
    const run = this.run;
    if (!run) return;
    run.userPaused = false;
    if (run.holds === 0) run.trainer.resume();
  }

  stop(): void {
    this.run?.trainer.stop();
  }
}
