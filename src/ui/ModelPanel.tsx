// Choosing the model: a Hugging Face repo id, a URL base, or the files of a model folder; download progress, retry,
// and the model card. `?model=ID-or-URL` in the page address fills the field and loads it.
import { useEffect, useEffectEvent, useRef, useState } from 'react';
import * as Comlink from 'comlink';
import type { Api } from './useWorker';
import type { BackendState, DownloadProgress, ModelInfo, ModelSource } from '../worker/protocol';
import { Alert } from './Alert';
import { DropZone } from './DropZone';
import { ModelCard } from './ModelCard';
import { readFiles } from './files';
import { formatBytes, formatDuration, messageOf } from './format';

const DEFAULT_MODEL = 'openai-community/gpt2';
const HUB_ID = /^[\w.-]+(\/[\w.-]+)?$/;

/** The model field's text as a source, or an error saying what it should be. */
function parseModelField(text: string): ModelSource {
  const t = text.trim();
  if (/^(https?:\/\/|\/)/i.test(t)) return { kind: 'url', base: t };
  if (HUB_ID.test(t)) return { kind: 'hub', id: t };
  throw new Error(t
    ? `Model: "${t}" is neither a Hugging Face repo id (like ${DEFAULT_MODEL}) nor a URL (https://… or /…)`
    : `Model: enter a Hugging Face repo id (like ${DEFAULT_MODEL}) or a URL`);
}

interface Props {
  api: Api;
  model: ModelInfo | null;
  backend: BackendState | null;
  /** Batch and block size of the settings, for the memory estimate (null while the fields are invalid). */
  shape: { batchSize: number; blockSize: number } | null;
  disabled: boolean;
  onLoaded(info: ModelInfo): void;
}

export function ModelPanel({ api, model, backend, shape, disabled, onLoaded }: Props) {
  const [text, setText] = useState(() => new URLSearchParams(location.search).get('model') ?? DEFAULT_MODEL);
  const [loading, setLoading] = useState(false);
  const [downloads, setDownloads] = useState<Record<string, DownloadProgress>>({});
  const [error, setError] = useState<string | null>(null);
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

  function loadField() {
    try { void load(parseModelField(text)); } catch (e) { setError(messageOf(e)); }
  }

  // ?model= loads once, when the page opens (the ref keeps React's development double-mount from loading twice).
  const autoLoaded = useRef(false);
  const loadOnOpen = useEffectEvent(loadField);
  useEffect(() => {
    if (autoLoaded.current || !new URLSearchParams(location.search).has('model')) return;
    autoLoaded.current = true;
    loadOnOpen();
  }, []);

  const busy = loading || disabled;
  return (
    <section className="panel" aria-labelledby="model-heading">
      <h2 id="model-heading">Model</h2>
      <form className="row" onSubmit={(e) => { e.preventDefault(); loadField(); }}>
        <label htmlFor="model-field">Model</label>
        <input id="model-field" className="grow" type="text" value={text} onChange={(e) => setText(e.target.value)} disabled={busy} spellCheck={false}
          aria-describedby="model-hint" />
        <button type="submit" disabled={busy}>Load model</button>
      </form>
      <p id="model-hint" className="hint">A Hugging Face repo id (files from huggingface.co/ID/resolve/main/), or a URL base starting with https:// or /. Downloads are kept for the next visit.</p>
      <DropZone label="Model files" disabled={busy} onFiles={async (files) => void load({ kind: 'files', files: await readFiles(files) })}>
        …or pick or drop a model folder's files: config.json, model.safetensors and the tokenizer files (tokenizer.json, or vocab.json and merges.txt).
      </DropZone>
      <Downloads downloads={downloads} active={loading} />
      <Alert message={error} />
      {retry && <button type="button" onClick={() => void load(retry)} disabled={busy}>Retry</button>}
      {loading && <p className="status" role="status">Loading the model…</p>}
      {model && <ModelCard model={model} backend={backend} shape={shape} />}
    </section>
  );
}

function Downloads({ downloads, active }: { downloads: Record<string, DownloadProgress>; active: boolean }) {
  const files = Object.values(downloads);
  if (files.length === 0) return null;
  const current = files.find((d) => !d.done);
  return (
    <div className="downloads">
      {active && current && (
        <progress aria-label="Download progress" max={current.total ?? undefined} value={current.total ? current.loaded : undefined} />
      )}
      <ul>
        {files.map((d) => (
          <li key={d.file}>
            <code>{d.file}</code>{' '}
            {d.fromCache ? `${formatBytes(d.loaded)} (from cache)` : (
              <>
                {formatBytes(d.loaded)}{d.total !== null && !d.done && ` / ${formatBytes(d.total)}`}
                {!d.done && ` · ${formatBytes(d.bytesPerSecond)}/s`}
                {!d.done && d.secondsLeft !== null && ` · ${formatDuration(d.secondsLeft)} left`}
                {d.done && ' ✓'}
              </>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
