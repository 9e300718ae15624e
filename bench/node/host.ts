// The Node side of a measurement: memory figures (RSS, VmHWM, the wasm heap) and the fixture token stream.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { wasmHeapBytes } from '../../src/core/backend/host_memory';
import type { Host } from '../lib/suite';
import { fixture } from '../../test/fixtures';

/** VmHWM and VmRSS of this process, in bytes. */
export function procStatus(): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    for (const line of readFileSync('/proc/self/status', 'utf8').split('\n')) {
      const m = /^(VmHWM|VmRSS):\s+(\d+) kB/.exec(line);
      if (m) out[m[1]] = Number(m[2]) * 1024;
    }
  } catch { /* not Linux */ }
  return out;
}

export function nodeHost(log = (s: string) => process.stderr.write(s + '\n')): Host {
  const u16 = readFileSync(fixture('emails', 'dev', 'gpt2.u16'));
  return {
    tokens: Int32Array.from(new Uint16Array(u16.buffer, u16.byteOffset, u16.byteLength / 2)),
    memory() {
      const m = process.memoryUsage();
      const out: Record<string, number> = { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, ...procStatus() };
      const w = wasmHeapBytes();
      if (w !== undefined) out.wasmHeapBytes = w;
      try { out.tfNumBytes = tf.memory().numBytes; } catch { /* no backend */ }
      return out;
    },
    log,
    cpuMs() { const u = process.cpuUsage(); return (u.user + u.system) / 1000; },
  };
}

