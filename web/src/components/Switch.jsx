/** An accessible ON/OFF switch (role="switch"). */
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
      <span className="switch-text">{checked ? onText : offText}</span>
    </button>
  );
}
