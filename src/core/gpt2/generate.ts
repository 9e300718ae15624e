// Text generation with GPT-2, as Hugging Face's `generate` does it for greedy search and sampling: the prompt is
// encoded once into a KV cache, then each step feeds only the newest token. Sampling applies HF's warpers in HF's
// order (temperature, top-k, top-p) and draws from a small seeded PRNG, so a seed reproduces a run on any backend.
// Each step reads back only what it needs (the top candidates), asynchronously: a GPU backend is never stalled by
// dataSync, and the page stays responsive between tokens.
import * as tf from '@tensorflow/tfjs';
import type { GPT2, LayerCache } from './model';
import { mulberry32 } from '../random';

export interface GenerateOptions {
  /** New tokens per sequence; default 20 when maxLength is not given (takes precedence over maxLength, as in HF). */
  maxNewTokens?: number;
  /** HF's max_length: prompt + new tokens. */
  maxLength?: number;
  /** false (default): greedy search. */
  doSample?: boolean;
  /** Sampling warpers, HF's defaults: temperature 1, top_k 50 (0 = off), top_p 1 (off). */
  temperature?: number;
  topK?: number;
  topP?: number;
  /** Seed of the sampling PRNG (default: a random one). */
  seed?: number;
  /** Sequences to generate from the one prompt, as one batch; default 1. */
  numReturnSequences?: number;
  /** A sequence ends after generating this id (included in its ids, as HF). Default: the config's; null: never. */
  eosTokenId?: number | null;
  /** K: record the K best log-probabilities (log_softmax of the raw logits) of each generated position. */
  logprobs?: number;
  /** Default true; false re-encodes the whole window for every token (for benchmarks). */
  useCache?: boolean;
  /** Called for every generated token, in order, for streaming; `top` is its position's logprobs entry (opts.logprobs). */
  onToken?: (seq: number, id: number, top?: Array<{ id: number; logprob: number }>) => void | Promise<void>;
  /** Checked before each token; generation stops early and returns what it has (an AbortSignal fits). */
  signal?: { aborted: boolean };
}

export interface GeneratedSequence {
  /** The new ids only (not the prompt). */
  ids: number[];
  /** With opts.logprobs = K: for each new id, the K best tokens of its position, best first. */
  logprobs?: Array<Array<{ id: number; logprob: number }>>;
}

