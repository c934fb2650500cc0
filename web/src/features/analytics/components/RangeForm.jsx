import { useState } from 'react';
import { MAX_HISTORY_DAYS, lastDays } from '../../../lib/dates.js';
import { calendarMonth, validateRange } from '../utils/range.js';

/** A free range of the unit's days (up to MAX_HISTORY_DAYS), applied with "Show"; quick fills
 *  for calendar months, which the rolling presets do not give. */
export function RangeForm({ today, value, onApply }) {
  const [start, setStart] = useState(value.start);
  const [end, setEnd] = useState(value.end);
  const [error, setError] = useState(null);
  const apply = (s, e) => {
    const problem = validateRange(s, e, today);
    setError(problem);
    if (!problem) onApply({ start: s, end: e });
  };
  const fill = (r) => {
    setStart(r.start);
    setEnd(r.end);
    apply(r.start, r.end);
  };
  return (
    <form
      className="csv-form range-form"
      onSubmit={(e) => {
        e.preventDefault();
        apply(start, end);
      }}
      noValidate
      aria-label="Chart range"
    >
      <div className="field">
        <label htmlFor="range-start">From</label>
        <input
          id="range-start"
          type="date"
          value={start}
          max={today}
          onChange={(e) => setStart(e.target.value)}
          aria-invalid={!!error}
          aria-describedby="range-help"
        />
      </div>
      <div className="field">
        <label htmlFor="range-end">To</label>
        <input
          id="range-end"
          type="date"
          value={end}
          max={today}
          onChange={(e) => setEnd(e.target.value)}
          aria-invalid={!!error}
          aria-describedby="range-help"
        />
      </div>
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
        Days at the unit (today there is {today}), both included, up to {MAX_HISTORY_DAYS} days.
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
