// Choosing the model: a Hugging Face repo id, a URL base, or the files of a model folder; download progress, retry,
// and the model card. `?model=ID-or-URL` in the page address fills the field and loads it.
import { useEffect, useEffectEvent, useRef, useState } from 'react';
import * as Comlink from 'comlink';
import type { Api } from './useWorker';
import type { BackendState, DownloadProgress, ModelInfo, ModelSource } from '../worker/protocol';
import { Alert } from './Alert';
import { DropZone } from './DropZone';
import { KnownModels } from './KnownModels';
import { BUILTIN_MODEL } from '../known_models';
import { ModelCard, type TrainingShape } from './ModelCard';
import { readFiles } from './files';
import { messageOf, type Wordable } from './format';
import { useI18n } from './i18n/language';
import type { Messages } from './i18n/en';

const DEFAULT_MODEL = 'openai-community/gpt2';
const HUB_ID = /^[\w.-]+(\/[\w.-]+)?$/;

/** The model field's text as a source, or an error saying what it should be. */
function parseModelField(text: string, m: Messages['model']): ModelSource {
  const t = text.trim();
  if (t === BUILTIN_MODEL.name) return { kind: 'builtin' };
  if (/^(https?:\/\/|\/)/i.test(t)) return { kind: 'url', base: t };
  if (HUB_ID.test(t)) return { kind: 'hub', id: t };
  throw new Error(t ? m.badField(t, DEFAULT_MODEL) : m.emptyField(DEFAULT_MODEL));
}

interface Props {
  api: Api;
  model: ModelInfo | null;
  backend: BackendState | null;
  /** Batch and block size of the settings, for the memory estimate (null while the fields are invalid). */
  shape: TrainingShape | null;
  disabled: boolean;
  onLoaded(info: ModelInfo): void;
}

export function ModelPanel({ api, model, backend, shape, disabled, onLoaded }: Props) {
  const { t } = useI18n();
  const m = t.model;
  const [text, setText] = useState(() => new URLSearchParams(location.search).get('model') ?? BUILTIN_MODEL.name);
  const [loading, setLoading] = useState(false);
  const [downloads, setDownloads] = useState<Record<string, DownloadProgress>>({});
  const [error, setError] = useState<Wordable | null>(null);
  const [retry, setRetry] = useState<ModelSource | null>(null);

  async function load(source: ModelSource) {
    setLoading(true);
    setError(null);
    setRetry(null);
    setDownloads({});
    try {
      onLoaded(await api.loadModel(source, Comlink.proxy((p: DownloadProgress) => setDownloads((d) => ({ ...d, [p.file]: p })))));
    } catch (e) {
      setError(messageOf(e));
      if (source.kind !== 'files') setRetry(source);
    } finally {
      setLoading(false);
    }
  }

  function loadField(field = text) {
    try { void load(parseModelField(field, m)); } catch (e) { setError(messageOf(e)); }
  }

  // ?model= (or else the built-in model) loads once, when the page opens (the ref keeps React's development
  // double-mount from loading twice).
  const autoLoaded = useRef(false);
  const loadOnOpen = useEffectEvent(loadField);
  useEffect(() => {
    if (autoLoaded.current) return;
    autoLoaded.current = true;
    loadOnOpen();
  }, []);

  const busy = loading || disabled;
  return (
    <>
      <form className="row" onSubmit={(e) => { e.preventDefault(); loadField(); }}>
        <label htmlFor="model-field">{m.field}</label>
        <input id="model-field" className="grow" type="text" value={text} onChange={(e) => setText(e.target.value)} disabled={busy} spellCheck={false}
          aria-describedby="model-hint" />
        <button type="submit" disabled={busy}>{m.load}</button>
      </form>
      <KnownModels disabled={busy} onPick={(name) => { setText(name); loadField(name); }} onNew={(source) => void load(source)} />
      <p id="model-hint" className="hint">{m.hint}</p>
      <DropZone label={m.files} disabled={busy} onFiles={async (files) => void load({ kind: 'files', files: await readFiles(files) })}>
        {m.filesHint}
      </DropZone>
      <Downloads downloads={downloads} active={loading} />
      <Alert message={error} />
      {retry && <button type="button" onClick={() => void load(retry)} disabled={busy}>{m.retry}</button>}
      {loading && <p className="status" role="status">{m.loading}</p>}
      {model && <ModelCard model={model} backend={backend} shape={shape} />}
    </>
  );
}

function Downloads({ downloads, active }: { downloads: Record<string, DownloadProgress>; active: boolean }) {
  const { t, f } = useI18n();
  const m = t.model;
  const files = Object.values(downloads);
  if (files.length === 0) return null;
  const current = files.find((d) => !d.done);
  return (
    <div className="downloads">
      {active && current && (
        <progress aria-label={m.downloadProgress} max={current.total ?? undefined} value={current.total ? current.loaded : undefined} />
      )}
      <ul>
        {files.map((d) => (
          <li key={d.file}>
            <code>{d.file}</code>{' '}
            {d.fromCache ? `${f.bytes(d.loaded)} (${m.fromCache})` : (
              <>
                {f.bytes(d.loaded)}{d.total !== null && !d.done && ` / ${f.bytes(d.total)}`}
                {!d.done && ` · ${m.perSecond(f.bytes(d.bytesPerSecond))}`}
                {!d.done && d.secondsLeft !== null && ` · ${m.left(f.duration(d.secondsLeft))}`}
                {d.done && ' ✓'}
              </>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
