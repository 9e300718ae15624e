// A run whose loss blows up (learning rate 1e6 on the tiny model): the studio finishes it as Trainer would and shows
// the core's warning naming the learning rate, in the page's Warnings. Screenshot: e2e/artifacts/divergence.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, studioControls, type E2EPage, type Harness } from './harness';
import { fixture } from '../test/fixtures';
import { tempDirs } from '../test/tmp';

const MODEL = '/fixtures/models/tiny-gpt2-v512';
let h: Harness;
let p: E2EPage | undefined;
const tmp = tempDirs('divergence-e2e-')();

beforeAll(async () => { h = await startHarness('preview'); });
afterAll(async () => {
  await p?.close();
  await h?.close();
});

describe('a diverging run in the studio', () => {
  it('completes, and the page warns that the learning rate is the likely cause', async () => {
    p = await h.open(`/?model=${MODEL}`);
    const s = studioControls(p.page, tmp);
    await p.page.getByRole('region', { name: 'Model card' }).getByRole('heading', { name: MODEL }).waitFor({ timeout: 120_000 });
    await s.chooseBackend('wasm', 'WebAssembly');
    await s.setSettings({ 'Block size': '16', 'Batch size': '1', 'Max steps': '12', 'Logging steps': '2', 'Eval steps': '0', 'Save steps': '0',
      'Sample every N evaluations': '0', 'Validation %': '1', 'Learning rate': '1e6' });
    await p.page.getByLabel('Dataset files').setInputFiles(fixture('emails', 'dev', 'messages.mbox'));
    await expect.poll(() => p!.page.locator('dl[aria-label="Dataset statistics"]').textContent(), { timeout: 60_000 }).toContain('× 16');
    await s.button('Start training').click();
    await expect.poll(() => s.status().textContent(), { timeout: 300_000 }).toMatch(/Completed|Failed|Stopped|Interrupted/);
    expect(await s.status().textContent()).toBe('Completed');
    const warnings = await p.page.getByRole('list', { name: 'Warnings' }).getByRole('listitem').allTextContents();
    expect(warnings).toEqual([expect.stringMatching(/^step 6: the loss \([\d.]+e\+\d+\) has stayed above 2× its starting value \([\d.]+\) for 3 logs: training is diverging, most likely because learning_rate 1000000 is too high; lower it and train again$/)]);
    await p.screenshot('divergence');
    expect(p.errors).toEqual([]);
  });
});
