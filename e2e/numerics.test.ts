// GPT-2 forward and backward against the PyTorch reference in Chromium, on webgpu, webgl and wasm: the checks of
// src/core/gpt2/model.test.ts, run by e2e/pages/numerics.ts in a fresh page per backend. WebGPU and WebGL run on
// SwiftShader (CPU emulation) here, hence only the fixture models. Summaries go to e2e/artifacts/numerics-*.json.
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startHarness, ARTIFACTS, type Harness } from './harness';
import { REFERENCES } from '../test/reference';
import type { NumericsSummary, ReferenceSummary, Check } from './pages/numerics';

const BACKENDS = ['webgpu', 'webgl', 'wasm'] as const;

let h: Harness;
const summaries: NumericsSummary[] = [];

beforeAll(async () => { h = await startHarness(); });
afterAll(async () => {
  await h?.close();
  for (const s of summaries) console.log(describeSummary(s));
});

const passes = (c: Check) => (c.op === '<' ? c.diff < c.bound : c.diff <= c.bound);
const failures = (checks: Check[]) => checks.filter((c) => !passes(c)).map((c) => `${c.name}: ${c.diff} (bound ${c.op} ${c.bound})`);

function describeSummary(s: NumericsSummary): string {
  const lines = [`${s.requested}: tf.getBackend() = ${s.tfBackend}, init ${s.ms.init.toFixed(0)} ms, total ${(s.ms.total / 1000).toFixed(1)} s, ${JSON.stringify(s.info)}`];
  for (const r of s.references) {
    const grads = r.checks.filter((c) => c.name.startsWith('grad.h') || c.name.startsWith('grad.w') || c.name.startsWith('grad.ln'));
    const worst = grads.reduce((a, c) => (c.diff / c.bound > a.diff / a.bound ? c : a), grads[0] ?? { name: '-', diff: 0, bound: 1 });
    lines.push(`  ${r.name}: losses ${r.checks.find((c) => c.name === 'losses')?.diff.toExponential(2)}, `
      + `eval_loss ${r.checks.find((c) => c.name === 'eval_loss')?.diff.toExponential(2)}, `
      + `logits ${r.checks.find((c) => c.name === 'logits')?.diff.toExponential(2)}, worst gradient ${worst.name} ${worst.diff.toExponential(2)} (${((100 * worst.diff) / worst.bound).toFixed(1)}% of its bound); `
      + `ms load ${r.ms.load.toFixed(0)} losses ${r.ms.losses.toFixed(0)} logits ${r.ms.logits.toFixed(0)} grads ${r.ms.grads.toFixed(0)}; `
      + `tensors ${JSON.stringify(r.tensors)}${r.error ? `; ERROR ${r.error}` : ''}`);
  }
  if (s.error) lines.push(`  ERROR ${s.error}`);
  return lines.join('\n');
}

describe.each(BACKENDS)('GPT-2 numerics in Chromium on %s', (backend) => {
  let summary: NumericsSummary;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    const p = await h.open('/e2e/pages/numerics.html');
    try {
      await p.page.waitForFunction(() => window.numerics !== undefined, undefined, { timeout: 60_000 });
      summary = await p.page.evaluate(([b, names]) => window.numerics!.run(b, names), [backend, [...REFERENCES]] as [typeof backend, string[]]);
      summaries.push(summary);
      mkdirSync(ARTIFACTS, { recursive: true });
      writeFileSync(path.join(ARTIFACTS, `numerics-${backend}.json`), JSON.stringify(summary, null, 1));
      await p.screenshot(`numerics-${backend}`);
    } finally {
      pageErrors = p.errors;
      await p.close();
    }
  }, 900_000);

  it('starts the requested backend (initBackend report and tf.getBackend())', () => {
    expect(summary.error).toBeUndefined();
    // wasm also reports its thread count (the page's Backend note shows it).
    expect(summary.report).toEqual(backend === 'wasm' ? { backend, skipped: [], threads: expect.any(Number) } : { backend, skipped: [] });
    expect(summary.tfBackend).toBe(backend);
    expect(summary.info.crossOriginIsolated).toBe(true);
    // Cross-origin isolation (vite.config.ts's headers) gives SharedArrayBuffer: the threaded build must load.
    if (backend === 'wasm') {
      expect(summary.info.multithread).toBe(true);
      expect(summary.info.wasmFiles).toEqual(['/tfjs-wasm/tfjs-backend-wasm-threaded-simd.wasm']);
    }
  });

  describe.each(REFERENCES)('%s', (name) => {
    let r: ReferenceSummary;
    beforeAll(() => {
      const found = summary.references.find((x) => x.name === name);
      if (!found) throw new Error(`no result for ${name}${summary.error ? `: ${summary.error}` : ''}`);
      r = found;
    });

    it('per-position losses and eval_loss', () => {
      expect(r.error).toBeUndefined();
      const checks = r.checks.filter((c) => c.name === 'losses' || c.name === 'eval_loss');
      expect(checks).toHaveLength(2);
      expect(failures(checks)).toEqual([]);
    });

    it('logits', () => {
      const checks = r.checks.filter((c) => c.name === 'logits');
      expect(checks).toHaveLength(1);
      expect(failures(checks)).toEqual([]);
    });

    it('gradients of every parameter, with no tensor leak', () => {
      const checks = r.checks.filter((c) => c.name.startsWith('grad.'));
      expect(checks.length).toBeGreaterThan(10);
      expect(failures(checks)).toEqual([]);
      expect(r.tensors.afterGrads).toBe(r.tensors.beforeGrads);
      expect(r.tensors.afterDispose).toBe(r.tensors.beforeModel);
    });
  });

  it('no console errors, page errors or failed requests', () => {
    expect(pageErrors).toEqual([]);
  });
});
