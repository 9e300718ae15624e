// Compares a training run with a reference run.json entry and its final parameters, with the fixture README's
// tolerances. No Node imports: browser test pages use it too.
import type { SafetensorsFile } from '../src/core/io/safetensors';

export interface RunReference { log_history: Array<Record<string, number>> }

/** Returns a list of mismatches (empty when the run matches). */
export function compareRun(
  runName: string, ref: RunReference, expected: SafetensorsFile,
  logHistory: Array<Record<string, number | string>>, finalParams: Map<string, ArrayLike<number>>,
): string[] {
  const bad: string[] = [];
  const logs = logHistory.filter((e) => 'loss' in e);
  if (logs.length !== ref.log_history.length) bad.push(`${logs.length} training logs, expected ${ref.log_history.length}`);
  ref.log_history.forEach((want, i) => {
    const got = logs[i] as Record<string, number> | undefined;
    if (!got) return;
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-30);
    if (got.step !== want.step) bad.push(`log ${i}: step ${got.step}, expected ${want.step}`);
    if (Math.abs(got.epoch - want.epoch) > 1e-9) bad.push(`log ${i}: epoch ${got.epoch}, expected ${want.epoch}`);
    if (!(Math.abs(got.loss - want.loss) <= 1e-4)) bad.push(`step ${want.step}: loss ${got.loss}, expected ${want.loss}`);
    if (!(rel(got.grad_norm, want.grad_norm) <= 1e-3)) bad.push(`step ${want.step}: grad_norm ${got.grad_norm}, expected ${want.grad_norm}`);
    const lrOk = want.learning_rate === 0 ? Math.abs(got.learning_rate) <= 1e-12 : rel(got.learning_rate, want.learning_rate) <= 1e-6;
    if (!lrOk) bad.push(`step ${want.step}: learning_rate ${got.learning_rate}, expected ${want.learning_rate}`);
  });
  const prefix = `final.${runName}.`;
  for (const key of expected.tensors.keys()) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    const got = finalParams.get(name);
    if (!got) { bad.push(`no final parameter ${name}`); continue; }
    const want = expected.float32(key);
    const tol = new Float32Array(want.length).fill(1e-4);
    if (expected.tensors.has(`final_tol_index.${runName}.${name}`)) {
      const idx = expected.int32(`final_tol_index.${runName}.${name}`);
      const t = expected.float32(`final_tol.${runName}.${name}`);
      idx.forEach((j, i) => { tol[j] = t[i]; });
    }
    let worst = 0, at = -1;
    for (let i = 0; i < want.length; i++) {
      const d = Math.abs(got[i] - want[i]) - tol[i];
      if (!(d <= worst)) { worst = Number.isNaN(d) ? Infinity : d; at = i; }
    }
    if (at >= 0) bad.push(`final ${name}[${at}] = ${got[at]}, expected ${want[at]} ± ${tol[at]}`);
  }
  return bad;
}
