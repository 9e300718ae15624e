// Which TensorFlow.js backends this browser offers: each is started once when the worker starts, so that the page
// can say which work and why the others do not (not merely which APIs exist), and the device's limits for the
// model card's memory estimate. During a run, the device is watched for faults (a lost device, out of memory).
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { BACKENDS, BackendError, initBackend, type BackendChoice, type BackendName, type BackendReport } from '../core/backend';
import { TFJS_WASM_PATHS } from '../tfjs-wasm';
import type { Said } from '../core/messages';
import { saidOf } from './messages';
import type { BackendOffer, DeviceLimits } from './protocol';

export const startBackend = (choice: BackendChoice): Promise<BackendReport> => initBackend(choice, { wasmPaths: TFJS_WASM_PATHS });

export async function probeBackends(): Promise<BackendOffer[]> {
  const offers: BackendOffer[] = [];
  for (const backend of BACKENDS) {
    try {
      await startBackend(backend);
      offers.push({ backend, ok: true });
    } catch (e) {
      offers.push({ backend, ok: false, reason: offerReason(e) });
    }
  }
  return offers;
}

/** Why one backend did not start, for the page to word. */
export const offerReason = (e: unknown): Said =>
  (e instanceof BackendError && e.skipped.length === 1 ? e.skipped[0].reason : saidOf(e));

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

/**
 * A fault of the device a run trains on, from the browser's side: a WebGPU device lost (a driver reset, another tab
 * taking the GPU, GPUDevice.destroy()), a WebGL context lost, or WebGPU out of memory (reported as an uncaptured
 * error, not thrown by the op that allocated).
 */
export interface DeviceFault { kind: 'device-lost' | 'out-of-memory'; detail: string | Said }

export interface DeviceWatch {
  /** Resolves at the first fault; never for wasm and cpu. */
  fault: Promise<DeviceFault>;
  /** True once the device or context is gone: nothing read back from it may be trusted (a lost WebGL context reads zeros). */
  isLost(): boolean;
}

const webgpuDevice = () => (tf.backend() as WebGPUBackend).device;
const webglContext = () => (tf.backend() as MathBackendWebGL).gpgpu.gl;

/** Watches the device of the backend running now. */
export function watchDevice(backend: BackendName): DeviceWatch {
  if (backend === 'webgpu') {
    const device = webgpuDevice();
    let lost = false;
    const fault = new Promise<DeviceFault>((resolve) => {
      void device.lost.then((info) => { lost = true; resolve({ kind: 'device-lost', detail: `${info.reason}${info.message ? `: ${info.message.replace(/\.$/, '')}` : ''}` }); });
      device.addEventListener('uncapturederror', (e) => {
        const error = (e as GPUUncapturedErrorEvent).error;
        if (error instanceof GPUOutOfMemoryError) resolve({ kind: 'out-of-memory', detail: error.message });
      });
    });
    return { fault, isLost: () => lost };
  }
  if (backend === 'webgl') {
    const gl = webglContext();
    const fault = new Promise<DeviceFault>((resolve) => {
      gl.canvas.addEventListener('webglcontextlost', () => resolve({ kind: 'device-lost', detail: 'webglcontextlost' }), { once: true });
    });
    return { fault, isLost: () => gl.isContextLost() };
  }
  return { fault: new Promise(() => {}), isLost: () => false };
}

/** Test-only: loses the running backend's device as a driver crash would (the fault tests in e2e/faults.test.ts). */
export function loseDeviceForTest(backend: BackendName): void {
  if (backend === 'webgpu') webgpuDevice().destroy();
  else if (backend === 'webgl') {
    const ext = webglContext().getExtension('WEBGL_lose_context');
    if (!ext) throw new Error('this WebGL context has no WEBGL_lose_context extension');
    ext.loseContext();
  } else throw new Error(`${backend} has no device to lose`);
}

export function tensorMemory(): { numTensors: number; numBytes: number } {
  const m = tf.memory();
  return { numTensors: m.numTensors, numBytes: m.numBytes };
}
