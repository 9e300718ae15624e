// What reading and writing model folder files (config, safetensors, PEFT adapters, JSON) says to a person, in English
// and Spanish (src/core/messages.ts says how a sentence travels to the page). Each sentence names the file, the field
// or tensor, and what was expected. The first group is shared: what a field of a file or a setting must be, as a
// sentence of its own that the files' and the settings' sentences take as a value.
import { catalog } from '../messages';

const en = {
  // A field that is not what it must be (json.ts; config.json, adapter_config.json, --config_overrides, a checkpoint)
  fieldMustBe: (file: string, field: string, expected: string, got: string) => `${file}: ${field} must be ${expected}, got ${got}`,
  fieldMissing: (file: string, field: string, expected: string) => `${file}: ${field} must be ${expected}, got nothing`,
  fieldMustBeFound: (file: string, field: string, expected: string, found: string) => `${file}: ${field} must be ${expected}, found ${found}`,
  // What a value must be (these sentences and the settings' in train/messages.ts)
  aNumber: () => 'a number',
  anInteger: () => 'an integer',
  aWholeNumber: () => 'a whole number',
  aWholeNumberFrom0: () => 'a whole number ≥ 0',
  aPositiveInteger: () => 'a positive integer',
  aNumberAbove0: () => 'a number > 0',
  aNumberIn: (lo: number, hi: number) => `a number in [${lo}, ${hi}]`,
  inUnitRange: () => 'in [0, 1)',
  aString: () => 'a string',
  anObject: () => 'an object',
  aListOfObjects: () => 'a list of objects',
  aListOfWholeNumbers: () => 'a list of whole numbers ≥ 0',
  aListOfModuleNames: () => 'a list of module names',
  trueOrFalse: () => 'true or false',

  // adapter.ts
  notLora: (file: string, found: string) => `${file}: peft_type is ${found}; only LoRA adapters ("LORA") are supported`,
  notCausalLm: (file: string, found: string) => `${file}: task_type is ${found}; expected "CAUSAL_LM"`,
  notPlainLora: (file: string, key: string, value: string) => `${file}: ${key} ${value} is not supported (a plain LoRA is)`,
  fanInFanOut: (file: string) => `${file}: fan_in_fan_out is false; GPT-2's Conv1D layers store their weights [in, out], so PEFT sets it to true`,
  noAdapterConfig: (location: string, config: string, weights: string) => `${location}: no ${config} (a PEFT adapter folder holds ${config} and ${weights})`,
  noAdapterWeights: (location: string, weights: string, onlyBin: boolean) =>
    `${location}: no ${weights}` + (onlyBin ? ' (only adapter_model.bin, a pickle, which is never loaded here: save the adapter with safe_serialization=True)' : ''),
  missingAdapterTensor: (weights: string, key: string, shape: string, config: string) =>
    `${weights}: missing tensor "${key}" (expected shape [${shape}] from ${config}'s r and target_modules and the base model's config.json)`,
  adapterTensorShape: (weights: string, key: string, shape: string, expected: string, r: number) =>
    `${weights}: tensor "${key}" has shape [${shape}], expected [${expected}] (r = ${r} and the base model's config.json)`,
  unexpectedAdapterTensors: (weights: string, config: string, layers: number, names: string) =>
    `${weights}: unexpected tensors for ${config}'s target_modules on a ${layers}-layer GPT-2: ${names}`,

  // json.ts (and model_folder.ts, adapter.ts, gpt2/config.ts)
  notJson: (file: string, why: string) => `${file}: not valid JSON (${why})`,
  notTopLevelObject: (file: string) => `${file}: expected a JSON object at the top level`,
  notObject: (file: string) => `${file}: expected a JSON object`,

  // model_folder.ts
  filesGiven: () => 'the files given',
  noConfig: (location: string) => `${location}: no config.json (a Hugging Face model folder needs config.json, model.safetensors and the tokenizer files)`,
  noTokenizer: (location: string) => `${location}: no tokenizer (expected tokenizer.json, or vocab.json and merges.txt)`,
  tokenizerTooLarge: (from: string, tokens: number, rows: number) =>
    `${from}: the tokenizer has ${tokens} tokens (ids 0..${tokens - 1}), more than the model's vocab_size ${rows} ` +
    '(config.json, the rows of wte.weight): the tokenizer belongs to another model',
  notAToken: (file: string, key: string, id: string, from: string, tokens: number) =>
    `${file}: ${key} ${id} is not a token of the tokenizer (${from}: ids 0..${tokens - 1})`,
  onlyPickle: (location: string) =>
    `${location}: only pytorch_model.bin (a pickle checkpoint, which is never loaded here, since unpickling runs code). ` +
    'Convert it with transformers: GPT2LMHeadModel.from_pretrained(dir).save_pretrained(dir, safe_serialization=True)',
  noWeights: (location: string) => `${location}: no model.safetensors`,

  // safetensors.ts
  tooShort: (file: string, bytes: number) => `${file}: not a safetensors file (only ${bytes} bytes)`,
  badHeaderLength: (file: string, headerLength: number, bytes: number) =>
    `${file}: not a safetensors file or truncated (header length ${headerLength}, file is ${bytes} bytes)`,
  headerNotJson: (file: string) => `${file}: not a safetensors file (its header is not valid JSON)`,
  headerNotObject: (file: string) => `${file}: the header is not a JSON object`,
  tensorUndescribed: (file: string, name: string) => `${file}: tensor "${name}" has no description`,
  tensorDtypeUnsupported: (file: string, name: string, dtype: string) => `${file}: tensor "${name}" has unsupported dtype ${dtype}`,
  tensorShapeMalformed: (file: string, name: string) => `${file}: tensor "${name}" has a malformed shape`,
  tensorOffsetsMalformed: (file: string, name: string) => `${file}: tensor "${name}" has malformed data_offsets`,
  tensorBytes: (file: string, name: string, bytes: number, shape: string, dtype: string) =>
    `${file}: tensor "${name}": ${bytes} bytes do not hold shape [${shape}] of ${dtype}`,
  truncated: (file: string, name: string, end: number, size: number) => `${file}: truncated: tensor "${name}" ends at byte ${end} but the file has ${size}`,
  noTensor: (file: string, name: string) => `${file}: no tensor "${name}"`,
  notFloat: (file: string, name: string, dtype: string) => `${file}: tensor "${name}" is ${dtype}; expected a float tensor (F32, F16 or BF16)`,
  notInt32: (file: string, name: string, dtype: string) => `${file}: tensor "${name}" is ${dtype}; expected I32`,
};

