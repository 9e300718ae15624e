// `npm run screenshots`: pictures of the studio from the real page, in the middle of a training run, so that the
// README's picture stays current. Starts the e2e harness (dev server + Debian's Chromium), loads the tiny fixture
// model, the sample emails, and trains on WebAssembly; while the run is going it takes, in English and Spanish, at
// 1400×1000 and 390×844: the Train step in view (docs/screenshots/studio-LANG-WxH.png, kept in the repo) and the
// whole page (e2e/artifacts/studio-LANG-WxH-full.png, for review). The README opens with studio-en-1400x1000.png.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, openAdvanced, startHarness } from '../e2e/harness';
import { REPO_ROOT } from '../test/fixtures';
import { en } from '../src/ui/i18n/en';
import { es } from '../src/ui/i18n/es';
import type { Messages } from '../src/ui/i18n/en';

const OUT = path.join(REPO_ROOT, 'docs', 'screenshots');
const MODEL = '/fixtures/models/tiny-gpt2';
const SIZES = [{ width: 1400, height: 1000 }, { width: 390, height: 844 }];
const LANGUAGES: Array<{ lang: string; locale: string; t: Messages }> = [{ lang: 'en', locale: 'en-US', t: en }, { lang: 'es', locale: 'es-ES', t: es }];

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`screenshots: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The studio with the fixture model and the sample emails, training on wasm and past `step`; driven by its labels. */
async function trainingPage(page: Page, t: Messages, step: number) {
  await page.getByRole('region', { name: t.card.label }).getByRole('heading').waitFor({ timeout: 120_000 });
  const backend = page.getByRole('combobox', { name: t.backends.label });
  await waitFor('the backends', async () => backend.isEnabled(), 60_000);
  await backend.selectOption('wasm');
  await waitFor('WebAssembly', async () => ((await page.locator('.field.backend small strong').textContent()) ?? '') === 'WebAssembly', 60_000);
  // A run long enough to be caught in its middle, logging often enough to draw curves.
  const settings: Array<[keyof Messages['fields'], string]> = [
    ['learning_rate', '0.001'], ['max_steps', '400'], ['block_size', '32'], ['per_device_train_batch_size', '4'], ['logging_steps', '5'], ['eval_steps', '25'],
  ];
  await openAdvanced(page);
  for (const [key, value] of settings) await page.getByRole('spinbutton', { name: t.fields[key].label, exact: true }).fill(value);
  await page.locator('button.disclosure').click(); // Advanced closed again, as a new visitor sees it
  await page.getByRole('button', { name: t.dataset.sample }).click();
  await page.getByLabel(t.dataset.stats).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: t.train.start }).click();
  const bar = page.getByRole('progressbar', { name: t.statusBar.progress });
  await waitFor(`step ${step}`, async () => Number(await bar.getAttribute('value')) >= step, 300_000);
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  const h = await startHarness();
  try {
    for (const { lang, locale, t } of LANGUAGES) {
      const context = await h.browser.newContext({ locale, viewport: SIZES[0] });
      try {
        const page = await context.newPage();
        await page.goto(`${h.url}/?model=${MODEL}`);
        await trainingPage(page, t, 120);
        for (const size of SIZES) {
          await page.setViewportSize(size);
          await page.mouse.move(0, 0); // no tooltip left open by the pointer
          await page.locator('#train-heading').evaluate((e) => e.scrollIntoView({ block: 'start' }));
          // The sticky status line covers the top of the step: scroll back by its height.
          await page.evaluate(() => window.scrollBy(0, -(document.querySelector('.statusbar')?.getBoundingClientRect().height ?? 0) - 8));
          const name = `studio-${lang}-${size.width}x${size.height}`;
          await page.screenshot({ path: path.join(OUT, `${name}.png`) });
          await page.evaluate(() => window.scrollTo(0, 0));
          await page.screenshot({ path: path.join(ARTIFACTS, `${name}-full.png`), fullPage: true });
          console.log(`docs/screenshots/${name}.png, e2e/artifacts/${name}-full.png`);
        }
      } finally {
        await context.close();
      }
    }
  } finally {
    await h.close();
  }
}

await main();
