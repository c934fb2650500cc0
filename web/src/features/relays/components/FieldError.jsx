import { get, useFormContext } from 'react-hook-form';

const errorId = (id) => `${id}-error`;

/** An input's aria props while the server's 400 names its form path: invalid, described by the message. */
export function invalidProps(errors, name, id) {
  return get(errors, name)?.message ? { 'aria-invalid': true, 'aria-describedby': errorId(id) } : {};
}

/** The server's 400 message for one form path (an input's, or a whole rule's or window's). */
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
