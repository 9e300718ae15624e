// A Hugging Face model folder as files, the way `save_pretrained` writes one, so that
// GPT2LMHeadModel.from_pretrained and `gpt2-studio eval` load it as it is.
import * as tf from '@tensorflow/tfjs';
import type { GPT2 } from '../gpt2/model';
import { savedKey } from '../gpt2/weights';
import { safetensorsStream } from './safetensors';
import { hostMemory, isHostBackend } from '../backend/host_memory';
import type { GPT2Tokenizer } from '../tokenizer';
import { jsonFile, type ByteStream, type FolderFiles } from './files';

export interface ModelMeta {
  rawConfig: Record<string, unknown>;
  generationConfig: Record<string, unknown>;
  tokenizer: GPT2Tokenizer;
}

/** Floats per piece when a tensor is read back from host memory: 4 MB copies instead of one of the whole tensor. */
const PIECE = 1 << 20;

/**
 * A tensor's data, read back when asked for: on the CPU-side backends a piece at a time, each copied out of the
 * tensor's memory at once (a heap view must not outlive an allocation); on a GPU in one asynchronous read.
 */
async function* tensorData(t: tf.Tensor): AsyncIterable<Float32Array> {
  if (!isHostBackend()) { yield (await t.data()) as Float32Array; return; }
  for (let i = 0; i < t.size; i += PIECE) yield hostMemory(t).slice(i, Math.min(t.size, i + PIECE));
}

/**
 * Tensors as a float32 safetensors stream under `key(name)`, read back only as the stream is written: the tensors
 * must stay as they are until then (the trainer waits for its checkpoint hook).
 */
export function tensorsFile(tensors: Map<string, tf.Tensor>, key: (name: string) => string = (n) => n, metadata?: Record<string, string>): ByteStream {
  return safetensorsStream(new Map([...tensors].map(([n, t]) => [key(n), { shape: t.shape, data: () => tensorData(t) }])), metadata);
}

/** config.json, generation_config.json, model.safetensors (a stream of the model's current weights) and the tokenizer files. */
export function modelFolderFiles(model: GPT2, meta: ModelMeta): FolderFiles {
  const files: FolderFiles = new Map();
  files.set('config.json', jsonFile({ ...meta.rawConfig, architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', torch_dtype: 'float32' }));
  files.set('generation_config.json', jsonFile(meta.generationConfig));
  files.set('model.safetensors', tensorsFile(model.params, savedKey));
  return addTokenizerFiles(files, meta.tokenizer);
}

/** The tokenizer's files added to a folder's (an adapter folder carries them too, as TRL saves them beside it). */
export function addTokenizerFiles(files: FolderFiles, tokenizer: GPT2Tokenizer): FolderFiles {
  for (const [name, text] of Object.entries(tokenizer.files())) if (text !== undefined) files.set(name, new TextEncoder().encode(text));
  return files;
}
