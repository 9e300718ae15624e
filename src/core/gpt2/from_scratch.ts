// A new GPT-2 from scratch as the files of a model folder, so that it loads the way every other model does.
import { GPT2 } from './model';
import { parseConfig } from './config';
import { modelFolderFiles } from '../io/export';
import { fileBytes } from '../io/files';
import type { GPT2Tokenizer } from '../tokenizer';

/**
 * The files of a new model folder (config.json, generation_config.json, model.safetensors with GPT-2's
 * initialization, the tokenizer files), so that a model from scratch loads the way every other model does.
 */
export async function newModelFiles(raw: Record<string, unknown>, tokenizer: GPT2Tokenizer, seed = 42): Promise<Map<string, Uint8Array>> {
  const config = parseConfig(raw);
  const model = GPT2.init(config, seed);
  try {
    const files = modelFolderFiles(model, { rawConfig: raw, tokenizer, generationConfig: { bos_token_id: config.bos_token_id, eos_token_id: config.eos_token_id } });
    const out = new Map<string, Uint8Array>();
    for (const [name, data] of files) out.set(name, await fileBytes(data));
    return out;
  } finally {
    model.dispose();
  }
}
