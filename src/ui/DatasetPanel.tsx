// The training text: files picked or dropped (or the sample emails), tokenized in the worker with the model's
// tokenizer, grouped into blocks and split. The preview shows documents as text: an HTML email is shown as its
// characters, never rendered.
import { useEffect, useEffectEvent, useMemo, useState } from 'react';
import * as Comlink from 'comlink';
import type { Api } from './useWorker';
import type { DatasetOptions, DatasetSummary, DataFile, DatasetFile, ModelInfo, TokenizeProgress } from '../worker/protocol';
import { DOCUMENT_EXTENSIONS } from '../core/data/documents';
import { Alert } from './Alert';
import { DropZone } from './DropZone';
import { SettingInput } from './NumberInput';
import { formatBytes, formatCount, messageOf } from './format';
import { FIELDS, readDatasetOptions, type SettingKey, type Settings } from './settings';

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

export function DatasetPanel({ api, model, dataset, settings, onSetting, disabled, onDataset }: Props) {
  const [hasFiles, setHasFiles] = useState(false);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<TokenizeProgress | null>(null);
  const [error, setError] = useState<string | null>(null);

  // The grouping the settings ask for; null while a field is not a valid number (the form says so on Start).
  const nPositions = model?.config.n_positions ?? 0;
  const blockSizeText = settings.block_size, splitText = settings.validation_split_percentage;
  const options = useMemo((): DatasetOptions | null => {
    try { return readDatasetOptions({ block_size: blockSizeText, validation_split_percentage: splitText }, nPositions); } catch { return null; }
  }, [blockSizeText, splitText, nPositions]);

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

  async function add(files: () => Promise<DatasetFile[]>) {
    const opts = options;
    if (!opts) {
      setError(`Block size and Validation %: enter valid numbers first (block size at most ${nPositions})`);
      return;
    }
    if (await tokenize(async (p) => api.loadDataset(await files(), opts, p))) setHasFiles(true);
  }

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

  const off = disabled || busy || !model;
  return (
    <section className="panel" aria-labelledby="dataset-heading">
      <h2 id="dataset-heading">Dataset</h2>
      {!model && <p className="hint">Load a model first: the text is tokenized with its tokenizer.</p>}
      <DropZone label="Dataset files" accept={ACCEPT} disabled={off} onFiles={(files) => void add(async () => files)} onError={setError}>
        Text ({DOCUMENT_EXTENSIONS.join(' ')}) or token ids (.u16). JSON, JSONL and CSV read the "text" column; each email is one document.
      </DropZone>
      <div className="row">
        <button type="button" disabled={off} onClick={() => void add(sampleFile)}>Use sample emails</button>
        <span className="hint">40 messages of the SpamAssassin public corpus (easy ham, CC0).</span>
      </div>
      <div className="row">
        <SettingInput field={FIELDS.validation_split_percentage} settings={settings} onSetting={onSetting} disabled={disabled} />
      </div>
      {busy && progress && (
        <div className="row">
          <progress aria-label="Tokenizing" max={progress.total} value={progress.done} />
          <span className="hint">{progress.stage === 'reading' ? 'Reading' : 'Tokenizing'} {formatBytes(progress.done)} / {formatBytes(progress.total)}</span>
        </div>
      )}
      {busy && !progress && <p className="status" role="status">Reading the files…</p>}
      <Alert message={error} />
      {dataset && <DatasetSummaryView dataset={dataset} />}
    </section>
  );
}

function DatasetSummaryView({ dataset }: { dataset: DatasetSummary }) {
  const s = dataset.stats;
  return (
    <>
      <dl className="facts" aria-label="Dataset statistics">
        <div><dt>Files</dt><dd title={dataset.files.join('\n')}>{formatCount(s.files)}</dd></div>
        <div><dt>Documents</dt><dd>{formatCount(s.documents)}</dd></div>
        <div><dt>Characters</dt><dd>{formatCount(s.characters)}</dd></div>
        <div><dt>Tokens</dt><dd>{formatCount(s.tokens)}</dd></div>
        <div><dt>Blocks</dt><dd>{formatCount(s.blocks)} × {dataset.options.blockSize}</dd></div>
        <div><dt>Train / validation</dt><dd>{formatCount(s.trainBlocks)} / {formatCount(s.validationBlocks)}</dd></div>
      </dl>
      {dataset.preview.length > 0 && (
        <details className="preview" open>
          <summary>First documents</summary>
          {dataset.preview.map((doc, i) => <pre key={i}>{doc}</pre>)}
        </details>
      )}
    </>
  );
}
