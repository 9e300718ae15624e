// The training settings under TrainingArguments' names: the ones that matter up front (learning rate, length,
// block and batch size, backend), the rest under "Advanced", which remembers whether it was open.
import { useId, useState, type ReactNode } from 'react';
import { SettingInput } from './NumberInput';
import { useI18n } from './i18n/language';
import { LR_SCHEDULES, type FieldKey, type SettingKey, type Settings } from './settings';

interface Props {
  settings: Settings;
  onSetting(key: SettingKey, value: string): void;
  disabled: boolean;
  /** The backend selector, shown with the settings up front. */
  children?: ReactNode;
}

const UP_FRONT: FieldKey[] = ['learning_rate', 'num_train_epochs', 'max_steps', 'block_size', 'per_device_train_batch_size'];
const ADVANCED = {
  optimizer: ['warmup_steps', 'weight_decay', 'max_grad_norm', 'dropout'],
  batches: ['gradient_accumulation_steps'],
  length: ['seed'],
  logs: ['logging_steps', 'eval_steps', 'save_steps'],
  samples: ['sample_every'],
} satisfies Record<string, FieldKey[]>;
const ADVANCED_KEY = 'gpt2-studio.advanced-open';

function rememberedOpen(): boolean {
  try { return localStorage.getItem(ADVANCED_KEY) === 'true'; } catch { return false; }
}

export function SettingsForm({ settings, onSetting, disabled, children }: Props) {
  const { t } = useI18n();
  const id = useId();
  const [open, setOpen] = useState(rememberedOpen);
  function toggle() {
    setOpen(!open);
    try { localStorage.setItem(ADVANCED_KEY, String(!open)); } catch { /* remembered for this visit only */ }
  }
  const fields = (keys: FieldKey[]) => keys.map((key) => <SettingInput key={key} field={key} settings={settings} onSetting={onSetting} />);
  return (
    <div className="settings-block">
      <fieldset className="up-front" disabled={disabled}>
        <legend>{t.settings.upFront}</legend>
        {fields(UP_FRONT)}
        {children}
      </fieldset>
      <button type="button" className="disclosure" aria-expanded={open} aria-controls={`${id}-advanced`} onClick={toggle}>
        <span aria-hidden="true">{open ? '▾' : '▸'}</span> {t.settings.advanced}
      </button>
      <span className="hint"> {t.settings.advancedHint}</span>
      <div id={`${id}-advanced`} className="settings" hidden={!open}>
        {(Object.keys(ADVANCED) as Array<keyof typeof ADVANCED>).map((group) => (
          <fieldset key={group} disabled={disabled}>
            <legend>{t.settings.groups[group]}</legend>
            {group === 'optimizer' && (
              <div className="field">
                <label htmlFor={`${id}-schedule`}>{t.settings.schedule}</label>
                <select id={`${id}-schedule`} value={settings.lr_scheduler_type} onChange={(e) => onSetting('lr_scheduler_type', e.target.value)}
                  aria-describedby={`${id}-schedule-about`}>
                  {LR_SCHEDULES.map((s) => <option key={s} value={s}>{s}</option>)}
                </select>
                <small id={`${id}-schedule-about`}><code>lr_scheduler_type</code></small>
              </div>
            )}
            {group === 'samples' && (
              <div className="field">
                <label htmlFor={`${id}-prompt`}>{t.settings.prompt}</label>
                <input id={`${id}-prompt`} type="text" value={settings.sample_prompt} onChange={(e) => onSetting('sample_prompt', e.target.value)}
                  aria-describedby={`${id}-prompt-about`} />
                <small id={`${id}-prompt-about`}>{t.settings.promptHint}</small>
              </div>
            )}
            {fields(ADVANCED[group])}
            {group === 'batches' && (
              <div className="field check">
                <label>
                  <input type="checkbox" checked={settings.shuffle !== 'false'} onChange={(e) => onSetting('shuffle', String(e.target.checked))}
                    aria-describedby={`${id}-shuffle-about`} />
                  {' '}{t.settings.shuffle}
                </label>
                <small id={`${id}-shuffle-about`}><code>shuffle</code> · {t.settings.shuffleHint}</small>
              </div>
            )}
          </fieldset>
        ))}
      </div>
    </div>
  );
}
