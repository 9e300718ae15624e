// Training: settings, the run's controls, its progress, curves, samples and log, and the exports.
import { useState } from 'react';
import type { Api } from './useWorker';
import { BACKEND_LABELS, type BackendChoice, type BackendName, type BackendState, type DatasetSummary, type ModelInfo, type Progress, type RunFault } from '../worker/protocol';
import { Alert } from './Alert';
import { BackendSelect } from './BackendSelect';
import { Charts } from './Charts';
import { LogTable } from './LogTable';
import { SettingsForm } from './SettingsForm';
import { saveFile } from './download';
import { formatCount, formatDuration, messageOf } from './format';
import { deviceBudget, fitError } from './memory';
import { readSettings, type SettingKey, type Settings } from './settings';
import { isActive, type useTraining } from './useTraining';

interface Props {
  api: Api;
  training: ReturnType<typeof useTraining>;
  model: ModelInfo | null;
  dataset: DatasetSummary | null;
  settings: Settings;
  onSetting(key: SettingKey, value: string): void;
  backend: BackendState | null;
  onBackend(choice: BackendChoice): void;
  /** Continues an interrupted run on another backend. */
  onRecover(next: BackendName): Promise<void>;
}

const STATUS_TEXT = { idle: 'Not started', running: 'Training', paused: 'Paused', completed: 'Completed', stopped: 'Stopped', interrupted: 'Interrupted', failed: 'Failed' } as const;

export function TrainPanel({ api, training, model, dataset, settings, onSetting, backend, onBackend, onRecover }: Props) {
  const { view } = training;
  const [exporting, setExporting] = useState(false);
  const [fileError, setFileError] = useState<string | null>(null);
  // A mistake in the settings is said until the settings change: it is kept with the settings it was found in.
  const [settingsMistake, setSettingsMistake] = useState<{ message: string; settings: Settings } | null>(null);
  const settingsError = settingsMistake?.settings === settings ? settingsMistake.message : null;
  const setSettingsError = (message: string) => setSettingsMistake({ message, settings });
  const active = isActive(view.status);

  function start() {
    if (!model) return;
    try {
      const run = readSettings(settings, model.config.n_positions);
      // A batch that cannot fit the device is refused before the run, not found out by an allocation failing in it.
      const tooBig = backend && fitError(model.config, model.parameters, run.args.per_device_train_batch_size, run.dataset.blockSize,
        deviceBudget(backend.report.backend, backend.device));
      if (tooBig) setSettingsError(tooBig);
      else training.start(run);
    } catch (e) {
      setSettingsError(messageOf(e));
    }
  }

  async function exportModel() {
    setExporting(true);
    setFileError(null);
    try {
      const zip = await api.exportModel();
      saveFile(zip, `${fileStem(model?.name ?? 'model')}${view.logs.length ? '-fine-tuned' : ''}.zip`, 'application/zip');
    } catch (e) {
      setFileError(messageOf(e));
    } finally {
      setExporting(false);
    }
  }

  async function downloadLog() {
    try {
      const state = await api.trainerState();
      if (state) saveFile(JSON.stringify(state, null, 2) + '\n', 'trainer_state.json', 'application/json');
    } catch (e) {
      setFileError(messageOf(e));
    }
  }

  return (
    <section className="panel" aria-labelledby="train-heading">
      <h2 id="train-heading">Training</h2>
      <SettingsForm settings={settings} onSetting={onSetting} disabled={active}>
        <BackendSelect backend={backend} disabled={active} onChoose={onBackend} />
      </SettingsForm>
      <div className="controls">
        <button type="button" className="primary" onClick={start} disabled={active || !model || !dataset}>Start training</button>
        <button type="button" onClick={training.pause} disabled={view.status !== 'running'}>Pause</button>
        <button type="button" onClick={training.resume} disabled={view.status !== 'paused'}>Resume</button>
        <button type="button" onClick={training.stop} disabled={!active}>Stop</button>
        <button type="button" onClick={() => void training.saveCheckpoint()} disabled={view.status === 'idle'}>Save checkpoint</button>
        <button type="button" onClick={() => void exportModel()} disabled={!model || exporting}>Export model</button>
        <button type="button" onClick={() => void downloadLog()} disabled={view.logs.length === 0}>Download log</button>
      </div>
      {!dataset && model && <p className="hint">Add a dataset to train on.</p>}
      <p className="hint">Each run starts from the model as loaded. Pausing takes effect after the current step.</p>
      <RunProgress status={view.status} progress={view.progress} />
      {view.checkpoint && <p className="status" role="status">Saved {view.checkpoint.name} in this browser's storage.</p>}
      {exporting && <p className="status" role="status">Zipping the model folder…</p>}
      <Alert message={settingsError ?? view.fault?.message ?? view.error ?? fileError} />
      {view.fault && <FaultActions fault={view.fault} onRecover={onRecover} />}
      {view.warnings.length > 0 && (
        <ul className="warnings" aria-label="Warnings">{view.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>
      )}
      <Charts logs={view.logs} />
      <div className="columns">
        <LogTable logs={view.logs} />
        <section className="samples" aria-labelledby="samples-heading">
          <h3 id="samples-heading">Samples</h3>
          {view.samples.length === 0 && <p className="hint">A greedy continuation of the sample prompt appears after evaluations.</p>}
          {view.samples.map((s) => (
            <p key={s.step} className="sample"><span className="step">step {s.step}</span> <strong>{s.prompt}</strong>{s.text}</p>
          ))}
        </section>
      </div>
    </section>
  );
}

/** The way on after a fault: the next backend, from the checkpoint kept. */
function FaultActions({ fault, onRecover }: { fault: RunFault; onRecover(next: BackendName): Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const next = fault.next;
  if (!next) return null;
  async function go(to: BackendName) {
    setBusy(true);
    setError(null);
    try { await onRecover(to); } catch (e) { setError(messageOf(e)); } finally { setBusy(false); }
  }
  return (
    <div className="row">
      <button type="button" className="primary" disabled={busy} onClick={() => void go(next)}>
        {fault.checkpoint ? `Continue on ${BACKEND_LABELS[next]} from ${fault.checkpoint.name}` : `Switch to ${BACKEND_LABELS[next]}`}
      </button>
      {busy && <span className="status" role="status"> Starting {BACKEND_LABELS[next]} and loading the checkpoint…</span>}
      <Alert message={error} />
    </div>
  );
}

function RunProgress({ status, progress }: { status: keyof typeof STATUS_TEXT; progress: Progress | null }) {
  const p = progress;
  return (
    <div className="progress">
      <progress aria-label="Training progress" max={p?.maxSteps ?? 1} value={p?.step ?? 0} />
      <p className="stats">
        <strong>{STATUS_TEXT[status]}</strong>
        {p && (
          <>
            {' · '}step {formatCount(p.step)} / {formatCount(p.maxSteps)} · epoch {p.epoch.toFixed(2)} · {formatCount(Math.round(p.tokensPerSecond))} tokens/s
            {' · '}elapsed {formatDuration(p.elapsed)}{p.step < p.maxSteps && status === 'running' ? ` · ETA ${formatDuration(p.eta)}` : ''}
          </>
        )}
      </p>
    </div>
  );
}

/** "openai-community/gpt2" → "gpt2", "/fixtures/models/tiny-gpt2" → "tiny-gpt2". */
function fileStem(name: string): string {
  return name.replace(/\/+$/, '').split('/').pop()!.replace(/[^\w.-]+/g, '_') || 'model';
}
