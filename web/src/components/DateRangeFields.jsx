// The two date inputs of a range form (the CSV report, a chart's free range): `${id}-start` and
// `${id}-end`, described by `${id}-help`; the form owns the range, its check (lib/dates.js
// validateRange) and its button.

export function DateRangeFields({ id, labels, range, max, invalid, onChange }) {
  const field = (part, label) => (
    <div className="field">
      <label htmlFor={`${id}-${part}`}>{label}</label>
      <input
        id={`${id}-${part}`}
        type="date"
        value={range[part]}
        max={max}
        onChange={(e) => onChange({ ...range, [part]: e.target.value })}
        aria-invalid={invalid}
        aria-describedby={`${id}-help`}
      />
    </div>
  );
  return (
    <>
      {field('start', labels[0])}
      {field('end', labels[1])}
    </>
  );
}
