// The pieces every alerts form repeats (contact points, silences, the report schedule, rules):
// a labelled input or select with its hint and its problem beside it, and the form's foot.
// `f` is useFieldA11y(errors); `field` is react-hook-form's register(name, rules).

function fieldClass(className) {
  return className ? `field ${className}` : 'field';
}

/** A labelled input; `children` come after its problem; other props (type, placeholder, …) go to the <input>. */
export function TextField({ f, field, label, hint, className, children, ...input }) {
  const { name } = field;
  return (
    <div className={fieldClass(className)}>
      <label htmlFor={f.id(name)}>{label}</label>
      <input id={f.id(name)} {...input} {...f.a11y(name)} {...field} />
      {hint && <p className="hint">{hint}</p>}
      {f.error(name)}
      {children}
    </div>
  );
}

/** A labelled select of `options` ({value, label}). */
export function SelectField({ f, field, label, options, className }) {
  const { name } = field;
  return (
    <div className={fieldClass(className)}>
      <label htmlFor={f.id(name)}>{label}</label>
      <select id={f.id(name)} {...f.a11y(name)} {...field}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {f.error(name)}
    </div>
  );
}

/**
 * The foot of a form: the save's own problem (one that names no field shown), what the save did,
 * then the submit button (`busyLabel` while it runs) and Cancel when there is `onCancel`.
 */
export function FormFoot({ error, status, busy, label, busyLabel = 'Saving…', onCancel }) {
  return (
    <>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {status && (
        <p className="ok-text" role="status">
          {status}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? busyLabel : label}
        </button>
        {onCancel && (
          <button type="button" className="ghost" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        )}
      </div>
    </>
  );
}
