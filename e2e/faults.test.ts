// What the studio does when things go wrong in the browser, driven as a user meets it in Chromium (issue 6), and
// the open points of the studio (issue 4):
// - a batch that cannot fit the device is refused before training, naming the setting and the largest that fits;
// - a WebGPU device lost and a WebGL context lost mid-run (forced with GPUDevice.destroy() and WEBGL_lose_context
//   through the worker's test-only debugLoseDevice): the alert says so and the run continues from its autosaved
//   checkpoint on the next backend, webgpu → webgl → wasm;
// - a tab reloaded mid-run resumes from its autosave with exactly the results of an uninterrupted run (wasm);
// - the tensor count and backend bytes stay flat over many steps on webgpu (a leak of one tensor a step fails it);
// - a folder dropped on the dataset drop zone adds its files, subfolders included.
// Each test is its own page (its own browser context, so its own origin private file system). The fixture model with
// 512 tokens keeps SwiftShader's WebGPU and WebGL quick. Screenshots go to e2e/artifacts/faults-*.png.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, studioControls, type E2EPage, type Harness } from './harness';
import { fixture } from '../test/fixtures';
import { tempDirs } from '../test/tmp';

const MODEL = '/fixtures/models/tiny-gpt2-v512';
const MBOX = fixture('emails', 'dev', 'messages.mbox');
/** Small steps for SwiftShader: one block of 32 tokens a step, 1% of the blocks for the final evaluation. */
const SETTINGS = { 'Validation %': '1', 'Block size': '32', 'Batch size': '1', 'Logging steps': '1', 'Eval steps': '0', 'Sample every N evaluations': '0' };

let h: Harness;
const tmp = tempDirs('faults-e2e-')();
const pages: E2EPage[] = [];

beforeAll(async () => { h = await startHarness('preview'); });
afterAll(async () => {
  for (const p of pages) await p.close();
  await h?.close();
});

/** A fresh studio with the fixture model loaded and `backend` running. */
async function openStudio(backend: string, shown: string) {
  const p = await h.open(`/?model=${MODEL}`);
  pages.push(p);
  const ui = studioControls(p.page, tmp);
  await p.page.getByRole('region', { name: 'Model card' }).getByRole('heading', { name: MODEL }).waitFor({ timeout: 120_000 });
  await ui.chooseBackend(backend, shown);
  return { p, page: p.page, ...ui };
}

type Studio = Awaited<ReturnType<typeof openStudio>>;

/** Adds the sample mbox with the settings' block size; waits for its statistics. */
async function addDataset(s: Studio, settings: Record<string, string>) {
  await s.setSettings(settings);
  await s.page.getByLabel('Dataset files').setInputFiles(MBOX);
  await expect.poll(() => s.page.locator('dl[aria-label="Dataset statistics"]').textContent(), { timeout: 60_000 }).toContain(`× ${settings['Block size']}`);
}

const alerts = (s: Studio) => s.page.getByRole('alert').allTextContents();
const saved = (s: Studio, name: string) => s.page.getByRole('status').filter({ hasText: `Saved ${name}` });

async function finish(s: Studio, timeout: number) {
  await expect.poll(() => s.status().textContent(), { timeout }).toMatch(/Completed|Failed|Stopped|Interrupted/);
  expect(await alerts(s)).toEqual([]);
  expect(await s.status().textContent()).toBe('Completed');
}

/**
 * Loses the device while the run trains past its first autosave; returns the checkpoint the alert offers to continue
 * from (the first or, when the loss lands after the next save, the second).
 */
async function loseDeviceMidRun(s: Studio, expected: RegExp, shot: string): Promise<number> {
  await s.button('Start training').click();
  await saved(s, 'checkpoint-2').waitFor({ timeout: 240_000 });
  expect(await s.status().textContent()).toBe('Training');
  await s.page.evaluate(() => window.gpt2Studio!.debugLoseDevice());
  await expect.poll(() => s.status().textContent(), { timeout: 60_000 }).toBe('Interrupted');
  const [message] = await alerts(s);
  expect(message).toMatch(expected);
  expect(message).not.toMatch(/\n\s+at /); // a message, never a stack trace
  await s.p.screenshot(shot);
  return Number(/checkpoint-(\d+) is kept/.exec(message)![1]);
}

