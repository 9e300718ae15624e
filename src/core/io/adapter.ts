// A LoRA adapter folder as PEFT's `save_pretrained` writes one for GPT2LMHeadModel, so that
// `PeftModel.from_pretrained(model, dir)` loads it as it is: adapter_config.json (LoraConfig's fields, sorted, as
// PEFT 0.19.1 dumps them) and adapter_model.safetensors (keys base_model.model.transformer.h.N.<module>.lora_A.weight
// [r, in] and lora_B.weight [out, r], float32, without the adapter's name, as get_peft_model_state_dict saves them).
import { ModelFileError } from '../errors';
import type { Said } from '../messages';
import { jsonText } from './json';
import { sayIo } from './messages';
import type { GPT2Config } from '../gpt2/config';
import { adapterShapes, LoraAdapter } from '../gpt2/lora';
import { resolveLora, type LoraConfig } from '../train/lora_args';
import { GPT2 } from '../gpt2/model';
import { parseSafetensors } from './safetensors';
import { addTokenizerFiles, modelFolderFiles, tensorsFile, type ModelMeta } from './export';
import type { FolderFiles } from './files';
import type { GPT2Tokenizer } from '../tokenizer';
import type { FileSource } from './model_folder';

export const ADAPTER_CONFIG = 'adapter_config.json';
export const ADAPTER_WEIGHTS = 'adapter_model.safetensors';

/** PEFT's key of an adapter tensor named without the prefix (`h.0.attn.c_attn.lora_A.weight`). */
export const adapterKey = (name: string) => `base_model.model.transformer.${name}`;

/** adapter_config.json as PEFT writes it: every LoraConfig field of PEFT 0.19.1, keys sorted, indent 2, no final newline. */
export function adapterConfigJson(l: LoraConfig, baseModelNameOrPath: string | null): string {
  const fields: Record<string, unknown> = {
    alora_invocation_tokens: null, alpha_pattern: {}, arrow_config: null, auto_mapping: null,
    base_model_name_or_path: baseModelNameOrPath, bias: 'none', corda_config: null, ensure_weight_tying: false,
    eva_config: null, exclude_modules: null, fan_in_fan_out: true, inference_mode: true,
    init_lora_weights: true, layer_replication: null, layers_pattern: null, layers_to_transform: null,
    loftq_config: {}, lora_alpha: l.lora_alpha, lora_bias: false, lora_dropout: l.lora_dropout, lora_ga_config: null,
    megatron_config: null, megatron_core: 'megatron.core', modules_to_save: null, peft_type: 'LORA',
    peft_version: '0.19.1', qalora_group_size: 16, r: l.r, rank_pattern: {}, revision: null,
    target_modules: l.target_modules, target_parameters: null, task_type: 'CAUSAL_LM', trainable_token_indices: null,
    use_bdlora: null, use_dora: false, use_qalora: false, use_rslora: l.use_rslora ?? false,
  };
  const sorted = Object.fromEntries(Object.keys(fields).sort().map((k) => [k, fields[k]]));
  // Python writes a float field as a float (lora_dropout 0 is 0.0) and, with json.dumps' ensure_ascii, every
  // non-ASCII character (of a path, say) as a \u escape.
  return JSON.stringify(sorted, null, 2).replace(/("lora_dropout": )(-?\d+)(,?)$/m, '$1$2.0$3')
    .replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/**
 * The two files of an adapter folder (the weights stream from the adapter's tensors when written), and the
 * tokenizer's when given, as TRL saves them beside the adapter.
 */
export function adapterFolderFiles(adapter: LoraAdapter, baseModelNameOrPath: string | null, tokenizer?: GPT2Tokenizer): FolderFiles {
  const files: FolderFiles = new Map();
  files.set(ADAPTER_CONFIG, new TextEncoder().encode(adapterConfigJson(adapter.config, baseModelNameOrPath)));
  files.set(ADAPTER_WEIGHTS, tensorsFile(adapter.params, adapterKey, { format: 'pt' }));
  return tokenizer ? addTokenizerFiles(files, tokenizer) : files;
}

/**
 * The model folder that merge_and_unload() and save_pretrained write for a model with a LoRA adapter: the base
 * weights with the update folded in. `release` frees the merged weights once the files are written.
 */
export function mergedModelFiles(model: GPT2, meta: ModelMeta): { files: FolderFiles; release(): void } {
  if (!model.lora) throw new Error('the model has no LoRA adapter to merge');
  const merged = model.lora.merged(model.params);
  return {
    files: modelFolderFiles(new GPT2(model.config, merged), meta),
    release: () => { for (const [n, t] of merged) if (model.params.get(n) !== t) t.dispose(); },
  };
}

/** An adapter read from its folder: its config, the base model it names, and its tensors under the project's names. */
export interface AdapterFolder {
  config: LoraConfig;
  baseModelNameOrPath: string | null;
  weights: Map<string, Float32Array>;
}

/** Whether a folder holds a PEFT adapter (adapter_config.json) rather than a model. */
export async function isAdapterFolder(src: FileSource): Promise<boolean> {
  return (await src.read(ADAPTER_CONFIG)) !== null;
}

/** Parses adapter_config.json: a plain LoRA for a causal LM on Conv1D layers; anything else is named and refused. */
export function parseAdapterConfig(raw: unknown): { config: LoraConfig; baseModelNameOrPath: string | null } {
  const fail = (said: Said): never => { throw new ModelFileError(said); };
  const mustBe = (key: string, expected: Said, found: unknown) => fail(sayIo('fieldMustBeFound', ADAPTER_CONFIG, key, expected, jsonText(found)));
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(sayIo('notObject', ADAPTER_CONFIG));
  const c = raw as Record<string, unknown>;
  if (c.peft_type !== 'LORA') fail(sayIo('notLora', ADAPTER_CONFIG, jsonText(c.peft_type)));
  if (c.task_type !== undefined && c.task_type !== null && c.task_type !== 'CAUSAL_LM') fail(sayIo('notCausalLm', ADAPTER_CONFIG, jsonText(c.task_type)));
  const unsupported: Array<[string, (v: unknown) => boolean]> = [
    ['use_dora', (v) => v === true], ['bias', (v) => v !== 'none'], ['lora_bias', (v) => v === true],
    ['modules_to_save', (v) => Array.isArray(v) && v.length > 0], ['rank_pattern', (v) => isNonEmptyObject(v)],
    ['alpha_pattern', (v) => isNonEmptyObject(v)], ['layers_to_transform', (v) => v !== null],
    ['use_qalora', (v) => v === true], ['trainable_token_indices', (v) => v !== null],
  ];
  for (const [key, bad] of unsupported) if (c[key] !== undefined && bad(c[key])) fail(sayIo('notPlainLora', ADAPTER_CONFIG, key, jsonText(c[key])));
  if (c.fan_in_fan_out === false) fail(sayIo('fanInFanOut', ADAPTER_CONFIG));
  if (!Number.isInteger(c.r) || (c.r as number) <= 0) mustBe('r', sayIo('aPositiveInteger'), c.r);
  if (typeof c.lora_alpha !== 'number' || !(c.lora_alpha > 0)) mustBe('lora_alpha', sayIo('aNumberAbove0'), c.lora_alpha);
  const dropout = c.lora_dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) mustBe('lora_dropout', sayIo('inUnitRange'), c.lora_dropout);
  const t = c.target_modules;
  if (!(Array.isArray(t) && t.length > 0 && t.every((x) => typeof x === 'string'))) {
    mustBe('target_modules', sayIo('aListOfModuleNames'), t);
  }
  const config = resolveLora({ r: c.r as number, lora_alpha: c.lora_alpha as number, lora_dropout: dropout as number, target_modules: t as string[], use_rslora: c.use_rslora === true });
  const base = typeof c.base_model_name_or_path === 'string' ? c.base_model_name_or_path : null;
  return { config, baseModelNameOrPath: base };
}

