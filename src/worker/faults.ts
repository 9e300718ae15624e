// What the worker makes of a run its device failed: which fault it was (a lost GPU device or WebGL context, or out
// of memory), the backend to continue on, and the one sentence the page shows. Nothing is read back from a lost
// device: its weights are dropped unread, and the run continues from the last checkpoint kept in the browser.
import { isOutOfMemory, outOfMemoryCause } from '../core/backend/out_of_memory';
import type { DeviceFault, DeviceWatch } from './backends';
import { outOfMemoryAdvice } from '../core/train/memory_plan';
import type { Said } from '../core/messages';
import { sayWorker } from './messages';
import { BACKEND_LABELS, type BackendName, type BackendOffer, type CheckpointInfo } from './protocol';

/** The order a run falls back in after a fault (the core's BACKENDS order). */
const FALLBACK: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
/** How long a failed run waits for its device to report a loss or an out-of-memory error. */
const FAULT_REPORT_MS = 1000;

/** The fault behind a run's error `e`, or null when the error is not the device's. */
export async function faultOf(e: unknown, watch: DeviceWatch): Promise<DeviceFault | null> {
  // A lost device can fail the step that used it before the browser reports the loss: give the report a moment.
  const fault = await Promise.race([watch.fault, new Promise<null>((resolve) => setTimeout(() => resolve(null), FAULT_REPORT_MS))]);
  if (fault) return fault;
  if (watch.isLost()) return { kind: 'device-lost', detail: (e as Error).message };
  if (isOutOfMemory(e)) return { kind: 'out-of-memory', detail: outOfMemoryCause(e) };
  return null;
}

/** The next backend after `backend` that works here, or null. */
export const nextBackend = (backend: BackendName, offers: BackendOffer[]): BackendName | null =>
  FALLBACK.slice(FALLBACK.indexOf(backend) + 1).find((b) => offers.some((o) => o.backend === b && o.ok)) ?? null;

/** The offers with `backend` marked unavailable: tfjs keeps a lost device for it until the page reloads. */
export const withoutLost = (backend: BackendName, offers: BackendOffer[]): BackendOffer[] =>
  offers.map((o) => (o.backend === backend ? { ...o, ok: false, reason: sayWorker('deviceLostForGood') } : o));

export interface FaultContext {
  backend: BackendName;
  step: number;
  batchSize: number;
  blockSize: number;
  next: BackendName | null;
  checkpoint: CheckpointInfo | null;
}

/** What happened, at which step, and what is kept: one sentence for the page's alert. */
export function faultMessage(fault: DeviceFault, c: FaultContext): Said {
  const next = c.next && BACKEND_LABELS[c.next];
  const kept = c.checkpoint ? sayWorker('checkpointKept', c.checkpoint.name, c.checkpoint.step, next) : sayWorker('noCheckpointKept', next);
  if (fault.kind === 'device-lost') return sayWorker('deviceLost', BACKEND_LABELS[c.backend], c.backend === 'webgl', c.step, fault.detail, kept);
  const advice = outOfMemoryAdvice({
    backend: BACKEND_LABELS[c.backend], step: c.step + 1, batchSize: c.batchSize, blockSize: c.blockSize, detail: fault.detail,
    names: { batchSize: sayWorker('batchSizeLabel'), blockSize: sayWorker('blockSizeLabel') },
  });
  return sayWorker('outOfMemory', advice, kept);
}
