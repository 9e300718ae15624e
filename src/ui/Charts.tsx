// The run's curves against the optimizer step: training loss (raw, and smoothed as TensorBoard smooths it),
// evaluation loss, learning rate and gradient norm, from the log history.
import { useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { LogEntry } from '../worker/protocol';
import { formatMetric } from './format';

type Point = { step: number } & Record<string, number>;

/**
 * TensorBoard's smoothing: an exponential moving average, debiased so that the first points are not pulled to 0.
 * A non-finite value (a skipped step) is shown as it is and left out of the average.
 */
function smooth(values: number[], weight: number): number[] {
  let last = 0, factor = 1;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    factor *= weight;
    return last / (1 - factor);
  });
}

const series = (logs: LogEntry[], key: string): Point[] =>
  logs.filter((e) => typeof e[key] === 'number' && typeof e.step === 'number').map((e) => ({ step: e.step as number, [key]: e[key] as number }) as Point);

export function Charts({ logs }: { logs: LogEntry[] }) {
  const [smoothing, setSmoothing] = useState(0.6);
  const loss = useMemo(() => {
    const points = series(logs, 'loss');
    const smoothed = smooth(points.map((p) => p.loss), smoothing);
    return points.map((p, i) => ({ ...p, smoothed: smoothed[i] }));
  }, [logs, smoothing]);
  const evalLoss = useMemo(() => series(logs, 'eval_loss'), [logs]);
  const lr = useMemo(() => series(logs, 'learning_rate'), [logs]);
  const gradNorm = useMemo(() => series(logs, 'grad_norm'), [logs]);
  return (
    <div className="charts">
      <div className="field smoothing">
        <label htmlFor="smoothing">Smoothing</label>
        <input id="smoothing" type="range" min={0} max={0.99} step={0.01} value={smoothing} onChange={(e) => setSmoothing(Number(e.target.value))} />
        <output htmlFor="smoothing">{smoothing.toFixed(2)}</output>
      </div>
      <div className="chart-grid">
        <Chart title="Training loss" data={loss} lines={[{ key: 'loss', name: 'loss', color: '#c3d3ee', width: 1 }, { key: 'smoothed', name: 'smoothed', color: '#1f5fbf', width: 2 }]} />
        <Chart title="Evaluation loss" data={evalLoss} lines={[{ key: 'eval_loss', name: 'eval loss', color: '#c2410c', width: 2 }]} />
        <Chart title="Learning rate" data={lr} fromZero lines={[{ key: 'learning_rate', name: 'learning rate', color: '#15803d', width: 2 }]} />
        <Chart title="Gradient norm" data={gradNorm} fromZero lines={[{ key: 'grad_norm', name: 'grad norm', color: '#7e22ce', width: 2 }]} />
      </div>
    </div>
  );
}

interface ChartProps {
  title: string;
  data: Point[];
  lines: Array<{ key: string; name: string; color: string; width: number }>;
  /**
   * The axis starts at 0 and recharts picks round ticks above it: a rate decaying to 0 or a norm reads against 0.
   * (A padded data range let recharts' tick rounding reach below 0, e.g. a -4.58e-5 tick for a schedule ending at 0.)
   */
  fromZero?: boolean;
}

/**
 * The y range: the data's, padded by 5%. A flat series (one point, or a constant learning rate) gets a range around
 * its value; left to itself recharts would divide a zero range into ticks that differ by rounding noise alone.
 */
function yDomain(data: Point[], keys: string[]): [number, number] {
  const values = data.flatMap((p) => keys.map((k) => p[k])).filter(Number.isFinite);
  const lo = Math.min(...values), hi = Math.max(...values);
  const pad = hi - lo > 1e-9 * Math.max(Math.abs(hi), Math.abs(lo)) ? 0.05 * (hi - lo) : Math.abs(hi) * 0.1 || 1;
  // Losses, rates and norms are never negative: the padding does not take the axis below 0.
  return [lo >= 0 ? Math.max(0, lo - pad) : lo - pad, hi + pad];
}

function Chart({ title, data, lines, fromZero }: ChartProps) {
  // Dots only while there are few points: on a long run they would hide the curve.
  const dot = data.length <= 30;
  const domain = useMemo(() => yDomain(data, lines.map((l) => l.key)), [data, lines]);
  return (
    <figure role="figure" aria-label={title} className="chart">
      <figcaption>{title}</figcaption>
      {data.length === 0 ? <p className="empty">No values yet</p> : (
        <LineChart responsive style={{ width: '100%', height: 200 }} data={data} margin={{ top: 8, right: 16, bottom: 4, left: 4 }}>
          <CartesianGrid stroke="#e5e7eb" />
          <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} tick={{ fontSize: 11 }} />
          <YAxis domain={fromZero ? [0, 'auto'] : domain} tickFormatter={formatMetric} width={56} tick={{ fontSize: 11 }} />
          <Tooltip formatter={(v) => formatMetric(v as number)} labelFormatter={(s) => `step ${s}`} />
          {lines.length > 1 && <Legend verticalAlign="top" height={20} iconSize={10} />}
          {lines.map((l) => (
            <Line key={l.key} dataKey={l.key} name={l.name} stroke={l.color} strokeWidth={l.width} dot={dot && { r: 2 }} isAnimationActive={false} type="linear" />
          ))}
        </LineChart>
      )}
    </figure>
  );
}
