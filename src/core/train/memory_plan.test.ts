// The memory plan on GPT-2's real sizes: what it lets through and what it refuses, with the numbers it gives.
import { describe, it, expect } from 'vitest';
import { parseConfig, countParameters } from '../gpt2/config';
import { adapterParameters, describeRefusal, deviceBudget, planTraining, requireFit, type SettingNames } from './memory_plan';
import { SettingsError } from './args';
import { formatBytes } from '../format';

const gpt2 = parseConfig({ model_type: 'gpt2' });
const medium = parseConfig({ model_type: 'gpt2', n_embd: 1024, n_layer: 24, n_head: 16 });
const wasm = deviceBudget('wasm', null);
const names: SettingNames = { batchSize: '--per_device_train_batch_size', blockSize: '--block_size', backend: '--backend', backendLabel: (b) => b };
const GiB = 2 ** 30;

describe('the memory plan', () => {
  it('counts parameters and LoRA adapters as PEFT does', () => {
    expect(countParameters(gpt2)).toBe(124_439_808);
    expect(countParameters(medium)).toBe(354_823_168);
    // PEFT's print_trainable_parameters for gpt2 with r=8 on c_attn: 294,912.
    expect(adapterParameters(gpt2, 8, ['c_attn'])).toBe(294_912);
    // "c_proj" names both attn.c_proj and mlp.c_proj, as PEFT matches module names by their end.
    expect(adapterParameters(gpt2, 4, ['c_proj'])).toBe(12 * 4 * ((768 + 768) + (3072 + 768)));
    expect(adapterParameters(gpt2, 4, ['attn.c_proj'])).toBe(12 * 4 * (768 + 768));
  });

  it('124M at block 1024 on wasm fits only by recomputing the blocks, and the plan turns that on', () => {
    const kept = planTraining({ config: gpt2, batchSize: 1, blockSize: 1024, recompute: false, budget: wasm });
    expect(kept.refusal).toEqual({ kind: 'memory', needed: kept.estimate.total, available: 4 * GiB });
    expect(kept.largestBatch).toBe(0);
    expect(describeRefusal(kept, names)).toMatch(/^--block_size: 1 blocks of 1,024 tokens need about [\d.]+ GB to train on wasm, more than the 4 GiB WebAssembly heap; not even --per_device_train_batch_size 1 fits, lower --block_size$/);
    const auto = planTraining({ config: gpt2, batchSize: 1, blockSize: 1024, budget: wasm });
    expect(auto.recompute).toBe(true);
    expect(auto.refusal).toBeNull();
    expect(auto.estimate.total).toBeLessThan(4 * GiB);
    expect(describeRefusal(auto, names)).toBeNull();
    // At block 128 nothing needs recomputing.
    expect(planTraining({ config: gpt2, batchSize: 1, blockSize: 128, budget: wasm }).recompute).toBe(false);
  });

  it('names the largest batch that fits: it fits, one more does not', () => {
    const plan = planTraining({ config: gpt2, batchSize: 64, blockSize: 256, budget: wasm });
    expect(plan.refusal?.kind).toBe('memory');
    const n = plan.largestBatch;
    expect(n).toBeGreaterThan(0);
    expect(describeRefusal(plan, names)).toBe(
      `--per_device_train_batch_size: 64 blocks of 256 tokens need about ${formatBytes(plan.estimate.total)} to train on wasm, more than the 4 GiB WebAssembly heap; ` +
      `the largest --per_device_train_batch_size that fits is ${n}`);
    expect(planTraining({ config: gpt2, batchSize: n, blockSize: 256, budget: wasm }).refusal).toBeNull();
    expect(planTraining({ config: gpt2, batchSize: n + 1, blockSize: 256, budget: wasm }).refusal).not.toBeNull();
  });

  it('refuses a full fine-tune of gpt2-medium on wasm with the numbers, whatever the block size', () => {
    for (const blockSize of [32, 512]) {
      const plan = planTraining({ config: medium, batchSize: 1, blockSize, budget: wasm });
      expect(plan.refusal).toEqual({ kind: 'parameters', needed: 16 * 354_823_168, available: 4 * GiB });
      expect(() => requireFit(plan.request, names)).toThrow(new SettingsError('--backend: training all 354,823,168 parameters needs about 5.7 GB on wasm for the ' +
        'weights, gradients and AdamW moments alone, more than the 4 GiB WebAssembly heap; train LoRA adapters or choose a backend with more memory'));
    }
  });

  it('allows gpt2-medium on WebGPU when the estimate fits the memory the device reports, and refuses it when not', () => {
    const gpu = (memoryGB: number) => deviceBudget('webgpu', { memoryGB, maxStorageBufferBindingSize: 2 * GiB });
    const fits = planTraining({ config: medium, batchSize: 1, blockSize: 512, budget: gpu(8) });
    expect(fits.refusal).toBeNull();
    expect(fits.recompute).toBe(true);
    const small = planTraining({ config: medium, batchSize: 1, blockSize: 512, budget: gpu(4) });
    expect(small.refusal).toEqual({ kind: 'parameters', needed: 16 * 354_823_168, available: 4e9 });
    expect(describeRefusal(small, names)).toMatch(/more than the 4 GB this device reports;/);
    // The token embedding must fit one buffer: refused whatever the batch.
    const tight = deviceBudget('webgpu', { memoryGB: 8, maxStorageBufferBindingSize: 128 * 2 ** 20 });
    expect(describeRefusal(planTraining({ config: medium, batchSize: 1, blockSize: 512, budget: tight }), names))
      .toBe('--backend: the token embedding needs one 206 MB buffer; this GPU binds at most 134 MB (choose wasm)');
  });

  it('LoRA keeps the base weights frozen: gpt2-medium at block 512 fits wasm', () => {
    const mode = { kind: 'lora', r: 8, targetModules: ['c_attn', 'c_proj', 'c_fc'] } as const;
    const plan = planTraining({ config: medium, batchSize: 1, blockSize: 512, mode, budget: wasm });
    expect(plan.refusal).toBeNull();
    expect(plan.estimate.trainableParameters).toBe(adapterParameters(medium, 8, mode.targetModules));
    expect(plan.estimate.state).toBe(4 * 354_823_168 + 16 * plan.estimate.trainableParameters);
  });
});
