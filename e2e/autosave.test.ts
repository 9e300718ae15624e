// The autosave in the browser's storage (the origin private file system), driven as users meet it in Chromium:
// - two tabs of one browser (two pages of one context: one storage) train two runs side by side; each keeps its own
//   folder, neither tab offers or deletes the other's live run, and a closed tab's run is offered and continued with
//   its own settings;
// - a new run leaves the previous autosave in place until its own first checkpoint is complete (and when the storage
//   is too full for that checkpoint);
// - damaged files: a checkpoint left half-written is removed, a truncated dataset.blocks or a garbled run.json is
//   named in the banner and can be deleted from the page, a corrupt model.safetensors or trainer_state.json is named
//   in an alert when the run is continued; a Spanish page words the banner in Spanish (the worker's sentence as data).
// The fixture model with 512 tokens on wasm; the files are inspected and damaged through the page's own
// navigator.storage. Screenshots go to e2e/artifacts/autosave-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { ARTIFACTS, startHarness, studioControls, type E2EPage, type Harness } from './harness';
import { fixture } from '../test/fixtures';
import { tempDirs } from '../test/tmp';

const MODEL = '/fixtures/models/tiny-gpt2-v512';
const MBOX = fixture('emails', 'dev', 'messages.mbox');
const SETTINGS = { 'Validation %': '1', 'Batch size': '1', 'Logging steps': '1', 'Eval steps': '0', 'Sample every N evaluations': '0' };

let h: Harness;
const tmp = tempDirs('autosave-e2e-')();
const contexts: E2EPage[] = [];

beforeAll(async () => { h = await startHarness('preview'); });
afterAll(async () => {
  for (const p of contexts) await p.close();
  await h?.close();
});

/** Page errors of the tabs opened here (the harness records those of the first page of each context). */
const tabErrors: string[] = [];

/** The studio in a new browser context (its own storage) or, given `context`, in another tab of that one. */
async function openStudio(context?: BrowserContext) {
  let page: Page;
  if (context) {
    page = await context.newPage();
    page.on('pageerror', (e) => tabErrors.push(`uncaught: ${e.message}`));
    await page.goto(`${h.url}/?model=${MODEL}`);
  } else {
    const p = await h.open(`/?model=${MODEL}`);
    contexts.push(p);
    page = p.page;
  }
  const shot = async (name: string) => { await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true }); };
  const ui = studioControls(page, tmp);
  await page.getByRole('region', { name: 'Model card' }).getByRole('heading', { name: MODEL }).waitFor({ timeout: 120_000 });
  await ui.chooseBackend('wasm', 'WebAssembly');
  return { page, context: page.context(), shot, ...ui };
}

type Studio = Awaited<ReturnType<typeof openStudio>>;

async function addDataset(s: Studio, settings: Record<string, string>) {
  await s.setSettings({ ...SETTINGS, ...settings });
  await s.page.getByLabel('Dataset files').setInputFiles(MBOX);
  await expect.poll(() => s.page.locator('dl[aria-label="Dataset statistics"]').textContent(), { timeout: 60_000 }).toContain(`× ${settings['Block size']}`);
}

const alerts = (s: Studio) => s.page.getByRole('alert').allTextContents();
const banners = (s: Studio) => s.page.getByRole('region', { name: 'Saved run' });

async function finish(s: Studio) {
  await expect.poll(() => s.status().textContent(), { timeout: 300_000 }).toMatch(/Completed|Failed|Stopped|Interrupted/);
  expect(await alerts(s)).toEqual([]);
  expect(await s.status().textContent()).toBe('Completed');
}

/** Reloads the tab and waits for the model (the banner's list is read before the model has loaded). */
async function reload(s: Studio) {
  await s.page.reload();
  await s.page.getByRole('region', { name: 'Model card' }).getByRole('heading', { name: MODEL }).waitFor({ timeout: 120_000 });
}

