// The one validation style of every form (issue 23): react-hook-form, `noValidate` (no browser
// bubbles), each problem as a sentence (lib/validation.js) beside the input it is about, in the
// same <FieldError>, or under the form in <FormError> when it names no field shown. Inputs here are
// children of the form's FormProvider.
import { useId } from 'react';
import { get, useFormContext } from 'react-hook-form';

const errorId = (id) => `${id}-error`;

/** An input's aria props while the server's 400 names its form path: invalid, described by the message. */
export function invalidProps(errors, name, id) {
  return get(errors, name)?.message ? { 'aria-invalid': true, 'aria-describedby': errorId(id) } : {};
}

/** The problem with one form path (an input's, or a whole rule's or window's): the browser's check or the server's 400. */
export function FieldError({ name, id }) {
  const {
    formState: { errors },
  } = useFormContext();
  const message = get(errors, name)?.message;
  if (typeof message !== 'string' || !message) return null;
  return (
    <span className="field-error" role="alert" id={id ? errorId(id) : undefined}>
      {message}
    </span>
  );
}

/** `id(name)` for a label's htmlFor, `input(name)` for the props of the input of that form path. */
export function useFields() {
  const uid = useId();
  const {
    register,
    formState: { errors },
  } = useFormContext();
  const id = (name) => `${uid}-${name}`;
  const input = (name, options) => ({ id: id(name), ...invalidProps(errors, name, id(name)), ...register(name, options) });
  return { id, input };
}

/** A rule's ON/OFF choice (state above high, state inside windows), kept as the number 1 or 0. */
export function OnOffSelect({ name, label }) {
  const { id, input } = useFields();
  return (
    <div className="field">
      <label htmlFor={id(name)}>{label}</label>
      <select {...input(name, { setValueAs: Number })}>
        <option value="1">ON</option>
        <option value="0">OFF</option>
      </select>
      <FieldError name={name} id={id(name)} />
    </div>
  );
}

/** A problem with the whole form (or a server answer naming no field shown), under it. */
export function FormError({ children, id }) {
  if (!children) return null;
  return (
    <p className="field-error form-error" role="alert" id={id}>
      {children}
    </p>
  );
}