export async function generate(model: GPT2, promptIds: number[], opts: GenerateOptions = {}): Promise<GeneratedSequence[]> {
  const { n_positions: N, vocab_size: V, bos_token_id, eos_token_id } = model.config;
  // An empty prompt starts from BOS, as HF does when it is given no input_ids.
  const prompt = promptIds.length ? promptIds : [bos_token_id];
  const maxNew = Math.max(0, opts.maxNewTokens ?? (opts.maxLength !== undefined ? opts.maxLength - prompt.length : 20));
  const B = opts.numReturnSequences ?? 1;
  const eos = opts.eosTokenId === undefined ? eos_token_id : opts.eosTokenId;
  const sample = opts.doSample ?? false;
  const temperature = opts.temperature ?? 1;
  const topP = opts.topP ?? 1;
  const K = Math.min(opts.logprobs ?? 0, V);
  if (sample && !(temperature > 0)) throw new Error(`temperature must be > 0, got ${temperature}`);
  // Greedy needs the best token only. Sampling needs the top-k candidates: temperature does not change their order,
  // so taking them before dividing by it is HF's order. Without top-k, every token is a candidate.
  const candidates = !sample ? 1 : opts.topK ? Math.min(opts.topK, V) : opts.topK === 0 ? V : Math.min(50, V);
  // Math.random only picks the seed of an unseeded run; the draws themselves come from the seeded PRNG.
  const rand = mulberry32(opts.seed ?? Math.floor(Math.random() * 2 ** 32));

  const out: GeneratedSequence[] = Array.from({ length: B }, () => (K ? { ids: [], logprobs: [] } : { ids: [] }));
  const tokens = Array.from({ length: B }, () => [...prompt]); // every row: prompt + all generated ids
  const done = new Array<boolean>(B).fill(false);
  const cache: LayerCache[] = [];
  try {
    for (let step = 0; step < maxNew && !opts.signal?.aborted; step++) {
      // What to feed: the latest window when there is no cache (or it is empty), else just the newest token.
      // Past n_positions the positions run out. When the cache is full we keep generating on the latest window:
      // the cache is dropped and the last n_positions/2 tokens are re-encoded, so that the next n_positions/2
      // tokens again take one cheap step each (a sliding window would re-encode the whole window every token).
      const cached = cache[0]?.k.shape[1] ?? 0;
      let window = 1;
      if (opts.useCache === false || cached === 0) window = N;
      else if (cached === N) { disposeCache(cache); window = Math.max(1, N >> 1); }
      const input = tokens.map((t) => t.slice(-window));

      const old = cache.slice();
      const logits = tf.tidy(() => {
        const T = input[0].length;
        const h = model.hidden(tf.tensor2d(input, [B, T], 'int32'), opts.useCache === false ? {} : { cache });
        const last = h.reshape([B, T, -1]).slice([0, T - 1, 0], [B, 1, -1]).reshape([B, -1]) as tf.Tensor2D;
        // The updated cache is made inside this tidy: return it so that it survives.
        return [model.logits(last), ...cache.flatMap((c) => [c.k, c.v])];
      })[0];
      for (const c of old) { c.k.dispose(); c.v.dispose(); } // replaced by the concatenated ones

      const best = tf.topk(logits, candidates);
      const lp = K ? tf.tidy(() => tf.topk(tf.logSoftmax(logits), K)) : undefined;
      logits.dispose();
      const [values, indices, lpValues, lpIndices] = await Promise.all([
        best.values.data(), best.indices.data(), lp?.values.data(), lp?.indices.data(),
      ]);
      tf.dispose([best.values, best.indices, lp?.values, lp?.indices].filter((t) => t !== undefined));

      for (let b = 0; b < B; b++) {
        const row = (a: ArrayLike<number>, n: number) => Array.prototype.slice.call(a, b * n, (b + 1) * n) as number[];
        const vals = row(values, candidates), ids = row(indices, candidates);
        const id = sample ? ids[pick(vals, temperature, topP, rand)] : ids[0];
        tokens[b].push(id); // finished rows keep being fed (the batch stays rectangular); their ids are not kept
        if (done[b]) continue;
        out[b].ids.push(id);
        if (K) {
          const lv = row(lpValues!, K), li = row(lpIndices!, K);
          out[b].logprobs!.push(li.map((tid, i) => ({ id: tid, logprob: lv[i] })));
        }
        if (id === eos) done[b] = true;
        await opts.onToken?.(b, id, out[b].logprobs?.at(-1));
      }
      if (done.every(Boolean)) break;
    }
  } finally {
    disposeCache(cache);
  }
  return out;
}

/**
 * Draws one of the candidates (logits, best first) after HF's temperature and top-p warpers; returns its index.
 * Top-p as HF's TopPLogitsWarper: going from the least likely up, drop tokens while their cumulative probability is
 * <= 1 − top_p; the most likely token is always kept.
 */
function pick(logits: number[], temperature: number, topP: number, rand: () => number): number {
  const max = logits[0] / temperature;
  const p = logits.map((l) => Math.exp(l / temperature - max));
  const sum = p.reduce((a, x) => a + x, 0);
  let keep = p.length;
  if (topP < 1) {
    let cum = 0;
    for (let i = p.length - 1; i > 0; i--) {
      cum += p[i] / sum;
      if (cum > 1 - topP) break;
      keep = i;
    }
  }
  let u = rand() * p.slice(0, keep).reduce((a, x) => a + x, 0);
  for (let i = 0; i < keep; i++) if ((u -= p[i]) < 0) return i;
  return keep - 1; // rounding at the top end
}

function disposeCache(cache: LayerCache[]): void {
  for (const c of cache) { c.k.dispose(); c.v.dispose(); }
  cache.length = 0;
}
