// A new GPT-2's config, as run_clm.py makes one: `CONFIG_MAPPING["gpt2"]()` (GPT2Config's defaults) with
// `--config_overrides "n_embd=…,n_layer=…"` applied, and the named sizes the studio offers. No TensorFlow.js here:
// the page lists the sizes with their parameter counts.
import { ModelFileError } from '../errors';
import { sayIo } from '../io/messages';
import { sayGPT2 } from './messages';
import { countParameters, parseConfig, type GPT2Config } from './config';

/** config.json of `GPT2Config()`: transformers' defaults, which are openai-community/gpt2's shapes. */
export function defaultGPT2ConfigJson(): Record<string, unknown> {
  return {
    activation_function: 'gelu_new', architectures: ['GPT2LMHeadModel'], attn_pdrop: 0.1, bos_token_id: 50256,
    embd_pdrop: 0.1, eos_token_id: 50256, initializer_range: 0.02, layer_norm_epsilon: 1e-5, model_type: 'gpt2',
    n_embd: 768, n_head: 12, n_inner: null, n_layer: 12, n_positions: 1024, reorder_and_upcast_attn: false,
    resid_pdrop: 0.1, scale_attn_by_inverse_layer_idx: false, scale_attn_weights: true, summary_activation: null,
    summary_first_dropout: 0.1, summary_proj_to_labels: true, summary_type: 'cls_index', summary_use_proj: true,
    torch_dtype: 'float32', use_cache: true, vocab_size: 50257,
  };
}

/**
 * `PretrainedConfig.update_from_string`: "n_embd=10,resid_pdrop=0.2" sets existing keys, each parsed as the type its
 * default has (int, float, bool or string). Unknown keys and values of the wrong type are named in the error.
 */
export function applyConfigOverrides(raw: Record<string, unknown>, overrides: string, where = '--config_overrides'): Record<string, unknown> {
  const out = { ...raw };
  for (const part of overrides.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim(), value = part.slice(eq + 1).trim();
    if (eq < 0 || key === '') throw new ModelFileError(sayGPT2('overridePairs', where, part));
    if (!(key in out)) throw new ModelFileError(sayGPT2('overrideKey', where, key));
    const old = out[key];
    if (typeof old === 'boolean') {
      if (!['true', 'false', '1', '0'].includes(value.toLowerCase())) throw new ModelFileError(sayIo('fieldMustBe', where, key, sayIo('trueOrFalse'), `"${value}"`));
      out[key] = ['true', '1'].includes(value.toLowerCase());
    } else if (typeof old === 'number' || old === null) {
      const n = Number(value);
      if (value === '' || !Number.isFinite(n) || (Number.isInteger(old) && old !== null && !Number.isInteger(n))) {
        throw new ModelFileError(sayIo('fieldMustBe', where, key, sayIo(Number.isInteger(old) ? 'anInteger' : 'aNumber'), `"${value}"`));
      }
      out[key] = n;
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Sizes offered for training from scratch: GPT-2's own shapes and smaller ones that train on a CPU. */
export interface GPT2Size { name: string; overrides: string }

export const GPT2_SIZES: readonly GPT2Size[] = [
  { name: 'nano', overrides: 'n_embd=128,n_layer=2,n_head=2,n_positions=256' },
  { name: 'mini', overrides: 'n_embd=256,n_layer=4,n_head=4,n_positions=256' },
  { name: 'small', overrides: 'n_embd=512,n_layer=6,n_head=8,n_positions=512' },
  { name: 'gpt2 (124M)', overrides: 'n_embd=768,n_layer=12,n_head=12,n_positions=1024' },
  { name: 'gpt2-medium (355M)', overrides: 'n_embd=1024,n_layer=24,n_head=16,n_positions=1024' },
];

/** A size's config with GPT-2's tokenizer (`vocab_size` of the tokenizer, its eos as bos/eos). */
export function sizeConfig(size: GPT2Size, vocabSize = 50257, eosId = vocabSize - 1): { raw: Record<string, unknown>; config: GPT2Config; parameters: number } {
  const raw = applyConfigOverrides(defaultGPT2ConfigJson(), `${size.overrides},vocab_size=${vocabSize},bos_token_id=${eosId},eos_token_id=${eosId}`);
  const config = parseConfig(raw);
  return { raw, config, parameters: countParameters(config) };
}
