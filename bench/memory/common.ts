// What the memory benchmarks share: GPT-2 124M's config, one measurement per child process (so that its peak RSS is
// its own), and the memory figures of a Node process running the wasm backend.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../src/core/gpt2/config';
import { wasmHeapBytes } from '../../src/core/backend/host_memory';

export const GPT2_124M = parseConfig({ model_type: 'gpt2' });

/** Whether the module of `url` is the script Node was started with (run standalone, not imported by `npm run bench`). */
export const isMain = (url: string) => path.resolve(process.argv[1] ?? '') === fileURLToPath(url);

/** VmHWM (peak RSS) of this process, in bytes. */
export function peakRss(): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
}

/** The JS side (V8's heap and ArrayBuffers; Node does not count the wasm heap among them) and the wasm heap. */
export function jsAndWasm(): { js: number; wasm: number } {
  const m = process.memoryUsage();
  return { js: m.heapUsed + m.arrayBuffers, wasm: wasmHeapBytes() ?? 0 };
}

/**
 * Runs `script --child ...args` in a Node process of its own (under tsx) and returns the JSON it prints last; kills it
 * after `timeoutS` seconds. The load average is given with each, since this machine is shared.
 */
export function child<T>(script: string, args: string[], timeoutS = Infinity): Promise<T & { loadAverage: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(script), '--child', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '', timedOut = false;
  proc.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  proc.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
  const timer = Number.isFinite(timeoutS) ? setTimeout(() => { timedOut = true; proc.kill('SIGKILL'); }, timeoutS * 1000) : undefined;
  return new Promise((resolve, reject) => proc.on('close', (code, signal) => {
    clearTimeout(timer);
    const last = stdout.trim().split('\n').at(-1) ?? '';
    if (timedOut) reject(new Error(`killed after ${timeoutS} s`));
    else if (code !== 0 || !last.startsWith('{')) reject(new Error(`${path.basename(fileURLToPath(script))} ${args.join(' ')}: ${signal ? `signal ${signal}` : `exit ${code}`}\n${stderr}`));
    else resolve({ ...(JSON.parse(last) as T), loadAverage: loadavg().map((x) => x.toFixed(1)).join(' ') });
  }));
}
