// A numbered step of the guided flow (Model → Data → Train → Generate): its title, what it needs, and whether it is
// done, under way, ready, or waiting for an earlier step.
import type { ReactNode } from 'react';
import { useI18n } from './i18n/language';

export type StepState = 'done' | 'active' | 'ready' | 'waiting';

interface Props {
  n: number;
  id: string;
  title: string;
  needs: string;
  state: StepState;
  children: ReactNode;
}

export function Step({ n, id, title, needs, state, children }: Props) {
  const { t } = useI18n();
  return (
    <li className={`step panel ${state}`}>
      <section aria-labelledby={`${id}-heading`}>
        <div className="step-head">
          <h2 id={`${id}-heading`}>
            <span className="number" aria-hidden="true">{n}</span>
            <span className="visually-hidden">{`${n}. `}</span>{title}
          </h2>
          <span className={`state ${state}`}>{t.steps[state]}</span>
        </div>
        <p className="needs">{needs}</p>
        {children}
      </section>
    </li>
  );
}
