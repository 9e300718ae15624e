// The studio page in Chromium, driven as a user drives it: real clicks, real files, the real worker and core, on the
// production build under `vite preview` (e2e/production.ts).
// One page goes through the whole story in order (each step needs the previous one's state): the fixture model by
// ?model=, a binary file and a bad setting refused with an alert, the sample mbox as dataset, a few steps on webgpu
// (SwiftShader here, so tiny batches), a longer run on wasm with pause/resume and samples, generation with token
// tooltips and the side-by-side, the exported zip evaluated by the CLI, the log download, and the checkpoint
// offered again after a reload. Screenshots of each state go to e2e/artifacts/studio-*.png.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startHarness, studioControls, type E2EPage, type Harness } from './harness';
import { fixture } from '../test/fixtures';
import { tempDirs } from '../test/tmp';
import { cliStdout } from '../test/cli';
import { readModelFolder } from '../src/core/io/model_folder';
import { dirSource } from '../src/node/fs_source';

const MODEL = '/fixtures/models/tiny-gpt2';
const MBOX = fixture('emails', 'dev', 'messages.mbox');
const TOKENS = fixture('emails', 'dev', 'gpt2.u16');

let h: Harness;
let p: E2EPage;
let page: Page;
type Controls = ReturnType<typeof studioControls>;
let spin: Controls['spin'], button: Controls['button'], status: Controls['status'], setSettings: Controls['setSettings'];
let chooseBackend: Controls['chooseBackend'], logRows: Controls['logRows'], download: Controls['download'];
const tmp = tempDirs('studio-e2e-')();

beforeAll(async () => {
  h = await startHarness('preview');
  p = await h.open(`/?model=${MODEL}`);
  page = p.page;
  ({ spin, button, status, setSettings, chooseBackend, logRows, download } = studioControls(page, tmp));
});
afterAll(async () => {
  await p?.close();
  await h?.close();
});

/** Starts a run and waits for its end; returns the run's seconds. */
async function train(timeout: number): Promise<number> {
  const t0 = Date.now();
  await button('Start training').click();
  // The page stays responsive while the worker trains: a round trip to it and a frame take well under a second.
  await expect.poll(async () => Number(await page.getByRole('progressbar', { name: 'Training progress' }).getAttribute('value')), { timeout }).toBeGreaterThan(0);
  const t1 = Date.now();
  await page.evaluate(() => new Promise(requestAnimationFrame));
  expect(Date.now() - t1).toBeLessThan(1000);
  await expect.poll(() => status().textContent(), { timeout }).toMatch(/Completed|Failed|Stopped/);
  expect(await page.getByRole('alert').count(), await page.getByRole('alert').allTextContents().then(String)).toBe(0);
  expect(await status().textContent()).toBe('Completed');
  return (Date.now() - t0) / 1000;
}

/** Points drawn on each chart (recharts' dots; a curve joins them once there are two), by figure name. */
async function chartPoints(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of ['Training loss', 'Evaluation loss', 'Learning rate', 'Gradient norm']) {
    const figure = page.getByRole('figure', { name });
    out[name] = await figure.locator('.recharts-line-dots circle').count();
    if (out[name] > 1) for (const d of await figure.locator('path.recharts-line-curve').evaluateAll((ps) => ps.map((x) => x.getAttribute('d')))) expect(d, name).toMatch(/^M[\d.,]+L/);
  }
  return out;
}

const summary: Record<string, number> = {};

