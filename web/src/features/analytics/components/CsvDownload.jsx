import { useState } from 'react';
import { DateRangeFields } from '../../../components/DateRangeFields.jsx';
import { MAX_RANGE_DAYS, lastDays, todayIn, validateRange } from '../../../lib/dates.js';
import { downloadUrl } from '../../../lib/download.js';
import { useReportLink } from '../api/history.js';

/** CSV report for a date range (max 366 days). The gateway serves the days its history store
 *  holds from disk, asks the cloud for the rest, and answers a one-time link (so a cloud error
 *  shows here), which the browser then downloads itself. */
export function CsvDownload({ tz }) {
  const today = todayIn(tz); // the unit's calendar: report days are the unit's days
  const [range, setRange] = useState(() => lastDays(7, today));
  const [problem, setProblem] = useState(null);
  const report = useReportLink({ onSuccess: (link) => downloadUrl(link.url, link.filename) });

  const onSubmit = (e) => {
    e.preventDefault();
    report.reset();
    const p = validateRange(range.start, range.end);
    setProblem(p);
    if (!p) report.mutate(range);
  };
  const error = problem || (report.isError ? `Download failed: ${report.error.message}` : null);

  return (
    <section className="card" aria-labelledby="csv-title">
      <h2 id="csv-title">Download CSV</h2>
      <form className="csv-form" onSubmit={onSubmit} noValidate>
        <DateRangeFields
          id="csv"
          labels={['Start date', 'End date']}
          range={range}
          max={today}
          invalid={!!error}
          onChange={setRange}
        />
        <button type="submit" className="primary" disabled={report.isPending}>
          {report.isPending ? 'Downloading…' : 'Download CSV'}
        </button>
      </form>
      <p id="csv-help" className="small muted">
        Up to {MAX_RANGE_DAYS} days, both dates included.
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {report.isSuccess && (
        <p className="ok-text" role="status">
          Downloading {report.data.filename}: your browser shows its progress.
        </p>
      )}
    </section>
  );
}
