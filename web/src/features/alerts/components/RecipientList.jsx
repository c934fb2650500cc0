import { useFieldArray } from 'react-hook-form';

/**
 * Email recipients as a list: one address per row, "Add recipient" and "Remove" per row.
 * `check` words a bad address; the list's own error (none given, or the server's) shows under it.
 */
export function RecipientList({ name = 'to', legend, control, register, fields: f, check, validateList, hint }) {
  const { fields, append, remove } = useFieldArray({ control, name, rules: validateList ? { validate: validateList } : {} });
  return (
    <fieldset className="field recipients" {...(f.errorOf(name) ? { 'aria-describedby': f.errId(name) } : {})}>
      <legend>{legend}</legend>
      {hint && <p className="hint">{hint}</p>}
      <ul className="plain-list recipient-rows">
        {fields.map((row, i) => {
          const input = `${name}.${i}.address`;
          return (
            <li key={row.id} className="recipient-row">
              <input
                type="email"
                inputMode="email"
                autoComplete="off"
                aria-label={`${legend}: address ${i + 1}`}
                placeholder="name@example.com"
                id={f.id(input)}
                {...f.a11y(input)}
                {...register(input, { validate: check })}
              />
              <button
                type="button"
                className="ghost"
                aria-label={`Remove address ${i + 1}`}
                onClick={() => remove(i)}
                disabled={fields.length === 1}
              >
                Remove
              </button>
              {f.error(input)}
            </li>
          );
        })}
      </ul>
      <button type="button" onClick={() => append({ address: '' }, { shouldFocus: true })} disabled={fields.length >= 20}>
        + Add recipient
      </button>
      {f.error(name)}
    </fieldset>
  );
}
