/**
 * A write-only setting (password, signing secret, bot token): the server never sends it back, so
 * the form says whether one is set and offers to replace it or (where it may be empty) remove it.
 * The choice is the form value `secret_mode`: new | keep | replace | clear.
 */
export function SecretField({ label, mode, setMode, register, fields: f, required, canClear, hint }) {
  const name = 'secret_value';
  const input = (
    <>
      <label htmlFor={f.id(name)}>{mode === 'replace' ? `New ${label.toLowerCase()}` : label}</label>
      <input
        type="password"
        autoComplete="new-password"
        id={f.id(name)}
        {...f.a11y(name)}
        {...register(name, {
          validate: (v) => !required || v !== '' || `Enter the ${label.toLowerCase()}.`,
        })}
      />
      {hint && <p className="hint">{hint}</p>}
      {f.error(name)}
    </>
  );
  if (mode === 'new') return <div className="field">{input}</div>;
  if (mode === 'replace') {
    return (
      <div className="field">
        {input}
        <button type="button" className="ghost" onClick={() => setMode('keep')}>
          Keep the current {label.toLowerCase()}
        </button>
      </div>
    );
  }
  return (
    <div className="field secret-set" role="group" aria-label={label}>
      <span className="label-text">{label}</span>
      {mode === 'clear' ? (
        <p className="small warn-text">The {label.toLowerCase()} will be removed when you save.</p>
      ) : (
        <p className="small">
          <span className="pill pill-on">Set</span> It is kept as it is; the console never shows it.
        </p>
      )}
      <div className="actions">
        {mode === 'keep' && (
          <button type="button" onClick={() => setMode('replace')}>
            Replace {label.toLowerCase()}
          </button>
        )}
        {mode === 'keep' && canClear && (
          <button type="button" className="ghost" onClick={() => setMode('clear')}>
            Remove {label.toLowerCase()}
          </button>
        )}
        {mode === 'clear' && (
          <button type="button" className="ghost" onClick={() => setMode('keep')}>
            Undo
          </button>
        )}
      </div>
      {f.error(name)}
    </div>
  );
}
