// Chart axes at round values: ticks every 1, 2 or 5 × 10^k, all written in one number format. recharts' own tick
// rounding gives 5.371 / 5.871 / 6.371 for a loss and mixes 0.0005 with 7.50e-4 on a learning-rate axis.

export interface Axis { domain: [number, number]; ticks: number[]; step: number }

/** The round step that cuts `span` into about `count` intervals. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const exponent = Math.floor(Math.log10(raw));
  const m = raw / 10 ** exponent;
  // 2e-4 written out, not 2 × 1e-4 (0.00019999999999999998).
  return Number(`${m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10}e${exponent}`);
}

/**
 * Round ticks covering [lo, hi]: the domain runs from the tick at or below lo to the one at or above hi. A flat range
 * (one point, a constant rate) is widened around its value first. `fromZero` starts the axis at 0.
 */
export function niceAxis(lo: number, hi: number, count = 4, fromZero = false): Axis {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { domain: [0, 1], ticks: [0, 1], step: 1 };
  if (fromZero) lo = Math.min(0, lo);
  if (hi - lo <= 1e-9 * Math.max(Math.abs(hi), Math.abs(lo))) {
    const pad = Math.abs(hi) * 0.1 || 1;
    hi += pad;
    // Losses, rates and norms are never negative: the padding does not take the axis below 0.
    lo = lo >= 0 ? Math.max(0, lo - pad) : lo - pad;
  }
  const step = niceStep(hi - lo, count);
  const first = Math.floor(lo / step + 1e-9), last = Math.ceil(hi / step - 1e-9);
  // Each tick is computed from its index (not by adding steps), and rounded to the step's digits: no 0.30000000000000004.
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  const ticks = Array.from({ length: last - first + 1 }, (_, i) => Number(((first + i) * step).toFixed(Math.min(20, digits))));
  return { domain: [ticks[0], ticks.at(-1)!], ticks, step };
}

/**
 * One format for every tick of an axis: as many decimals as its step has (0.0002, 0.0004, … for a learning rate;
 * 5.0, 5.5, … for a loss). Steps below 10⁻⁶ would need too many zeros: scientific notation, 0 written as "0".
 */
export function tickFormatter(step: number, locale: string): (x: number) => string {
  if (step >= 1e-6) {
    const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
    const f = new Intl.NumberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals, useGrouping: false });
    return (x) => f.format(x);
  }
  const f = new Intl.NumberFormat(locale, { notation: 'scientific', maximumFractionDigits: 1 });
  return (x) => (x === 0 ? '0' : f.format(x));
}
