// End-to-end harness: the studio served (plus the read-only reference fixtures at /fixtures/) and Debian's Chromium
// driven by playwright-core, headless, with WebGPU and WebGL on SwiftShader. Three servers:
// - 'preview': the production build under `vite preview` (e2e/production.ts): what the studio tests use;
// - 'static': the same build from a plain file server without COOP/COEP headers (not cross-origin isolated);
// - 'dev': Vite's dev server (this repo's vite.config.ts), for the test pages under e2e/pages/ that import the core.
//
//   const h = await startHarness('preview');     // beforeAll: server + browser, shared by a file's tests
//   const p = await h.open('/e2e/pages/x.html');  // a fresh page in its own browser context
//   ...p.page (playwright Page), p.errors (console errors, page errors, failed requests)...
//   await p.screenshot('name');                   // e2e/artifacts/name.png
//   await p.close(); await h.close();             // afterAll
//
// startHarness() fails loudly unless the page is cross-origin isolated and WebGPU gives an adapter: browser tests
// never skip a backend.
import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createServer, type Plugin } from 'vite';
import { expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { FIXTURES, REPO_ROOT } from '../test/fixtures';
import { serveDir } from '../vite.config.ts';
import { plainStaticServer, previewServer, productionBuild, type Served } from './production';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(REPO_ROOT, 'e2e', 'artifacts');
/** Where the dev server serves the fixtures dir (tests only). */
export const FIXTURES_URL = '/fixtures/';

export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--disable-quic', '--no-sandbox',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
];

export interface GpuAdapterSummary { vendor: string; architecture: string; description: string; features: string[] }

export interface E2EPage {
  page: Page;
  context: BrowserContext;
  /** Console errors, uncaught page errors, failed requests and HTTP error responses, in order. */
  errors: string[];
  /** Every console message, as `type: text`. */
  console: string[];
  /** With `offline`: every request that tried to leave 127.0.0.1 (each was aborted as if the network were down). */
  blocked: string[];
  /** Saves a full-page PNG as e2e/artifacts/NAME.png and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface Harness {
  /** http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  server: Served;
  browser: Browser;
  /** The WebGPU adapter the probe page got. */
  gpu: GpuAdapterSummary;
  /** Opens `pathname` (e.g. '/e2e/pages/numerics.html') in a new page of a new browser context. */
  open(pathname: string, opts?: OpenOptions): Promise<E2EPage>;
  close(): Promise<void>;
}

/** Serves the read-only fixtures dir at /fixtures/ (the harness only; the app never sees it). */
function fixturesPlugin(): Plugin {
  return {
    name: 'gpt2-studio:e2e-fixtures',
    configureServer(server) { server.middlewares.use(serveDir(FIXTURES_URL, FIXTURES)); },
  };
}

/** Starts the dev server on a free port of 127.0.0.1 (HMR and file watching off: other people edit src meanwhile). */
export async function startDevServer(): Promise<Served> {
  const server = await createServer({
    configFile: path.join(REPO_ROOT, 'vite.config.ts'),
    root: REPO_ROOT,
    mode: 'development',
    logLevel: 'warn',
    clearScreen: false,
    cacheDir: path.join(REPO_ROOT, 'node_modules', '.vite-e2e'),
    plugins: [fixturesPlugin()],
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, watch: null, open: false, fs: { allow: [FIXTURES] } },
    // The studio worker too: its dependencies (fflate, postal-mime, papaparse) found only at run time would make
    // Vite re-optimize and reload the page in the middle of a test.
    optimizeDeps: { entries: ['index.html', 'e2e/pages/**/*.html', 'src/worker/worker.ts'] },
  });
  await server.listen();
  const addr = server.httpServer?.address() as AddressInfo | null;
  if (!addr || typeof addr !== 'object') throw new Error('the Vite dev server did not start listening');
  return { url: `http://127.0.0.1:${addr.port}`, close: () => server.close() };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Throws unless `page` is cross-origin isolated (or, with `isolated` false, is not) and navigator.gpu gives an adapter. */
export async function assertBrowserCapabilities(page: Page, isolated = true): Promise<GpuAdapterSummary> {
  const probe = await page.evaluate(async () => {
    const isolated = globalThis.crossOriginIsolated === true;
    if (!('gpu' in navigator) || !navigator.gpu) return { isolated, error: `navigator.gpu is missing (secure context: ${isSecureContext})` };
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) return { isolated, error: 'navigator.gpu.requestAdapter() returned null' };
    // adapter.info (Chrome 127+) is newer than this repo's @webgpu/types.
    const i = (adapter as GPUAdapter & { info: { vendor: string; architecture: string; description: string } }).info;
    return { isolated, gpu: { vendor: i.vendor, architecture: i.architecture, description: i.description, features: [...adapter.features].map(String).sort() } };
  });
  const problems: string[] = [];
  if (isolated && !probe.isolated) problems.push('the page is not crossOriginIsolated (COOP/COEP headers missing): no SharedArrayBuffer, no wasm threads');
  if (!isolated && probe.isolated) problems.push('the page is crossOriginIsolated, but this server should send no COOP/COEP headers');
  if (!probe.gpu) problems.push(`WebGPU does not work in ${CHROMIUM} (${CHROMIUM_ARGS.join(' ')}): ${probe.error}`);
  if (problems.length) throw new Error(`browser check failed:\n  ${problems.join('\n  ')}`);
  return probe.gpu!;
}

