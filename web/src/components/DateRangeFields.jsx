// The two date inputs of a range form (the CSV report, a chart's free range), inside the form's
// react-hook-form FormProvider: `${id}-start` and `${id}-end`, described by `${id}-help` and, when
// the range is refused, by its sentence (lib/dates.js validateRange) shown under them.
import { useFormContext } from 'react-hook-form';
import { validateRange } from '../lib/dates.js';
import { FieldError } from './FormFields.jsx';

export function DateRangeFields({ id, labels, max, today = null }) {
  const {
    register,
    formState: { errors },
  } = useFormContext();
  const invalid = !!errors.range;
  // one check of the pair, registered on the end date and shown as the range's problem
  const rules = { validate: (end, all) => validateRange(all.start, end, today) ?? true };
  const field = (part, label, options) => (
    <div className="field">
      <label htmlFor={`${id}-${part}`}>{label}</label>
      <input
        id={`${id}-${part}`}
        type="date"
        max={max}
        aria-invalid={invalid || !!errors.end}
        aria-describedby={`${id}-help${errors.end ? ` ${id}-end-error` : ''}`}
        {...register(part, options)}
      />
    </div>
  );
  return (
    <>
      {field('start', labels[0])}
      {field('end', labels[1], rules)}
    </>
  );
}

/** The range's problem, where DateRangeFields' inputs point to. */
export function DateRangeError({ id }) {
  return <FieldError name="end" id={id} />;
}
