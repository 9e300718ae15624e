// gpt2-studio generate: text from a prompt, greedy or sampled, streamed or as JSON.
import { generate } from '../core/gpt2/generate';
import { UsageError, type FlagSpecs, type FlagValues, required } from './flags';
import { ADAPTER_FLAG, BACKEND_FLAG, loadModel, startBackend } from './common';

export const summary = 'generate text from a prompt (Hugging Face generate semantics)';
export const flags: FlagSpecs = {
  model_name_or_path: { type: 'string', help: 'Hugging Face model folder' },
  prompt: { type: 'string', help: 'the start string' },
  prompt_ids: { type: 'string', help: 'the prompt as comma-separated token ids (instead of --prompt)' },
  max_new_tokens: { type: 'int', help: 'tokens to generate', default: 20 },
  max_length: { type: 'int', help: 'prompt + generated tokens (used when --max_new_tokens is not given)' },
  do_sample: { type: 'boolean', help: 'sample instead of greedy search', default: false },
  temperature: { type: 'number', help: 'sampling temperature', default: 1 },
  top_k: { type: 'int', help: 'sample among the k most likely tokens (0: all)', default: 50 },
  top_p: { type: 'number', help: 'nucleus sampling: the smallest set of tokens with this much probability', default: 1 },
  seed: { type: 'int', help: 'sampling seed' },
  num_return_sequences: { type: 'int', help: 'sequences to generate', default: 1 },
  logprobs: { type: 'int', help: 'with --json: the K best log-probabilities of each generated position', default: 0 },
  json: { type: 'boolean', help: 'print {"sequences": [{"ids", "text", "logprobs"}]} instead of streaming text', default: false },
  ...ADAPTER_FLAG,
  ...BACKEND_FLAG,
};

export async function run(v: FlagValues, argv: string[]): Promise<void> {
  const dir = required<string>(v, 'model_name_or_path', 'generate');
  if ((v.prompt === undefined) === (v.prompt_ids === undefined)) throw new UsageError('generate: give either --prompt or --prompt_ids');
  const positive = (k: string, min = 1) => { if ((v[k] as number) < min) throw new UsageError(`--${k} must be ≥ ${min}, got ${v[k]}`); };
  positive('num_return_sequences');
  if (!((v.temperature as number) > 0)) throw new UsageError(`--temperature must be > 0, got ${v.temperature}`);
  if (!((v.top_p as number) > 0 && (v.top_p as number) <= 1)) throw new UsageError(`--top_p must be in (0, 1], got ${v.top_p}`);
  await startBackend(v.backend as string);
  const { model, folder } = await loadModel(dir, v.adapter_name_or_path as string | undefined);
  const tok = folder.tokenizer;
  const promptIds = v.prompt_ids !== undefined ? parseIds(v.prompt_ids as string, model.config.vocab_size) : tok.encode(v.prompt as string);
  // --max_length counts the prompt (HF); it applies only when --max_new_tokens is not on the command line.
  const explicitNew = argv.some((a) => a.startsWith('--max_new_tokens') || a.startsWith('--max-new-tokens'));
  const maxNewTokens = v.max_length !== undefined && !explicitNew ? undefined : (v.max_new_tokens as number);
  const streaming = !v.json && v.num_return_sequences === 1;
  const stream = textStream((ids) => tok.decode(ids));
  const seqs = await generate(model, promptIds, {
    maxNewTokens, maxLength: v.max_length as number | undefined,
    doSample: v.do_sample as boolean, temperature: v.temperature as number, topK: v.top_k as number, topP: v.top_p as number,
    seed: v.seed as number | undefined, numReturnSequences: v.num_return_sequences as number,
    logprobs: v.json ? (v.logprobs as number) : 0,
    onToken: streaming ? (_seq, id) => { process.stdout.write(stream(id)); } : undefined,
  });
  if (v.json) {
    console.log(JSON.stringify({ sequences: seqs.map((s) => ({ ids: s.ids, text: tok.decode(s.ids), ...(s.logprobs ? { logprobs: s.logprobs } : {}) })) }));
  } else if (streaming) {
    process.stdout.write(stream(null) + '\n');
  } else {
    seqs.forEach((s, i) => console.log(`=== sequence ${i + 1}\n${tok.decode(s.ids)}`));
  }
}

function parseIds(s: string, vocab: number): number[] {
  const ids = s.split(',').map((x) => Number(x.trim()));
  const bad = ids.findIndex((id) => !Number.isInteger(id) || id < 0 || id >= vocab);
  if (bad >= 0) throw new UsageError(`--prompt_ids: "${s.split(',')[bad]}" is not a token id in [0, ${vocab})`);
  return ids;
}

/**
 * Turns a stream of ids into printable text: a token can end inside a UTF-8 character, so text is held back while
 * the decoding ends in U+FFFD. `null` flushes the rest.
 */
function textStream(decode: (ids: number[]) => string): (id: number | null) => string {
  const ids: number[] = [];
  let printed = 0;
  return (id) => {
    if (id !== null) ids.push(id);
    const text = decode(ids);
    if (id !== null && text.endsWith('\uFFFD')) return '';
    const out = text.slice(printed);
    printed = text.length;
    return out;
  };
}
