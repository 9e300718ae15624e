// One line that says where things stand: the run's status, a progress bar, tokens/s and time left, and the backend,
// model and dataset it runs on. It stays in view at the top of wide screens while the page scrolls.
import type { BackendState, DatasetSummary, ModelInfo, Progress } from '../worker/protocol';
import { useI18n } from './i18n/language';
import type { TrainingStatus } from './useTraining';

interface Props {
  status: TrainingStatus;
  progress: Progress | null;
  backend: BackendState | null;
  model: ModelInfo | null;
  dataset: DatasetSummary | null;
}

export function StatusBar({ status, progress: p, backend, model, dataset }: Props) {
  const { t, f, word } = useI18n();
  const s = t.statusBar;
  return (
    <section className="statusbar" aria-label={s.label}>
      <div className="progress">
        <p className="stats">
          <strong>{t.status[status]}</strong>
          {p && (
            <>
              {' · '}{s.step(f.count(p.step), f.count(p.maxSteps))} · {s.epoch(f.number(p.epoch))} · {s.speed(f.count(Math.round(p.tokensPerSecond)))}
              {' · '}{p.step < p.maxSteps && status === 'running' ? s.left(f.duration(p.eta)) : s.elapsed(f.duration(p.elapsed))}
            </>
          )}
        </p>
        <progress aria-label={s.progress} max={p?.maxSteps ?? 1} value={p?.step ?? 0} />
      </div>
      <dl className="context">
        <div><dt>{s.backend}</dt><dd>{backend ? t.backends.names[backend.report.backend] : '…'}</dd></div>
        <div><dt>{s.model}</dt><dd title={model ? word(model.title ?? model.name) : undefined}>{model ? word(model.title ?? model.name) : s.none}</dd></div>
        <div><dt>{s.dataset}</dt><dd>{dataset ? s.datasetSummary(f.count(dataset.stats.blocks), dataset.options.blockSize) : s.none}</dd></div>
      </dl>
    </section>
  );
}
