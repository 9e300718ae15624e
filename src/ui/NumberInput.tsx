// A labelled number field (role spinbutton, named by its label), with its Hugging Face name and a hint beneath.
// The value stays text as typed, so that "5e-" on the way to "5e-5" is not lost; it is read when it is used.
import { useId } from 'react';
import { useI18n } from './i18n/language';
import { FIELDS, type FieldKey, type NumberField, type SettingKey, type Settings } from './settings';

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

/** A field of the training settings, labelled in the page's language. */
export function SettingInput({ field: key, settings, onSetting, disabled }: { field: FieldKey; settings: Settings; onSetting(key: SettingKey, value: string): void; disabled?: boolean }) {
  const { t } = useI18n();
  const field: NumberField = FIELDS[key], text = t.fields[key];
  return (
    <NumberInput label={text.label} value={settings[key]} onChange={(v) => onSetting(key, v)} min={field.min} max={field.max}
      step={field.step} integer={field.integer} hf={field.hf} hint={text.hint} disabled={disabled} />
  );
}
