// gpt2-studio eval: the causal-LM loss of a model on a tokens file, as run_clm's evaluation reports it.
import * as tf from '@tensorflow/tfjs';
import { groupTexts, DataError } from '../core/data';
import { required, type FlagSpecs, type FlagValues } from './flags';
import { ADAPTER_FLAG, BACKEND_FLAG, loadModel, readTokens, startBackend } from './common';

export const summary = 'evaluate a model on a tokens file (raw little-endian uint16 ids)';
export const flags: FlagSpecs = {
  model_name_or_path: { type: 'string', help: 'Hugging Face model folder (config.json, model.safetensors, tokenizer files)' },
  tokens_file: { type: 'string', help: 'token ids as raw little-endian uint16 (nanoGPT train.bin format)' },
  block_size: { type: 'int', help: 'tokens per block; the stream is cut into consecutive blocks, a short tail dropped' },
  per_device_eval_batch_size: { type: 'int', help: 'blocks per forward pass', default: 8 },
  ...ADAPTER_FLAG,
  ...BACKEND_FLAG,
};

export async function run(v: FlagValues): Promise<void> {
  const dir = required<string>(v, 'model_name_or_path', 'eval');
  const tokensFile = required<string>(v, 'tokens_file', 'eval');
  const backend = await startBackend(v.backend as string);
  const { model } = await loadModel(dir, v.adapter_name_or_path as string | undefined);
  const blockSize = (v.block_size as number | undefined) ?? model.config.n_positions;
  if (blockSize < 2 || blockSize > model.config.n_positions) throw new DataError(`--block_size must be in [2, ${model.config.n_positions}] (n_positions of ${dir}), got ${blockSize}`);
  const tokens = await readTokens(tokensFile);
  const bad = tokens.findIndex((t) => t >= model.config.vocab_size);
  if (bad >= 0) throw new DataError(`${tokensFile}: token id ${tokens[bad]} at position ${bad} is outside the vocabulary (${model.config.vocab_size})`);
  const { blocks, numBlocks } = groupTexts(tokens, blockSize);
  if (numBlocks === 0) throw new DataError(`${tokensFile}: ${tokens.length} tokens make no block of ${blockSize}`);
  const bs = v.per_device_eval_batch_size as number;
  let sum = 0;
  for (let b = 0; b < numBlocks; b += bs) {
    const n = Math.min(bs, numBlocks - b);
    const s = tf.tidy(() => model.losses(tf.tensor2d(blocks.subarray(b * blockSize, (b + n) * blockSize), [n, blockSize], 'int32')).sum());
    sum += (await s.data())[0];
    s.dispose();
  }
  const eval_loss = sum / (numBlocks * (blockSize - 1));
  console.log(JSON.stringify({ eval_loss, perplexity: Math.exp(eval_loss), num_tokens: numBlocks * blockSize, backend }));
}
