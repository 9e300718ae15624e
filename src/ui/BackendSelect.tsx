// The backend combobox: which backends this browser offers, the one in use, and why not the others.
import { useId } from 'react';
import { BACKEND_CHOICES, type BackendChoice, type BackendState } from '../worker/protocol';
import { useI18n } from './i18n/language';

interface Props {
  backend: BackendState | null;
  disabled: boolean;
  onChoose(choice: BackendChoice): void;
}

export function BackendSelect({ backend, disabled, onChoose }: Props) {
  const { t, word } = useI18n();
  const b = t.backends, names = b.names;
  const id = useId();
  const active = backend?.report.backend;
  const unavailable = backend?.offers.filter((o) => !o.ok) ?? [];
  return (
    <div className="field backend">
      <label htmlFor={id}>{b.label}</label>
      <select id={id} value={backend?.choice ?? 'auto'} disabled={disabled || !backend} aria-describedby={`${id}-about`}
        onChange={(e) => onChoose(e.target.value as BackendChoice)}>
        {BACKEND_CHOICES.map((c) => {
          const offer = backend?.offers.find((o) => o.backend === c);
          return (
            <option key={c} value={c} disabled={offer?.ok === false}>
              {names[c]}{c === 'auto' && active ? ` (${names[active]})` : ''}{offer?.ok === false ? ` — ${b.notAvailable}` : ''}
            </option>
          );
        })}
      </select>
      <small id={`${id}-about`}>
        {!backend ? b.starting : (
          <>
            {b.runningOn} <strong>{names[backend.report.backend]}</strong>
            {backend.report.backend === 'webgpu' && backend.device.adapter ? ` (${backend.device.adapter})` : ''}
            {backend.report.threads !== undefined ? ` (${b.threads(backend.report.threads, globalThis.crossOriginIsolated)})` : ''}.
            {backend.report.skipped.map((s) => b.skipped(names[s.backend], word(s.reason))).join('')}
            {unavailable.filter((o) => !backend.report.skipped.some((s) => s.backend === o.backend)).map((o) => b.unavailable(names[o.backend], o.reason ? word(o.reason) : '')).join('')}
          </>
        )}
      </small>
    </div>
  );
}
