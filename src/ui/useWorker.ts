// The page's one studio worker, as a comlink proxy of its StudioApi. One per page (not per component mount), so
// React's development double-mounting never starts a second worker with a second copy of the model.
import * as Comlink from 'comlink';
import type { StudioApi } from '../worker/protocol';

export type Api = Comlink.Remote<StudioApi>;

let api: Api | null = null;

declare global {
  /** The dev server's page only: the worker's API, for the tests' test-only calls (e2e/faults.test.ts). */
  interface Window { gpt2Studio?: Api }
}

export function useWorker(): Api {
  if (!api) {
    api = Comlink.wrap<StudioApi>(new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'gpt2-studio' }));
    if (import.meta.env.DEV) window.gpt2Studio = api;
  }
  return api;
}
