// What building a GPT-2 says, in the page's other language: a config.json, --config_overrides, weights or LoRA target
// that does not fit is refused with its sentence as data, worded in Spanish as a Spanish page shows it.
import { describe, expect, it } from 'vitest';
import { refusal } from '../../../test/refusal';
import { parseSafetensors, writeSafetensors } from '../io/safetensors';
import { resolveLora } from '../train/lora_args';
import { parseConfig } from './config';
import { loraModules } from './lora';
import { applyConfigOverrides, defaultGPT2ConfigJson } from './sizes';
import { readParameters } from './weights';

const tiny = { n_embd: 4, n_head: 1, n_layer: 1, vocab_size: 10, n_positions: 8 };

describe('gpt2 messages in Spanish', () => {
  it('a config.json whose shapes do not make a GPT-2', async () => {
    expect(await refusal(() => parseConfig({ ...tiny, n_embd: 10, n_head: 3 }))).toEqual({
      en: 'config.json: n_embd (10) must be divisible by n_head (3)',
      es: 'config.json: n_embd (10) debe ser divisible por n_head (3)',
    });
    expect((await refusal(() => parseConfig({ ...tiny, n_layer: 0 }))).es).toBe('config.json: n_layer debe ser un entero positivo; se encontró 0');
    expect((await refusal(() => parseConfig({ ...tiny, attn_pdrop: 2 }))).es).toBe('config.json: attn_pdrop debe ser un número en [0, 1]; se encontró 2');
  });

  it('an override of the wrong type', async () => {
    expect(await refusal(() => applyConfigOverrides(defaultGPT2ConfigJson(), 'n_layer=2.5'))).toEqual({
      en: '--config_overrides: n_layer must be an integer, got "2.5"',
      es: '--config_overrides: n_layer debe ser un entero; se encontró "2.5"',
    });
  });

  it('weights without a tensor config.json calls for', async () => {
    const file = parseSafetensors(writeSafetensors({ 'wpe.weight': { shape: [8, 4], data: new Float32Array(32) } }));
    expect(await refusal(() => readParameters(file, parseConfig(tiny)))).toEqual({
      en: 'model.safetensors: missing tensor "wte.weight" (expected shape [10,4] from config.json)',
      es: 'model.safetensors: falta el tensor "wte.weight" (se esperaba el shape [10,4] según config.json)',
    });
  });

  it('a LoRA target that is none of GPT-2\'s layers', async () => {
    expect((await refusal(() => loraModules(parseConfig(tiny), resolveLora({ target_modules: ['q_proj'] })))).es)
      .toBe('lora_target_modules: "q_proj" no coincide con ninguna de las capas Conv1D de GPT-2 (c_attn, c_proj, c_fc, o attn.c_proj / mlp.c_proj)');
  });
});
