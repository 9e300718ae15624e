// How numbers, sizes, durations and dates read on the page: through Intl, in the page's language. The English
// defaults serve the messages written outside the language context (the memory estimate's).

import { EN, formatBytes, formatCount } from '../core/format';
import { isSaid, type Said } from '../core/messages';

export { formatBytes, formatCount };

/** 75 → "1:15", 3725 → "1:02:05" (a clock reading: the same in every language). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const two = (x: number) => String(x).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`;
}

/** 124439808 → "124.4M" (Intl's compact notation: "124,4 M" in Spanish). */
export const formatShort = (n: number, locale = EN) => new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(n);

/** Losses, rates and norms in a table: 4 significant digits, an exponent for very small values (learning rates). */
export function formatMetric(x: number | string | undefined, locale = EN): string {
  if (typeof x !== 'number') return x ?? '';
  if (!Number.isFinite(x)) return String(x);
  return x !== 0 && Math.abs(x) < 1e-3
    ? new Intl.NumberFormat(locale, { notation: 'scientific', maximumFractionDigits: 2 }).format(x)
    : new Intl.NumberFormat(locale, { maximumSignificantDigits: 4, useGrouping: false }).format(x);
}

export const formatPercent = (p: number, locale = EN) =>
  new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: p >= 0.1 ? 1 : 2, minimumFractionDigits: p >= 0.1 ? 1 : 2 }).format(p);

export const formatDate = (d: Date | string | number, locale = EN) =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(d));

/** The formatters above in one language, for components (useI18n().f). */
export function formatsFor(locale: string) {
  return {
    bytes: (n: number) => formatBytes(n, locale),
    duration: formatDuration,
    count: (n: number) => formatCount(n, locale),
    short: (n: number) => formatShort(n, locale),
    metric: (x: number | string | undefined) => formatMetric(x, locale),
    percent: (p: number) => formatPercent(p, locale),
    date: (d: Date | string | number) => formatDate(d, locale),
    /** A plain number with up to `digits` decimals. */
    number: (x: number, digits = 2) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(x),
  };
}
export type Formats = ReturnType<typeof formatsFor>;

/**
 * What an alert says: a sentence as data from the worker or the core (worded in the page's language when shown, so a
 * switch of language words it again), or a text already in words.
 */
export type Wordable = string | Said;

/** The message of an error from the worker: its sentence as data where it has one (comlink never sends a stack to show). */
export const messageOf = (e: unknown): Wordable => {
  const said = (e as { said?: unknown } | null)?.said;
  return isSaid(said) ? said : e instanceof Error ? e.message : String(e);
};
