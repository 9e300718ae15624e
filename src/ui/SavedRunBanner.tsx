// After a reload: the run whose checkpoint is in this browser's storage, to continue or discard.
import { useEffect, useState } from 'react';
import type { Api } from './useWorker';
import type { RestoredRun, SavedRun } from '../worker/protocol';
import { Alert } from './Alert';
import { formatCount, messageOf } from './format';

interface Props {
  api: Api;
  /** Hidden while a run is going (it would replace the saved one anyway). */
  hidden: boolean;
  onRestored(run: RestoredRun): void;
}

export function SavedRunBanner({ api, hidden, onRestored }: Props) {
  const [saved, setSaved] = useState<SavedRun | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => { api.savedRun().then(setSaved, () => setSaved(null)); }, [api]);

  if (!saved || hidden) return null;
  async function act(f: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try { await f(); setSaved(null); } catch (e) { setError(messageOf(e)); } finally { setBusy(false); }
  }
  return (
    <section className="banner" aria-label="Saved run">
      <p>
        A run of <strong>{saved.model}</strong> was saved at step {formatCount(saved.step)} of {formatCount(saved.maxSteps)} ({saved.checkpoint},{' '}
        {new Date(saved.savedAt).toLocaleString()}).
      </p>
      <button type="button" className="primary" disabled={busy} onClick={() => void act(async () => onRestored(await api.loadCheckpoint()))}>Continue saved run</button>
      <button type="button" disabled={busy} onClick={() => void act(() => api.discardSavedRun())}>Discard saved run</button>
      {busy && <span className="status" role="status"> Loading the checkpoint…</span>}
      <Alert message={error} />
    </section>
  );
}
