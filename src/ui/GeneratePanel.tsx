// Generation with the model as it is now (before, during or after training), streamed token by token; hovering or
// focusing a token shows its probability and the five likeliest tokens at its place (GeneratedText). "Compare" runs
// the same request, same seed, on the weights as loaded beside the current ones.
import { useState } from 'react';
import * as Comlink from 'comlink';
import type { Api } from './useWorker';
import type { GeneratedToken, GenerateRequest, ModelInfo } from '../worker/protocol';
import { Alert } from './Alert';
import { GeneratedText, type Output } from './GeneratedText';
import { NumberInput } from './NumberInput';
import { messageOf, type Wordable } from './format';
import { useI18n } from './i18n/language';
import type { Messages } from './i18n/en';

type Fields = Record<'maxNewTokens' | 'temperature' | 'topK' | 'topP' | 'numSequences' | 'seed', string>;

/** The fields, labelled from the catalog (Messages.generate.fields). */
const FIELDS: Array<{ key: keyof Fields; hf: string; integer: boolean; min: number; max?: number; step?: number }> = [
  { key: 'maxNewTokens', hf: 'max_new_tokens', integer: true, min: 1 },
  { key: 'temperature', hf: 'temperature', integer: false, min: 0, step: 0.1 },
  { key: 'topK', hf: 'top_k', integer: true, min: 0 },
  { key: 'topP', hf: 'top_p', integer: false, min: 0, max: 1, step: 0.05 },
  { key: 'numSequences', hf: 'num_return_sequences', integer: true, min: 1, max: 16 },
  { key: 'seed', hf: 'seed', integer: true, min: 0 },
];

const DEFAULTS: Fields = { maxNewTokens: '50', temperature: '1', topK: '50', topP: '1', numSequences: '1', seed: '42' };

/** The fields as numbers, or an error naming the first bad one. */
function readFields(f: Fields, t: Messages): Omit<GenerateRequest, 'prompt' | 'model'> {
  const out = {} as Record<keyof Fields, number>;
  for (const spec of FIELDS) {
    const label = t.generate.fields[spec.key].label;
    const text = f[spec.key].trim(), x = Number(text);
    if (text === '' || !Number.isFinite(x)) throw new Error(t.errors.number(label, ''));
    if (spec.integer && !Number.isInteger(x)) throw new Error(t.errors.whole(label, text));
    if (x < spec.min || (spec.max !== undefined && x > spec.max)) throw new Error(t.errors.between(label, spec.min, spec.max, text));
    out[spec.key] = x;
  }
  if (out.topP === 0) throw new Error(t.errors.topP);
  return out;
}

interface Props {
  api: Api;
  model: ModelInfo | null;
  /** Whether the current weights differ from the loaded ones (a run has taken steps). */
  trained: boolean;
}

export function GeneratePanel({ api, model, trained }: Props) {
  const { t, f } = useI18n();
  const g = t.generate;
  const [prompt, setPrompt] = useState('Hello, my name is');
  const [fields, setFields] = useState<Fields>(DEFAULTS);
  const [compare, setCompare] = useState(false);
  const [outputs, setOutputs] = useState<Output[]>([]);
  const [prompted, setPrompted] = useState('');
  /** Counts the runs: each starts its text afresh (no token focused or hovered, each sequence's Tab stop on its first token). */
  const [runs, setRuns] = useState(0);
  const [busy, setBusy] = useState(false);
  const [speed, setSpeed] = useState<string | null>(null);
  const [error, setError] = useState<Wordable | null>(null);

  async function run() {
    let request: Omit<GenerateRequest, 'model'>;
    try { request = { prompt, ...readFields(fields, t) }; } catch (e) { setError(messageOf(e)); return; }
    const current = { model: 'current' as const, label: trained ? g.fineTuned : g.current };
    const columns: Array<{ model: GenerateRequest['model']; label: string }> = compare ? [{ model: 'base', label: g.asLoaded }, current] : [current];
    setError(null);
    setSpeed(null);
    setBusy(true);
    setPrompted(prompt);
    setRuns((n) => n + 1);
    setOutputs(columns.map((c) => ({ label: c.label, sequences: Array.from({ length: request.numSequences }, () => []) })));
    try {
      let tokens = 0, seconds = 0;
      for (const [i, column] of columns.entries()) {
        const result = await api.generate({ ...request, model: column.model }, Comlink.proxy((t: GeneratedToken) => setOutputs((outs) => outs.map((o, j) => (j !== i ? o : {
          ...o, sequences: o.sequences.map((seq, s) => (s === t.seq ? [...seq, t] : seq)),
        })))));
        tokens += result.tokens;
        seconds += result.seconds;
      }
      setSpeed(g.speed(f.count(tokens), f.number(seconds, 1), f.number(tokens / Math.max(seconds, 1e-3), 1)));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <form onSubmit={(e) => { e.preventDefault(); void run(); }}>
        <div className="field wide">
          <label htmlFor="start-string">{g.prompt}</label>
          <textarea id="start-string" rows={2} value={prompt} onChange={(e) => setPrompt(e.target.value)} />
        </div>
        <div className="row wrap">
          {FIELDS.map((spec) => (
            <NumberInput key={spec.key} label={g.fields[spec.key].label} value={fields[spec.key]} onChange={(v) => setFields((x) => ({ ...x, [spec.key]: v }))}
              min={spec.min} max={spec.max} step={spec.step} integer={spec.integer} hf={spec.hf} hint={g.fields[spec.key].hint} />
          ))}
        </div>
        <div className="row">
          <label className="check"><input type="checkbox" checked={compare} onChange={(e) => setCompare(e.target.checked)} /> {g.compare}</label>
          <button type="submit" className="primary" disabled={!model || busy}>{g.submit}</button>
        </div>
      </form>
      <Alert message={error} />
      {speed && <p className="hint">{speed} {g.explore}</p>}
      <section role="region" aria-label={g.region} aria-busy={busy} className={`generated${outputs.length > 1 ? ' side-by-side' : ''}`}>
        {outputs.length === 0 && <p className="hint">{model ? g.empty : g.noModel}</p>}
        <GeneratedText key={runs} outputs={outputs} prompted={prompted} />
      </section>
    </>
  );
}

