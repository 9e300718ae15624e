// The Chromium half of `npm run bench`: the e2e harness (Vite + Debian's Chromium, WebGPU and WebGL on SwiftShader)
// and e2e/pages/bench.html, a fresh page (its own tfjs, its own memory) for every item.
import { startHarness, type Harness } from '../e2e/harness';
import type { BrowserOutput } from '../e2e/pages/bench';
import type { PlanItem } from './plan';
import type { Task, Result } from './lib/suite';

export interface BrowserRun { output?: BrowserOutput; timedOut?: boolean; partial?: Result | null; pageErrors: string[]; error?: string }

export async function startBrowser(): Promise<{ h: Harness; version: string }> {
  const h = await startHarness();
  return { h, version: h.browser.version() };
}

const sleep = (ms: number) => new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms));

export async function runInBrowser(h: Harness, item: PlanItem, log: (s: string) => void): Promise<BrowserRun> {
  const p = await h.open('/e2e/pages/bench.html');
  const run: BrowserRun = { pageErrors: [] };
  const seen = new Set<string>();
  p.page.on('console', (m) => { const t = m.text(); if (m.type() === 'log' && !seen.has(t)) { seen.add(t); log(t); } });
  try {
    await p.page.waitForFunction(() => window.bench !== undefined, undefined, { timeout: 90_000 });
    const job = p.page.evaluate(([b, t, n]) => window.bench!.run(b, t, n), [item.backend, item.task, item.wasmThreads] as [Parameters<NonNullable<Window['bench']>['run']>[0], Task, number | undefined]);
    const r = await Promise.race([job, sleep(item.timeoutS * 1000)]);
    if (r === 'timeout') {
      run.timedOut = true;
      run.partial = await Promise.race([p.page.evaluate(() => window.bench?.partial ?? null), sleep(5000).then(() => null)]);
      job.catch(() => {}); // rejects when the page closes
    } else {
      run.output = r;
    }
  } catch (e) {
    run.error = (e as Error).message;
  } finally {
    run.pageErrors = [...p.errors];
    await p.close().catch(() => {});
  }
  return run;
}
