// What building a GPT-2 from its config and weights says to a person, in English and Spanish (src/core/messages.ts
// says how a sentence travels to the page). A field that is not what it must be is io's sentence (io/messages.ts).
import { catalog } from '../messages';

const en = {
  // config.ts
  notGpt2: (file: string, found: string) => `${file}: model_type is ${found}; GPT-2 Studio trains GPT-2 models (model_type "gpt2")`,
  activation: (file: string, found: string) => `${file}: activation_function ${found} is not supported; expected "gelu_new"`,
  headsDoNotDivide: (file: string, nEmbd: number, nHead: number) => `${file}: n_embd (${nEmbd}) must be divisible by n_head (${nHead})`,

  // lora.ts
  targetMatchesNone: (target: string) =>
    `lora_target_modules: "${target}" matches none of GPT-2's Conv1D layers (c_attn, c_proj, c_fc, or attn.c_proj / mlp.c_proj)`,

  // sizes.ts
  overridePairs: (where: string, part: string) => `${where}: expected key=value pairs separated by commas, got "${part}"`,
  overrideKey: (where: string, key: string) => `${where}: GPT2Config has no key "${key}"`,

  // weights.ts
  missingTensor: (file: string, name: string, shape: string) => `${file}: missing tensor "${name}" (expected shape [${shape}] from config.json)`,
  tensorShape: (file: string, key: string, shape: string, expected: string) =>
    `${file}: tensor "${key}" has shape [${shape}], expected [${expected}] from config.json`,
  tensorDtype: (file: string, key: string, dtype: string) => `${file}: tensor "${key}" has dtype ${dtype}; expected F32, F16 or BF16`,
  unexpectedTensors: (file: string, layers: number, names: string) => `${file}: unexpected tensors for a ${layers}-layer GPT-2: ${names}`,
};

const es: typeof en = {
  notGpt2: (file, found) => `${file}: model_type es ${found}; GPT-2 Studio entrena modelos GPT-2 (model_type "gpt2")`,
  activation: (file, found) => `${file}: activation_function ${found} no se admite; se esperaba "gelu_new"`,
  headsDoNotDivide: (file, nEmbd, nHead) => `${file}: n_embd (${nEmbd}) debe ser divisible por n_head (${nHead})`,

  targetMatchesNone: (target) =>
    `lora_target_modules: "${target}" no coincide con ninguna de las capas Conv1D de GPT-2 (c_attn, c_proj, c_fc, o attn.c_proj / mlp.c_proj)`,

  overridePairs: (where, part) => `${where}: se esperaban pares key=value separados por comas; se encontró "${part}"`,
  overrideKey: (where, key) => `${where}: GPT2Config no tiene la clave "${key}"`,

  missingTensor: (file, name, shape) => `${file}: falta el tensor "${name}" (se esperaba el shape [${shape}] según config.json)`,
  tensorShape: (file, key, shape, expected) => `${file}: el tensor "${key}" tiene shape [${shape}]; se esperaba [${expected}] según config.json`,
  tensorDtype: (file, key, dtype) => `${file}: el tensor "${key}" tiene dtype ${dtype}; se esperaba F32, F16 o BF16`,
  unexpectedTensors: (file, layers, names) => `${file}: tensores inesperados para un GPT-2 de ${layers} capas: ${names}`,
};

export const { catalog: gpt2Catalog, say: sayGPT2 } = catalog('gpt2', { en, es });
