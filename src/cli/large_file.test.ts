// A dataset file of hundreds of MB is streamed: `gpt2-studio tokenize` on a 200 MB text, run as a subprocess,
// peaks at far less memory than holding the file (and its text, and its ids) whole would take.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../../test/cli';
import { fixture, REPO_ROOT } from '../../test/fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'gpt2-studio-large-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** English-like text (common words, commas, lines, paragraphs) of at least `bytes` bytes, written in 1 MB pieces. */
function writeText(file: string, bytes: number): number {
  const words = ('the of and to in is you that it he was for on are as with his they at be this have from or one had by word but not ' +
    'what all were we when your can said there use an each which she do how their if will up other about out many then them').split(' ');
  let s = 1;
  const rnd = (n: number) => { s = (s * 1103515245 + 12345) >>> 0; return (s >>> 8) % n; };
  const fd = openSync(file, 'w');
  let total = 0;
  while (total < bytes) {
    let piece = '';
    while (piece.length < 1 << 20) {
      for (let i = 0; i < 12; i++) piece += (i ? ' ' : '') + words[rnd(words.length)] + (rnd(10) === 0 ? ',' : '');
      piece += rnd(5) === 0 ? '.\n\n' : '.\n';
    }
    total += writeSync(fd, piece);
  }
  closeSync(fd);
  return total;
}

// The child reports its own peak resident set size (getrusage's ru_maxrss, in KiB) as it exits.
const REPORT_PEAK = 'data:text/javascript,process.on("exit",()=>process.stderr.write(`peak_rss_kib ${process.resourceUsage().maxRSS}\\n`))';

function tokenize(file: string, out: string): Promise<{ code: number | null; stderr: string; peak: number }> {
  const args = ['--import', REPORT_PEAK, CLI, 'tokenize', '--model_name_or_path', fixture('models', 'tiny-gpt2'), '--train_file', file, '--out', out];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, peak: 1024 * Number(/peak_rss_kib (\d+)/.exec(stderr)?.[1] ?? NaN) }));
  });
}

describe('a 200 MB text file', () => {
  it('tokenizes as a stream: peak memory grows by well under twice the file size over a small file\'s', async () => {
    const big = path.join(dir, 'big.txt');
    const size = writeText(big, 200e6);
    const small = path.join(dir, 'small.txt');
    writeSync(openSync(small, 'w'), readFileSync(big).subarray(0, 100_000));

    const base = await tokenize(small, path.join(dir, 'small.u16'));
    expect(base.code, base.stderr).toBe(0);
    const run = await tokenize(big, path.join(dir, 'big.u16'));
    expect(run.code, run.stderr).toBe(0);

    const tokens = Number(/wrote (\d+) tokens/.exec(run.stderr)?.[1]);
    expect(tokens).toBeGreaterThan(size / 5); // ~0.28 ids a byte for this text
    expect(statSync(path.join(dir, 'big.u16')).size).toBe(2 * tokens);
    const head = (f: string) => Array.from(new Uint16Array(readFileSync(path.join(dir, f)).buffer.slice(0, 2000)));
    expect(head('big.u16')).toEqual(head('small.u16'));

    // Reading whole would hold the bytes (200 MB) and their text (200 MB) at once, then number[] ids (~56M x 8 B):
    // the command used 1.8 GB that way. Streamed, the ids grow in one Uint16Array (~120 MB, more while it doubles):
    // measured 164 MB over the baseline. The bound leaves room for the garbage collector's timing.
    console.log(`200 MB tokenize: peak RSS ${(run.peak / 1e6).toFixed(0)} MB, small-file baseline ${(base.peak / 1e6).toFixed(0)} MB, ${tokens} tokens`);
    expect(run.peak - base.peak).toBeLessThan(1.25 * size);
  });
});