/** Continues from checkpoint-k on the backend offered; the run picks up at step k and ends at `steps`. */
async function continueOn(s: Studio, label: string, shown: string, k: number, steps: number) {
  await s.button(`Continue on ${label} from checkpoint-${k}`).click();
  await expect.poll(() => s.page.locator('.field.backend small').textContent(), { timeout: 120_000 }).toContain(`Running on ${shown}`);
  // The restored run shows its history up to the checkpoint, then continues from there.
  await expect.poll(async () => Number(await s.progress().getAttribute('value')), { timeout: 60_000 }).toBeGreaterThanOrEqual(k);
  await finish(s, 300_000);
  expect((await s.logRows()).map((r) => r[0])).toEqual(Array.from({ length: steps }, (_, i) => String(i + 1)));
  expect(await s.progress().getAttribute('value')).toBe(String(steps));
}

describe('the studio survives faults', () => {
  it('refuses a batch that cannot fit the device before training, naming the largest that fits', async () => {
    const s = await openStudio('wasm', 'WebAssembly');
    await addDataset(s, SETTINGS);
    await s.setSettings({ 'Batch size': '100000' });
    const card = s.page.getByRole('region', { name: 'Model card' });
    await expect.poll(() => card.getByRole('status').textContent()).toMatch(/^Does not fit: Batch size: /);
    await s.button('Start training').click();
    await expect.poll(() => alerts(s)).toHaveLength(1);
    const [message] = await alerts(s);
    const m = /^Batch size: 100,000 blocks of 32 tokens need about [\d.]+ GB to train on WebAssembly, more than the 4 GiB WebAssembly heap; the largest batch size that fits is ([\d,]+)$/.exec(message);
    expect(m, message).not.toBeNull();
    expect(await s.status().textContent()).toBe('Not started');
    await s.p.screenshot('faults-1-batch-too-large');
    // The largest batch that fits is said no more; one more block is.
    const largest = Number(m![1].replace(/,/g, ''));
    await s.setSettings({ 'Batch size': String(largest) });
    await expect.poll(() => card.getByRole('status').count()).toBe(0);
    await s.setSettings({ 'Batch size': String(largest + 1) });
    await expect.poll(() => card.getByRole('status').count()).toBe(1);

    // WebGPU has its own limits (the adapter's buffer sizes): refused the same way.
    await s.chooseBackend('webgpu', 'WebGPU');
    await s.setSettings({ 'Batch size': '100000' });
    await s.button('Start training').click();
    await expect.poll(() => alerts(s)).toEqual([expect.stringMatching(/^Batch size: 100,000 blocks of 32 tokens need .*; the largest batch size that fits is [\d,]+$/)]);
    expect(await s.status().textContent()).toBe('Not started');
    expect(s.p.errors).toEqual([]);
  });

  it('a lost WebGPU device, then a lost WebGL context: each run continues from its checkpoint on the next backend', async () => {
    const s = await openStudio('webgpu', 'WebGPU');
    await addDataset(s, { ...SETTINGS, 'Max steps': '6', 'Save steps': '2' });
    const k1 = await loseDeviceMidRun(s,
      /^The WebGPU device was lost at step \d+ \(destroyed.*\)\. checkpoint-(2|4) is kept in this browser's storage: continue from step \1 on WebGL\.$/, 'faults-2-webgpu-lost');
    await continueOn(s, 'WebGL', 'WebGL', k1, 6);
    await s.p.screenshot('faults-3-continued-on-webgl');
    // The lost WebGPU device is not offered again until the page reloads.
    expect(await s.page.getByRole('option', { name: /^WebGPU/ }).textContent()).toContain('not available');

    const k2 = await loseDeviceMidRun(s,
      /^The WebGL context was lost at step \d+ \(webglcontextlost\)\. checkpoint-(2|4) is kept in this browser's storage: continue from step \1 on WebAssembly\.$/, 'faults-4-webgl-lost');
    await continueOn(s, 'WebAssembly', 'WebAssembly', k2, 6);
    await s.p.screenshot('faults-5-continued-on-wasm');
    expect(s.p.errors).toEqual([]);
  }, 900_000);

  it('a tab reloaded mid-run resumes from its autosave with the results of an uninterrupted run', async () => {
    const s = await openStudio('wasm', 'WebAssembly');
    // Long enough that the reload lands mid-run on a fast or a loaded machine (40 steps could end before the page
    // read its progress after checkpoint-10).
    const steps = 200;
    // Dropout off and blocks in order: the run is exactly repeatable, so the two runs must agree to the last bit.
    await addDataset(s, { ...SETTINGS, 'Batch size': '2', 'Max steps': String(steps), 'Eval steps': '10', 'Save steps': '10', Dropout: '0', 'Learning rate': '1e-3' });
    await s.page.getByRole('checkbox', { name: 'Shuffle' }).uncheck();
    await s.button('Start training').click();
    await finish(s, 300_000);
    const whole = JSON.parse((await s.download(() => s.button('Download log').click())).bytes.toString('utf8'));

    // The learning rate decays linearly to 0: its axis starts at 0, with no tick below it.
    const ticks = await s.page.getByRole('figure', { name: 'Learning rate' }).locator('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value').allTextContents();
    expect(ticks.length).toBeGreaterThan(1);
    expect(Math.min(...ticks.map(Number))).toBe(0);

    await s.button('Start training').click();
    await saved(s, 'checkpoint-10').waitFor({ timeout: 240_000 });
    const atReload = Number(await s.progress().getAttribute('value'));
    expect(atReload).toBeLessThan(steps); // mid-run
    await s.page.reload();
    const banner = s.page.getByRole('region', { name: 'Saved run' });
    await expect.poll(() => banner.textContent(), { timeout: 60_000 }).toMatch(new RegExp(`saved at step \\d+0 of ${steps} \\(checkpoint-`));
    await s.page.getByRole('region', { name: 'Model card' }).getByRole('heading', { name: MODEL }).waitFor({ timeout: 60_000 });
    await s.chooseBackend('wasm', 'WebAssembly');
    await s.p.screenshot('faults-6-reloaded');
    await s.button('Continue saved run').click();
    await finish(s, 300_000);
    const resumed = JSON.parse((await s.download(() => s.button('Download log').click())).bytes.toString('utf8'));
    await s.p.screenshot('faults-7-resumed');

    // Every logged number but the timings is the same.
    const numbers = (state: { log_history: Array<Record<string, unknown>> }) => state.log_history.map((e) =>
      Object.fromEntries(Object.entries(e).filter(([key]) => !/runtime|per_second/.test(key))));
    expect(numbers(resumed)).toEqual(numbers(whole));
    expect(whole.log_history.filter((e: Record<string, number>) => 'loss' in e)).toHaveLength(steps);
    console.log(`reloaded at step ${atReload} of ${steps}; final train_loss ${whole.log_history.at(-1).train_loss}`);
    expect(s.p.errors).toEqual([]);
  }, 900_000);

  it('keeps the tensor count and backend bytes flat over many steps on webgpu', async () => {
    const s = await openStudio('webgpu', 'WebGPU');
    await addDataset(s, { ...SETTINGS, 'Save steps': '0' });
    // The worker's memory after a run of `steps` steps: the model, the trainer's state and nothing per step.
    const after = async (steps: number) => {
      await s.setSettings({ 'Max steps': String(steps) });
      await s.button('Start training').click();
      await finish(s, 600_000);
      return s.page.evaluate(() => window.gpt2Studio!.tensorMemory());
    };
    const short = await after(5);
    const long = await after(35);
    console.log(`webgpu tensor memory after 5 steps ${JSON.stringify(short)}, after 35 ${JSON.stringify(long)}`);
    expect(long).toEqual(short);
    expect(s.p.errors).toEqual([]);
  }, 900_000);

  it('adds the files of a folder dropped on the dataset drop zone, subfolders included', async () => {
    const s = await openStudio('wasm', 'WebAssembly');
    await s.setSettings({ 'Block size': '32' });
    const dir = path.join(tmp, 'mails');
    mkdirSync(path.join(dir, 'notes'), { recursive: true });
    copyFileSync(MBOX, path.join(dir, 'messages.mbox'));
    writeFileSync(path.join(dir, 'notes', 'note.txt'), 'A short note about the meeting on Tuesday.\n');
    writeFileSync(path.join(dir, '.DS_Store'), '');
    // A real drop of a directory, as the OS hands one to Chromium (DevTools' drag events carry file paths).
    // In view first: choosing the backend scrolled the page down to the Backend field.
    const zone = s.page.locator('.dropzone', { has: s.page.getByText('Dataset files', { exact: true }) });
    await zone.scrollIntoViewIfNeeded();
    const box = (await zone.boundingBox())!;
    const cdp = await s.p.context.newCDPSession(s.page);
    const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    const data = { items: [], files: [dir], dragOperationsMask: 1 };
    for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
    const stats = s.page.locator('dl[aria-label="Dataset statistics"]');
    await expect.poll(() => stats.textContent(), { timeout: 60_000 }).toContain('Files2');
    expect(await stats.locator('dd[title]').getAttribute('title')).toBe('messages.mbox\nnote.txt');
    await s.p.screenshot('faults-8-folder-dropped');
    expect(s.p.errors).toEqual([]);
  });
});
