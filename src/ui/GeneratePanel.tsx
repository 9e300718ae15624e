// Generation with the model as it is now (before, during or after training), streamed token by token; hovering a
// token shows its probability and the five likeliest tokens at its place. "Compare" runs the same request, same
// seed, on the weights as loaded beside the current ones.
import { useState } from 'react';
import * as Comlink from 'comlink';
import type { Api } from './useWorker';
import type { GeneratedToken, GenerateRequest, ModelInfo } from '../worker/protocol';
import { Alert } from './Alert';
import { NumberInput } from './NumberInput';
import { formatPercent, messageOf } from './format';

type Fields = Record<'maxNewTokens' | 'temperature' | 'topK' | 'topP' | 'numSequences' | 'seed', string>;

const FIELDS: Array<{ key: keyof Fields; label: string; hf: string; integer: boolean; min: number; max?: number; step?: number; hint?: string }> = [
  { key: 'maxNewTokens', label: 'Max length', hf: 'max_new_tokens', integer: true, min: 1, hint: 'new tokens' },
  { key: 'temperature', label: 'Temperature', hf: 'temperature', integer: false, min: 0, step: 0.1, hint: '0: greedy' },
  { key: 'topK', label: 'Top-k', hf: 'top_k', integer: true, min: 0, hint: '0: off' },
  { key: 'topP', label: 'Top-p', hf: 'top_p', integer: false, min: 0, max: 1, step: 0.05 },
  { key: 'numSequences', label: 'Number of sequences', hf: 'num_return_sequences', integer: true, min: 1, max: 16 },
  { key: 'seed', label: 'Generation seed', hf: 'seed', integer: true, min: 0 },
];

const DEFAULTS: Fields = { maxNewTokens: '50', temperature: '1', topK: '50', topP: '1', numSequences: '1', seed: '42' };

/** The fields as numbers, or an error naming the first bad one. */
function readFields(f: Fields): Omit<GenerateRequest, 'prompt' | 'model'> {
  const out = {} as Record<keyof Fields, number>;
  for (const spec of FIELDS) {
    const text = f[spec.key].trim(), x = Number(text);
    if (text === '' || !Number.isFinite(x)) throw new Error(`${spec.label}: enter a number`);
    if (spec.integer && !Number.isInteger(x)) throw new Error(`${spec.label}: enter a whole number, not ${text}`);
    if (x < spec.min || (spec.max !== undefined && x > spec.max)) throw new Error(`${spec.label}: must be from ${spec.min}${spec.max !== undefined ? ` to ${spec.max}` : ' up'}, got ${text}`);
    out[spec.key] = x;
  }
  if (out.topP === 0) throw new Error('Top-p: must be above 0 (1 turns it off)');
  return out;
}

interface Output { label: string; sequences: GeneratedToken[][] }

interface Props {
  api: Api;
  model: ModelInfo | null;
  /** Whether the current weights differ from the loaded ones (a run has taken steps). */
  trained: boolean;
}

export function GeneratePanel({ api, model, trained }: Props) {
  const [prompt, setPrompt] = useState('Hello, my name is');
  const [fields, setFields] = useState<Fields>(DEFAULTS);
  const [compare, setCompare] = useState(false);
  const [outputs, setOutputs] = useState<Output[]>([]);
  const [prompted, setPrompted] = useState('');
  const [busy, setBusy] = useState(false);
  const [speed, setSpeed] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run() {
    let request: Omit<GenerateRequest, 'model'>;
    try { request = { prompt, ...readFields(fields) }; } catch (e) { setError(messageOf(e)); return; }
    const columns: Array<{ model: GenerateRequest['model']; label: string }> = compare
      ? [{ model: 'base', label: 'As loaded' }, { model: 'current', label: trained ? 'Fine-tuned' : 'Current' }]
      : [{ model: 'current', label: trained ? 'Fine-tuned' : 'Current' }];
    setError(null);
    setSpeed(null);
    setBusy(true);
    setPrompted(prompt);
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
      setSpeed(`${tokens} tokens in ${seconds.toFixed(1)} s (${(tokens / Math.max(seconds, 1e-3)).toFixed(1)} tokens/s)`);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="generate-heading">
      <h2 id="generate-heading">Generation</h2>
      <form onSubmit={(e) => { e.preventDefault(); void run(); }}>
        <div className="field wide">
          <label htmlFor="start-string">Start string</label>
          <textarea id="start-string" rows={2} value={prompt} onChange={(e) => setPrompt(e.target.value)} />
        </div>
        <div className="row wrap">
          {FIELDS.map((f) => (
            <NumberInput key={f.key} label={f.label} value={fields[f.key]} onChange={(v) => setFields((x) => ({ ...x, [f.key]: v }))}
              min={f.min} max={f.max} step={f.step} integer={f.integer} hf={f.hf} hint={f.hint} />
          ))}
        </div>
        <div className="row">
          <label className="check"><input type="checkbox" checked={compare} onChange={(e) => setCompare(e.target.checked)} /> Compare with the model as loaded</label>
          <button type="submit" className="primary" disabled={!model || busy}>Generate</button>
        </div>
      </form>
      <Alert message={error} />
      {speed && <p className="hint">{speed}</p>}
      <section role="region" aria-label="Generated text" aria-busy={busy} className={`generated${outputs.length > 1 ? ' side-by-side' : ''}`}>
        {outputs.length === 0 && <p className="hint">{model ? 'Generated text streams in here. Hover a token for its probability and alternatives.' : 'Load a model to generate.'}</p>}
        {outputs.map((o) => (
          <div key={o.label} className="output">
            {outputs.length > 1 && <h3>{o.label}</h3>}
            {o.sequences.map((tokens, s) => (
              <p key={s} className="sequence">
                <span className="prompt">{prompted}</span>
                {tokens.map((t, i) => <span key={i} className="token" title={describeToken(t)}>{t.text}</span>)}
              </p>
            ))}
          </div>
        ))}
      </section>
    </section>
  );
}

/** The tooltip of a token: its probability and the five likeliest tokens at its place. */
function describeToken(t: GeneratedToken): string {
  const p = t.prob === null ? 'outside the top 5' : formatPercent(t.prob);
  return `${JSON.stringify(t.text)}: ${p}\n${t.alternatives.map((a) => `${JSON.stringify(a.text)} ${formatPercent(a.prob)}`).join('\n')}`;
}
