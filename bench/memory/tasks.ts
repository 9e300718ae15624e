// `npm run bench`'s memory items: each runs one measurement of the scripts beside it, which make their own processes
// (a Node child per wasm step or export, a Chromium per WebGPU step) and return its row as data.
import type { MemoryTask, WasmBlockRow, WebgpuBlockRow, WebgpuCheckRow, ExportRow } from './tables';
import { blockSizeRow } from './block_size';
import { webgpuBlockRow, webgpuCheckRow } from './webgpu_block_size';
import { exportRow } from './export';

/** `url`: a dev server serving the repository (the WebGPU measurements' page). Rejects at `timeoutS` ("… after N s"). */
export function runMemoryTask(t: MemoryTask, timeoutS: number, url = ''): Promise<WasmBlockRow | WebgpuBlockRow | WebgpuCheckRow | ExportRow> {
  switch (t.measure) {
    case 'wasmBlock': return blockSizeRow(t.blockSize, t.recompute, { timeoutS });
    case 'webgpuBlock': return webgpuBlockRow(url, t.blockSize, t.recompute, { timeoutS });
    case 'webgpuCheck': return webgpuCheckRow(url, t.recompute, timeoutS);
    case 'export': return exportRow(t.how, timeoutS);
  }
}
