// A new user's first run, in Chromium on the production build, with the network cut off at 127.0.0.1 (issue 10):
// open / and find the built-in model ready; "Use sample emails"; train on WebAssembly; the log table and the loss
// chart fill; Generate streams text; the exported model scores lower than the built-in one on held-out sample text.
// All of it under the built page's Content-Security-Policy (issue 11), which must report nothing. Then the hub,
// out of reach, is named as such with what works offline. The same build from a plain static server (no COOP/COEP)
// starts every backend and says that wasm runs single-threaded there.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startHarness, studioControls, type E2EPage, type Harness } from './harness';
import { REPO_ROOT } from '../test/fixtures';
import { tempDirs } from '../test/tmp';
import { cliStdout } from '../test/cli';
import { BUILTIN_MODEL } from '../src/known_models';
import { groupTexts } from '../src/core/data';

const BUILTIN_DIR = path.join(REPO_ROOT, 'public', BUILTIN_MODEL.path);
const SAMPLE = path.join(REPO_ROOT, 'public', 'samples', 'spamassassin-easy-ham.mbox');
const BLOCK = 64, VALIDATION_PERCENT = 10;
const tmp = tempDirs('first-run-e2e-')();

/** The studio's Web Worker (not the wasm pthreads, which are blob: workers). */
const studioWorker = (page: Page) => page.workers().find((w) => w.url().includes('/assets/worker-'))!;

/** Imports a script from a data: URL, which the Content-Security-Policy does not allow (a string: Vitest would rewrite import()). */
const importDataScript = "import('data:text/javascript,export default 1').then(() => 'loaded', () => 'refused')";

/** Every backend offered (none "not available"), and the note under the Backend field. */
async function backends(page: Page) {
  const note = page.locator('.field.backend small');
  await expect.poll(() => note.textContent(), { timeout: 120_000 }).toMatch(/^Running on /);
  const options = await page.getByRole('combobox', { name: 'Backend' }).locator('option').allTextContents();
  return { options, note: (await note.textContent())! };
}

