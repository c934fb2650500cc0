import { FormProvider, useForm } from 'react-hook-form';
import { DateRangeError, DateRangeFields } from '../../../components/DateRangeFields.jsx';
import { FormError } from '../../../components/FormFields.jsx';
import { MAX_RANGE_DAYS, lastDays, todayIn } from '../../../lib/dates.js';
import { downloadUrl } from '../../../lib/download.js';
import { useReportLink } from '../api/history.js';

// People's CSV first (SPEC 12): one averaged row per 5 minutes, headed by labels and units, times
// at the unit: a month is a few MB a spreadsheet on a phone opens. The raw rows are for machines.
export const CSV_KINDS = [
  { value: '300', label: 'averaged (5 min, for spreadsheets)' },
  { value: '', label: 'raw (every frame)' },
];

/** CSV report for a date range (max 366 days). The gateway serves the days its history store
 *  holds from disk, asks the cloud for the rest, and answers a one-time link (so a cloud error
 *  shows here), which the browser then downloads itself. */
export function CsvDownload({ tz }) {
  const today = todayIn(tz); // the unit's calendar: report days are the unit's days
  const form = useForm({ defaultValues: { ...lastDays(7, today), every: CSV_KINDS[0].value } });
  const report = useReportLink({ onSuccess: (link) => downloadUrl(link.url, link.filename) });

  const onSubmit = ({ start, end, every }) => {
    report.reset();
    report.mutate({ start, end, every: every || null });
  };

  return (
    <section className="card" aria-labelledby="csv-title">
      <h2 id="csv-title">Download CSV</h2>
      <FormProvider {...form}>
        <form className="csv-form" onSubmit={form.handleSubmit(onSubmit)} noValidate>
          <DateRangeFields id="csv" labels={['Start date', 'End date']} max={today} />
          <div className="field">
            <label htmlFor="csv-every">Rows</label>
            <select id="csv-every" {...form.register('every')}>
              {CSV_KINDS.map((k) => (
                <option key={k.value} value={k.value}>
                  {k.label}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="primary" disabled={report.isPending}>
            {report.isPending ? 'Downloading…' : 'Download CSV'}
          </button>
        </form>
        <p id="csv-help" className="small muted">
          Up to {MAX_RANGE_DAYS} days, both dates included. Averaged rows have a time at the unit and a column per
          reading named with its unit; raw rows are as the unit sent them.
        </p>
        <DateRangeError id="csv-end" />
      </FormProvider>
      <FormError>{report.isError ? `Download failed: ${report.error.message}` : null}</FormError>
      {report.isSuccess && (
        <p className="ok-text" role="status">
          Downloading {report.data.filename}: your browser shows its progress.
        </p>
      )}
    </section>
  );
}
