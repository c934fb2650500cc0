import { useId } from 'react';
import { get } from 'react-hook-form';

/**
 * Ids and ARIA for a react-hook-form's inputs: each error is a sentence beside its input, tied to
 * it by aria-describedby, and the input marked aria-invalid. Names may be nested ("to.0.address").
 */
export function useFieldA11y(errors) {
  const uid = useId();
  const id = (name) => `${uid}-${name.replace(/\W/g, '-')}`;
  const errId = (name) => `${id(name)}-error`;
  const errorOf = (name) => get(errors, name)?.message || get(errors, `${name}.root`)?.message || null;
  const a11y = (name) => (errorOf(name) ? { 'aria-invalid': true, 'aria-describedby': errId(name) } : {});
  const error = (name) => {
    const message = errorOf(name);
    return message ? (
      <span className="field-error" role="alert" id={errId(name)}>
        {message}
      </span>
    ) : null;
  };
  return { id, errId, a11y, errorOf, error };
}

/**
 * A failed save shown where it belongs: a 400 naming a field the form has goes beside that field
 * (focused); anything else is the form's own message. Returns the form message or null.
 */
export function serverError(err, fieldOf, setError) {
  const field = err?.status === 400 ? fieldOf(err.field) : null;
  if (field) {
    setError(field, { type: 'server', message: err.message }, { shouldFocus: true });
    return null;
  }
  return err?.message || 'Saving failed.';
}
