// The training entries of log_history, as Trainer logs them every logging_steps.
import type { LogEntry } from '../worker/protocol';
import { useI18n } from './i18n/language';

/** Rows kept on the page; the log download has every entry. */
const MAX_ROWS = 500;

export function LogTable({ logs }: { logs: LogEntry[] }) {
  const { t, f } = useI18n();
  const c = t.log.columns;
  const rows = logs.filter((e) => 'loss' in e);
  const shown = rows.slice(-MAX_ROWS);
  return (
    <div className="log">
      <h3>{t.log.heading}</h3>
      {/* Scrolls when long: focusable, so that the keyboard scrolls it too. */}
      <div className="table-scroll" tabIndex={0} role="group" aria-label={t.log.heading}>
        <table aria-label={t.log.heading}>
          <thead>
            <tr><th scope="col">{c.step}</th><th scope="col">{c.loss}</th><th scope="col">{c.lr}</th><th scope="col">{c.grad}</th><th scope="col">{c.epoch}</th></tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr key={String(e.step)}>
                <td>{e.step}</td>
                <td>{f.metric(e.loss)}</td>
                <td>{f.metric(e.learning_rate)}</td>
                <td>{f.metric(e.grad_norm)}</td>
                <td>{f.metric(e.epoch)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > MAX_ROWS && <p className="hint">{t.log.lastRows(MAX_ROWS, f.count(rows.length))}</p>}
      {rows.length === 0 && <p className="hint">{t.log.empty}</p>}
    </div>
  );
}