describe('GPT-2 Studio in Chromium', () => {
  it('loads the model named by ?model= and shows its card', async () => {
    const card = page.getByRole('region', { name: 'Model card' });
    await card.getByRole('heading', { name: MODEL }).waitFor({ timeout: 120_000 });
    expect(await page.getByRole('textbox', { name: 'Model' }).inputValue()).toBe(MODEL);
    const text = await card.textContent();
    for (const fact of ['Parameters1.6M', 'Layers2', 'Heads2', 'Context64 tokens', 'Vocabulary50,257', 'Training memory']) expect(text).toContain(fact);
    await p.screenshot('studio-1-model');
  });

  it('refuses a binary file and a bad setting with an alert naming them', async () => {
    const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    await page.getByLabel('Dataset files').setInputFiles({ name: 'photo.txt', mimeType: 'text/plain', buffer: noise });
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent(), { timeout: 30_000 }).toBe('photo.txt: looks like a binary file, expected text');
    await p.screenshot('studio-2-binary-file');

    await spin('Learning rate').fill('-1');
    await page.getByLabel('Dataset files').setInputFiles(MBOX);
    await page.locator('dl[aria-label="Dataset statistics"]').waitFor({ timeout: 60_000 });
    await button('Start training').click();
    await expect.poll(() => page.getByRole('alert').allTextContents()).toEqual(['Learning rate: must be at least 0, got -1']);
    expect(await page.getByRole('alert').textContent()).not.toMatch(/\n\s+at /); // a message, never a stack trace
    await spin('Learning rate').fill('5e-5');
    await expect.poll(() => page.getByRole('alert').count()).toBe(0);
  });

  it('tokenizes the dataset in the worker and previews emails as text', async () => {
    // 1% validation: evaluating on SwiftShader costs a forward pass per block.
    await setSettings({ 'Validation %': '1', 'Block size': '32' });
    const stats = page.locator('dl[aria-label="Dataset statistics"]');
    await expect.poll(() => stats.textContent(), { timeout: 60_000 }).toContain('Blocks478 × 32');
    const text = await stats.textContent();
    expect(text).toContain('Documents40');
    expect(text).toContain('Train / validation473 / 5');
    const preview = page.locator('.preview pre');
    expect(await preview.count()).toBe(5);
    expect(await preview.first().textContent()).toContain('Subject:');
    // Emails are shown as their characters: no element was made from their HTML.
    expect(await page.locator('.preview pre *').count()).toBe(0);
    await p.screenshot('studio-3-dataset');
  });

  it('trains on webgpu: log table and every chart fill', async () => {
    await chooseBackend('webgpu', 'WebGPU');
    await setSettings({ 'Max steps': '3', 'Batch size': '1', 'Logging steps': '1', 'Eval steps': '0', 'Sample every N evaluations': '0' });
    summary.webgpu = await train(240_000);
    const rows = await logRows();
    expect(rows.map((r) => r[0])).toEqual(['1', '2', '3']);
    for (const r of rows) expect(Number(r[1])).toBeGreaterThan(5); // a loss, as read back from the GPU
    expect(rows.at(-1)![2]).toBe('0'); // linear schedule: the last logged rate is 0
    const points = await chartPoints();
    expect(points).toEqual({ 'Training loss': 6, 'Evaluation loss': 1, 'Learning rate': 3, 'Gradient norm': 3 }); // loss: raw + smoothed
    expect(await page.getByRole('progressbar', { name: 'Training progress' }).getAttribute('value')).toBe('3');
    await p.screenshot('studio-4-webgpu');
  }, 300_000);

  it('trains on wasm with pause and resume, and shows samples', async () => {
    await chooseBackend('wasm', 'WebAssembly');
    // A higher rate than fine-tuning uses: the fixture's weights are random, and the curves should visibly fall.
    await setSettings({ 'Learning rate': '1e-3', 'Max steps': '12', 'Batch size': '2', 'Eval steps': '4', 'Sample every N evaluations': '1' });
    const t0 = Date.now();
    await button('Start training').click();
    const bar = page.getByRole('progressbar', { name: 'Training progress' });
    // Paused as soon as it can be: 12 steps of the tiny model on wasm can finish before a poll would see step 1.
    await button('Pause').click();
    await expect.poll(() => status().textContent()).toBe('Paused');
    // The step in flight ends, then the run holds: the progress stays put.
    let held = await bar.getAttribute('value');
    await expect.poll(async () => {
      const before = held;
      await page.waitForTimeout(1500);
      held = await bar.getAttribute('value');
      return held === before;
    }, { timeout: 30_000 }).toBe(true);
    expect(Number(held)).toBeLessThan(12);
    await p.screenshot('studio-5-paused');
    await button('Resume').click();
    await expect.poll(() => status().textContent(), { timeout: 120_000 }).toMatch(/Completed|Failed/);
    expect(await status().textContent()).toBe('Completed');
    summary.wasm = (Date.now() - t0) / 1000;
    expect((await logRows()).length).toBe(12);
    const points = await chartPoints();
    expect(points['Evaluation loss']).toBe(3);
    const samples = page.locator('.samples .sample');
    await expect.poll(() => samples.count()).toBe(3);
    expect(await samples.first().textContent()).toMatch(/^step 4 The/);
    await p.screenshot('studio-6-wasm');
  }, 180_000);

  it('generates from a start string, streaming tokens with their probabilities, beside the model as loaded', async () => {
    await page.getByRole('textbox', { name: 'Start string' }).fill('Hello');
    await spin('Max length').fill('12');
    await spin('Temperature').fill('0');
    await spin('Top-k').fill('0');
    await spin('Top-p').fill('1');
    const region = page.getByRole('region', { name: 'Generated text' });
    const tokens = region.locator('.token');
    await button('Generate').click();
    await expect.poll(async () => (await region.getAttribute('aria-busy')) === 'false' && (await tokens.count()) > 0, { timeout: 60_000 }).toBe(true);
    // Hovering a token shows its probability, then the five likeliest tokens at its place.
    await tokens.first().hover();
    const details = page.getByRole('tooltip');
    expect(await details.locator('p.chosen').textContent()).toMatch(/^".*" \d+(\.\d+)?%$/);
    expect(await details.locator('li').allTextContents()).toHaveLength(5);
    expect(await region.textContent()).toMatch(/^Hello/);

    await page.getByLabel('Compare with the model as loaded').check();
    await button('Generate').click();
    await expect.poll(() => region.getByRole('heading').allTextContents()).toEqual(['As loaded', 'Fine-tuned']);
    await expect.poll(async () => (await region.getAttribute('aria-busy')) === 'false' && (await region.locator('.output').nth(1).locator('.token').count()) > 0, { timeout: 60_000 }).toBe(true);
    await tokens.first().hover();
    await p.screenshot('studio-7-generate');
  });

  it('exports a model folder zip that the CLI evaluates', async () => {
    const zip = await download(() => button('Export model').click());
    expect(zip.name).toBe('tiny-gpt2-fine-tuned.zip');
    const files = unzipSync(new Uint8Array(zip.bytes));
    expect(Object.keys(files).sort()).toEqual(['config.json', 'eval_results.json', 'generation_config.json', 'merges.txt', 'model.safetensors',
      'tokenizer.json', 'tokenizer_config.json', 'train_results.json', 'trainer_state.json', 'training_args.json', 'vocab.json']);
    const dir = path.join(tmp, 'exported');
    mkdirSync(dir);
    for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(dir, name), bytes);
    const state = JSON.parse(readFileSync(path.join(dir, 'trainer_state.json'), 'utf8'));
    expect(state.global_step).toBe(12);
    expect(JSON.parse(readFileSync(path.join(dir, 'training_args.json'), 'utf8')).per_device_train_batch_size).toBe(2);

    // The folder loads in Node with the trained weights (not the fixture's) ...
    const exported = await readModelFolder(await dirSource(dir));
    const original = await readModelFolder(await dirSource(fixture('models', 'tiny-gpt2')));
    expect([...exported.weights.keys()]).toEqual([...original.weights.keys()]);
    const moved = [...exported.weights].filter(([n, w]) => w.some((x, i) => x !== original.weights.get(n)![i])).length;
    expect(moved).toBe(exported.weights.size);
    // ... and the CLI evaluates it.
    const result = JSON.parse(await cliStdout(['eval', '--model_name_or_path', dir, '--tokens_file', TOKENS, '--block_size', '32']));
    expect(result.num_tokens).toBe(15040);
    expect(Number.isFinite(result.eval_loss)).toBe(true);
    expect(result.perplexity).toBeCloseTo(Math.exp(result.eval_loss), 6);
    summary.exportedEvalLoss = result.eval_loss;
  }, 300_000);

  it('downloads the log as trainer_state.json', async () => {
    const log = await download(() => button('Download log').click());
    expect(log.name).toBe('trainer_state.json');
    const state = JSON.parse(log.bytes.toString('utf8'));
    const steps = state.log_history.filter((e: Record<string, number>) => 'loss' in e).map((e: Record<string, number>) => e.step);
    expect(steps).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    // The run learns: its validation loss falls from the first evaluation to the last.
    const evals = state.log_history.filter((e: Record<string, number>) => 'eval_loss' in e).map((e: Record<string, number>) => e.eval_loss);
    expect(evals).toHaveLength(3);
    expect(evals[2]).toBeLessThan(evals[0]);
    expect(state.log_history.at(-1).backend).toBe('wasm');
  });

  it('saves a checkpoint in the browser and offers it after a reload', async () => {
    await button('Save checkpoint').click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Saved checkpoint-12' }).count(), { timeout: 60_000 }).toBe(1);
    await page.reload();
    const banner = page.getByRole('region', { name: 'Saved run' });
    await expect.poll(() => banner.textContent(), { timeout: 60_000 }).toContain('saved at step 12 of 12 (checkpoint-12');
    // ?model= loads the fixture again; wasm keeps the final evaluation of the continued run quick.
    await page.getByRole('region', { name: 'Model card' }).getByRole('heading', { name: MODEL }).waitFor({ timeout: 60_000 });
    await chooseBackend('wasm', 'WebAssembly');
    await p.screenshot('studio-8-saved-run');
    await button('Continue saved run').click();
    await expect.poll(() => status().textContent(), { timeout: 60_000 }).toBe('Completed');
    expect((await logRows()).length).toBe(12);
    expect(await page.getByRole('region', { name: 'Model card' }).getByRole('heading').textContent()).toBe(`checkpoint-12 of ${MODEL}`);
  });

  it('loads a model from dropped files', async () => {
    const dir = fixture('models', 'tiny-gpt2-v512');
    await page.getByLabel('Model files').setInputFiles(['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'].map((f) => path.join(dir, f)));
    const card = page.getByRole('region', { name: 'Model card' });
    await card.getByRole('heading', { name: 'dropped files' }).waitFor({ timeout: 60_000 });
    expect(await card.textContent()).toContain('Vocabulary512');
  });

  it('says which file a model URL lacks, and offers to retry', async () => {
    await page.getByRole('textbox', { name: 'Model' }).fill('/fixtures/models/missing');
    await button('Load model').click();
    await expect.poll(() => page.getByRole('alert').allTextContents(), { timeout: 30_000 })
      .toEqual([expect.stringMatching(/^\/fixtures\/models\/missing: no config\.json \(/)]);
    expect(await button('Retry').isEnabled()).toBe(true);
    await page.getByRole('textbox', { name: 'Model' }).fill('not a repo id!');
    await button('Load model').click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^Model: "not a repo id!" is neither a Hugging Face repo id/);
  });

  it('logged no console errors, page errors or failed requests', () => {
    console.log(`studio summary (run seconds, eval loss): ${JSON.stringify(summary)}`);
    // The one 404 the previous test asked for.
    expect(p.errors.filter((e) => !e.includes('/fixtures/models/missing/config.json'))).toEqual([]);
  });
});
