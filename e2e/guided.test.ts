// The guided studio as people use it beyond the main story (e2e/studio.test.ts): in Spanish, by keyboard, on a
// phone-sized screen, checked by axe-core in the idle, training and generated states, and with runs compared side by
// side. One Chromium and one server of the production build for the file; each test opens its own page.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { ARTIFACTS, startHarness, studioControls, type Harness } from './harness';
import { BUILTIN_MODEL } from '../src/known_models';
import { fixture } from '../test/fixtures';
import { tempDirs } from '../test/tmp';

const MODEL = '/fixtures/models/tiny-gpt2';
const MBOX = fixture('emails', 'dev', 'messages.mbox');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let h: Harness;
const contexts: BrowserContext[] = [];
const tmp = tempDirs('guided-e2e-')();
beforeAll(async () => { h = await startHarness('preview'); });
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await h?.close();
});

/** A page in a new context with this locale (navigator.language) and viewport; its errors are collected. */
async function open(pathname: string, locale: string, viewport = { width: 1280, height: 800 }) {
  const context = await h.browser.newContext({ locale, viewport, acceptDownloads: true });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console.error: ${m.text()}`); });
  await page.goto(new URL(pathname, h.url + '/').href);
  return { page, errors, ...studioControls(page, tmp) };
}

/** axe-core's serious and critical violations on the page as it is now. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.join(', ')}`);
}

