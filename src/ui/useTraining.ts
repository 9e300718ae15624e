// A training run as the page sees it: its status, progress, log history, samples and warnings, fed by the
// worker's events, and the commands that control it.
import { useState } from 'react';
import * as Comlink from 'comlink';
import type { Api } from './useWorker';
import type { CheckpointInfo, LogEntry, LoraConfig, Progress, RestoredRun, RunFault, Said, Sample, SampleSettings, TrainEvents, TrainRequest, TrainResult } from '../worker/protocol';
import { messageOf, type Wordable } from './format';


export type TrainingStatus = 'idle' | 'running' | 'paused' | 'completed' | 'stopped' | 'interrupted' | 'failed';

export interface TrainingView {
  status: TrainingStatus;
  progress: Progress | null;
  logs: LogEntry[];
  samples: Sample[];
  /** Worded when shown. */
  warnings: Said[];
  checkpoint: CheckpointInfo | null;
  error: Wordable | null;
  /** Why the device ended the run, with the checkpoint kept and the backend to continue on. */
  fault: RunFault | null;
  /** The run's LoRA settings (what Export offers depends on them); null for full fine-tuning. */
  lora: LoraConfig | null;
}

const EMPTY: TrainingView = { status: 'idle', progress: null, logs: [], samples: [], warnings: [], checkpoint: null, error: null, fault: null, lora: null };

export const isActive = (s: TrainingStatus) => s === 'running' || s === 'paused';

export function useTraining(api: Api) {
  const [view, setView] = useState<TrainingView>(EMPTY);
  const update = (patch: Partial<TrainingView> | ((v: TrainingView) => Partial<TrainingView>)) =>
    setView((v) => ({ ...v, ...(typeof patch === 'function' ? patch(v) : patch) }));

  const events: TrainEvents = {
    onLog: (entry) => update((v) => ({ logs: [...v.logs, entry] })),
    onProgress: (progress) => update({ progress }),
    onWarning: (warning) => update((v) => ({ warnings: [...v.warnings, warning] })),
    onSample: (sample) => update((v) => ({ samples: [...v.samples, sample] })),
    onCheckpoint: (checkpoint) => update({ checkpoint }),
  };

  async function follow(run: Promise<TrainResult>) {
    try {
      const result = await run;
      update({ status: result.status, fault: result.fault ?? null });
    } catch (e) {
      update({ status: 'failed', error: messageOf(e) });
    }
  }

  return {
    view,
    /** A new run from the weights as loaded; the charts start empty. */
    start(request: TrainRequest) {
      setView({ ...EMPTY, status: 'running', lora: request.lora ?? null });
      void follow(api.train(request, Comlink.proxy(events)));
    },
    /** Continues a run restored from its checkpoint, with its log history on the charts. */
    continueRun(restored: RestoredRun, samples: SampleSettings) {
      setView({ ...EMPTY, status: 'running', logs: restored.logHistory, progress: restored.progress, lora: restored.lora });
      void follow(api.continueTraining(samples, Comlink.proxy(events)));
    },
    pause() { update({ status: 'paused' }); void api.pause(); },
    resume() { update({ status: 'running' }); void api.resume(); },
    stop() { void api.stop(); },
    /** The fault is dealt with (the page moved to another backend with no checkpoint to continue). */
    dismissFault() { update({ fault: null }); },
    async saveCheckpoint() {
      try { update({ checkpoint: await api.saveCheckpoint(), error: null }); } catch (e) { update({ error: messageOf(e) }); }
    },
  };
}
