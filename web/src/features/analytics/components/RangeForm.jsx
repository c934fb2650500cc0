import { useState } from 'react';
import { DateRangeFields } from '../../../components/DateRangeFields.jsx';
import { MAX_RANGE_DAYS, lastDays, validateRange } from '../../../lib/dates.js';
import { calendarMonth } from '../utils/range.js';

/** A free range of the unit's days (up to MAX_RANGE_DAYS), applied with "Show"; quick fills
 *  for calendar months, which the rolling presets do not give. */
export function RangeForm({ today, value, onApply }) {
  const [range, setRange] = useState({ start: value.start, end: value.end });
  const [error, setError] = useState(null);
  const apply = (r) => {
    const problem = validateRange(r.start, r.end, today);
    setError(problem);
    if (!problem) onApply({ start: r.start, end: r.end });
  };
  const fill = (r) => {
    setRange(r);
    apply(r);
  };
  return (
    <form
      className="csv-form range-form"
      onSubmit={(e) => {
        e.preventDefault();
        apply(range);
      }}
      noValidate
      aria-label="Chart range"
    >
      <DateRangeFields id="range" labels={['From', 'To']} range={range} max={today} invalid={!!error} onChange={setRange} />
      <button type="submit">Show</button>
      <div className="range-quick" role="group" aria-label="Quick ranges">
        <button type="button" className="ghost" onClick={() => fill(calendarMonth(today, 0))}>
          This month
        </button>
        <button type="button" className="ghost" onClick={() => fill(calendarMonth(today, -1))}>
          Previous month
        </button>
        <button type="button" className="ghost" onClick={() => fill(lastDays(90, today))}>
          90 days
        </button>
      </div>
      <p id="range-help" className="small muted range-help">
        Days at the unit (today there is {today}), both included, up to {MAX_RANGE_DAYS} days.
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