/** Every file under the studio's runs folder, as {path: bytes}. */
function storedFiles(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    type Dir = FileSystemDirectoryHandle & { entries(): AsyncIterable<[string, FileSystemHandle]> };
    const out: Record<string, number> = {};
    async function walk(dir: Dir, prefix: string) {
      for await (const [name, handle] of dir.entries()) {
        if (handle.kind === 'directory') await walk(handle as Dir, `${prefix}${name}/`);
        else out[`${prefix}${name}`] = (await (handle as FileSystemFileHandle).getFile()).size;
      }
    }
    const root = await navigator.storage.getDirectory();
    const runs = await root.getDirectoryHandle('gpt2-studio-runs').catch(() => null);
    if (runs) await walk(runs as Dir, '');
    return out;
  });
}

const runIds = (files: Record<string, number>) => [...new Set(Object.keys(files).map((f) => f.split('/')[0]))].sort();
const checkpointsOf = (files: Record<string, number>, id: string) =>
  Object.keys(files).filter((f) => f.startsWith(`${id}/checkpoint-`) && f.endsWith('/COMPLETE')).map((f) => f.split('/')[1]).sort();

/** A stored file's bytes (Latin-1, one character a byte). */
function readStored(page: Page, file: string): Promise<string> {
  return page.evaluate(async (file) => {
    let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('gpt2-studio-runs');
    const parts = file.split('/');
    for (const d of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(d);
    const bytes = new Uint8Array(await (await (await dir.getFileHandle(parts.at(-1)!)).getFile()).arrayBuffer());
    return Array.from(bytes, (b) => String.fromCharCode(b)).join('');
  }, file);
}

/**
 * Changes a stored file as a failing disk or a crash would: `truncate` to a length, `write` bytes (Latin-1) at an offset
 * (`create`: a new file, its folder made too), or `remove` it (a folder too).
 */
function damage(page: Page, file: string, op: { truncate: number } | { write: string; at: number; create?: boolean } | { remove: true }): Promise<void> {
  return page.evaluate(async ({ file, op }) => {
    let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('gpt2-studio-runs');
    const parts = file.split('/');
    const create = 'create' in op && op.create === true;
    for (const d of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(d, { create });
    const name = parts.at(-1)!;
    if ('remove' in op) { await dir.removeEntry(name, { recursive: true }); return; }
    const w = await (await dir.getFileHandle(name, { create })).createWritable({ keepExistingData: true });
    if ('truncate' in op) await w.truncate(op.truncate);
    else await w.write({ type: 'write', position: op.at, data: Uint8Array.from(op.write, (c) => c.charCodeAt(0)) });
    await w.close();
  }, { file, op });
}

describe('autosave in the browser', () => {
  it('two tabs train two runs apart: neither offers or deletes the live run of the other, a closed tab\'s run continues with its own settings', async () => {
    // A's run is long enough that Pause, clicked at once, lands before its end even on a loaded machine (40 steps
    // of the tiny model have finished before the click took effect).
    const stepsA = 120, lastA = stepsA - 5;
    const a = await openStudio();
    await addDataset(a, { 'Block size': '32', 'Max steps': String(stepsA), 'Save steps': '5', 'Learning rate': '1e-3' });
    // A's run is paused at once (the tiny model trains in moments) and saved by hand: a live run with a checkpoint,
    // which a second tab opened meanwhile does not offer.
    await a.button('Start training').click();
    await a.button('Pause').click();
    await expect.poll(() => a.status().textContent()).toBe('Paused');
    await a.button('Save checkpoint').click();
    await a.page.getByRole('status').filter({ hasText: /^Saved checkpoint-\d+ in/ }).waitFor({ timeout: 120_000 });
    const b = await openStudio(a.context);
    await b.page.waitForTimeout(1000);
    expect(await banners(b).count()).toBe(0);
    await addDataset(b, { 'Block size': '16', 'Max steps': '20', 'Save steps': '5', 'Learning rate': '5e-4' });
    await b.button('Start training').click();
    await a.button('Resume').click();
    await finish(a);
    await finish(b);
    await a.shot('autosave-1-tab-a');
    expect(await a.page.getByRole('status').filter({ hasText: `Saved checkpoint-${lastA} in this browser's storage.` }).count()).toBe(1);
    expect(await b.page.getByRole('status').filter({ hasText: "Saved checkpoint-15 in this browser's storage." }).count()).toBe(1);

    // Two folders, each holding its own run's checkpoints, each file naming its run.
    const files = await storedFiles(a.page);
    const ids = runIds(files);
    expect(ids).toHaveLength(2);
    const [idA, idB] = ids; // made in this order: ids begin with the time
    // (The page keeps the latest checkpoint of a run: save_total_limit 1.)
    expect(checkpointsOf(files, idA)).toEqual([`checkpoint-${lastA}`]);
    expect(checkpointsOf(files, idB)).toEqual(['checkpoint-15']);
    for (const [id, maxSteps] of [[idA, stepsA], [idB, 20]] as const) {
      expect(JSON.parse(await readStored(a.page, `${id}/run.json`))).toMatchObject({ id, maxSteps });
      expect(JSON.parse(await readStored(a.page, `${id}/dataset.json`)).run).toBe(id);
    }
    expect(JSON.parse(await readStored(a.page, `${idA}/checkpoint-${lastA}/COMPLETE`)).run).toBe(idA);
    expect(JSON.parse(await readStored(a.page, `${idB}/checkpoint-15/COMPLETE`)).run).toBe(idB);

    // Both tabs still hold their runs: a third tab offers neither. Once A is closed, its run is offered there.
    const c = await openStudio(a.context);
    await c.page.waitForTimeout(1000);
    expect(await banners(c).count()).toBe(0);
    await a.page.close();
    await reload(c);
    await expect.poll(() => banners(c).allTextContents(), { timeout: 60_000 })
      .toEqual([expect.stringMatching(new RegExp(`saved at step ${lastA} of ${stepsA} \\(checkpoint-${lastA},`))]);
    await c.chooseBackend('wasm', 'WebAssembly');
    await c.shot('autosave-2-offered-after-close');
    await c.button('Continue saved run').click();
    await finish(c);
    // A's run with A's blocks of 32: the five steps left, on the history of the ones before.
    expect(await c.page.locator('dl[aria-label="Dataset statistics"]').textContent()).toContain('× 32');
    expect((await c.logRows()).map((r) => r[0])).toEqual(Array.from({ length: stepsA }, (_, i) => String(i + 1)));
    expect(await c.page.getByRole('region', { name: 'Model card' }).getByRole('heading').textContent()).toBe(`checkpoint-${lastA} of ${MODEL}`);

    // B's run, offered once B is closed, is the only one a fourth tab deletes; C's continued run stays.
    await b.page.close();
    const d = await openStudio(c.context);
    await expect.poll(() => banners(d).allTextContents(), { timeout: 60_000 })
      .toEqual([expect.stringMatching(/saved at step 15 of 20 \(checkpoint-15,/)]);
    await d.button('Discard saved run').click();
    await expect.poll(() => banners(d).count()).toBe(0);
    expect(runIds(await storedFiles(d.page))).toEqual([idA]);
    expect(tabErrors).toEqual([]);
  }, 900_000);

  it('a new run leaves the previous autosave in place until its own first checkpoint is complete', async () => {
    const s = await openStudio();
    await addDataset(s, { 'Block size': '32', 'Max steps': '10', 'Save steps': '5' });
    await s.button('Start training').click();
    await finish(s);
    const [first] = runIds(await storedFiles(s.page));

    // A run that writes no checkpoint (Save steps 0) replaces nothing: after a reload the first run is offered.
    await reload(s);
    await s.chooseBackend('wasm', 'WebAssembly');
    await addDataset(s, { 'Block size': '32', 'Max steps': '3', 'Save steps': '0' });
    await s.button('Start training').click();
    await finish(s);
    expect(runIds(await storedFiles(s.page))).toContain(first);
    await reload(s);
    await expect.poll(() => banners(s).allTextContents(), { timeout: 60_000 }).toEqual([expect.stringMatching(/saved at step 5 of 10 \(checkpoint-5,/)]);
    expect(runIds(await storedFiles(s.page))).toEqual([first]); // the checkpoint-less run's folder is cleared

    // A full storage: the new run's dataset fits, its first checkpoint does not. The first run stays the one offered.
    const cdp = await s.context.newCDPSession(s.page);
    const { usage } = await s.page.evaluate(() => navigator.storage.estimate());
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: h.url, quotaSize: usage! + 400_000 });
    await s.chooseBackend('wasm', 'WebAssembly');
    await addDataset(s, { 'Block size': '32', 'Max steps': '4', 'Save steps': '2' });
    await s.button('Start training').click();
    await finish(s);
    expect(await s.page.getByRole('list', { name: 'Warnings' }).getByRole('listitem').allTextContents())
      .toEqual([expect.stringMatching(/^checkpoint-2 was not saved: /)]);
    await s.shot('autosave-6-storage-full');
    await reload(s);
    await expect.poll(() => banners(s).allTextContents(), { timeout: 60_000 }).toEqual([expect.stringMatching(/saved at step 5 of 10 \(checkpoint-5,/)]);
    expect(runIds(await storedFiles(s.page))).toEqual([first]);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: h.url });

    // A run that does write one replaces the first once that checkpoint is complete.
    await s.chooseBackend('wasm', 'WebAssembly');
    await addDataset(s, { 'Block size': '32', 'Max steps': '4', 'Save steps': '2' });
    await s.button('Start training').click();
    await finish(s);
    const files = await storedFiles(s.page);
    const ids = runIds(files);
    expect(ids).toHaveLength(1);
    expect(ids[0]).not.toBe(first);
    expect(checkpointsOf(files, ids[0])).toEqual(['checkpoint-2']);
  }, 900_000);

  it('names a damaged file: removes half-written checkpoints, offers unreadable runs for deletion, alerts on corrupt contents', async () => {
    const s = await openStudio();
    await addDataset(s, { 'Block size': '32', 'Max steps': '8', 'Save steps': '3' });
    await s.button('Start training').click();
    await finish(s);
    const files = await storedFiles(s.page);
    const [id] = runIds(files);
    expect(checkpointsOf(files, id)).toEqual(['checkpoint-6']);
    const continueSaved = async () => {
      await reload(s);
      await s.chooseBackend('wasm', 'WebAssembly');
      await banners(s).waitFor({ timeout: 60_000 });
      await s.button('Continue saved run').click();
      await expect.poll(() => alerts(s), { timeout: 60_000 }).toHaveLength(1);
      return (await alerts(s))[0];
    };

    // A corrupt safetensors header of the same size: named when the run is continued (and nothing starts).
    const weights = `${id}/checkpoint-6/model.safetensors`;
    const head = (await readStored(s.page, weights)).slice(0, 8);
    await damage(s.page, weights, { write: 'garbage!', at: 0 });
    expect(await continueSaved()).toMatch(/model\.safetensors: not a safetensors file/);
    expect(await s.status().textContent()).toBe('Not started');
    await s.shot('autosave-3-corrupt-safetensors');
    await damage(s.page, weights, { write: head, at: 0 });

    // A garbled trainer_state.json of the same size.
    await damage(s.page, `${id}/checkpoint-6/trainer_state.json`, { write: '#', at: 0 });
    expect(await continueSaved()).toMatch(/^trainer_state\.json: not valid JSON/);

    // A checkpoint without COMPLETE (a save cut short) is removed; a truncated dataset.blocks is named in the banner.
    await damage(s.page, `${id}/checkpoint-7/model.safetensors`, { write: 'half', at: 0, create: true });
    const blocks = files[`${id}/dataset.blocks`];
    await damage(s.page, `${id}/dataset.blocks`, { truncate: 4096 });
    await reload(s);
    await expect.poll(() => banners(s).allTextContents(), { timeout: 60_000 })
      .toEqual([`A run saved in this browser cannot be continued: dataset.blocks: 4096 bytes where ${blocks} were written (the file is truncated or damaged).Delete saved run`]);
    expect(Object.keys(await storedFiles(s.page)).filter((f) => f.includes('checkpoint-7'))).toEqual([]);
    await s.shot('autosave-4-truncated-blocks');

    // A garbled run.json: the banner says so, and the run can still be deleted.
    await damage(s.page, `${id}/run.json`, { write: '{"id": ', at: 0 });
    await reload(s);
    await expect.poll(() => banners(s).textContent(), { timeout: 60_000 }).toMatch(/^A run saved in this browser cannot be continued: run\.json: not valid JSON/);
    await s.shot('autosave-5-garbled-run-json');
    await s.button('Delete saved run').click();
    await expect.poll(() => banners(s).count()).toBe(0);
    expect(await storedFiles(s.page)).toEqual({});
    await reload(s);
    await s.page.waitForTimeout(1000);
    expect(await banners(s).count()).toBe(0);

    // The single run folder of earlier versions cannot be continued, but is offered for deletion.
    await s.page.evaluate(async () => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('gpt2-studio-run', { create: true });
      const w = await (await dir.getFileHandle('run.json', { create: true })).createWritable();
      await w.write('{"model": "gpt2", "maxSteps": 10}');
      await w.close();
    });
    await reload(s);
    await expect.poll(() => banners(s).textContent(), { timeout: 60_000 }).toBe('A run saved in this browser cannot be continued: '
      + 'a run saved by an earlier version of GPT-2 Studio, which this one cannot continue.Delete saved run');
    await s.button('Delete saved run').click();
    await expect.poll(() => banners(s).count()).toBe(0);
    expect(await s.page.evaluate(async () => (await navigator.storage.getDirectory()).getDirectoryHandle('gpt2-studio-run').then(() => true, () => false))).toBe(false);
  }, 900_000);

  it("words an unreadable saved run in the page's language, again when the language changes", async () => {
    const p = await h.open('/');
    contexts.push(p);
    // The page loaded (its worker and built-in model) before the reload below, which would abort those requests.
    await p.page.getByRole('region', { name: 'Model card' }).getByRole('heading').first().waitFor({ timeout: 120_000 });
    // A run folder whose run.json names another folder (moved by hand): the worker's sentence, with both names.
    await p.page.evaluate(async () => {
      const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('gpt2-studio-runs', { create: true });
      const dir = await root.getDirectoryHandle('run-0-here', { create: true });
      const w = await (await dir.getFileHandle('run.json', { create: true })).createWritable();
      await w.write(JSON.stringify({ id: 'run-0-there', model: 'gpt2', maxSteps: 10, startedAt: '', files: {} }));
      await w.close();
    });
    await p.page.reload();
    await expect.poll(() => p.page.getByRole('region', { name: 'Saved run' }).textContent(), { timeout: 60_000 }).toBe('A run saved in this browser cannot be '
      + 'continued: run.json: id is run-0-there, not that of the folder run-0-here it is in.Delete saved run');
    await p.page.getByRole('combobox', { name: 'Language' }).selectOption('es');
    const banner = p.page.getByRole('region', { name: 'Entrenamiento guardado' });
    expect(await banner.textContent()).toBe('Un entrenamiento guardado en este navegador no se puede continuar: '
      + 'run.json: su id es run-0-there, no el de la carpeta run-0-here en la que está.Borrar el entrenamiento guardado');
    await p.screenshot('autosave-6-unreadable-spanish');
    await banner.getByRole('button', { name: 'Borrar el entrenamiento guardado' }).click();
    await expect.poll(() => banner.count()).toBe(0);
    expect(p.errors).toEqual([]);
  }, 300_000);
});
