// How sizes and counts read in messages, the same on the command line and in the studio (which re-exports them).

/** Decimal units, as disks and download sizes are given: 1.2 GB = 1.2e9 bytes. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (Math.abs(n) >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return `${i === 0 ? n : n.toFixed(n >= 100 ? 0 : 1)} ${units[i]}`;
}

export const formatCount = (n: number) => n.toLocaleString('en-US');
