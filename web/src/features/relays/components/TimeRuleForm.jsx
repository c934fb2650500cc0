import { useController, useFieldArray, useFormContext } from 'react-hook-form';
import { WEEKDAYS, defaultWindow, onOff, unitTimeText } from '../utils/relays.js';
import { FieldError, OnOffSelect, useFields } from '../../../components/FormFields.jsx';

const MAX_WINDOWS = 8;

/** Weekday toggles of one window (0 = Monday); none pressed = every day. */
function DayToggles({ name, label, disabled }) {
  const { field } = useController({ name });
  const days = field.value || [];
  const toggle = (day) =>
    field.onChange(days.includes(day) ? days.filter((d) => d !== day) : [...days, day].sort((a, b) => a - b));
  return (
    <div className="days" role="group" aria-label={label}>
      {WEEKDAYS.map((dayName, day) => (
        <button
          type="button"
          key={dayName}
          className="day"
          aria-pressed={days.includes(day)}
          disabled={disabled}
          onClick={() => toggle(day)}
        >
          {dayName}
        </button>
      ))}
      <span className="muted small">{days.length === 0 ? 'every day' : ''}</span>
    </div>
  );
}

/** Time mode: ON (or OFF) inside up to 8 daily windows on the unit's clock, the other state outside. */
export function TimeRuleForm({ timeZone, disabled }) {
  const { watch } = useFormContext();
  const { id, input } = useFields();
  const windows = useFieldArray({ name: 'time.windows' });
  const inside = Number(watch('time.inside'));

  return (
    <fieldset className="mode-panel" disabled={disabled}>
      <legend>Time windows</legend>
      {windows.fields.map((w, i) => {
        const path = `time.windows.${i}`;
        const n = i + 1;
        return (
          <div className="window" key={w.id} role="group" aria-label={`Window ${n}`}>
            <div className="field-row">
              <div className="field">
                <label htmlFor={id(`${path}.start`)}>From</label>
                <input type="time" aria-label={`Window ${n} from`} {...input(`${path}.start`)} />
                <FieldError name={`${path}.start`} id={id(`${path}.start`)} />
              </div>
              <div className="field">
                <label htmlFor={id(`${path}.end`)}>To</label>
                <input type="time" aria-label={`Window ${n} to`} {...input(`${path}.end`)} />
                <FieldError name={`${path}.end`} id={id(`${path}.end`)} />
              </div>
              <button
                type="button"
                className="ghost remove"
                disabled={disabled || windows.fields.length <= 1}
                aria-label={`Remove window ${n}`}
                onClick={() => windows.remove(i)}
              >
                ✕
              </button>
            </div>
            <DayToggles name={`${path}.days`} label={`Window ${n} days`} disabled={disabled} />
            <FieldError name={`${path}.days`} />
            <FieldError name={path} />
          </div>
        );
      })}
      <FieldError name="time.windows" />
      <button
        type="button"
        className="ghost"
        disabled={disabled || windows.fields.length >= MAX_WINDOWS}
        onClick={() => windows.append(defaultWindow())}
      >
        + Add window
      </button>
      <OnOffSelect name="time.inside" label="State inside windows" />
      <p className="hint">
        Inside a window → {onOff(inside)}, outside → {onOff(1 - inside)}. {unitTimeText(timeZone)}; a window may cross midnight;
        no day selected = every day.
      </p>
      <FieldError name="time" />
    </fieldset>
  );
}
