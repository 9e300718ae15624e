// The run's curves against the optimizer step: training loss (raw, and smoothed as TensorBoard smooths it),
// evaluation loss, learning rate and gradient norm, from the log history. Up to 5 runs are laid over each other,
// each in its own colour; hovering one chart shows the same step on all four (one recharts syncId, synced by value).
import { useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { LogEntry } from '../worker/protocol';
import { useI18n } from './i18n/language';
import { niceAxis, niceStep, tickFormatter, type Axis } from './ticks';

/** A run as the charts draw it. */
export interface ChartRun { id: string; name: string; color: string; logs: LogEntry[] }

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

const series = (logs: LogEntry[], key: string): Array<{ step: number; value: number }> =>
  logs.filter((e) => typeof e[key] === 'number' && typeof e.step === 'number').map((e) => ({ step: e.step as number, value: e[key] as number }));

interface LineSpec { key: string; name: string; color: string; width: number; opacity?: number; legend?: boolean }

/**
 * One chart's rows, a row per step logged (by any run, for any metric), with a column per line ("<metric>:<run
 * index>"): recharts' tooltip reads one row, so runs logged at different steps meet in it, and every chart has the
 * same steps, so that hovering a step shows it on all four (Evaluation loss too, between its evaluations).
 */
function merge(columns: Array<{ key: string; points: Array<{ step: number; value: number }> }>, steps: number[]): Point[] {
  const rows = new Map<number, Point>(steps.map((step) => [step, { step } as Point]));
  for (const c of columns) for (const p of c.points) {
    const row = rows.get(p.step) ?? ({ step: p.step } as Point);
    row[c.key] = p.value;
    rows.set(p.step, row);
  }
  return [...rows.values()].sort((a, b) => a.step - b.step);
}

export function Charts({ runs }: { runs: ChartRun[] }) {
  const { t } = useI18n();
  const [smoothing, setSmoothing] = useState(0.6);
  const single = runs.length === 1;
  const charts = useMemo(() => {
    const steps = [...new Set(runs.flatMap((r) => r.logs.map((e) => e.step).filter((x): x is number => typeof x === 'number')))];
    const metric = (key: string, name: string, color: string) => {
      const columns = runs.map((r, i) => ({ key: `${key}:${i}`, points: series(r.logs, key) }));
      const lines: LineSpec[] = runs.map((r, i) => ({ key: `${key}:${i}`, name: single ? name : r.name, color: single ? color : r.color, width: 2 }));
      return { data: merge(columns, steps), lines };
    };
    // Training loss: the raw curve faint, the smoothed one over it, per run.
    const lossColumns = runs.flatMap((r, i) => {
      const raw = series(r.logs, 'loss');
      const smoothed = smooth(raw.map((p) => p.value), smoothing);
      return [{ key: `loss:${i}`, points: raw }, { key: `smoothed:${i}`, points: raw.map((p, j) => ({ step: p.step, value: smoothed[j] })) }];
    });
    const lossLines: LineSpec[] = runs.flatMap((r, i) => single
      ? [{ key: `loss:${i}`, name: t.charts.loss, color: '#c3d3ee', width: 1 }, { key: `smoothed:${i}`, name: t.charts.smoothed, color: '#1f5fbf', width: 2 }]
      : [{ key: `loss:${i}`, name: r.name, color: r.color, width: 1, opacity: 0.3, legend: false }, { key: `smoothed:${i}`, name: r.name, color: r.color, width: 2 }]);
    return {
      loss: { data: merge(lossColumns, steps), lines: lossLines },
      evalLoss: metric('eval_loss', t.charts.evalLine, '#c2410c'),
      lr: metric('learning_rate', t.charts.lrLine, '#15803d'),
      gradNorm: metric('grad_norm', t.charts.gradLine, '#7e22ce'),
    };
  }, [runs, smoothing, single, t]);
  return (
    <div className="charts">
      <div className="field smoothing">
        <label htmlFor="smoothing">{t.charts.smoothing}</label>
        <input id="smoothing" type="range" min={0} max={0.99} step={0.01} value={smoothing} onChange={(e) => setSmoothing(Number(e.target.value))} />
        <output htmlFor="smoothing">{smoothing.toFixed(2)}</output>
      </div>
      <div className="chart-grid">
        <Chart title={t.charts.trainingLoss} {...charts.loss} legend />
        <Chart title={t.charts.evalLoss} {...charts.evalLoss} legend={!single} />
        <Chart title={t.charts.learningRate} {...charts.lr} legend={!single} fromZero />
        <Chart title={t.charts.gradNorm} {...charts.gradNorm} legend={!single} fromZero />
      </div>
    </div>
  );
}

interface ChartProps {
  title: string;
  data: Point[];
  lines: LineSpec[];
  legend: boolean;
  /** The axis starts at 0: a rate decaying to 0 or a norm reads against 0. */
  fromZero?: boolean;
}

/** The x axis: the steps logged, with ticks at round steps inside them. */
function stepAxis(data: Point[]): Axis {
  const lo = data[0].step, hi = data.at(-1)!.step;
  if (lo === hi) return { domain: [Math.max(0, lo - 1), hi + 1], ticks: [lo], step: 1 };
  const step = Math.max(1, niceStep(hi - lo, 6));
  const ticks: number[] = [];
  for (let s = Math.ceil(lo / step) * step; s <= hi; s += step) ticks.push(s);
  return { domain: [lo, hi], ticks, step };
}

function Chart({ title, data, lines, legend, fromZero }: ChartProps) {
  const { t, f, locale } = useI18n();
  const values = useMemo(() => data.flatMap((p) => lines.map((l) => p[l.key])).filter((v): v is number => Number.isFinite(v)), [data, lines]);
  // Dots only while there are few points: on a long run they would hide the curve.
  const dot = data.length <= 30;
  const x = useMemo(() => (values.length ? stepAxis(data) : null), [data, values]);
  const y = useMemo(() => {
    return niceAxis(Math.min(...values), Math.max(...values), 4, fromZero);
  }, [values, fromZero]);
  const yTick = useMemo(() => tickFormatter(y.step, locale), [y.step, locale]);
  return (
    <figure role="figure" aria-label={title} className="chart">
      <figcaption>{title}</figcaption>
      {!x ? <p className="empty">{t.charts.empty}</p> : (
        <LineChart responsive syncId="training" syncMethod="value" style={{ width: '100%', height: 200 }} data={data} margin={{ top: 8, right: 16, bottom: 4, left: 4 }}>
          <CartesianGrid stroke="#e5e7eb" />
          <XAxis dataKey="step" type="number" domain={x.domain} ticks={x.ticks} allowDecimals={false} tickFormatter={(s: number) => f.count(s)} tick={{ fontSize: 11 }} />
          <YAxis domain={y.domain} ticks={y.ticks} tickFormatter={yTick} width={60} tick={{ fontSize: 11 }} />
          <Tooltip formatter={(v) => f.metric(v as number)} labelFormatter={(s) => t.charts.step(f.count(Number(s)))} />
          {legend && <Legend verticalAlign="top" height={20} iconSize={10} />}
          {lines.map((l) => (
            <Line key={l.key} dataKey={l.key} name={l.name} stroke={l.color} strokeWidth={l.width} strokeOpacity={l.opacity} connectNulls
              legendType={l.legend === false ? 'none' : 'line'} dot={dot && { r: 2 }} isAnimationActive={false} type="linear" />
          ))}
        </LineChart>
      )}
    </figure>
  );
}