/** Whether the page scrolls sideways at its current viewport (after a frame to lay out the new size). */
async function scrollsSideways(page: Page): Promise<boolean> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const { wide, culprits } = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const culprits = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > width + 1)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className}`).slice(0, 5);
    return { wide: document.documentElement.scrollWidth > width, culprits };
  });
  expect(wide ? culprits : [], 'elements past the right edge').toEqual([]);
  return wide;
}

describe('the studio in Spanish', () => {
  it('follows navigator.language, keeps files dropped before the model, and remembers the switch', async () => {
    const s = await open('/', 'es-ES');
    expect(await s.page.getAttribute('html', 'lang')).toBe('es');
    // The numbered steps, each saying what it needs.
    for (const name of ['1. Modelo', '2. Datos', '3. Entrenar', '4. Generar']) expect(await s.page.getByRole('heading', { level: 2, name, exact: true }).count(), name).toBe(1);
    expect(await s.page.locator('.step .needs').allTextContents()).toHaveLength(4);
    expect(await s.page.locator('.step .state').allTextContents()).toEqual(['listo', 'en espera', 'en espera', 'en espera']);
    // Files given before any model is loaded wait for its tokenizer.
    await s.page.getByLabel('Archivos de datos').setInputFiles(MBOX);
    await expect.poll(() => s.page.getByRole('status').allTextContents()).toContain('Guardado messages.mbox: se tokeniza en cuanto se cargue un modelo (paso 1).');
    expect(await s.page.getByRole('alert').count()).toBe(0);
    await s.page.getByRole('textbox', { name: 'Modelo' }).fill(MODEL);
    await s.page.getByRole('button', { name: 'Cargar modelo' }).click();
    // The built-in model, loaded when the page opened, is replaced by the one asked for.
    await s.page.getByRole('region', { name: 'Ficha del modelo' }).getByRole('heading', { name: MODEL }).waitFor({ timeout: 120_000 });
    const stats = s.page.getByLabel('Estadísticas de los datos');
    await expect.poll(() => stats.textContent(), { timeout: 120_000 }).toContain('Documentos40');
    // Numbers through Intl: Spanish groups thousands with a point.
    expect(await stats.textContent()).toMatch(/Caracteres\d{2}\.\d{3}/);
    expect(await s.page.getByRole('region', { name: 'Ficha del modelo' }).textContent()).toContain('Vocabulario50.257');
    expect(await s.page.getByRole('button', { name: 'Empezar a entrenar' }).isEnabled()).toBe(true);
    expect(await s.page.getByRole('progressbar', { name: 'Progreso del entrenamiento' }).count()).toBe(1);
    // A mistake is said in Spanish, naming the field by its Spanish label.
    await s.page.getByRole('spinbutton', { name: 'Tasa de aprendizaje', exact: true }).fill('-1');
    await s.page.getByRole('button', { name: 'Empezar a entrenar' }).click();
    await expect.poll(() => s.page.getByRole('alert').allTextContents()).toEqual(['Tasa de aprendizaje: debe ser al menos 0; es -1']);
    expect(await axeViolations(s.page)).toEqual([]);
    await s.page.setViewportSize({ width: 390, height: 844 });
    expect(await scrollsSideways(s.page)).toBe(false);

    // A mistake in a file, found by the core in the worker, is said in Spanish too; the dataset read before is kept.
    await s.page.getByLabel('Archivos de datos').setInputFiles({ name: 'vacio.csv', mimeType: 'text/csv', buffer: Buffer.from('text\n') });
    await expect.poll(() => s.page.getByRole('alert').allTextContents()).toContain('vacio.csv: no se encontró ningún documento');
    expect(await stats.textContent()).toContain('Documentos40');

    // "Avanzado" remembers that it was opened, over the reload below.
    await s.page.getByRole('button', { name: 'Avanzado' }).click();
    await s.page.getByRole('combobox', { name: 'Idioma' }).selectOption('en');
    expect(await s.page.getAttribute('html', 'lang')).toBe('en');
    // The same mistake, worded again in the new language.
    await expect.poll(() => s.page.getByRole('alert').allTextContents()).toContain('vacio.csv: no documents found');
    await s.page.getByRole('button', { name: 'Start training' }).waitFor();
    await s.page.reload();
    await s.page.getByRole('button', { name: 'Start training' }).waitFor();
    expect(await s.page.getAttribute('html', 'lang')).toBe('en');
    expect(await s.page.getByRole('button', { name: 'Advanced' }).getAttribute('aria-expanded')).toBe('true');
    expect(await s.spin('Logging steps').isVisible()).toBe(true);
    expect(s.errors).toEqual([]);
  }, 240_000);
});

describe('the studio by keyboard, checked by axe-core, on a phone-sized screen, with runs compared', () => {
  it('has no serious or critical axe violation idle, training and generated; every control is reached by Tab', async () => {
    const s = await open(`/?model=${MODEL}`, 'en-US');
    await s.page.getByRole('region', { name: 'Model card' }).getByRole('heading', { name: MODEL }).waitFor({ timeout: 120_000 });
    await s.chooseBackend('wasm', 'WebAssembly');
    expect(await axeViolations(s.page)).toEqual([]);

    // Every enabled control is reached by Tab, in the page's order.
    await s.page.getByRole('button', { name: 'Advanced' }).focus();
    await s.page.keyboard.press('Enter'); // opens the advanced settings from the keyboard
    expect(await s.page.getByRole('button', { name: 'Advanced' }).getAttribute('aria-expanded')).toBe('true');
    const controls = await s.page.evaluate(() => {
      const all = [...document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, summary, [tabindex="0"]')];
      all.forEach((e, i) => e.setAttribute('data-control', String(i)));
      // A radio group is one Tab stop, its checked radio (the arrow keys move within it).
      const otherRadio = (e: HTMLElement) => e instanceof HTMLInputElement && e.type === 'radio' && !e.checked;
      return all.filter((e) => !(e as HTMLButtonElement).disabled && e.offsetParent !== null && !otherRadio(e)).map((e) => e.getAttribute('data-control')!);
    });
    await s.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const reached = new Set<string>();
    for (let i = 0; i < controls.length * 2 + 10; i++) {
      await s.page.keyboard.press('Tab');
      const id = await s.page.evaluate(() => document.activeElement?.closest('[data-control]')?.getAttribute('data-control') ?? null);
      if (id) reached.add(id);
    }
    const missed = controls.filter((c) => !reached.has(c));
    expect(await Promise.all(missed.map((c) => s.page.locator(`[data-control="${c}"]`).evaluate((e) => e.outerHTML.slice(0, 120))))).toEqual([]);

    // The dataset from the keyboard: the file input opens its chooser on Enter (the chooser is filled here).
    const [chooser] = await Promise.all([s.page.waitForEvent('filechooser'), s.page.getByLabel('Dataset files').focus().then(() => s.page.keyboard.press('Enter'))]);
    await chooser.setFiles(MBOX);
    await s.page.getByLabel('Dataset statistics').waitFor({ timeout: 60_000 });
    await s.setSettings({ 'Block size': '32', 'Max steps': '40', 'Batch size': '1', 'Logging steps': '1', 'Eval steps': '10', 'Learning rate': '1e-3' });
    await expect.poll(() => s.page.getByLabel('Dataset statistics').textContent(), { timeout: 60_000 }).toContain('× 32');
    await s.button('Start training').focus();
    await s.page.keyboard.press('Enter');
    await expect.poll(() => s.status().textContent()).toBe('Training');
    // One status line: the run's state, step, speed and time left, and the backend, model and dataset.
    const line = s.page.getByRole('region', { name: 'Run status' });
    await expect.poll(() => line.textContent()).toMatch(/^Training · step \d+ \/ 40 · epoch [\d.]+ · [\d,]+ tokens\/s · \d+:\d\d left/);
    expect(await line.textContent()).toMatch(/Backend:?WebAssembly.*Model:?\/fixtures\/models\/tiny-gpt2.*Dataset:?478 blocks × 32$/);
    await s.button('Pause').focus();
    await s.page.keyboard.press('Space');
    await expect.poll(() => s.status().textContent()).toBe('Paused');
    expect(await axeViolations(s.page)).toEqual([]);
    await s.page.setViewportSize({ width: 390, height: 844 });
    expect(await scrollsSideways(s.page)).toBe(false);
    await s.page.setViewportSize({ width: 1280, height: 800 });
    await s.button('Resume').focus();
    await s.page.keyboard.press('Enter');
    await expect.poll(() => s.status().textContent(), { timeout: 120_000 }).toBe('Completed');

    // Round ticks, one format per axis.
    for (const name of ['Training loss', 'Learning rate']) {
      const ticks = await s.page.getByRole('figure', { name }).locator('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value').allTextContents();
      const values = ticks.map(Number);
      const step = values[1] - values[0];
      const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
      expect([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6), `${name}: ${ticks.join(' ')}`).toBe(true);
      for (const [i, v] of values.entries()) expect(v - values[0], `${name}: ${ticks.join(' ')}`).toBeCloseTo(i * step, 9);
      expect(new Set(ticks.map((x) => x.split('.')[1]?.length ?? 0)).size, `${name}: ${ticks.join(' ')}`).toBe(1);
    }
    // Hovering one chart shows the same step on all four.
    const box = (await s.page.getByRole('figure', { name: 'Training loss' }).getByRole('application').boundingBox())!;
    await s.page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    const labels = () => Promise.all(['Training loss', 'Evaluation loss', 'Learning rate', 'Gradient norm'].map((name) =>
      s.page.getByRole('figure', { name }).locator('.recharts-tooltip-label').textContent().catch(() => null)));
    await expect.poll(async () => new Set(await labels()).size).toBe(1);
    expect((await labels())[0]).toMatch(/^step \d+$/);

    // Generated: the base and fine-tuned continuations side by side.
    await s.page.getByRole('textbox', { name: 'Start string' }).fill('Hello');
    await s.spin('Max length').fill('8');
    await s.page.getByLabel('Compare with the model as loaded').check();
    await s.button('Generate').click();
    const region = s.page.getByRole('region', { name: 'Generated text' });
    await expect.poll(async () => (await region.getAttribute('aria-busy')) === 'false' && (await region.locator('.output').nth(1).locator('.token').count()) > 0, { timeout: 60_000 }).toBe(true);
    const [left, right] = await Promise.all([0, 1].map((i) => region.locator('.output').nth(i).boundingBox()));
    expect(Math.abs(left!.y - right!.y)).toBeLessThan(2); // side by side, not stacked
    expect(await axeViolations(s.page)).toEqual([]);
    await s.page.setViewportSize({ width: 390, height: 844 });
    expect(await scrollsSideways(s.page)).toBe(false);
    await s.page.setViewportSize({ width: 1280, height: 800 });

    // A second run at another learning rate, laid over the first.
    await s.setSettings({ 'Learning rate': '1e-4', 'Max steps': '20' });
    await s.button('Start training').click();
    await expect.poll(() => s.status().textContent(), { timeout: 120_000 }).toBe('Completed');
    const runs = s.page.getByRole('table', { name: 'Runs' });
    await expect.poll(() => runs.locator('tbody tr').count()).toBe(2);
    expect(await s.page.getByRole('figure', { name: 'Training loss' }).locator('.recharts-legend-item').count()).toBe(2); // loss, smoothed
    await s.page.getByRole('checkbox', { name: 'Show run 1 on the charts' }).check();
    const legend = s.page.getByRole('figure', { name: 'Learning rate' }).locator('.recharts-legend-item-text');
    await expect.poll(async () => (await legend.allTextContents()).sort()).toEqual(['run 1', 'run 2']);
    const colors = await s.page.getByRole('figure', { name: 'Learning rate' }).locator('path.recharts-line-curve').evaluateAll((ps) => ps.map((p) => p.getAttribute('stroke')));
    expect(new Set(colors).size).toBe(2);

    // Renamed from the keyboard, downloaded, deleted; the names and logs stay after a reload.
    await s.page.getByRole('button', { name: 'Rename run 1' }).focus();
    await s.page.keyboard.press('Enter');
    await s.page.getByRole('textbox', { name: 'Run name' }).fill('lr 1e-3');
    await s.page.keyboard.press('Enter');
    await expect.poll(async () => (await legend.allTextContents()).sort()).toEqual(['lr 1e-3', 'run 2']);
    const file = await s.download(() => s.page.getByRole('button', { name: 'Download the log of lr 1e-3' }).click());
    expect(file.name).toBe('lr_1e-3.json');
    const log = JSON.parse(file.bytes.toString('utf8'));
    expect(log.run_name).toBe('lr 1e-3');
    expect(log.training_args.learning_rate).toBe(1e-3);
    expect(log.log_history.filter((e: Record<string, number>) => 'loss' in e)).toHaveLength(40);
    expect(Date.parse(log.started_at)).toBeGreaterThan(Date.now() - 3_600_000);
    await s.page.reload();
    await expect.poll(() => s.page.getByRole('table', { name: 'Runs' }).locator('tbody tr td.name span:first-child').allTextContents(), { timeout: 30_000 }).toEqual(['run 2', 'lr 1e-3']);
    await s.page.getByRole('checkbox', { name: 'Show lr 1e-3 on the charts' }).check();
    // Its curve is drawn from the stored log: 40 steps, the x axis ending at 40.
    await expect.poll(() => s.page.getByRole('figure', { name: 'Learning rate' }).locator('path.recharts-line-curve').count()).toBe(1);
    expect((await s.page.getByRole('figure', { name: 'Learning rate' }).locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value').allTextContents()).at(-1)).toBe('40');
    await s.page.getByRole('button', { name: 'Delete run 2' }).click();
    await expect.poll(() => s.page.getByRole('table', { name: 'Runs' }).locator('tbody tr').count()).toBe(1);
    await s.page.reload();
    await expect.poll(() => s.page.getByRole('table', { name: 'Runs' }).locator('tbody tr').count(), { timeout: 30_000 }).toBe(1);
    expect(s.errors).toEqual([]);
  }, 420_000);
});

describe('the generated text by keyboard', () => {
  it("shows each token's probability and alternatives from the keyboard: one Tab stop per sequence, the arrows between tokens, Escape hides them", async () => {
    const s = await open('/', 'en-US', { width: 1400, height: 1000 });
    await s.page.getByRole('region', { name: 'Model card' }).getByRole('heading', { name: BUILTIN_MODEL.name }).waitFor({ timeout: 120_000 });
    await s.chooseBackend('wasm', 'WebAssembly');
    const region = s.page.getByRole('region', { name: 'Generated text' });
    expect(await region.textContent()).toContain('Tab to the text and move with the arrow keys');
    // Greedy, so that every token is its place's likeliest: it has a probability, and heads the five alternatives.
    await s.page.getByRole('textbox', { name: 'Start string' }).fill('Hello');
    await s.setSettings({ 'Max length': '6', Temperature: '0', 'Number of sequences': '2' });
    await s.button('Generate').click();
    const sequences = region.locator('.sequence');
    await expect.poll(async () => (await region.getAttribute('aria-busy')) === 'false' && (await sequences.nth(1).locator('.token').count()) === 6, { timeout: 60_000 }).toBe(true);
    const texts = await sequences.first().locator('.token').allTextContents();
    const details = s.page.getByRole('tooltip');
    expect(await details.count()).toBe(0);

    /** The focused element: its sequence and token index, and what Chromium's accessibility tree says of it. */
    const focused = async () => {
      const at = await s.page.evaluate(() => {
        const e = document.activeElement as HTMLElement | null;
        const seq = e?.closest('.sequence');
        return seq && e?.classList.contains('token') ? { seq: [...document.querySelectorAll('.sequence')].indexOf(seq), i: Number(e.dataset.i) } : null;
      });
      const cdp = await s.page.context().newCDPSession(s.page);
      const { nodes } = await cdp.send('Accessibility.getFullAXTree') as {
        nodes: Array<{ role?: { value: string }; description?: { value: string }; properties?: Array<{ name: string; value: { value: unknown } }> }>;
      };
      await cdp.detach();
      const node = nodes.find((n) => n.role?.value !== 'RootWebArea' && n.properties?.some((p) => p.name === 'focused' && p.value.value === true));
      return { at, description: node?.description?.value ?? null };
    };
    /** The details shown: the token with its probability, then the five likeliest tokens with theirs. */
    const shown = async () => ({
      token: await details.locator('p.chosen').textContent(),
      alternatives: await details.locator('li').allTextContents(),
      text: await details.textContent(),
    });
    const PERCENT = /^"[^"]*" \d{1,2}(\.\d{1,2})?%$/;
    const expectDetailsOf = async (i: number) => {
      const d = await shown();
      expect(d.token).toMatch(PERCENT);
      expect(d.token!.startsWith(`${JSON.stringify(texts[i])} `), `${d.token} names token ${i}, ${JSON.stringify(texts[i])}`).toBe(true);
      expect(d.alternatives).toHaveLength(5);
      for (const a of d.alternatives) expect(a).toMatch(PERCENT);
      expect(d.alternatives[0]).toBe(d.token); // greedy: the likeliest was taken
      expect(await details.locator('li.chosen').count()).toBe(1);
      // The details are the focused token's accessible description.
      const { description } = await focused();
      expect(description?.replace(/\s+/g, '')).toBe(d.text!.replace(/\s+/g, ''));
      return d.text;
    };

    // Tab from the Generate button enters the first sequence on its first token, and its details show.
    await s.button('Generate').focus();
    await s.page.keyboard.press('Tab');
    expect((await focused()).at).toEqual({ seq: 0, i: 0 });
    const first = await expectDetailsOf(0);
    await s.page.keyboard.press('ArrowRight');
    expect((await focused()).at).toEqual({ seq: 0, i: 1 });
    const second = await expectDetailsOf(1);
    expect(second).not.toBe(first);
    await s.page.keyboard.press('End');
    expect((await focused()).at).toEqual({ seq: 0, i: 5 });
    const last = await expectDetailsOf(5);
    expect(last).not.toBe(second);
    await s.page.keyboard.press('ArrowRight'); // stays on the last token
    expect((await focused()).at).toEqual({ seq: 0, i: 5 });
    await s.page.keyboard.press('ArrowLeft');
    expect((await focused()).at).toEqual({ seq: 0, i: 4 });
    await expectDetailsOf(4);
    expect(await axeViolations(s.page)).toEqual([]);
    await s.page.screenshot({ path: path.join(ARTIFACTS, 'guided-token-details-1400x1000.png') });

    // Escape hides the details and leaves the focus where it was; an arrow shows them again.
    await s.page.keyboard.press('Escape');
    expect(await details.count()).toBe(0);
    expect(await focused()).toEqual({ at: { seq: 0, i: 4 }, description: null });
    await s.page.keyboard.press('Home');
    expect((await focused()).at).toEqual({ seq: 0, i: 0 });
    expect((await shown()).text).toBe(first);

    // One Tab stop per sequence: Tab goes on to the second sequence, then out of the text; Shift+Tab comes back to the
    // token focused last in the sequence.
    await s.page.keyboard.press('ArrowRight');
    await s.page.keyboard.press('Tab');
    expect((await focused()).at).toEqual({ seq: 1, i: 0 });
    await s.page.keyboard.press('Tab');
    expect((await focused()).at).toBe(null);
    expect(await details.count()).toBe(0);
    await s.page.keyboard.press('Shift+Tab');
    await s.page.keyboard.press('Shift+Tab');
    expect((await focused()).at).toEqual({ seq: 0, i: 1 });
    expect((await shown()).text).toBe(second);

    // On a phone-sized screen the details stay inside the page, at the last token too.
    await s.page.setViewportSize({ width: 390, height: 844 });
    await s.page.keyboard.press('End');
    await expectDetailsOf(5);
    expect(await scrollsSideways(s.page)).toBe(false);
    const box = (await details.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(await axeViolations(s.page)).toEqual([]);
    await s.page.screenshot({ path: path.join(ARTIFACTS, 'guided-token-details-390x844.png') });

    // The pointer shows a token's details too, and they stay while it moves onto them.
    await s.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await sequences.first().locator('.token').nth(2).hover();
    await expect.poll(async () => (await shown()).token?.startsWith(`${JSON.stringify(texts[2])} `)).toBe(true);
    // Straight from the token onto the details below it (above it where the screen ends below).
    const [token, popup] = [(await sequences.first().locator('.token').nth(2).boundingBox())!, (await details.boundingBox())!];
    expect(popup.x <= token.x + token.width / 2 && token.x + token.width / 2 <= popup.x + popup.width).toBe(true);
    await s.page.mouse.move(token.x + token.width / 2, popup.y + popup.height / 2, { steps: 4 });
    await new Promise((r) => setTimeout(r, 400));
    expect(await details.count()).toBe(1);
    await s.page.mouse.move(0, 0);
    await expect.poll(() => details.count()).toBe(0);
    // Pointer and keyboard together: the one that moved last shows its token.
    await sequences.first().locator('.token').nth(2).hover();
    await expect.poll(async () => (await shown()).token?.startsWith(`${JSON.stringify(texts[2])} `)).toBe(true);
    await s.button('Generate').focus();
    await s.page.keyboard.press('Tab');
    expect((await focused()).at).toEqual({ seq: 0, i: 5 });
    await expectDetailsOf(5);
    await sequences.first().locator('.token').nth(3).hover();
    await expect.poll(async () => (await shown()).token?.startsWith(`${JSON.stringify(texts[3])} `)).toBe(true);
    expect(s.errors).toEqual([]);
  }, 240_000);
});
