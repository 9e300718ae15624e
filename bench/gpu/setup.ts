// WebGPU in Node through Dawn (the `webgpu` npm package's dawn.node), set up before TensorFlow.js is imported:
// tfjs-backend-webgpu registers itself at import time only if navigator.gpu exists. main.ts imports this first.
//   --dawn=PATH         dawn.node (default: $DAWN_NODE, else dawn.node beside the bundle)
//   --dawn-flags="..."  options for create(), e.g. "backend=vulkan adapter=NVIDIA enable-dawn-features=allow_unsafe_apis"
//   --raise-limits      the adapter's maximum storage buffers per shader instead of WebGPU's default of 8 (see below)
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const here = path.dirname(fileURLToPath(import.meta.url));

export const dawnPath = path.resolve(arg('dawn') ?? process.env.DAWN_NODE ?? path.join(here, 'dawn.node'));
export const dawnFlags = (arg('dawn-flags') ?? process.env.DAWN_FLAGS ?? '').split(/\s+/).filter(Boolean);

interface DawnModule { create(flags: string[]): GPU; globals: Record<string, unknown> }
const dawn = createRequire(import.meta.url)(dawnPath) as DawnModule;
Object.assign(globalThis, dawn.globals); // GPUBufferUsage, GPUMapMode, GPUShaderStage, … as in a browser

/**
 * tfjs-backend-webgpu asks for six raised limits, not maxStorageBuffersPerShaderStage: its device keeps WebGPU's
 * default of 8 storage buffers per shader, as in Chromium, and a kernel that binds more (an AddN over many tensors)
 * is an invalid pipeline whose whole command buffer is dropped, silently. The suite records such errors per item.
 * --raise-limits gives the device the adapter's maximum instead (results.json records which).
 */
export const raisedLimits: Record<string, number> = {};
if (process.argv.includes('--raise-limits')) {
  const Adapter = (dawn.globals as { GPUAdapter?: { prototype: GPUAdapter } }).GPUAdapter;
  const original = Adapter?.prototype.requestDevice;
  if (Adapter && original) {
    Adapter.prototype.requestDevice = function (this: GPUAdapter, desc?: GPUDeviceDescriptor) {
      const max = this.limits.maxStorageBuffersPerShaderStage;
      raisedLimits.maxStorageBuffersPerShaderStage = max;
      return original.call(this, { ...desc, requiredLimits: { ...desc?.requiredLimits, maxStorageBuffersPerShaderStage: max } });
    };
  }
}
export const gpu = dawn.create(dawnFlags);
Object.defineProperty(globalThis, 'navigator', {
  value: { gpu, userAgent: `Node.js ${process.version} (dawn.node)`, hardwareConcurrency: os.cpus().length, language: 'en-US' },
  configurable: true, writable: true,
});
