// The backend combobox: which backends this browser offers, the one in use, and why not the others.
import { useId } from 'react';
import { BACKEND_CHOICES, BACKEND_LABELS as NAMES, type BackendChoice, type BackendState } from '../worker/protocol';

interface Props {
  backend: BackendState | null;
  disabled: boolean;
  onChoose(choice: BackendChoice): void;
}

/** wasm's threads; a single one is explained: wasm threads need SharedArrayBuffer, which only an isolated page has. */
function threadsNote(threads: number): string {
  if (threads > 1) return `${threads} threads`;
  return globalThis.crossOriginIsolated ? '1 thread'
    : 'single-threaded: this page is not cross-origin isolated (its server sends no COOP/COEP headers), so WebAssembly threads are off';
}

export function BackendSelect({ backend, disabled, onChoose }: Props) {
  const id = useId();
  const active = backend?.report.backend;
  const unavailable = backend?.offers.filter((o) => !o.ok) ?? [];
  return (
    <div className="field backend">
      <label htmlFor={id}>Backend</label>
      <select id={id} value={backend?.choice ?? 'auto'} disabled={disabled || !backend} aria-describedby={`${id}-about`}
        onChange={(e) => onChoose(e.target.value as BackendChoice)}>
        {BACKEND_CHOICES.map((c) => {
          const offer = backend?.offers.find((o) => o.backend === c);
          return (
            <option key={c} value={c} disabled={offer?.ok === false}>
              {NAMES[c]}{c === 'auto' && active ? ` (${NAMES[active]})` : ''}{offer?.ok === false ? ' — not available' : ''}
            </option>
          );
        })}
      </select>
      <small id={`${id}-about`}>
        {!backend ? 'Starting the backends…' : (
          <>
            Running on <strong>{NAMES[backend.report.backend]}</strong>
            {backend.report.backend === 'webgpu' && backend.device.adapter ? ` (${backend.device.adapter})` : ''}
            {backend.report.threads !== undefined ? ` (${threadsNote(backend.report.threads)})` : ''}.
            {backend.report.skipped.map((s) => ` Not ${NAMES[s.backend]}: ${s.reason}.`).join('')}
            {unavailable.filter((o) => !backend.report.skipped.some((s) => s.backend === o.backend)).map((o) => ` ${NAMES[o.backend]} is not available: ${o.reason}.`).join('')}
          </>
        )}
      </small>
    </div>
  );
}
