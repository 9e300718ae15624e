// The training entries of log_history, as Trainer logs them every logging_steps.
import type { LogEntry } from '../worker/protocol';
import { formatMetric } from './format';

/** Rows kept on the page; the log download has every entry. */
const MAX_ROWS = 500;

export function LogTable({ logs }: { logs: LogEntry[] }) {
  const rows = logs.filter((e) => 'loss' in e);
  const shown = rows.slice(-MAX_ROWS);
  return (
    <div className="log">
      <h3>Training log</h3>
      <div className="table-scroll">
        <table aria-label="Training log">
          <thead>
            <tr><th>Step</th><th>Loss</th><th>Learning rate</th><th>Grad norm</th><th>Epoch</th></tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr key={String(e.step)}>
                <td>{e.step}</td>
                <td>{formatMetric(e.loss)}</td>
                <td>{formatMetric(e.learning_rate)}</td>
                <td>{formatMetric(e.grad_norm)}</td>
                <td>{formatMetric(e.epoch)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > MAX_ROWS && <p className="hint">The last {MAX_ROWS} of {rows.length} entries; Download log has them all.</p>}
      {rows.length === 0 && <p className="hint">Entries appear every Logging steps.</p>}
    </div>
  );
}
