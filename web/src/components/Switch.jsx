/**
 * An accessible ON/OFF switch (role="switch"): named by `label`, its state in aria-checked; the
 * ON/OFF words beside the track are for the eye only (a name holding them would change with
 * every tap, and one without them would not hold the visible text, WCAG 2.5.3).
 */
export function Switch({ checked, onChange, label, disabled, onText = 'ON', offText = 'OFF' }) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={!!checked}
      aria-label={label}
      className={`switch ${checked ? 'on' : 'off'}`}
      disabled={disabled}
      onClick={() => onChange(!checked)}
    >
      <span className="switch-track" aria-hidden="true">
        <span className="switch-thumb" />
      </span>
      <span className="switch-text" aria-hidden="true">
        {checked ? onText : offText}
      </span>
    </button>
  );
}
