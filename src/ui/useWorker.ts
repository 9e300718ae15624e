// The page's one studio worker, as a comlink proxy of its StudioApi. One per page (not per component mount), so
// React's development double-mounting never starts a second worker with a second copy of the model.
import * as Comlink from 'comlink';
import type { StudioApi } from '../worker/protocol';

export type Api = Comlink.Remote<StudioApi>;

let api: Api | null = null;

declare global {
  /**
   * The worker's API, for the browser tests' test-only calls on the deployed build (e2e/faults.test.ts) and for
   * anyone in DevTools: it is the page's own worker, so it gives nothing the page does not have.
   */
  interface Window { gpt2Studio?: Api }
}

export function useWorker(): Api {
  if (!api) {
    api = Comlink.wrap<StudioApi>(new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'gpt2-studio' }));
    window.gpt2Studio = api;
  }
  return api;
}
