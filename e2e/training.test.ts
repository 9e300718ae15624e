// The reference training runs in Chromium, through the studio's worker and protocol, on webgpu and webgl (cpu and
// wasm run them through the CLI in src/cli/cli.test.ts). WebGPU and WebGL run on SwiftShader here, so these use
// the 512-token fixture; the 50,257-token one takes minutes a run there and is covered by the numerics test.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startHarness, type Harness } from './harness';
import { loadReference } from '../test/reference';
import type { TrainingSummary } from './pages/training';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

const ref = loadReference('tiny-gpt2-v512');

describe.each(['webgpu', 'webgl'] as const)('reference runs through the worker on %s', (backend) => {
  it.each(Object.keys(ref.run.runs))('reproduces tiny-gpt2-v512 run "%s"', async (runName) => {
    const p = await h.open('/e2e/pages/training.html');
    try {
      await p.page.waitForFunction(() => window.training !== undefined, undefined, { timeout: 60_000 });
      const s: TrainingSummary = await p.page.evaluate(([b, r]) => window.training!.run(b, 'tiny-gpt2-v512', r), [backend, runName] as const);
      expect(s.backend).toBe(backend);
      expect(s.steps).toBe(ref.run.runs[runName].log_history.length);
      expect(s.mismatches).toEqual([]);
      expect(s.refused).toMatch(/^Batch size: 100,000 blocks of \d+ tokens need about [\d.]+ [GT]B to train on Web(GPU|GL), more than .*; the largest batch size that fits is [\d,]+$/);
      expect(p.errors).toEqual([]);
    } finally {
      await p.close();
    }
  }, 600_000);
});
