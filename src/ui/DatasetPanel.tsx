// The training text: files picked or dropped (or the sample emails), tokenized in the worker with the model's
// tokenizer, grouped into blocks and split. Files given before a model is loaded are kept, and tokenized once one is.
// The preview shows documents as text: an HTML email is shown as its characters, never rendered.
import { useEffect, useEffectEvent, useMemo, useState } from 'react';
import * as Comlink from 'comlink';
import type { Api } from './useWorker';
import type { DatasetOptions, DatasetSummary, DataFile, DatasetFile, ModelInfo, TokenizeProgress } from '../worker/protocol';
import { DOCUMENT_EXTENSIONS } from '../core/data/documents';
import { Alert } from './Alert';
import { DropZone } from './DropZone';
import { SettingInput } from './NumberInput';
import { messageOf, type Wordable } from './format';
import { useI18n } from './i18n/language';
import { readDatasetOptions, type SettingKey, type Settings } from './settings';

const SAMPLE = { name: 'spamassassin-easy-ham.mbox', url: `${import.meta.env.BASE_URL}samples/spamassassin-easy-ham.mbox` };
const ACCEPT = [...DOCUMENT_EXTENSIONS, '.u16'].join(',');

interface Props {
  api: Api;
  model: ModelInfo | null;
  dataset: DatasetSummary | null;
  settings: Settings;
  onSetting(key: SettingKey, value: string): void;
  disabled: boolean;
  onDataset(d: DatasetSummary): void;
}

/** Files to tokenize: read when they are needed (the sample is fetched then). */
interface Pending { names: string[]; files: () => Promise<DatasetFile[]> }

export function DatasetPanel({ api, model, dataset, settings, onSetting, disabled, onDataset }: Props) {
  const { t, f } = useI18n();
  const d = t.dataset;
  const [hasFiles, setHasFiles] = useState(false);
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<TokenizeProgress | null>(null);
  const [error, setError] = useState<Wordable | null>(null);

  // The grouping the settings ask for; null while a field is not a valid number (the form says so on Start).
  const nPositions = model?.config.n_positions ?? 0;
  const blockSizeText = settings.block_size, splitText = settings.validation_split_percentage;
  const options = useMemo((): DatasetOptions | null => {
    try { return readDatasetOptions({ block_size: blockSizeText, validation_split_percentage: splitText }, nPositions, t); } catch { return null; }
  }, [blockSizeText, splitText, nPositions, t]);

  async function tokenize(task: (onProgress: (p: TokenizeProgress) => void) => Promise<DatasetSummary>): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      onDataset(await task(Comlink.proxy(setProgress)));
      return true;
    } catch (e) {
      setError(messageOf(e));
      return false;
    } finally {
      setBusy(false);
      setProgress(null);
    }
  }

  async function add({ files }: Pending, opts: DatasetOptions) {
    if (await tokenize(async (p) => api.loadDataset(await files(), opts, p))) setHasFiles(true);
  }

  /** Without a model there is no tokenizer yet: the files wait for one. */
  function give(files: Pending) {
    setError(null);
    if (!model) setPending(files);
    else if (!options) setError(`${d.badOptions} (${t.fields.block_size.label} ≤ ${nPositions})`);
    else void add(files, options);
  }
  // Kept files are tokenized once a model has loaded (and the settings give valid blocks for it).
  // (api and add do not decide when kept files are read: an effect event)
  const readKept = useEffectEvent((kept: Pending, o: DatasetOptions) => { setPending(null); void add(kept, o); });
  useEffect(() => {
    if (!pending || !model || !options || disabled) return;
    // Read after this render has committed (reading sets state); a newer render's effect replaces this one.
    let current = true;
    queueMicrotask(() => { if (current) readKept(pending, options); });
    return () => { current = false; };
  }, [pending, model, options, disabled]);

  async function sampleFile(): Promise<DataFile[]> {
    const res = await fetch(SAMPLE.url);
    if (!res.ok) throw new Error(`${SAMPLE.url}: HTTP ${res.status}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    return Comlink.transfer([{ name: SAMPLE.name, bytes }], [bytes.buffer]);
  }

  // A new block size, split or model regroups the files (a new model also means a new tokenizer).
  const stale = hasFiles && options !== null && (!dataset
    || dataset.options.blockSize !== options.blockSize || dataset.options.validationSplitPercentage !== options.validationSplitPercentage);
  // (api and tokenize do not decide whether to regroup: an effect event)
  const regroup = useEffectEvent((o: DatasetOptions) => void tokenize((p) => api.regroupDataset(o, p)));
  useEffect(() => {
    if (!stale || busy || disabled || !options) return;
    const timer = setTimeout(() => regroup(options), 400);
    return () => clearTimeout(timer);
  }, [stale, busy, disabled, options]);

  const off = disabled || busy;
  return (
    <>
      <DropZone label={d.files} accept={ACCEPT} disabled={off} onFiles={(files) => give({ names: files.map((x) => x.name), files: async () => files })} onError={setError}>
        {d.filesHint(DOCUMENT_EXTENSIONS.join(' '))}
      </DropZone>
      <div className="row wrap">
        <button type="button" disabled={off} onClick={() => give({ names: [SAMPLE.name], files: sampleFile })}>{d.sample}</button>
        <span className="hint">{d.sampleHint}</span>
      </div>
      <div className="row">
        <SettingInput field="validation_split_percentage" settings={settings} onSetting={onSetting} disabled={disabled} />
      </div>
      {pending && <p className="status" role="status">{d.kept(pending.names.join(', '))}</p>}
      {busy && progress && (
        <div className="row">
          <progress aria-label={d.progress} max={progress.total} value={progress.done} />
          <span className="hint">{progress.stage === 'reading' ? d.reading : d.tokenizing} {f.bytes(progress.done)} / {f.bytes(progress.total)}</span>
        </div>
      )}
      {busy && !progress && <p className="status" role="status">{d.readingFiles}</p>}
      <Alert message={error} />
      {dataset && <DatasetSummaryView dataset={dataset} />}
    </>
  );
}

function DatasetSummaryView({ dataset }: { dataset: DatasetSummary }) {
  const { t, f } = useI18n();
  const d = t.dataset;
  const s = dataset.stats;
  return (
    <>
      <dl className="facts" aria-label={d.stats}>
        <div><dt>{d.filesCount}</dt><dd title={dataset.files.join('\n')}>{f.count(s.files)}</dd></div>
        <div><dt>{d.documents}</dt><dd>{f.count(s.documents)}</dd></div>
        <div><dt>{d.characters}</dt><dd>{f.count(s.characters)}</dd></div>
        <div><dt>{d.tokens}</dt><dd>{f.count(s.tokens)}</dd></div>
        <div><dt>{d.blocks}</dt><dd>{f.count(s.blocks)} × {dataset.options.blockSize}</dd></div>
        <div><dt>{d.split}</dt><dd>{f.count(s.trainBlocks)} / {f.count(s.validationBlocks)}</dd></div>
      </dl>
      {dataset.preview.length > 0 && (
        <details className="preview" open>
          <summary>{d.preview}</summary>
          {/* Each scrolls when long: focusable, so that the keyboard scrolls it too. */}
          {dataset.preview.map((doc, i) => <pre key={i} tabIndex={0}>{doc}</pre>)}
        </details>
      )}
    </>
  );
}
