// GPT-2's parameters under Hugging Face's names, and the mapping from the keys a checkpoint may use.
// Hugging Face names (without the `transformer.` prefix) are the project's names everywhere: in the model, in
// gradients, optimizer state, checkpoints and the exported model.safetensors.
import type { GPT2Config } from './config';
import { type SafetensorsFile } from '../io/safetensors';
import { ModelFileError } from '../errors';
import { sayGPT2 } from './messages';

/** Every trainable parameter with its shape. Conv1D weights are [in, out], as Hugging Face stores them. */
export function parameterShapes(c: GPT2Config): Map<string, number[]> {
  const C = c.n_embd, I = c.n_inner;
  const shapes = new Map<string, number[]>([['wte.weight', [c.vocab_size, C]], ['wpe.weight', [c.n_positions, C]]]);
  for (let i = 0; i < c.n_layer; i++) {
    const p = `h.${i}.`;
    shapes.set(p + 'ln_1.weight', [C]).set(p + 'ln_1.bias', [C]);
    shapes.set(p + 'attn.c_attn.weight', [C, 3 * C]).set(p + 'attn.c_attn.bias', [3 * C]);
    shapes.set(p + 'attn.c_proj.weight', [C, C]).set(p + 'attn.c_proj.bias', [C]);
    shapes.set(p + 'ln_2.weight', [C]).set(p + 'ln_2.bias', [C]);
    shapes.set(p + 'mlp.c_fc.weight', [C, I]).set(p + 'mlp.c_fc.bias', [I]);
    shapes.set(p + 'mlp.c_proj.weight', [I, C]).set(p + 'mlp.c_proj.bias', [C]);
  }
  shapes.set('ln_f.weight', [C]).set('ln_f.bias', [C]);
  return shapes;
}

/** AdamW groups as Trainer builds them: biases and LayerNorm weights get no weight decay. */
export function decays(name: string): boolean {
  return !(name.endsWith('.bias') || name.includes('ln_'));
}

/** Keys a checkpoint may hold besides the parameters: the causal-mask buffers and the tied head. */
const SKIPPED = /^h\.\d+\.attn\.(bias|masked_bias)$|^lm_head\.weight$/;

/**
 * Reads every parameter from a safetensors file, accepting keys with or without `transformer.` and F32/F16/BF16
 * storage. `lm_head.weight`, when present, is the tied `wte` and is not read. A missing or misshaped tensor is an
 * error naming it, its shape and the expected one.
 */
export function readParameters(file: SafetensorsFile, c: GPT2Config, fileName = 'model.safetensors'): Map<string, Float32Array> {
  const byName = new Map<string, string>();
  for (const key of file.tensors.keys()) {
    const name = key.startsWith('transformer.') ? key.slice('transformer.'.length) : key;
    if (!SKIPPED.test(name)) byName.set(name, key);
  }
  const shapes = parameterShapes(c);
  const out = new Map<string, Float32Array>();
  for (const [name, shape] of shapes) {
    const key = byName.get(name);
    if (key === undefined) throw new ModelFileError(sayGPT2('missingTensor', fileName, name, String(shape)));
    const info = file.tensors.get(key)!;
    if (info.shape.join() !== shape.join()) {
      throw new ModelFileError(sayGPT2('tensorShape', fileName, key, String(info.shape), String(shape)));
    }
    if (info.dtype !== 'F32' && info.dtype !== 'F16' && info.dtype !== 'BF16') {
      throw new ModelFileError(sayGPT2('tensorDtype', fileName, key, info.dtype));
    }
    out.set(name, file.float32(key));
  }
  const unknown = [...byName.keys()].filter((n) => !shapes.has(n));
  if (unknown.length) throw new ModelFileError(sayGPT2('unexpectedTensors', fileName, c.n_layer, unknown.slice(0, 5).join(', ')));
  return out;
}

/** The keys `GPT2LMHeadModel.save_pretrained` writes (the tied lm_head is left out). */
export const savedKey = (name: string) => `transformer.${name}`;
