// The subset of Hugging Face's GPT2Config that decides GPT-2's shapes and behaviour, read from config.json.
import { ModelFileError } from '../errors';
import type { Said } from '../messages';
import { jsonText } from '../io/json';
import { sayIo } from '../io/messages';
import { sayGPT2 } from './messages';

export interface GPT2Config {
  vocab_size: number;
  n_positions: number;
  n_embd: number;
  n_layer: number;
  n_head: number;
  /** MLP width; HF's `n_inner: null` means 4 × n_embd. */
  n_inner: number;
  layer_norm_epsilon: number;
  activation_function: 'gelu_new';
  embd_pdrop: number;
  attn_pdrop: number;
  resid_pdrop: number;
  initializer_range: number;
  bos_token_id: number;
  eos_token_id: number;
}

/** Validates a parsed config.json; `raw` is kept by the caller to write it back unchanged on export. */
export function parseConfig(raw: unknown, fileName = 'config.json'): GPT2Config {
  const fail = (said: Said): never => { throw new ModelFileError(said); };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(sayIo('notObject', fileName));
  const c = raw as Record<string, unknown>;
  const mustBe = (key: string, expected: Said) => fail(sayIo('fieldMustBeFound', fileName, key, expected, jsonText(c[key])));
  if (c.model_type !== undefined && c.model_type !== 'gpt2') {
    fail(sayGPT2('notGpt2', fileName, jsonText(c.model_type)));
  }
  const int = (key: string, dflt?: number): number => {
    const v = c[key] ?? dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) mustBe(key, sayIo('aPositiveInteger'));
    return v as number;
  };
  const num = (key: string, dflt: number, lo = 0, hi = 1): number => {
    const v = c[key] ?? dflt;
    if (typeof v !== 'number' || !(v >= lo && v <= hi)) mustBe(key, sayIo('aNumberIn', lo, hi));
    return v as number;
  };
  const act = c.activation_function ?? 'gelu_new';
  if (act !== 'gelu_new') fail(sayGPT2('activation', fileName, jsonText(act)));
  const n_embd = int('n_embd', 768);
  const n_head = int('n_head', 12);
  if (n_embd % n_head !== 0) fail(sayGPT2('headsDoNotDivide', fileName, n_embd, n_head));
  const vocab_size = int('vocab_size', 50257);
  return {
    vocab_size,
    n_positions: int('n_positions', 1024),
    n_embd,
    n_layer: int('n_layer', 12),
    n_head,
    n_inner: c.n_inner == null ? 4 * n_embd : int('n_inner'),
    layer_norm_epsilon: num('layer_norm_epsilon', 1e-5, 0, 1),
    activation_function: 'gelu_new',
    embd_pdrop: num('embd_pdrop', 0.1),
    attn_pdrop: num('attn_pdrop', 0.1),
    resid_pdrop: num('resid_pdrop', 0.1),
    initializer_range: num('initializer_range', 0.02),
    bos_token_id: typeof c.bos_token_id === 'number' ? c.bos_token_id : vocab_size - 1,
    eos_token_id: typeof c.eos_token_id === 'number' ? c.eos_token_id : vocab_size - 1,
  };
}

/** Parameter count with the tied LM head counted once, as `model.num_parameters()` reports it. */
export function countParameters(c: GPT2Config): number {
  const C = c.n_embd, I = c.n_inner;
  const block = 2 * 2 * C + (C * 3 * C + 3 * C) + (C * C + C) + (C * I + I) + (I * C + C);
  return c.vocab_size * C + c.n_positions * C + c.n_layer * block + 2 * C;
}
