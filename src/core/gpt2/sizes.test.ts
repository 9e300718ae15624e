// New GPT-2 configs as run_clm.py makes them: GPT2Config's defaults, --config_overrides, the studio's sizes.
import { describe, expect, it } from 'vitest';
import { applyConfigOverrides, defaultGPT2ConfigJson, GPT2_SIZES, sizeConfig } from './sizes';
import { parseConfig, countParameters } from './config';

describe('from-scratch configs', () => {
  it('GPT2Config() is openai-community/gpt2: 124,439,808 parameters', () => {
    expect(countParameters(parseConfig(defaultGPT2ConfigJson()))).toBe(124_439_808);
    expect(sizeConfig(GPT2_SIZES.find((s) => s.name === 'gpt2 (124M)')!).parameters).toBe(124_439_808);
    expect(sizeConfig(GPT2_SIZES.find((s) => s.name === 'gpt2-medium (355M)')!).parameters).toBe(354_823_168);
  });

  it('--config_overrides sets keys with the types of their defaults', () => {
    const c = applyConfigOverrides(defaultGPT2ConfigJson(), 'n_embd=128, n_layer=2,resid_pdrop=0.2,scale_attn_weights=false,n_inner=256');
    expect(c).toMatchObject({ n_embd: 128, n_layer: 2, resid_pdrop: 0.2, scale_attn_weights: false, n_inner: 256, n_head: 12 });
  });

  it.each([
    ['n_embd=12.5', '--config_overrides: n_embd must be an integer, got "12.5"'],
    ['n_layers=2', '--config_overrides: GPT2Config has no key "n_layers"'],
    ['n_embd', '--config_overrides: expected key=value pairs separated by commas, got "n_embd"'],
    ['use_cache=maybe', '--config_overrides: use_cache must be true or false, got "maybe"'],
  ])('refuses %s', (overrides, message) => {
    expect(() => applyConfigOverrides(defaultGPT2ConfigJson(), overrides)).toThrow(message);
  });

  it('every size is a valid GPT-2 (n_embd divisible by n_head), smallest first', () => {
    const counts = GPT2_SIZES.map((s) => sizeConfig(s).parameters);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
  });
});
