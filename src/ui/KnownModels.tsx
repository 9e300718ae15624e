// The models one choice away, beside the Model field: the built-in one (no download) and GPT-2 checkpoints of the
// Hugging Face hub with their download sizes, and a new GPT-2 of a chosen size to train from scratch.
import { useId, useState } from 'react';
import { BUILTIN_MODEL, HUB_MODELS } from '../known_models';
import { GPT2_SIZES, sizeConfig } from '../core/gpt2/sizes';
import { useI18n } from './i18n/language';
import type { ModelSource } from '../worker/protocol';

interface Props {
  disabled: boolean;
  /** A model chosen by name: it goes into the Model field and loads. */
  onPick(name: string): void;
  onNew(source: ModelSource & { kind: 'scratch' }): void;
}

export function KnownModels({ disabled, onPick, onNew }: Props) {
  const { t, f } = useI18n();
  const m = t.model;
  const id = useId();
  const [size, setSize] = useState(GPT2_SIZES[0].name);
  const chosen = GPT2_SIZES.find((s) => s.name === size)!;
  return (
    <div className="row wrap known-models">
      <div className="field">
        <label htmlFor={`${id}-known`}>{m.known}</label>
        <select id={`${id}-known`} value="" disabled={disabled} onChange={(e) => { if (e.target.value) onPick(e.target.value); }}>
          <option value="">{m.choose}</option>
          <option value={BUILTIN_MODEL.name}>{m.builtin(BUILTIN_MODEL.name, f.bytes(BUILTIN_MODEL.bytes))}</option>
          {HUB_MODELS.map((h) => <option key={h.id} value={h.id}>{m.hubModel(h.id, h.parameters, f.bytes(h.bytes))}</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-size`}>{m.newSize}</label>
        <select id={`${id}-size`} value={size} disabled={disabled} onChange={(e) => setSize(e.target.value)}>
          {GPT2_SIZES.map((s) => <option key={s.name} value={s.name}>{m.sizeOption(s.name, f.short(sizeConfig(s).parameters))}</option>)}
        </select>
      </div>
      <button type="button" disabled={disabled} onClick={() => onNew({ kind: 'scratch', name: chosen.name, overrides: chosen.overrides })}>
        {m.fromScratch}
      </button>
    </div>
  );
}