describe('first run, offline, on the production build (vite preview)', () => {
  let h: Harness, p: E2EPage, page: Page;
  let ui: ReturnType<typeof studioControls>;
  beforeAll(async () => {
    h = await startHarness('preview');
    p = await h.open('/', { offline: true });
    page = p.page;
    ui = studioControls(page, tmp);
  });
  afterAll(async () => { await p?.close(); await h?.close(); });

  it('opens with the built-in model loaded and every backend started', async () => {
    const card = page.getByRole('region', { name: 'Model card' });
    await card.getByRole('heading', { name: BUILTIN_MODEL.name }).waitFor({ timeout: 60_000 });
    expect(await page.getByRole('textbox', { name: 'Model' }).inputValue()).toBe(BUILTIN_MODEL.name);
    const { options } = await backends(page);
    expect(options.filter((o) => o.includes('not available'))).toEqual([]);
    await ui.chooseBackend('wasm', 'WebAssembly');
    // Cross-origin isolated: the threaded wasm build runs (its pthreads start from the glue's text, which minification
    // used to break). How many threads XNNPACK takes depends on the cores (1 on a 2-core machine).
    expect(await page.locator('.field.backend small').textContent()).toMatch(/WebAssembly \(\d+ threads?\)\.$/);
    expect(await studioWorker(page).evaluate(() => performance.getEntriesByType('resource').map((e) => e.name.split('/').pop())))
      .toContain('tfjs-backend-wasm-threaded-simd.wasm');
    await p.screenshot('first-run-1-ready');
  });

  it('trains on the sample emails: the log table and the loss chart fill', async () => {
    await ui.setSettings({ 'Validation %': String(VALIDATION_PERCENT), 'Block size': String(BLOCK), 'Batch size': '4', 'Max steps': '40',
      'Learning rate': '1e-3', 'Logging steps': '2', 'Eval steps': '0', 'Sample every N evaluations': '0' });
    await ui.button('Use sample emails').click();
    await expect.poll(() => page.locator('dl[aria-label="Dataset statistics"]').textContent(), { timeout: 60_000 }).toContain(`× ${BLOCK}`);
    await ui.button('Start training').click();
    await expect.poll(() => ui.status().textContent(), { timeout: 300_000 }).toMatch(/Completed|Failed|Stopped/);
    expect(await page.getByRole('alert').allTextContents()).toEqual([]);
    expect(await ui.status().textContent()).toBe('Completed');
    expect((await ui.logRows()).map((r) => r[0])).toEqual(Array.from({ length: 20 }, (_, i) => String(2 * (i + 1))));
    expect(await page.getByRole('figure', { name: 'Training loss' }).locator('.recharts-line-dots circle').count()).toBeGreaterThan(2);
    await p.screenshot('first-run-2-trained');
  }, 330_000);

  it('streams generated text', async () => {
    await page.getByRole('textbox', { name: 'Start string' }).fill('Hello');
    await ui.spin('Max length').fill('24');
    const region = page.getByRole('region', { name: 'Generated text' });
    const tokens = region.locator('.token');
    await ui.button('Generate').click();
    await expect.poll(async () => (await region.getAttribute('aria-busy')) === 'false' && (await tokens.count()) > 0, { timeout: 60_000 }).toBe(true);
    expect((await region.textContent())!.length).toBeGreaterThan('Hello'.length + 10);
    await p.screenshot('first-run-3-generated');
  });

  it('exports a model that scores lower than the built-in one on the held-out sample text', async () => {
    const zip = await ui.download(() => ui.button('Export model').click());
    expect(zip.name).toBe(`${BUILTIN_MODEL.name}-fine-tuned.zip`);
    const dir = path.join(tmp, 'exported');
    mkdirSync(dir);
    for (const [name, bytes] of Object.entries(unzipSync(new Uint8Array(zip.bytes)))) writeFileSync(path.join(dir, name), bytes);
    // The held-out text: the last VALIDATION_PERCENT% of the blocks, which the page kept out of training.
    const all = path.join(tmp, 'sample.u16');
    await cliStdout(['tokenize', '--model_name_or_path', BUILTIN_DIR, '--train_file', SAMPLE, '--out', all]);
    const { blocks, numBlocks } = groupTexts(new Uint16Array(readFileSync(all).buffer.slice(0)), BLOCK);
    const held = Math.max(1, Math.round((numBlocks * VALIDATION_PERCENT) / 100));
    const heldFile = path.join(tmp, 'held-out.u16');
    writeFileSync(heldFile, new Uint16Array(blocks.subarray((numBlocks - held) * BLOCK, numBlocks * BLOCK)));
    const loss = async (model: string) => JSON.parse(await cliStdout(['eval', '--model_name_or_path', model, '--tokens_file', heldFile, '--block_size', String(BLOCK)])).eval_loss as number;
    const [builtin, exported] = [await loss(BUILTIN_DIR), await loss(dir)];
    console.log(`held-out sample text (${held} blocks of ${BLOCK}): built-in ${builtin.toFixed(3)}, fine-tuned in the page ${exported.toFixed(3)}`);
    expect(exported).toBeLessThan(builtin - 0.1);
  }, 300_000);

  it('sent nothing beyond 127.0.0.1, and the Content-Security-Policy reported nothing', async () => {
    expect(p.blocked).toEqual([]);
    expect(p.errors).toEqual([]);
    // The policy is in force in the page and in the worker that runs TensorFlow.js (a script from elsewhere is
    // refused in both), and yet all of the above ran.
    expect(await page.evaluate(importDataScript)).toBe('refused');
    expect(await studioWorker(page).evaluate(importDataScript)).toBe('refused');
  });

  it('makes a new GPT-2 from scratch, offline, and trains it', async () => {
    await page.getByRole('combobox', { name: 'New GPT-2 size' }).selectOption('nano');
    await ui.button('New model from scratch').click();
    const card = page.getByRole('region', { name: 'Model card' });
    await card.getByRole('heading', { name: 'new GPT-2 nano' }).waitFor({ timeout: 60_000 });
    const text = await card.textContent();
    for (const fact of ['Parameters6.9M', 'Layers2', 'Heads2', 'Embedding128', 'Context256 tokens', 'Vocabulary50,257']) expect(text).toContain(fact);
    // The emails are grouped again for the new model (its default block size: 128).
    await expect.poll(() => page.locator('dl[aria-label="Dataset statistics"]').textContent(), { timeout: 60_000 }).toContain('× 128');
    await ui.setSettings({ 'Max steps': '2', 'Logging steps': '1' });
    await ui.button('Start training').click();
    await expect.poll(() => ui.status().textContent(), { timeout: 120_000 }).toMatch(/Completed|Failed|Stopped/);
    expect(await ui.status().textContent()).toBe('Completed');
    // A new model guesses about uniformly over GPT-2's 50,257 tokens: ln 50257 = 10.8.
    expect(Number((await ui.logRows())[0][1])).toBeGreaterThan(10);
    expect(p.blocked).toEqual([]);
    await p.screenshot('first-run-4-from-scratch');
  }, 180_000);

  it('says that the hub cannot be reached, and what works offline', async () => {
    await page.getByRole('textbox', { name: 'Model' }).fill('openai-community/gpt2');
    await ui.button('Load model').click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent(), { timeout: 90_000 }).toMatch(/cannot be reached/);
    const text = (await alert.textContent())!;
    expect(text).toContain('The Hugging Face hub (huggingface.co) cannot be reached');
    expect(text).toContain(`the built-in model ${BUILTIN_MODEL.name}`);
    expect(text).toContain('"Model files"');
    expect(p.blocked.length).toBeGreaterThan(0);
    expect(p.blocked.every((u) => u.startsWith('https://huggingface.co/openai-community/gpt2/'))).toBe(true);
    await p.screenshot('first-run-5-hub-unreachable');
  }, 120_000);
});

describe('the same build from a plain static server without COOP/COEP headers', () => {
  let h: Harness, p: E2EPage;
  beforeAll(async () => { h = await startHarness('static'); p = await h.open('/', { offline: true }); });
  afterAll(async () => { await p?.close(); await h?.close(); });

  it('starts every backend; wasm runs single-threaded and the note says why', async () => {
    await p.page.getByRole('region', { name: 'Model card' }).getByRole('heading', { name: BUILTIN_MODEL.name }).waitFor({ timeout: 60_000 });
    const { options } = await backends(p.page);
    expect(options.filter((o) => o.includes('not available'))).toEqual([]);
    await studioControls(p.page, tmp).chooseBackend('wasm', 'WebAssembly');
    expect(await p.page.locator('.field.backend small').textContent())
      .toContain('WebAssembly (single-threaded: this page is not cross-origin isolated (its server sends no COOP/COEP headers), so WebAssembly threads are off)');
    await p.screenshot('first-run-static-server');
    expect(p.blocked).toEqual([]);
    expect(p.errors).toEqual([]);
    // The <meta> policy covers the page; the worker's own response carries none here (as a static host sends it).
    expect(await p.page.evaluate(importDataScript)).toBe('refused');
    expect(await studioWorker(p.page).evaluate(importDataScript)).toBe('loaded');
  });
});
