import { useState } from 'react';
import { api } from '../../../lib/api.js';
import { MAX_CSV_DAYS, lastDays, todayIn, validateCsvRange } from '../../../lib/dates.js';

/** Let the browser download `url` itself: it saves to disk as the file arrives, with its own
 *  progress, instead of this page holding a month (~90 MB) in memory first. */
function startDownload(url, name) {
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** CSV report for a date range (max 366 days). The gateway serves the days its history store
 *  holds from disk, asks the cloud for the rest, and answers a one-time link (so a cloud error
 *  shows here), which the browser then downloads. */
export function CsvDownload({ tz }) {
  const today = todayIn(tz); // the unit's calendar: report days are the unit's days
  const initial = lastDays(7, today);
  const [start, setStart] = useState(initial.start);
  const [end, setEnd] = useState(initial.end);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e) => {
    e.preventDefault();
    setDone(null);
    const problem = validateCsvRange(start, end);
    setError(problem);
    if (problem) return;
    setBusy(true);
    try {
      const link = await api.reportLink(start, end);
      startDownload(link.url, link.filename);
      setDone(`Downloading ${link.filename}: your browser shows its progress.`);
    } catch (err) {
      setError(`Download failed: ${err.message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="csv-title">
      <h2 id="csv-title">Download CSV</h2>
      <form className="csv-form" onSubmit={onSubmit} noValidate>
        <div className="field">
          <label htmlFor="csv-start">Start date</label>
          <input
            id="csv-start"
            type="date"
            value={start}
            max={today}
            onChange={(e) => setStart(e.target.value)}
            aria-invalid={!!error}
            aria-describedby="csv-help"
          />
        </div>
        <div className="field">
          <label htmlFor="csv-end">End date</label>
          <input
            id="csv-end"
            type="date"
            value={end}
            max={today}
            onChange={(e) => setEnd(e.target.value)}
            aria-invalid={!!error}
            aria-describedby="csv-help"
          />
        </div>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Downloading…' : 'Download CSV'}
        </button>
      </form>
      <p id="csv-help" className="small muted">
        Up to {MAX_CSV_DAYS} days, both dates included.
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {done && (
        <p className="ok-text" role="status">
          {done}
        </p>
      )}
    </section>
  );
}
