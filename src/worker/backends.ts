// Which TensorFlow.js backends this browser offers: each is started once when the worker starts, so that the page
// can say which work and why the others do not (not merely which APIs exist), and the device's limits for the
// model card's memory estimate.
import { BACKENDS, initBackend, type BackendChoice, type BackendReport } from '../core/backend';
import { TFJS_WASM_PATHS } from '../tfjs-wasm';
import type { BackendOffer, DeviceLimits } from './protocol';

export const startBackend = (choice: BackendChoice): Promise<BackendReport> => initBackend(choice, { wasmPaths: TFJS_WASM_PATHS });

export async function probeBackends(): Promise<BackendOffer[]> {
  const offers: BackendOffer[] = [];
  for (const backend of BACKENDS) {
    try {
      await startBackend(backend);
      offers.push({ backend, ok: true });
    } catch (e) {
      // initBackend's message is "backend NAME: NAME: reason"; keep the reason.
      offers.push({ backend, ok: false, reason: (e as Error).message.replace(/^backend \w+: \w+: /, '') });
    }
  }
  return offers;
}

export async function deviceLimits(): Promise<DeviceLimits> {
  const memoryGB = (navigator as Navigator & { deviceMemory?: number }).deviceMemory ?? null;
  let adapter: GPUAdapter | null = null;
  try { adapter = (await navigator.gpu?.requestAdapter()) ?? null; } catch { /* no WebGPU: the limits stay unknown */ }
  // adapter.info (Chrome 127+) is newer than this repo's @webgpu/types.
  const info = (adapter as (GPUAdapter & { info?: { description?: string; vendor?: string; architecture?: string } }) | null)?.info;
  return {
    memoryGB,
    maxBufferSize: adapter?.limits.maxBufferSize ?? null,
    maxStorageBufferBindingSize: adapter?.limits.maxStorageBufferBindingSize ?? null,
    adapter: info ? info.description || [info.vendor, info.architecture].filter(Boolean).join(' ') || null : null,
  };
}
