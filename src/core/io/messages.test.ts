// What reading a model folder's files says, in the page's other language: the errors carry their sentence as data
// (`said`), and the Spanish wording of it is the sentence a Spanish page shows, while `message` stays the English.
import { describe, expect, it } from 'vitest';
import { refusal } from '../../../test/refusal';
import { parseAdapterConfig } from './adapter';
import { JsonFields, parseJsonObject } from './json';
import { memorySource, readModelFolder } from './model_folder';
import { parseSafetensors } from './safetensors';

describe('io messages in Spanish', () => {
  it('a JSON field that is missing or of the wrong kind, and a file that is no JSON object', async () => {
    expect(await refusal(() => JsonFields.parse('{"a": 1}', 'trainer_state.json').integer('global_step'))).toEqual({
      en: 'trainer_state.json: global_step must be a whole number ≥ 0, got nothing',
      es: 'trainer_state.json: falta global_step, que debe ser un número entero ≥ 0',
    });
    expect((await refusal(() => JsonFields.parse('{"x": {"y": "s"}}', 'f.json').object('x').number('y'))).es)
      .toBe('f.json: x.y debe ser un número; se encontró "s"');
    expect((await refusal(() => parseJsonObject('[1]', 'a.json'))).es).toBe('a.json: se esperaba un objeto JSON en el nivel superior');
  });

  it('a safetensors file cut short', async () => {
    expect(await refusal(() => parseSafetensors(new Uint8Array(3), 'model.safetensors'))).toEqual({
      en: 'model.safetensors: not a safetensors file (only 3 bytes)',
      es: 'model.safetensors: no es un archivo safetensors (solo tiene 3 bytes)',
    });
  });

  it('a folder without config.json, where the folder is named in the same language', async () => {
    expect(await refusal(() => readModelFolder(memorySource(new Map())))).toEqual({
      en: 'the files given: no config.json (a Hugging Face model folder needs config.json, model.safetensors and the tokenizer files)',
      es: 'los archivos indicados: no hay config.json (una carpeta de modelo de Hugging Face necesita config.json, model.safetensors y los archivos del tokenizador)',
    });
  });

  it('an adapter_config.json field out of range', async () => {
    expect(await refusal(() => parseAdapterConfig({ peft_type: 'LORA', r: 0, lora_alpha: 8, target_modules: ['c_attn'] }))).toEqual({
      en: 'adapter_config.json: r must be a positive integer, found 0',
      es: 'adapter_config.json: r debe ser un entero positivo; se encontró 0',
    });
  });
});
