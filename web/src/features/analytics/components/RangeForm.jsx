import { FormProvider, useForm } from 'react-hook-form';
import { DateRangeError, DateRangeFields } from '../../../components/DateRangeFields.jsx';
import { MAX_RANGE_DAYS, lastDays } from '../../../lib/dates.js';
import { isoDateText } from '../../../lib/time.js';
import { calendarMonth } from '../utils/range.js';

/** A free range of the unit's days (up to MAX_RANGE_DAYS), applied with "Show"; quick fills
 *  for calendar months, which the rolling presets do not give. */
export function RangeForm({ today, value, onApply }) {
  const form = useForm({ defaultValues: { start: value.start, end: value.end } });
  const apply = ({ start, end }) => onApply({ start, end });
  const fill = (r) => {
    form.reset(r);
    form.handleSubmit(apply)();
  };
  return (
    <FormProvider {...form}>
      <form className="csv-form range-form" onSubmit={form.handleSubmit(apply)} noValidate aria-label="Chart range">
        <DateRangeFields id="range" labels={['From', 'To']} max={today} today={today} />
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
          Days at the unit (today there is {isoDateText(today)}), both included, up to {MAX_RANGE_DAYS} days.
        </p>
        <DateRangeError id="range-end" />
      </form>
    </FormProvider>
  );
}
