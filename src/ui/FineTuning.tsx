// The choice between full fine-tuning and LoRA (PEFT), with LoRA's rank and alpha under TRL's flag names, and its
// reading into the LoraConfig of the train request.
import { useId } from 'react';
import { NumberInput } from './NumberInput';
import { DEFAULT_LORA, resolveLora, type LoraConfig } from '../core/train/lora_args';
import { SettingsError } from '../core/train/args';

/** The form's state: the method and the two numbers as typed. */
export interface FineTuningChoice { method: 'full' | 'lora'; r: string; alpha: string }

export const DEFAULT_FINE_TUNING: FineTuningChoice = { method: 'full', r: String(DEFAULT_LORA.r), alpha: String(DEFAULT_LORA.lora_alpha) };

/** The LoRA settings of the choice (TRL's defaults for dropout and targets), null for full fine-tuning; a SettingsError names the field. */
export function readFineTuning(c: FineTuningChoice): LoraConfig | null {
  if (c.method === 'full') return null;
  const r = Number(c.r), alpha = Number(c.alpha);
  if (c.r.trim() === '' || !Number.isInteger(r) || r < 1) throw new SettingsError(`LoRA r: enter a whole number of at least 1${c.r.trim() ? `, not "${c.r}"` : ''}`);
  if (c.alpha.trim() === '' || !(alpha > 0)) throw new SettingsError(`LoRA alpha: enter a number above 0${c.alpha.trim() ? `, not "${c.alpha}"` : ''}`);
  return resolveLora({ r, lora_alpha: alpha });
}

/** The LoRA settings of the choice, or null for full fine-tuning and while r or alpha is not valid (the memory estimate's). */
export function loraOrNull(c: FineTuningChoice): LoraConfig | null {
  try { return readFineTuning(c); } catch { return null; }
}

interface Props { value: FineTuningChoice; onChange(value: FineTuningChoice): void; disabled: boolean }

export function FineTuning({ value, onChange, disabled }: Props) {
  const id = useId();
  const lora = value.method === 'lora';
  return (
    <fieldset className="fine-tuning" disabled={disabled}>
      <legend>Fine-tuning</legend>
      <div className="field check" role="radiogroup" aria-label="Fine-tuning method">
        <label>
          <input type="radio" name={`${id}-method`} checked={!lora} onChange={() => onChange({ ...value, method: 'full' })} /> Full fine-tuning
        </label>
        <label>
          <input type="radio" name={`${id}-method`} checked={lora} onChange={() => onChange({ ...value, method: 'lora' })} aria-describedby={`${id}-lora-about`} /> LoRA
        </label>
        <small id={`${id}-lora-about`}>
          LoRA trains small adapters beside the frozen model (<code>--use_peft</code>): far less memory, and an adapter of a few MB to export.
        </small>
      </div>
      {lora && (
        <>
          <NumberInput label="LoRA r" value={value.r} onChange={(r) => onChange({ ...value, r })} min={1} integer hf="lora_r" hint="the adapters' rank" />
          <NumberInput label="LoRA alpha" value={value.alpha} onChange={(alpha) => onChange({ ...value, alpha })} min={0} step={1} hf="lora_alpha"
            hint="updates are scaled by alpha / r" />
        </>
      )}
    </fieldset>
  );
}
