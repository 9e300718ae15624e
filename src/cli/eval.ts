// gpt2-studio eval: the causal-LM loss of a model on held-out data, as run_clm.py --do_eval reports it. The data is
// read as `train` reads its --validation_file (any format, the same text flags), or given as token ids.
import * as tf from '@tensorflow/tfjs';
import { groupFiles, tokenizeFiles } from '../core/data';
import { required, UsageError, type FlagSpecs, type FlagValues } from './flags';
import { ADAPTER_FLAG, BACKEND_FLAG, loadModel, readTokens, startBackend } from './common';
import { TEXT_FLAGS, blockSizeOf, openDataFiles, readOptions } from './data_flags';

export const summary = 'evaluate a model on held-out files (any format train reads) or a tokens file';
export const flags: FlagSpecs = {
  model_name_or_path: { type: 'string', help: 'Hugging Face model folder (config.json, model.safetensors, tokenizer files)' },
  validation_file: { type: 'list', help: '.txt .jsonl .json .csv .mbox .eml or .u16 files, read as train reads them' },
  tokens_file: { type: 'string', help: 'token ids as raw little-endian uint16, whatever the file is called (nanoGPT train.bin format)' },
  ...TEXT_FLAGS,
  block_size: { type: 'int', help: 'tokens per block; the stream is cut into consecutive blocks, a short tail dropped (default: min(1024, n_positions), as train)' },
  per_device_eval_batch_size: { type: 'int', help: 'blocks per forward pass', default: 8 },
  ...ADAPTER_FLAG,
  ...BACKEND_FLAG,
};

export async function run(v: FlagValues): Promise<void> {
  const dir = required<string>(v, 'model_name_or_path', 'eval');
  const tokensFile = v.tokens_file as string | undefined;
  if ((tokensFile === undefined) === (v.validation_file === undefined)) throw new UsageError('eval: give --validation_file or --tokens_file (one of them)');
  const backend = await startBackend(v.backend as string);
  const { model, folder } = await loadModel(dir, v.adapter_name_or_path as string | undefined);
  const blockSize = blockSizeOf(v, model.config.n_positions);
  let ids: ArrayLike<number>, files: Array<{ name: string }>;
  if (tokensFile === undefined) {
    const validation = await openDataFiles(v.validation_file);
    ({ ids } = await tokenizeFiles(validation, folder.tokenizer, readOptions(v)));
    files = validation;
  } else {
    ids = await readTokens(tokensFile, model.config.vocab_size);
    files = [{ name: tokensFile }];
  }
  const { blocks, numBlocks } = groupFiles(ids, blockSize, files);
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
