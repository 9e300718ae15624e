// Training: the settings, the run's controls, its curves (laid over earlier runs'), the runs kept in this browser,
// samples and log, and the exports. The run's progress is in the status line (StatusBar).
import { useEffect, useState } from 'react';
import type { Api } from './useWorker';
import type { BackendChoice, BackendName, BackendState, DatasetSummary, ExportKind, ModelInfo, RunFault } from '../worker/protocol';
import { Alert } from './Alert';
import { BackendSelect } from './BackendSelect';
import { Charts, type ChartRun } from './Charts';
import { FineTuning, readFineTuning, type FineTuningChoice } from './FineTuning';
import { LogTable } from './LogTable';
import { RunsPanel } from './RunsPanel';
import { SettingsForm } from './SettingsForm';
import { canPickFolder, fileStem, pickFolder, saveFile } from './download';
import { PythonExportButton } from './PythonExportButton';
import { messageOf, type Wordable } from './format';
import { useI18n } from './i18n/language';
import { fitError, trainingPlan } from './memory';
import { readSettings, type SettingKey, type Settings } from './settings';
import { colorOf, RUN_COLORS, type RunHistory } from './useRunHistory';
import { isActive, type useTraining } from './useTraining';

interface Props {
  api: Api;
  training: ReturnType<typeof useTraining>;
  history: RunHistory;
  model: ModelInfo | null;
  dataset: DatasetSummary | null;
  settings: Settings;
  onSetting(key: SettingKey, value: string): void;
  backend: BackendState | null;
  onBackend(choice: BackendChoice): void;
  /** Continues an interrupted run on another backend. */
  onRecover(next: BackendName): Promise<void>;
  /** Full fine-tuning or LoRA: kept by the App, as the model card's memory estimate follows it too. */
  fineTuning: FineTuningChoice;
  onFineTuning(choice: FineTuningChoice): void;
}

