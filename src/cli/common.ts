// What every CLI command shares: the backend flag, loading a model folder, and token files.
import { readFile } from 'node:fs/promises';
import { initBackend, BACKENDS, type BackendChoice } from '../core/backend';
import { readModelFolder, type ModelFolder } from '../core/io/model_folder';
import { GPT2 } from '../core/gpt2/model';
import { loadAdapter } from '../core/io/adapter';
import { dirSource } from '../node/fs_source';
import { readTokenFile } from '../core/data';
import { UsageError, type FlagSpecs } from './flags';
import path from 'node:path';

export const BACKEND_FLAG: FlagSpecs = {
  backend: { type: 'string', help: `TensorFlow.js backend: ${['auto', ...BACKENDS].join(', ')} (Node has wasm and cpu)`, default: 'wasm' },
};

export async function startBackend(choice: string): Promise<string> {
  if (!['auto', ...BACKENDS].includes(choice)) throw new UsageError(`--backend must be one of auto, ${BACKENDS.join(', ')}; got "${choice}"`);
  const report = await initBackend(choice as BackendChoice);
  return report.backend;
}

export const ADAPTER_FLAG: FlagSpecs = {
  adapter_name_or_path: { type: 'string', help: 'a PEFT LoRA adapter folder (adapter_config.json, adapter_model.safetensors) for the model' },
};

/** A model folder, with the LoRA adapter in `adapterDir` on it (unmerged, as PeftModel.from_pretrained serves it). */
export async function loadModel(dir: string, adapterDir?: string): Promise<{ model: GPT2; folder: ModelFolder }> {
  const folder = await readModelFolder(await dirSource(dir));
  const model = GPT2.fromArrays(folder.config, folder.weights);
  if (adapterDir !== undefined) await loadAdapter(model, await dirSource(adapterDir));
  return { model, folder };
}

/** A whole tokens file (any name), each id checked to be below `vocabSize`. */
export async function readTokens(file: string, vocabSize: number): Promise<Uint16Array> {
  const bytes = await readFile(file).catch(() => { throw new UsageError(`${file}: cannot read the tokens file`); });
  return readTokenFile({ name: path.basename(file), bytes: new Uint8Array(bytes) }, vocabSize);
}
