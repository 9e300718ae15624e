// A labelled number field (role spinbutton, named by its label), with its Hugging Face name and a hint beneath.
// The value stays text as typed, so that "5e-" on the way to "5e-5" is not lost; it is read when it is used.
import { useId } from 'react';
import type { NumberField, SettingKey, Settings } from './settings';

interface Props {
  label: string;
  value: string;
  onChange(value: string): void;
  min?: number;
  max?: number;
  step?: number;
  integer?: boolean;
  hf?: string | null;
  hint?: string;
  disabled?: boolean;
}

export function NumberInput({ label, value, onChange, min, max, step, integer, hf, hint, disabled }: Props) {
  const id = useId();
  const described = hf || hint ? `${id}-about` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="number" value={value} min={min} max={max} step={step ?? (integer ? 1 : 'any')} disabled={disabled}
        aria-describedby={described} onChange={(e) => onChange(e.target.value)} />
      {described && (
        <small id={described}>
          {hf && <code>{hf}</code>}{hf && hint && ' · '}{hint}
        </small>
      )}
    </div>
  );
}

/** A field of the training settings. */
export function SettingInput({ field, settings, onSetting, disabled }: { field: NumberField; settings: Settings; onSetting(key: SettingKey, value: string): void; disabled?: boolean }) {
  return (
    <NumberInput label={field.label} value={settings[field.key]} onChange={(v) => onSetting(field.key, v)} min={field.min} max={field.max}
      step={field.step} integer={field.integer} hf={field.hf} hint={field.hint} disabled={disabled} />
  );
}