export function TrainPanel({ api, training, history, model, dataset, settings, onSetting, backend, onBackend, onRecover, fineTuning, onFineTuning }: Props) {
  const i18n = useI18n();
  const { t } = i18n;
  const { view } = training;
  const [exporting, setExporting] = useState(false);
  const [fileError, setFileError] = useState<Wordable | null>(null);
  const [exportKind, setExportKind] = useState<ExportKind>('adapter');
  // A mistake in the settings is said until the settings change: it is kept with the settings it was found in.
  const [settingsMistake, setSettingsMistake] = useState<{ message: Wordable; settings: Settings; fineTuning: typeof fineTuning } | null>(null);
  const settingsError = settingsMistake?.settings === settings && settingsMistake.fineTuning === fineTuning ? settingsMistake.message : null;
  const setSettingsError = (message: Wordable) => setSettingsMistake({ message, settings, fineTuning });
  const active = isActive(view.status);
  // A run restored from its checkpoint shows the method it trains with (the choice is the App's state).
  const runLora = view.lora;
  useEffect(() => { if (runLora) onFineTuning({ method: 'lora', r: String(runLora.r), alpha: String(runLora.lora_alpha) }); }, [runLora, onFineTuning]);

  function start() {
    if (!model || !dataset) return;
    try {
      const run = readSettings(settings, model.config.n_positions, t);
      // A batch that cannot fit the device is refused before the run, not found out by an allocation failing in it.
      const lora = readFineTuning(fineTuning, t);
      const tooBig = backend && fitError(trainingPlan(model.config, run.args.per_device_train_batch_size, run.dataset.blockSize, backend, lora), i18n);
      if (tooBig) return setSettingsError(tooBig);
      training.start({ ...run, lora });
      history.begin({
        startedAt: new Date().toISOString(), model: model.name, backend: backend?.report.backend ?? '', dataset: dataset.files,
        args: run.args, datasetOptions: run.dataset,
      }, t.runs.defaultName);
    } catch (e) {
      setSettingsError(messageOf(e));
    }
  }

  /** A zip download, or the folder's files written into a folder the user picks. */
  async function exportModel(into: 'zip' | 'folder') {
    setFileError(null);
    try {
      const dir = into === 'folder' ? await pickFolder() : null;
      if (into === 'folder' && !dir) return;
      setExporting(true);
      // After LoRA training: the adapter or the merged model, as picked.
      const kind = view.lora ? exportKind : undefined;
      const zip = await api.exportModel(dir ? { kind: 'folder', dir } : { kind: 'zip' }, kind);
      const suffix = kind === 'adapter' ? '-lora-adapter' : kind === 'merged' ? '-lora-merged' : view.logs.length ? '-fine-tuned' : '';
      if (zip) saveFile(zip, `${fileStem(model?.name ?? 'model')}${suffix}.zip`, 'application/zip');
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

  // The runs the charts lay over each other; the current one is drawn from the live log.
  const shown = history.shown.flatMap((id): ChartRun[] => {
    const r = history.runs.find((x) => x.id === id);
    return r ? [{ id, name: r.name, color: colorOf(history.shown, id), logs: id === history.currentId ? view.logs : r.logHistory }] : [];
  });
  const chartRuns = shown.length || !view.logs.length ? shown : [{ id: 'live', name: '', color: RUN_COLORS[0], logs: view.logs }];

  return (
    <>
      <FineTuning value={fineTuning} onChange={onFineTuning} disabled={active} />
      <SettingsForm settings={settings} onSetting={onSetting} disabled={active}>
        <BackendSelect backend={backend} disabled={active} onChoose={onBackend} />
      </SettingsForm>
      <div className="controls">
        <button type="button" className="primary" onClick={start} disabled={active || !model || !dataset}>{t.train.start}</button>
        <button type="button" onClick={training.pause} disabled={view.status !== 'running'}>{t.train.pause}</button>
        <button type="button" onClick={training.resume} disabled={view.status !== 'paused'}>{t.train.resume}</button>
        <button type="button" onClick={training.stop} disabled={!active}>{t.train.stop}</button>
        <button type="button" onClick={() => void training.saveCheckpoint()} disabled={view.status === 'idle'}>{t.train.save}</button>
        {view.lora && (
          <label>
            {t.train.exportAs}{' '}
            <select value={exportKind} onChange={(e) => setExportKind(e.target.value as ExportKind)} disabled={exporting}>
              <option value="adapter">{t.train.exportAdapter}</option>
              <option value="merged">{t.train.exportMerged}</option>
            </select>
          </label>
        )}
        <button type="button" onClick={() => void exportModel('zip')} disabled={!model || exporting}>{t.train.export}</button>
        {canPickFolder() && <button type="button" onClick={() => void exportModel('folder')} disabled={!model || exporting}>{t.train.exportFolder}</button>}
        <PythonExportButton api={api} model={model} dataset={dataset} settings={settings} onError={setFileError} />
        <button type="button" onClick={() => void downloadLog()} disabled={view.logs.length === 0}>{t.train.downloadLog}</button>
      </div>
      {!model ? <p className="hint">{t.train.needModel}</p> : !dataset && <p className="hint">{t.train.needDataset}</p>}
      <p className="hint">{t.train.fromLoaded}</p>
      {view.checkpoint && <p className="status" role="status">{t.train.saved(view.checkpoint.name)}</p>}
      {exporting && <p className="status" role="status">{t.train.zipping}</p>}
      <Alert message={settingsError ?? view.fault?.message ?? view.error ?? fileError} />
      {view.fault && <FaultActions fault={view.fault} onRecover={onRecover} />}
      {view.warnings.length > 0 && (
        <ul className="warnings" aria-label={t.train.warnings}>{view.warnings.map((w, i) => <li key={i}>{i18n.word(w)}</li>)}</ul>
      )}
      <Charts runs={chartRuns} />
      <RunsPanel history={history} />
      <div className="columns">
        <LogTable logs={view.logs} />
        <section className="samples" aria-labelledby="samples-heading">
          <h3 id="samples-heading">{t.train.samples}</h3>
          {view.samples.length === 0 ? <p className="hint">{t.train.samplesHint}</p> : (
            <ol className="sample-list" tabIndex={0} aria-labelledby="samples-heading">
              {view.samples.map((s) => (
                <li key={s.step} className="sample"><span className="step">{t.train.sampleStep(s.step)}</span> <strong>{s.prompt}</strong>{s.text}</li>
              ))}
            </ol>
          )}
        </section>
      </div>
    </>
  );
}

/** The way on after a fault: the next backend, from the checkpoint kept. */
function FaultActions({ fault, onRecover }: { fault: RunFault; onRecover(next: BackendName): Promise<void> }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Wordable | null>(null);
  const next = fault.next;
  if (!next) return null;
  const name = t.backends.names[next];
  async function go(to: BackendName) {
    setBusy(true);
    setError(null);
    try { await onRecover(to); } catch (e) { setError(messageOf(e)); } finally { setBusy(false); }
  }
  return (
    <div className="row">
      <button type="button" className="primary" disabled={busy} onClick={() => void go(next)}>
        {fault.checkpoint ? t.train.continueOn(name, fault.checkpoint.name) : t.train.switchTo(name)}
      </button>
      {busy && <span className="status" role="status">{t.train.starting(name)}</span>}
      <Alert message={error} />
    </div>
  );
}

