// What the memory benchmarks share: GPT-2 124M's config, one measurement per child process (so that its peak RSS is
// its own), and the memory figures of a Node process running the wasm backend.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../src/core/gpt2/config';
import { wasmHeapBytes } from '../../src/core/backend/host_memory';

export const GPT2_124M = parseConfig({ model_type: 'gpt2' });
export const GiB = 2 ** 30;
export const gib = (b: number) => `${(b / GiB).toFixed(2)} GiB`;

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
 * Runs `script --child ...args` in a Node process of its own (under tsx) and returns the JSON it prints last.
 * The load average is printed with each, since this machine is shared.
 */
export function child<T>(script: string, args: string[]): T & { loadAverage: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(script), '--child', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  if (r.status !== 0 || !last.startsWith('{')) throw new Error(`${script} ${args.join(' ')}: exit ${r.status}\n${r.stderr.slice(-2000)}`);
  return { ...(JSON.parse(last) as T), loadAverage: loadavg().map((x) => x.toFixed(1)).join(' ') };
}
