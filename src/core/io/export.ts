// A Hugging Face model folder as files, the way `save_pretrained` writes one, so that
// GPT2LMHeadModel.from_pretrained and `gpt2-studio eval` load it as it is.
import * as tf from '@tensorflow/tfjs';
import type { GPT2 } from '../gpt2/model';
import { savedKey } from '../gpt2/weights';
import { writeSafetensors } from './safetensors';
import type { GPT2Tokenizer } from '../tokenizer';

export type FolderFiles = Map<string, Uint8Array>;

export interface ModelMeta {
  rawConfig: Record<string, unknown>;
  generationConfig: Record<string, unknown>;
  tokenizer: GPT2Tokenizer;
}

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v, null, 2) + '\n');
export const jsonFile = json;

/** Reads tensors back (asynchronously) as float32 safetensors under `key(name)`. */
export async function tensorsToSafetensors(tensors: Map<string, tf.Tensor>, key: (name: string) => string = (n) => n, metadata?: Record<string, string>): Promise<Uint8Array> {
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [name, t] of tensors) out[key(name)] = { shape: t.shape, data: (await t.data()) as Float32Array };
  return writeSafetensors(out, metadata);
}

/** config.json, generation_config.json, model.safetensors and the tokenizer files. */
export async function modelFolderFiles(model: GPT2, meta: ModelMeta): Promise<FolderFiles> {
  const files: FolderFiles = new Map();
  files.set('config.json', json({ ...meta.rawConfig, architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', torch_dtype: 'float32' }));
  files.set('generation_config.json', json(meta.generationConfig));
  files.set('model.safetensors', await tensorsToSafetensors(model.params, savedKey));
  for (const [name, text] of Object.entries(meta.tokenizer.files())) if (text !== undefined) files.set(name, new TextEncoder().encode(text));
  return files;
}
