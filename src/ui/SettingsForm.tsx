// The training settings, grouped, under TrainingArguments' names.
import { useId } from 'react';
import { SettingInput } from './NumberInput';
import { FIELDS, LR_SCHEDULES, type SettingKey, type Settings } from './settings';
import type { ReactNode } from 'react';

interface Props {
  settings: Settings;
  onSetting(key: SettingKey, value: string): void;
  disabled: boolean;
  /** The backend selector, shown with the settings it affects. */
  children?: ReactNode;
}

const GROUPS: Array<{ legend: string; fields: Array<keyof typeof FIELDS> }> = [
  { legend: 'Optimizer', fields: ['learning_rate', 'warmup_steps', 'weight_decay', 'max_grad_norm', 'dropout'] },
  { legend: 'Batches', fields: ['per_device_train_batch_size', 'gradient_accumulation_steps', 'block_size'] },
  { legend: 'Length', fields: ['num_train_epochs', 'max_steps', 'seed'] },
  { legend: 'Logs and checkpoints', fields: ['logging_steps', 'eval_steps', 'save_steps'] },
];

export function SettingsForm({ settings, onSetting, disabled, children }: Props) {
  const id = useId();
  return (
    <div className="settings">
      {GROUPS.map((g) => (
        <fieldset key={g.legend} disabled={disabled}>
          <legend>{g.legend}</legend>
          {g.legend === 'Optimizer' && (
            <div className="field">
              <label htmlFor={`${id}-schedule`}>LR schedule</label>
              <select id={`${id}-schedule`} value={settings.lr_scheduler_type} onChange={(e) => onSetting('lr_scheduler_type', e.target.value)}
                aria-describedby={`${id}-schedule-about`}>
                {LR_SCHEDULES.map((s) => <option key={s} value={s}>{s}</option>)}
              </select>
              <small id={`${id}-schedule-about`}><code>lr_scheduler_type</code></small>
            </div>
          )}
          {g.fields.map((key) => <SettingInput key={key} field={FIELDS[key]} settings={settings} onSetting={onSetting} />)}
          {g.legend === 'Batches' && (
            <div className="field check">
              <label>
                <input type="checkbox" checked={settings.shuffle !== 'false'} onChange={(e) => onSetting('shuffle', String(e.target.checked))}
                  aria-describedby={`${id}-shuffle-about`} />
                {' '}Shuffle
              </label>
              <small id={`${id}-shuffle-about`}><code>shuffle</code> · blocks in a new order each epoch</small>
            </div>
          )}
        </fieldset>
      ))}
      <fieldset disabled={disabled}>
        <legend>Samples and device</legend>
        <div className="field">
          <label htmlFor={`${id}-prompt`}>Sample prompt</label>
          <input id={`${id}-prompt`} type="text" value={settings.sample_prompt} onChange={(e) => onSetting('sample_prompt', e.target.value)} />
          <small>greedy, 32 tokens, after evaluations</small>
        </div>
        <SettingInput field={FIELDS.sample_every} settings={settings} onSetting={onSetting} />
        {children}
      </fieldset>
    </div>
  );
}
