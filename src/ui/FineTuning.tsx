// The choice between full fine-tuning and LoRA (PEFT), with LoRA's rank and alpha under TRL's flag names, and its
// reading into the LoraConfig of the train request.
import { useId } from 'react';
import { NumberInput } from './NumberInput';
import { DEFAULT_LORA, resolveLora, type LoraConfig } from '../core/train/lora_args';
import { SettingsError } from '../core/train/args';
import { useI18n } from './i18n/language';
import type { Messages } from './i18n/en';

/** The form's state: the method and the two numbers as typed. */
export interface FineTuningChoice { method: 'full' | 'lora'; r: string; alpha: string }

export const DEFAULT_FINE_TUNING: FineTuningChoice = { method: 'full', r: String(DEFAULT_LORA.r), alpha: String(DEFAULT_LORA.lora_alpha) };

/** The field of a LoRA choice that does not hold a valid number, if any. */
function invalidField(c: FineTuningChoice): 'r' | 'alpha' | null {
  const r = Number(c.r), alpha = Number(c.alpha);
  if (c.r.trim() === '' || !Number.isInteger(r) || r < 1) return 'r';
  if (c.alpha.trim() === '' || !(alpha > 0)) return 'alpha';
  return null;
}

/** The LoRA settings of the choice, or null for full fine-tuning and while r or alpha is not valid (the memory estimate's). */
export function loraOrNull(c: FineTuningChoice): LoraConfig | null {
  if (c.method === 'full' || invalidField(c)) return null;
  return resolveLora({ r: Number(c.r), lora_alpha: Number(c.alpha) });
}

/** The LoRA settings of the choice (TRL's defaults for dropout and targets), null for full fine-tuning; a SettingsError names the field. */
export function readFineTuning(c: FineTuningChoice, t: Messages): LoraConfig | null {
  const bad = c.method === 'lora' ? invalidField(c) : null;
  if (bad) throw new SettingsError((bad === 'r' ? t.fineTuning.badR : t.fineTuning.badAlpha)(c[bad].trim() ? c[bad] : ''));
  return loraOrNull(c);
}

interface Props { value: FineTuningChoice; onChange(value: FineTuningChoice): void; disabled: boolean }

export function FineTuning({ value, onChange, disabled }: Props) {
  const id = useId();
  const k = useI18n().t.fineTuning;
  const lora = value.method === 'lora';
  return (
    <fieldset className="fine-tuning" disabled={disabled}>
      <legend>{k.legend}</legend>
      <div className="field check" role="radiogroup" aria-label={k.method}>
        <label>
          <input type="radio" name={`${id}-method`} checked={!lora} onChange={() => onChange({ ...value, method: 'full' })} /> {k.full}
        </label>
        <label>
          <input type="radio" name={`${id}-method`} checked={lora} onChange={() => onChange({ ...value, method: 'lora' })} aria-describedby={`${id}-lora-about`} /> {k.lora}
        </label>
        <small id={`${id}-lora-about`}>
          {k.about[0]}<code>--use_peft</code>{k.about[1]}
        </small>
      </div>
      {lora && (
        <>
          <NumberInput label={k.r.label} value={value.r} onChange={(r) => onChange({ ...value, r })} min={1} integer hf="lora_r" hint={k.r.hint} />
          <NumberInput label={k.alpha.label} value={value.alpha} onChange={(alpha) => onChange({ ...value, alpha })} min={0} step={1} hf="lora_alpha"
            hint={k.alpha.hint} />
        </>
      )}
    </fieldset>
  );
}
