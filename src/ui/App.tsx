// GPT-2 Studio's page: model, dataset, training and generation panels over one worker that does the work.
import { useEffect, useState } from 'react';
import type { BackendChoice, BackendName, BackendState, DatasetSummary, ModelInfo, RestoredRun } from '../worker/protocol';
import { Alert } from './Alert';
import { DatasetPanel } from './DatasetPanel';
import { GeneratePanel } from './GeneratePanel';
import { ModelPanel } from './ModelPanel';
import { SavedRunBanner } from './SavedRunBanner';
import { TrainPanel } from './TrainPanel';
import { messageOf } from './format';
import { DEFAULT_SETTINGS, defaultBlockSize, readSettings, settingsOf, type SettingKey, type Settings } from './settings';
import { isActive, useTraining } from './useTraining';
import { useWorker } from './useWorker';

export function App() {
  const api = useWorker();
  const training = useTraining(api);
  const [backend, setBackend] = useState<BackendState | null>(null);
  const [backendError, setBackendError] = useState<string | null>(null);
  const [model, setModel] = useState<ModelInfo | null>(null);
  const [dataset, setDataset] = useState<DatasetSummary | null>(null);
  const [settings, setSettings] = useState<Settings>(DEFAULT_SETTINGS);
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
    training.continueRun(run, readSettings(restored, run.model.config.n_positions).samples);
  }

  // The memory estimate follows the batch and block size fields while they hold numbers.
  const batchSize = Number(settings.per_device_train_batch_size), blockSize = Number(settings.block_size);
  const shape = batchSize > 0 && blockSize > 0 ? { batchSize, blockSize } : null;

  return (
    <>
      <header className="top">
        <h1>GPT-2 Studio</h1>
        <p>Fine-tune GPT-2 in your browser: the model, your text and the training never leave this page.</p>
      </header>
      <main>
        <Alert message={backendError} />
        <SavedRunBanner api={api} hidden={active} onRestored={onRestored} />
        <div className="columns">
          <ModelPanel api={api} model={model} backend={backend} shape={shape} disabled={active} onLoaded={onModelLoaded} />
          <DatasetPanel api={api} model={model} dataset={dataset} settings={settings} onSetting={onSetting} disabled={active} onDataset={setDataset} />
        </div>
        <TrainPanel api={api} training={training} model={model} dataset={dataset} settings={settings} onSetting={onSetting}
          backend={backend} onBackend={(c) => void chooseBackend(c)} onRecover={recover} />
        <GeneratePanel api={api} model={model} trained={training.view.logs.length > 0} />
      </main>
    </>
  );
}
