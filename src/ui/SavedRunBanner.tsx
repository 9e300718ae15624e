// After a reload: the runs in this browser's storage that no tab is training, to continue or discard, and those that
// cannot be read any more, to delete.
import { useEffect, useState } from 'react';
import type { Api } from './useWorker';
import type { RestoredRun, SavedRun } from '../worker/protocol';
import { Alert } from './Alert';
import { messageOf, type Wordable } from './format';
import { useI18n } from './i18n/language';

interface Props {
  api: Api;
  /** Hidden while a run is going (it would replace the saved ones anyway). */
  hidden: boolean;
  onRestored(run: RestoredRun): void;
}

export function SavedRunBanner({ api, hidden, onRestored }: Props) {
  const [saved, setSaved] = useState<SavedRun[]>([]);

  // Read again whenever the banner shows again: a run that ended here may have replaced the runs saved before it.
  useEffect(() => {
    if (hidden) return;
    let current = true; // a later read replaces this one's answer
    api.savedRuns().then((runs) => { if (current) setSaved(runs); }, () => { if (current) setSaved([]); });
    return () => { current = false; };
  }, [api, hidden]);

  if (hidden) return null;
  const done = (id: string) => setSaved((runs) => runs.filter((r) => r.id !== id));
  return saved.map((run) => <SavedRunItem key={run.id} api={api} run={run} onRestored={onRestored} onDone={() => done(run.id)} />);
}

function SavedRunItem({ api, run, onRestored, onDone }: { api: Api; run: SavedRun; onRestored(run: RestoredRun): void; onDone(): void }) {
  const { t, f, word } = useI18n();
  const k = t.savedRun;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Wordable | null>(null);
  async function act(f: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try { await f(); onDone(); } catch (e) { setError(messageOf(e)); } finally { setBusy(false); }
  }
  const discard = () => void act(() => api.discardSavedRun(run.id));
  if ('problem' in run) {
    return (
      <section className="banner" aria-label={k.label}>
        <p>{k.unreadable(word(run.problem))}</p>
        <button type="button" disabled={busy} onClick={discard}>{k.delete}</button>
        <Alert message={error} />
      </section>
    );
  }
  return (
    <section className="banner" aria-label={k.label}>
      <p>
        {k.runOf}<strong>{run.model}</strong>{k.savedAt(f.count(run.step), f.count(run.maxSteps), run.checkpoint, f.date(run.savedAt))}
      </p>
      <button type="button" className="primary" disabled={busy} onClick={() => void act(async () => onRestored(await api.loadCheckpoint(run.id)))}>{k.continue}</button>
      <button type="button" disabled={busy} onClick={discard}>{k.discard}</button>
      {busy && <span className="status" role="status">{k.loading}</span>}
      <Alert message={error} />
    </section>
  );
}
