/**
 * An accessible ON/OFF switch (role="switch"): named by `label`, its state in aria-checked. The
 * ON/OFF words are for the eye only and sit beside the button, not in it: a name holding them
 * would change with every tap, and text inside a control that its name lacks fails WCAG 2.5.3
 * (axe's label-content-name-mismatch). The wrapping <label> makes the words a tap target too.
 */
export function Switch({ checked, onChange, label, disabled, onText = 'ON', offText = 'OFF' }) {
  return (
    <label className={`switch ${checked ? 'on' : 'off'}${disabled ? ' is-disabled' : ''}`}>
      <button
        type="button"
        role="switch"
        aria-checked={!!checked}
        aria-label={label}
        className="switch-button"
        disabled={disabled}
        onClick={() => onChange(!checked)}
      >
        <span className="switch-track" aria-hidden="true">
          <span className="switch-thumb" />
        </span>
      </button>
      <span className="switch-text" aria-hidden="true">
        {checked ? onText : offText}
      </span>
    </label>
  );
}