const isNonEmptyObject = (v: unknown) => typeof v === 'object' && v !== null && Object.keys(v).length > 0;

/** An adapter folder's adapter_config.json, read and checked (the CLI plans a run's memory with it before any weight is read). */
export async function readAdapterConfig(src: FileSource): Promise<ReturnType<typeof parseAdapterConfig>> {
  const rawConfig = await src.read(ADAPTER_CONFIG);
  if (rawConfig === null) throw new ModelFileError(sayIo('noAdapterConfig', src.location, ADAPTER_CONFIG, ADAPTER_WEIGHTS));
  let raw: unknown;
  try { raw = JSON.parse(new TextDecoder().decode(rawConfig)); } catch (e) { throw new ModelFileError(sayIo('notJson', ADAPTER_CONFIG, (e as Error).message)); }
  return parseAdapterConfig(raw);
}

/**
 * Reads an adapter folder for a base model of config `c`: every tensor its config's target modules call for, with
 * PEFT's key and shape; a missing, misshaped or unexpected tensor is an error naming the file and the key.
 */
export async function readAdapterFolder(src: FileSource, c: GPT2Config): Promise<AdapterFolder> {
  const { config, baseModelNameOrPath } = await readAdapterConfig(src);
  const bytes = await src.read(ADAPTER_WEIGHTS);
  if (bytes === null) {
    const bin = (await src.read('adapter_model.bin')) !== null;
    throw new ModelFileError(sayIo('noAdapterWeights', src.location, ADAPTER_WEIGHTS, bin));
  }
  const file = parseSafetensors(bytes, ADAPTER_WEIGHTS);
  const shapes = adapterShapes(c, config);
  const weights = new Map<string, Float32Array>();
  for (const [name, shape] of shapes) {
    const key = adapterKey(name);
    const info = file.tensors.get(key);
    if (!info) throw new ModelFileError(sayIo('missingAdapterTensor', ADAPTER_WEIGHTS, key, String(shape), ADAPTER_CONFIG));
    if (info.shape.join() !== shape.join()) throw new ModelFileError(sayIo('adapterTensorShape', ADAPTER_WEIGHTS, key, String(info.shape), String(shape), config.r));
    weights.set(name, file.float32(key));
  }
  const expected = new Set([...shapes.keys()].map(adapterKey));
  const unknown = [...file.tensors.keys()].filter((k) => !expected.has(k));
  if (unknown.length) throw new ModelFileError(sayIo('unexpectedAdapterTensors', ADAPTER_WEIGHTS, ADAPTER_CONFIG, c.n_layer, unknown.slice(0, 5).join(', ')));
  return { config, baseModelNameOrPath, weights };
}

/** Reads an adapter folder and puts the adapter on the model (which it then trains, or serves unmerged). */
export async function loadAdapter(model: GPT2, src: FileSource): Promise<AdapterFolder> {
  const a = await readAdapterFolder(src, model.config);
  model.lora?.dispose();
  model.lora = LoraAdapter.fromArrays(model.config, a.config, a.weights);
  return a;
}