const es: typeof en = {
  fieldMustBe: (file, field, expected, got) => `${file}: ${field} debe ser ${expected}; se encontró ${got}`,
  fieldMissing: (file, field, expected) => `${file}: falta ${field}, que debe ser ${expected}`,
  fieldMustBeFound: (file, field, expected, found) => `${file}: ${field} debe ser ${expected}; se encontró ${found}`,
  aNumber: () => 'un número',
  anInteger: () => 'un entero',
  aWholeNumber: () => 'un número entero',
  aWholeNumberFrom0: () => 'un número entero ≥ 0',
  aPositiveInteger: () => 'un entero positivo',
  aNumberAbove0: () => 'un número > 0',
  aNumberIn: (lo, hi) => `un número en [${lo}, ${hi}]`,
  inUnitRange: () => 'un valor en [0, 1)',
  aString: () => 'una cadena de texto',
  anObject: () => 'un objeto',
  aListOfObjects: () => 'una lista de objetos',
  aListOfWholeNumbers: () => 'una lista de números enteros ≥ 0',
  aListOfModuleNames: () => 'una lista de nombres de módulos',
  trueOrFalse: () => 'true o false',

  notLora: (file, found) => `${file}: peft_type es ${found}; solo se admiten adaptadores LoRA ("LORA")`,
  notCausalLm: (file, found) => `${file}: task_type es ${found}; se esperaba "CAUSAL_LM"`,
  notPlainLora: (file, key, value) => `${file}: ${key} ${value} no se admite (solo se admite un LoRA simple)`,
  fanInFanOut: (file) => `${file}: fan_in_fan_out es false; las capas Conv1D de GPT-2 guardan sus pesos como [in, out], así que PEFT lo pone a true`,
  noAdapterConfig: (location, config, weights) => `${location}: no hay ${config} (una carpeta de adaptador PEFT contiene ${config} y ${weights})`,
  noAdapterWeights: (location, weights, onlyBin) =>
    `${location}: no hay ${weights}` + (onlyBin ? ' (solo adapter_model.bin, un pickle, que aquí nunca se carga: guarda el adaptador con safe_serialization=True)' : ''),
  missingAdapterTensor: (weights, key, shape, config) =>
    `${weights}: falta el tensor "${key}" (se esperaba el shape [${shape}] según r y target_modules de ${config} y el config.json del modelo base)`,
  adapterTensorShape: (weights, key, shape, expected, r) =>
    `${weights}: el tensor "${key}" tiene shape [${shape}]; se esperaba [${expected}] (r = ${r} y el config.json del modelo base)`,
  unexpectedAdapterTensors: (weights, config, layers, names) =>
    `${weights}: tensores inesperados para los target_modules de ${config} en un GPT-2 de ${layers} capas: ${names}`,

  notJson: (file, why) => `${file}: no es un JSON válido (${why})`,
  notTopLevelObject: (file) => `${file}: se esperaba un objeto JSON en el nivel superior`,
  notObject: (file) => `${file}: se esperaba un objeto JSON`,

  filesGiven: () => 'los archivos indicados',
  noConfig: (location) => `${location}: no hay config.json (una carpeta de modelo de Hugging Face necesita config.json, model.safetensors y los archivos del tokenizador)`,
  noTokenizer: (location) => `${location}: no hay tokenizador (se esperaba tokenizer.json, o vocab.json y merges.txt)`,
  tokenizerTooLarge: (from, tokens, rows) =>
    `${from}: el tokenizador tiene ${tokens} tokens (ids 0..${tokens - 1}), más que el vocab_size ${rows} del modelo ` +
    '(config.json, las filas de wte.weight): el tokenizador es de otro modelo',
  notAToken: (file, key, id, from, tokens) => `${file}: ${key} ${id} no es un token del tokenizador (${from}: ids 0..${tokens - 1})`,
  onlyPickle: (location) =>
    `${location}: solo hay pytorch_model.bin (un checkpoint pickle, que aquí nunca se carga, porque deserializarlo ejecuta código). ` +
    'Conviértelo con transformers: GPT2LMHeadModel.from_pretrained(dir).save_pretrained(dir, safe_serialization=True)',
  noWeights: (location) => `${location}: no hay model.safetensors`,

  tooShort: (file, bytes) => `${file}: no es un archivo safetensors (solo tiene ${bytes} bytes)`,
  badHeaderLength: (file, headerLength, bytes) =>
    `${file}: no es un archivo safetensors o está truncado (longitud de la cabecera ${headerLength}, el archivo tiene ${bytes} bytes)`,
  headerNotJson: (file) => `${file}: no es un archivo safetensors (su cabecera no es un JSON válido)`,
  headerNotObject: (file) => `${file}: la cabecera no es un objeto JSON`,
  tensorUndescribed: (file, name) => `${file}: el tensor "${name}" no tiene descripción`,
  tensorDtypeUnsupported: (file, name, dtype) => `${file}: el tensor "${name}" tiene un dtype no admitido: ${dtype}`,
  tensorShapeMalformed: (file, name) => `${file}: el tensor "${name}" tiene un shape mal formado`,
  tensorOffsetsMalformed: (file, name) => `${file}: el tensor "${name}" tiene data_offsets mal formados`,
  tensorBytes: (file, name, bytes, shape, dtype) => `${file}: el tensor "${name}": ${bytes} bytes no corresponden a un shape [${shape}] de ${dtype}`,
  truncated: (file, name, end, size) => `${file}: truncado: el tensor "${name}" termina en el byte ${end}, pero el archivo tiene ${size}`,
  noTensor: (file, name) => `${file}: no hay ningún tensor "${name}"`,
  notFloat: (file, name, dtype) => `${file}: el tensor "${name}" es ${dtype}; se esperaba un tensor de coma flotante (F32, F16 o BF16)`,
  notInt32: (file, name, dtype) => `${file}: el tensor "${name}" es ${dtype}; se esperaba I32`,
};

export const { catalog: ioCatalog, say: sayIo } = catalog('io', { en, es });
