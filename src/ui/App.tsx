// GPT-2 Studio's page: a guided flow of numbered steps (Model → Data → Train → Generate) under one status line,
// over one worker that does the work.
import { useEffect, useState } from 'react';
import type { BackendChoice, BackendName, BackendState, DatasetSummary, ModelInfo, RestoredRun } from '../worker/protocol';
import { Alert } from './Alert';
import { DatasetPanel } from './DatasetPanel';
import { DEFAULT_FINE_TUNING, loraOrNull } from './FineTuning';
import { GeneratePanel } from './GeneratePanel';
import { ModelPanel } from './ModelPanel';
import { SavedRunBanner } from './SavedRunBanner';
import { StatusBar } from './StatusBar';
import { Step, type StepState } from './Step';
import { TrainPanel } from './TrainPanel';
import { messageOf, type Wordable } from './format';
import { LanguageSwitch, useI18n } from './i18n/language';
import { DEFAULT_SETTINGS, defaultBlockSize, readSettings, settingsOf, type SettingKey, type Settings } from './settings';
import { useRunHistory } from './useRunHistory';
import { isActive, useTraining } from './useTraining';
import { useWorker } from './useWorker';

export function App() {
  const api = useWorker();
  const { t } = useI18n();
  const training = useTraining(api);
  const history = useRunHistory(training.view);
  const [backend, setBackend] = useState<BackendState | null>(null);
  const [backendError, setBackendError] = useState<Wordable | null>(null);
  const [model, setModel] = useState<ModelInfo | null>(null);
  const [dataset, setDataset] = useState<DatasetSummary | null>(null);
  const [settings, setSettings] = useState<Settings>(DEFAULT_SETTINGS);
  const [fineTuning, setFineTuning] = useState(DEFAULT_FINE_TUNING);
  const active = isActive(training.view.status);

  useEffect(() => { api.backends().then(setBackend, (e) => setBackendError(messageOf(e))); }, [api]);

  const onSetting = (key: SettingKey, value: string) => setSettings((s) => ({ ...s, [key]: value }));

  function onModelLoaded(info: ModelInfo) {
    setModel(info);
    setDataset(null); // tokenized with the previous tokenizer: the dataset panel regroups it
    onSetting('block_size', String(defaultBlockSize(info.config.n_positions)));
  }

  async function chooseBackend(choice: BackendChoice) {
    setBackendError(null);
    try { setBackend(await api.setBackend(choice)); } catch (e) { setBackendError(messageOf(e)); }
  }

  /** After a fault: the next backend, and the run continued there from its last checkpoint. */
  async function recover(next: BackendName) {
    const r = await api.recover(next);
    setBackend(r.backend);
    if (r.run) onRestored(r.run);
    else training.dismissFault();
  }

  function onRestored(run: RestoredRun) {
    setModel(run.model);
    setDataset(run.dataset);
    const restored = settingsOf(run.args, run.dataset.options.blockSize, settings);
    setSettings({ ...restored, validation_split_percentage: String(run.dataset.options.validationSplitPercentage) });
    training.continueRun(run, readSettings(restored, run.model.config.n_positions, t).samples);
    history.begin({
      startedAt: new Date().toISOString(), model: run.model.name, backend: backend?.report.backend ?? '', dataset: run.dataset.files,
      args: run.args, datasetOptions: run.dataset.options, logHistory: run.logHistory,
    }, t.runs.defaultName);
  }

  // The memory estimate follows the batch and block size fields while they hold numbers, and the fine-tuning method
  // while its r and alpha are valid (full fine-tuning's estimate otherwise).
  const batchSize = Number(settings.per_device_train_batch_size), blockSize = Number(settings.block_size);
  const shape = batchSize > 0 && blockSize > 0 ? { batchSize, blockSize, lora: loraOrNull(fineTuning) } : null;

  const { view } = training;
  const trained = view.logs.length > 0;
  const stepState = (done: boolean, ready: boolean, under = false): StepState => (under ? 'active' : done ? 'done' : ready ? 'ready' : 'waiting');
  const s = t.steps;
  return (
    <>
      <header className="top">
        <div>
          <h1>{t.app.title}</h1>
          <p>{t.app.tagline}</p>
        </div>
        <LanguageSwitch />
      </header>
      <StatusBar status={view.status} progress={view.progress} backend={backend} model={model} dataset={dataset} />
      <main>
        <Alert message={backendError} />
        <SavedRunBanner api={api} hidden={active} onRestored={onRestored} />
        <ol className="steps" aria-label={s.label}>
          <Step n={1} id="model" title={s.model.title} needs={s.model.needs} state={stepState(model !== null, true)}>
            <ModelPanel api={api} model={model} backend={backend} shape={shape} disabled={active} onLoaded={onModelLoaded} />
          </Step>
          <Step n={2} id="data" title={s.data.title} needs={s.data.needs} state={stepState(dataset !== null, model !== null)}>
            <DatasetPanel api={api} model={model} dataset={dataset} settings={settings} onSetting={onSetting} disabled={active} onDataset={setDataset} />
          </Step>
          <Step n={3} id="train" title={s.train.title} needs={s.train.needs} state={stepState(view.status === 'completed', model !== null && dataset !== null, active)}>
            <TrainPanel api={api} training={training} history={history} model={model} dataset={dataset} settings={settings} onSetting={onSetting}
              backend={backend} onBackend={(c) => void chooseBackend(c)} onRecover={recover} fineTuning={fineTuning} onFineTuning={setFineTuning} />
          </Step>
          <Step n={4} id="generate" title={s.generate.title} needs={s.generate.needs} state={stepState(false, model !== null)}>
            <GeneratePanel api={api} model={model} trained={trained} />
          </Step>
        </ol>
      </main>
    </>
  );
}
