// The training progress line on stderr (step, loss, learning rate, grad norm, tokens/s, ETA), redrawn in place on
// a terminal; every log entry goes to stdout as one JSON line, like Trainer's printed dicts.
import type { LogEntry, Progress } from '../core/train/trainer';

const clock = (s: number) => {
  if (!Number.isFinite(s)) return '?';
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = Math.floor(s % 60);
  return `${h ? `${h}:` : ''}${String(m).padStart(h ? 2 : 1, '0')}:${String(sec).padStart(2, '0')}`;
};

export class ProgressBar {
  private last: LogEntry = {};
  private drawn = false;
  private readonly tty = Boolean(process.stderr.isTTY);

  log(e: LogEntry): void {
    this.clear();
    process.stdout.write(JSON.stringify(e) + '\n');
    if ('loss' in e) this.last = e;
  }

  warn(message: string): void {
    this.clear();
    process.stderr.write(`warning: ${message}\n`);
  }

  update(p: Progress): void {
    if (!this.tty) return;
    const width = 24, filled = Math.round((width * p.step) / p.maxSteps);
    const num = (k: string, f: (x: number) => string) => (typeof this.last[k] === 'number' ? f(this.last[k] as number) : '–');
    const line = `${p.step}/${p.maxSteps} [${'='.repeat(filled)}${' '.repeat(width - filled)}] epoch ${p.epoch.toFixed(2)} ` +
      `loss ${num('loss', (x) => x.toFixed(4))} lr ${num('learning_rate', (x) => x.toExponential(2))} ` +
      `grad_norm ${num('grad_norm', (x) => x.toFixed(3))} ${Math.round(p.tokensPerSecond)} tok/s ` +
      `${clock(p.elapsed)}<${clock(p.eta)}`;
    process.stderr.write(`\r${line}\x1b[K`);
    this.drawn = true;
  }

  private clear(): void {
    if (this.drawn) process.stderr.write('\r\x1b[K');
    this.drawn = false;
  }

  done(): void {
    this.clear();
  }
}
