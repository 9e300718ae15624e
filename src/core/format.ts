// How sizes and counts read in messages, the same on the command line and in the studio (which re-exports them and
// passes the page's locale; the command line and the core's own messages are in English).

export const EN = 'en-US';

/** Decimal units, as disks and download sizes are given: 1.2 GB = 1.2e9 bytes. */
export function formatBytes(n: number, locale = EN): string {
  if (!Number.isFinite(n)) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (Math.abs(n) >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  const digits = i === 0 || n >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n)} ${units[i]}`;
}

export const formatCount = (n: number, locale = EN) => n.toLocaleString(locale);
