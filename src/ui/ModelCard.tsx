// The loaded model at a glance, and whether training it with the current settings fits this device.
import type { BackendState, ModelInfo } from '../worker/protocol';
import { formatBytes, formatCount, formatShort } from './format';
import { fitError, trainingPlan } from './memory';

interface Props {
  model: ModelInfo;
  backend: BackendState | null;
  shape: { batchSize: number; blockSize: number } | null;
}

export function ModelCard({ model, backend, shape }: Props) {
  const c = model.config;
  const device = backend?.device ?? null;
  const plan = shape && backend && trainingPlan(c, shape.batchSize, shape.blockSize, backend);
  const memory = plan && plan.estimate;
  const warning = plan && fitError(plan);
  return (
    <section className="card" aria-label="Model card">
      <h3>{model.name}</h3>
      <dl className="facts">
        <div><dt>Parameters</dt><dd title={formatCount(model.parameters)}>{formatShort(model.parameters)}</dd></div>
        <div><dt>Layers</dt><dd>{c.n_layer}</dd></div>
        <div><dt>Heads</dt><dd>{c.n_head}</dd></div>
        <div><dt>Embedding</dt><dd>{c.n_embd}</dd></div>
        <div><dt>Context</dt><dd>{formatCount(c.n_positions)} tokens</dd></div>
        <div><dt>Vocabulary</dt><dd>{formatCount(c.vocab_size)}</dd></div>
      </dl>
      {memory && (
        <p className="memory">
          Training memory ≈ <strong>{formatBytes(memory.total)}</strong>: weights, gradients and AdamW moments {formatBytes(memory.state)} (16 B per parameter),
          activations {formatBytes(memory.activations)} (batch {shape.batchSize} × block {shape.blockSize}{plan.recompute ? ', recomputed block by block' : ''}), logits {formatBytes(memory.logits)}.
          {' '}This device: {device?.memoryGB ? `about ${device.memoryGB} GB of memory (navigator.deviceMemory)` : 'memory not reported'}
          {device?.maxBufferSize ? `; largest GPU buffer ${formatBytes(device.maxBufferSize)}` : ''}.
        </p>
      )}
      {warning && <p className="warning" role="status">Does not fit: {warning}.</p>}
    </section>
  );
}
