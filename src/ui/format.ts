// How numbers, sizes and durations read on the page.

export { formatBytes, formatCount } from '../core/format';

/** 75 → "1:15", 3725 → "1:02:05". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const two = (x: number) => String(x).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`;
}

/** 124439808 → "124.4M". */
export function formatShort(n: number): string {
  for (const [unit, size] of [['B', 1e9], ['M', 1e6], ['k', 1e3]] as const) if (Math.abs(n) >= size) return `${(n / size).toFixed(1)}${unit}`;
  return String(n);
}

/** Losses, rates and norms in a table: 4 significant digits, exponent for very small values (learning rates). */
export function formatMetric(x: number | string | undefined): string {
  if (typeof x !== 'number') return x ?? '';
  if (!Number.isFinite(x)) return String(x);
  return x !== 0 && Math.abs(x) < 1e-3 ? x.toExponential(2) : Number(x.toPrecision(4)).toString();
}

export const formatPercent = (p: number) => `${(100 * p).toFixed(p >= 0.1 ? 1 : 2)}%`;

/** The message of an error from the worker (comlink sends its message, never a stack to show). */
export const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
