// PEFT's adapter files: written as PEFT writes them (compared with test/fixtures/lora/adapter, written in PEFT's
// format by Python), read back, and refused with a message naming the file and key when they do not fit.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { initBackend } from '../backend';
import { LoraAdapter } from '../gpt2/lora';
import { ADAPTER_CONFIG, ADAPTER_WEIGHTS, adapterConfigJson, adapterFolderFiles, readAdapterFolder } from './adapter';
import { fileBytes } from './files';
import { memorySource } from './model_folder';
import { parseSafetensors, safetensorsStream } from './safetensors';
import { loadLoraReference, maxAbsDiff } from '../../../test/reference';

const ref = loadLoraReference();
const fixtureFile = (f: string) => new Uint8Array(readFileSync(path.join(ref.adapterDir, f)));
const folder = (over: Record<string, Uint8Array | null> = {}) => {
  const files = new Map<string, Uint8Array>([[ADAPTER_CONFIG, fixtureFile(ADAPTER_CONFIG)], [ADAPTER_WEIGHTS, fixtureFile(ADAPTER_WEIGHTS)]]);
  for (const [k, v] of Object.entries(over)) if (v === null) files.delete(k); else files.set(k, v);
  return memorySource(files, 'adapter/');
};
const withConfig = (change: Record<string, unknown>) => {
  const c = { ...JSON.parse(new TextDecoder().decode(fixtureFile(ADAPTER_CONFIG))), ...change };
  return folder({ [ADAPTER_CONFIG]: new TextEncoder().encode(JSON.stringify(c)) });
};

describe('PEFT adapter files', () => {
  beforeAll(async () => { await initBackend('cpu'); });

  it('writes adapter_config.json byte for byte as PEFT does, and adapter_model.safetensors with PEFT\'s keys and shapes', async () => {
    const a = await readAdapterFolder(folder(), ref.config);
    expect(a.baseModelNameOrPath).toBe('tiny-gpt2-v512');
    const adapter = LoraAdapter.fromArrays(ref.config, a.config, a.weights);
    const files = adapterFolderFiles(adapter, 'tiny-gpt2-v512');
    expect(new TextDecoder().decode(await fileBytes(files.get(ADAPTER_CONFIG)!))).toBe(new TextDecoder().decode(fixtureFile(ADAPTER_CONFIG)));
    const written = parseSafetensors(await fileBytes(files.get(ADAPTER_WEIGHTS)!), ADAPTER_WEIGHTS);
    const want = parseSafetensors(fixtureFile(ADAPTER_WEIGHTS), ADAPTER_WEIGHTS);
    expect(written.metadata).toEqual({ format: 'pt' });
    expect([...written.tensors.keys()]).toEqual([...want.tensors.keys()]);
    expect(written.tensors.get('base_model.model.transformer.h.0.attn.c_attn.lora_A.weight')).toMatchObject({ dtype: 'F32', shape: [4, 48] });
    expect(written.tensors.get('base_model.model.transformer.h.0.attn.c_attn.lora_B.weight')).toMatchObject({ dtype: 'F32', shape: [144, 4] });
    for (const k of want.tensors.keys()) expect(maxAbsDiff(written.float32(k), want.float32(k)), k).toBe(0);
    // json.dumps escapes what is not ASCII.
    expect(adapterConfigJson(a.config, '/modèles/gpt2 😀')).toContain('"base_model_name_or_path": "/mod\\u00e8les/gpt2 \\ud83d\\ude00"');
    adapter.dispose();
  });

  it('refuses a file that does not fit, naming the file and the key', async () => {
    const fails = (src: ReturnType<typeof folder>) => readAdapterFolder(src, ref.config).then(() => 'loaded', (e: Error) => e.message);
    const tensors = parseSafetensors(fixtureFile(ADAPTER_WEIGHTS));
    const rewrite = (edit: (m: Map<string, { shape: number[]; data: () => Float32Array[] }>) => void) => {
      const m = new Map([...tensors.tensors].map(([k, t]) => [k, { shape: t.shape, data: () => [tensors.float32(k)] }]));
      edit(m);
      return fileBytes(safetensorsStream(m));
    };
    const key = 'base_model.model.transformer.h.1.mlp.c_fc.lora_B.weight';
    expect(await fails(folder({ [ADAPTER_WEIGHTS]: await rewrite((m) => m.delete(key)) })))
      .toBe(`adapter_model.safetensors: missing tensor "${key}" (expected shape [192,4] from adapter_config.json's r and target_modules and the base model's config.json)`);
    expect(await fails(folder({ [ADAPTER_WEIGHTS]: await rewrite((m) => m.set(key, { shape: [4, 192], data: () => [new Float32Array(768)] })) })))
      .toBe(`adapter_model.safetensors: tensor "${key}" has shape [4,192], expected [192,4] (r = 4 and the base model's config.json)`);
    expect(await fails(folder({ [ADAPTER_WEIGHTS]: await rewrite((m) => m.set('base_model.model.lm_head.lora_A.weight', { shape: [1], data: () => [new Float32Array(1)] })) })))
      .toMatch(/^adapter_model.safetensors: unexpected tensors for adapter_config.json's target_modules on a 3-layer GPT-2: base_model.model.lm_head.lora_A.weight/);
    expect(await fails(withConfig({ target_modules: ['c_attn'] }))).toMatch(/^adapter_model.safetensors: unexpected tensors .*h.0.attn.c_proj.lora_A.weight/);
    expect(await fails(withConfig({ peft_type: 'IA3' }))).toBe('adapter_config.json: peft_type is "IA3"; only LoRA adapters ("LORA") are supported');
    expect(await fails(withConfig({ use_dora: true }))).toBe('adapter_config.json: use_dora true is not supported (a plain LoRA is)');
    expect(await fails(withConfig({ r: 0 }))).toBe('adapter_config.json: r must be a positive integer, found 0');
    expect(await fails(withConfig({ target_modules: ['q_proj'] }))).toMatch(/"q_proj" matches none of GPT-2's Conv1D layers/);
    expect(await fails(folder({ [ADAPTER_CONFIG]: new TextEncoder().encode('{') }))).toMatch(/^adapter_config.json: not valid JSON/);
    expect(await fails(folder({ [ADAPTER_CONFIG]: null }))).toBe('adapter/: no adapter_config.json (a PEFT adapter folder holds adapter_config.json and adapter_model.safetensors)');
    expect(await fails(folder({ [ADAPTER_WEIGHTS]: null, 'adapter_model.bin': new Uint8Array(8) })))
      .toBe('adapter/: no adapter_model.safetensors (only adapter_model.bin, a pickle, which is never loaded here: save the adapter with safe_serialization=True)');
  });
});
