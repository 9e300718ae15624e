// A Hugging Face model folder as files, the way `save_pretrained` writes one, so that
// GPT2LMHeadModel.from_pretrained and `gpt2-studio eval` load it as it is.
import * as tf from '@tensorflow/tfjs';
import type { GPT2 } from '../gpt2/model';
import { savedKey } from '../gpt2/weights';
import { safetensorsLayout } from './safetensors';
import type { GPT2Tokenizer } from '../tokenizer';

export type FolderFiles = Map<string, Uint8Array>;

export interface ModelMeta {
  rawConfig: Record<string, unknown>;
  generationConfig: Record<string, unknown>;
  tokenizer: GPT2Tokenizer;
}

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v, null, 2) + '\n');
export const jsonFile = json;

/**
 * Reads tensors back (asynchronously, one at a time) into a float32 safetensors file under `key(name)`: only the
 * file and one tensor's copy are held at once, not a second copy of every weight.
 */
export async function tensorsToSafetensors(tensors: Map<string, tf.Tensor>, key: (name: string) => string = (n) => n, metadata?: Record<string, string>): Promise<Uint8Array> {
  const layout = safetensorsLayout(Object.fromEntries([...tensors].map(([n, t]) => [key(n), t.shape])), metadata);
  const out = layout.allocate();
  for (const [name, t] of tensors) {
    const d = (await t.data()) as Float32Array;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), layout.dataStart + layout.at.get(key(name))!);
  }
  return out;
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
