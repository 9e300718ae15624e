// LoRA's settings, as PEFT's LoraConfig holds them and TRL's flags name them (--lora_r, --lora_alpha, --lora_dropout,
// --lora_target_modules), checked without TensorFlow.js so that the page reads them too.
import { SettingsError } from './args';
import type { Said } from '../messages';
import { jsonText } from '../io/json';
import { sayIo } from '../io/messages';
import { sayTrain } from './messages';

/** What PEFT's LoraConfig holds for a plain LoRA, under TRL's flag names' meaning. */
export interface LoraConfig {
  r: number;
  lora_alpha: number;
  lora_dropout: number;
  /** Module names or name suffixes, matched as PEFT matches a list (`c_proj` matches attn.c_proj and mlp.c_proj). */
  target_modules: string[];
  /** rsLoRA scales by lora_alpha / √r instead of lora_alpha / r. */
  use_rslora?: boolean;
}

/** TRL's ModelConfig defaults; no target modules means PEFT's default for GPT-2, c_attn. */
export const DEFAULT_LORA: LoraConfig = { r: 16, lora_alpha: 32, lora_dropout: 0.05, target_modules: ['c_attn'] };

/** PEFT's "all-linear" for GPT-2: every Conv1D of the blocks (the tied LM head is left out, as PEFT leaves it). */
const ALL_LINEAR = ['c_attn', 'c_proj', 'c_fc'];

/** Checks a LoRA config, naming the setting (TRL's flag name) and what was expected. */
export function resolveLora(partial: Partial<LoraConfig>): LoraConfig {
  const l = { ...DEFAULT_LORA, ...Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) } as LoraConfig;
  const fail = (flag: string, expected: Said, got: unknown) => { throw new SettingsError(sayTrain('settingMustBe', flag, expected, jsonText(got))); };
  if (!Number.isInteger(l.r) || l.r <= 0) fail('lora_r', sayIo('aPositiveInteger'), l.r);
  if (!(Number.isFinite(l.lora_alpha) && l.lora_alpha > 0)) fail('lora_alpha', sayIo('aNumberAbove0'), l.lora_alpha);
  if (!(l.lora_dropout >= 0 && l.lora_dropout < 1)) fail('lora_dropout', sayIo('inUnitRange'), l.lora_dropout);
  const targets = l.target_modules.flatMap((t) => t.split(',')).map((t) => t.trim()).filter((t) => t !== '');
  if (targets.length === 0) fail('lora_target_modules', sayTrain('loraTargets'), l.target_modules);
  const expanded = targets.includes('all-linear') ? ALL_LINEAR : targets;
  return { ...l, target_modules: [...new Set(expanded)] };
}