export interface OpenOptions {
  waitUntil?: 'load' | 'domcontentloaded' | 'networkidle';
  /** No network beyond 127.0.0.1 (the page and its workers): other requests fail as offline and are listed in `blocked`. */
  offline?: boolean;
}

async function openPage(browser: Browser, url: string, { waitUntil = 'load', offline = false }: OpenOptions = {}): Promise<E2EPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const blocked: string[] = [];
  // context.route sees the workers' requests too (the studio's worker downloads the models).
  if (offline) {
    await context.route('**/*', (route) => {
      const u = new URL(route.request().url());
      if ((u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '127.0.0.1') {
        blocked.push(route.request().url());
        return route.abort('internetdisconnected');
      }
      return route.continue();
    });
  }
  const page = await context.newPage();
  const errors: string[] = [];
  const consoleLog: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    consoleLog.push(`${m.type()}: ${m.text()}`);
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}${m.location().url ? ` (${m.location().url}:${m.location().lineNumber})` : ''}`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.stack ?? e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`); });
  const response = await page.goto(url, { waitUntil });
  if (!response || !response.ok()) throw new Error(`GET ${url}: ${response ? `HTTP ${response.status()}` : 'no response'}`);
  return {
    page, context, errors, console: consoleLog, blocked,
    async screenshot(name) {
      mkdirSync(ARTIFACTS, { recursive: true });
      const file = path.join(ARTIFACTS, `${name.replace(/[^\w.-]+/g, '_')}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() { await context.close(); },
  };
}

export type ServerKind = 'dev' | 'preview' | 'static';

async function startServer(kind: ServerKind): Promise<Served> {
  if (kind === 'dev') return startDevServer();
  // The probe page, and the fixtures, beside the build.
  const extra: Array<[string, string]> = [[FIXTURES_URL, FIXTURES], ['/e2e/pages/', path.join(REPO_ROOT, 'e2e', 'pages')]];
  const dist = await productionBuild();
  return kind === 'preview' ? previewServer(dist, extra) : plainStaticServer(dist, extra);
}

/** A server of `kind` + Chromium, checked for cross-origin isolation (none for 'static') and WebGPU. */
export async function startHarness(kind: ServerKind = 'dev'): Promise<Harness> {
  const server = await startServer(kind);
  const url = server.url;
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const probe = await openPage(browser, `${url}/e2e/pages/blank.html`);
    let gpu: GpuAdapterSummary;
    try { gpu = await assertBrowserCapabilities(probe.page, kind !== 'static'); } finally { await probe.close(); }
    const b = browser;
    return {
      url, server, browser: b, gpu,
      open: (pathname, opts) => openPage(b, new URL(pathname, url + '/').href, opts),
      async close() { await b.close().catch(() => {}); await server.close(); },
    };
  } catch (e) {
    await browser?.close().catch(() => {});
    await server.close();
    throw e;
  }
}

/** Opens the studio's "Advanced" settings (in any language) unless they are open. */
export async function openAdvanced(page: Page): Promise<void> {
  const toggle = page.locator('button.disclosure[aria-expanded]');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
}

/** The studio page's controls by their accessible names, and what its tests read back (e2e/studio and e2e/faults). */
export function studioControls(page: Page, downloads: string) {
  const spin = (name: string) => page.getByRole('spinbutton', { name, exact: true });
  const button = (name: string) => page.getByRole('button', { name, exact: true });
  const status = () => page.locator('.progress .stats strong');
  return {
    spin, button, status,
    progress: () => page.getByRole('progressbar', { name: 'Training progress' }),
    /** Fills settings by label, opening the "Advanced" settings when a field is under them. */
    async setSettings(values: Record<string, string>) {
      for (const [name, value] of Object.entries(values)) {
        if (!(await spin(name).isVisible())) await openAdvanced(page);
        await spin(name).fill(value);
      }
    },
    /** Chooses a backend and waits until the worker runs on it (`shown`: its name on the page). */
    async chooseBackend(value: string, shown: string) {
      await page.getByRole('combobox', { name: 'Backend' }).selectOption(value);
      await expect.poll(() => page.locator('.field.backend small').textContent(), { timeout: 60_000 }).toContain(`Running on ${shown}`);
    },
    /** Table rows of the training log, as the page shows them. */
    logRows(): Promise<string[][]> {
      return page.getByRole('table', { name: 'Training log' }).locator('tbody tr').evaluateAll((rows) =>
        rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    },
    /** Clicks what starts a download and returns the file (saved under `downloads`). */
    async download(click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
      const [d] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), click()]);
      const file = path.join(downloads, d.suggestedFilename());
      await d.saveAs(file);
      return { name: d.suggestedFilename(), bytes: readFileSync(file) };
    },
  };
}
