// The runs kept in this browser: tick up to 5 to lay their curves over each other on the charts, rename them,
// download a run's log, delete it.
import { useState } from 'react';
import { Alert } from './Alert';
import { saveFile } from './download';
import { useI18n } from './i18n/language';
import { runLogFile, type RunRecord } from './run_history';
import { colorOf, MAX_SHOWN, type RunHistory } from './useRunHistory';

export function RunsPanel({ history }: { history: RunHistory }) {
  const { t, f } = useI18n();
  const { runs, shown } = history;
  return (
    <section className="runs" aria-labelledby="runs-heading">
      <h3 id="runs-heading">{t.runs.heading}</h3>
      <p className="hint">{runs.length ? t.runs.hint : t.runs.empty}</p>
      {runs.length > 0 && (
        <div className="table-scroll">
          <table aria-label={t.runs.table} className="runs-table">
            <thead>
              <tr>
                <th scope="col">{t.runs.columns.show}</th><th scope="col">{t.runs.columns.name}</th><th scope="col">{t.runs.columns.settings}</th>
                <th scope="col">{t.runs.columns.when}</th><th scope="col">{t.runs.columns.actions}</th>
              </tr>
            </thead>
            <tbody>
              {[...runs].reverse().map((run) => {
                const on = shown.includes(run.id);
                const steps = run.args.max_steps > 0 ? t.runs.steps(f.count(run.args.max_steps)) : t.runs.epochs(f.number(run.args.num_train_epochs));
                return (
                  <tr key={run.id}>
                    <td>
                      <input type="checkbox" checked={on} disabled={!on && shown.length >= MAX_SHOWN} aria-label={t.runs.show(run.name)}
                        title={!on && shown.length >= MAX_SHOWN ? t.runs.tooMany : undefined} onChange={() => history.toggle(run.id)} />
                      {on && <span className="swatch" style={{ background: colorOf(shown, run.id) }} aria-hidden="true" />}
                    </td>
                    <td className="name"><RunName run={run} current={run.id === history.currentId} onRename={(name) => void history.rename(run.id, name)} /></td>
                    <td>{t.runs.summary(f.metric(run.args.learning_rate), steps, run.datasetOptions.blockSize, run.args.per_device_train_batch_size)}</td>
                    <td><time dateTime={run.startedAt}>{f.date(run.startedAt)}</time></td>
                    <td className="actions">
                      <button type="button" aria-label={t.runs.download(run.name)}
                        onClick={() => saveFile(runLogFile(run), `${run.name.replace(/[^\w.-]+/g, '_') || 'run'}.json`, 'application/json')}>
                        {t.runs.downloadAction}
                      </button>
                      <button type="button" aria-label={t.runs.remove(run.name)} onClick={() => void history.remove(run.id)}>{t.runs.deleteAction}</button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Alert message={history.error} />
    </section>
  );
}

/** A run's name, and its rename form (Enter saves, Escape cancels). */
function RunName({ run, current, onRename }: { run: RunRecord; current: boolean; onRename(name: string): void }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<string | null>(null);
  if (editing !== null) {
    const save = () => { if (editing.trim()) onRename(editing.trim()); setEditing(null); };
    return (
      <form className="rename" onSubmit={(e) => { e.preventDefault(); save(); }}>
        <input type="text" aria-label={t.runs.name} value={editing} autoFocus onChange={(e) => setEditing(e.target.value)}
          onKeyDown={(e) => { if (e.key === 'Escape') setEditing(null); }} />
        <button type="submit">{t.runs.save}</button>
        <button type="button" onClick={() => setEditing(null)}>{t.runs.cancel}</button>
      </form>
    );
  }
  return (
    <>
      <span>{run.name}</span>{current && <span className="badge"> {t.runs.current}</span>}{' '}
      <button type="button" className="link" aria-label={t.runs.rename(run.name)} onClick={() => setEditing(run.name)}>{t.runs.renameAction}</button>
    </>
  );
}
