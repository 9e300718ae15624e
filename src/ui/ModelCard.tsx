// The loaded model at a glance, and whether training it with the current settings fits this device.
import type { BackendState, ModelInfo } from '../worker/protocol';
import type { LoraConfig } from '../core/train/lora_args';
import { useI18n } from './i18n/language';
import { fitError, trainingPlan } from './memory';

/** The run's batch and block size, and its LoRA settings (null: every weight trains). */
export interface TrainingShape { batchSize: number; blockSize: number; lora: LoraConfig | null }

interface Props {
  model: ModelInfo;
  backend: BackendState | null;
  shape: TrainingShape | null;
}

export function ModelCard({ model, backend, shape }: Props) {
  const i18n = useI18n();
  const { t, f } = i18n;
  const k = t.card;
  const c = model.config;
  const device = backend?.device ?? null;
  const plan = shape && backend && trainingPlan(c, shape.batchSize, shape.blockSize, backend, shape.lora);
  const memory = plan && plan.estimate;
  const warning = plan && fitError(plan, i18n);
  return (
    <section className="card" aria-label={k.label}>
      <h3>{i18n.word(model.title ?? model.name)}</h3>
      <dl className="facts">
        <div><dt>{k.parameters}</dt><dd title={f.count(model.parameters)}>{f.short(model.parameters)}</dd></div>
        <div><dt>{k.layers}</dt><dd>{c.n_layer}</dd></div>
        <div><dt>{k.heads}</dt><dd>{c.n_head}</dd></div>
        <div><dt>{k.embedding}</dt><dd>{c.n_embd}</dd></div>
        <div><dt>{k.context}</dt><dd>{k.tokens(f.count(c.n_positions))}</dd></div>
        <div><dt>{k.vocabulary}</dt><dd>{f.count(c.vocab_size)}</dd></div>
      </dl>
      {memory && (
        <p className="memory">
          {k.memory(f.bytes(memory.total), f.bytes(memory.state), f.bytes(memory.activations), shape.batchSize, shape.blockSize, plan.recompute, f.bytes(memory.logits))}
          {k.device(device?.memoryGB ?? null, device?.maxBufferSize ? f.bytes(device.maxBufferSize) : null)}
        </p>
      )}
      {warning && <p className="warning" role="status">{k.doesNotFit(warning)}</p>}
    </section>
  );
}
