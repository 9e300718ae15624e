// Shared helpers of the micro-benchmarks: start the wasm backend (single-threaded in Node, as the bench runs it) and
// time a function that returns a tensor, median of a few runs, each run ended by reading the result back.
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/core/backend';

export async function startWasm(): Promise<void> {
  await initBackend('wasm');
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
}

/** Median CPU ms of `reps` runs of f (after one warm-up run), each synchronized; prints and returns it. */
/** Waits until `t` is computed (one element read back). */
export async function settle(t: tf.Tensor): Promise<void> {
  const one = tf.tidy(() => t.reshape([-1]).slice(0, 1));
  await one.data();
  one.dispose();
}

/**
 * CPU milliseconds this process has used: on a machine shared with other work, a single-threaded wasm computation's
 * CPU time is a far steadier figure than its wall-clock time (which includes the time it waited for a core).
 */
export const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

export const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

export async function time(label: string, f: () => tf.Tensor | tf.Tensor[], reps = 5): Promise<number> {
  const run = async () => {
    const t0 = cpuMs();
    const out = tf.tidy(f);
    const list = Array.isArray(out) ? out : [out];
    for (const t of list) await settle(t);
    const ms = cpuMs() - t0;
    tf.dispose(list);
    return ms;
  };
  await run();
  const xs: number[] = [];
  for (let i = 0; i < reps; i++) xs.push(await run());
  xs.sort((a, b) => a - b);
  const med = xs[xs.length >> 1];
  console.log(`${label.padEnd(60)} ${med.toFixed(1).padStart(9)} ms  (min ${xs[0].toFixed(1)})`);
  return med;
}
