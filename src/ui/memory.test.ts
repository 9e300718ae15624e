// The page's words for the memory plan's refusals (ui/memory.ts, from the catalog): in English, the very message the
// worker refuses with (the core's describeRefusal under the page's labels), for every kind of refusal; in Spanish,
// the catalog's own words with Spanish numbers.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../core/gpt2/config';
import { describeRefusal, deviceBudget, planTraining, trainingMode, type PlanRequest } from '../core/train/memory_plan';
import { resolveLora } from '../core/train/lora_args';
import { STUDIO_SETTING_NAMES } from '../worker/protocol';
import { formatsFor } from './format';
import { fitError } from './memory';
import { en } from './i18n/en';
import { es } from './i18n/es';

const gpt2 = parseConfig({ model_type: 'gpt2' });
const medium = parseConfig({ model_type: 'gpt2', n_embd: 1024, n_layer: 24, n_head: 16 });
const webgpu = (perTensor: number, memoryGB: number | null = 8) => deviceBudget('webgpu', { memoryGB, maxStorageBufferBindingSize: perTensor });

const refusals: Array<[string, string, PlanRequest]> = [
  ['too large a batch', 'memory', { config: gpt2, batchSize: 100_000, blockSize: 128, budget: deviceBudget('wasm', null) }],
  ['not even one block', 'memory', { config: gpt2, batchSize: 1, blockSize: 1024, recompute: false, budget: deviceBudget('wasm', null) }],
  ['the parameters alone', 'parameters', { config: medium, batchSize: 1, blockSize: 512, budget: deviceBudget('wasm', null) }],
  ['the adapters alone', 'parameters', { config: medium, batchSize: 1, blockSize: 64, mode: trainingMode(resolveLora({ r: 4096, target_modules: ['all-linear'] })), budget: deviceBudget('wasm', null) }],
  ['the embedding buffer', 'buffer', { config: gpt2, batchSize: 1, blockSize: 128, budget: webgpu(128 * 2 ** 20) }],
  ['the memory a device reports', 'memory', { config: gpt2, batchSize: 1000, blockSize: 128, budget: webgpu(2 ** 31, 8) }],
  ['no memory reported', 'memory', { config: gpt2, batchSize: 1000, blockSize: 128, budget: webgpu(2 ** 31, null) }],
  ['an activation buffer', 'buffer', { config: gpt2, batchSize: 8, blockSize: 1024, budget: webgpu(200e6, 1000) }],
];

describe('the memory plan in the page\'s words', () => {
  it.each(refusals)('%s (%s): English as the worker says it, Spanish from the catalog', (_, kind, request) => {
    const plan = planTraining(request);
    expect(plan.refusal?.kind).toBe(kind);
    const english = fitError(plan, { t: en, f: formatsFor('en-US') });
    expect(english).toBe(describeRefusal(plan, STUDIO_SETTING_NAMES));
    const spanish = fitError(plan, { t: es, f: formatsFor('es-ES') })!;
    expect(spanish).not.toBe(english);
    expect(spanish).toMatch(/^(Tamaño de lote|Tamaño de bloque|Backend): /);
  });

  it('says nothing of a run that fits', () => {
    const plan = planTraining({ config: gpt2, batchSize: 1, blockSize: 128, budget: deviceBudget('wasm', null) });
    expect(fitError(plan, { t: es, f: formatsFor('es-ES') })).toBeNull();
  });
});
