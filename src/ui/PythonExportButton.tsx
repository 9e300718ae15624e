// "Export for Python": downloads the run as a zip for Hugging Face's run_clm.py (the accelerate launch command, the
// dataset files it reads, the current weights). The worker builds the zip; this only asks for it and saves it.
import { useState } from 'react';
import type { Api } from './useWorker';
import type { DatasetSummary, ModelInfo } from '../worker/protocol';
import { fileStem, saveFile } from './download';
import { messageOf, type Wordable } from './format';
import { readSettings, type Settings } from './settings';
import { useI18n } from './i18n/language';

interface Props {
  api: Api;
  model: ModelInfo | null;
  dataset: DatasetSummary | null;
  /** The form's settings: used before any run (after one, the worker exports that run's). */
  settings: Settings;
  onError(message: Wordable | null): void;
}

export function PythonExportButton({ api, model, dataset, settings, onError }: Props) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);

  async function exportRun() {
    if (!model) return;
    setBusy(true);
    onError(null);
    try {
      const zip = await api.exportPythonRun(readSettings(settings, model.config.n_positions, t));
      saveFile(zip, `${fileStem(model.name)}-run_clm.zip`, 'application/zip');
    } catch (e) {
      onError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <button type="button" onClick={() => void exportRun()} disabled={!model || !dataset || busy} aria-busy={busy}
      title={t.train.exportPythonTitle}>
      {t.train.exportPython}
    </button>
  );
}
