import { useState } from 'react';
import { api } from '../lib/api.js';
import { MAX_CSV_DAYS, csvFileName, lastDays, toISODate, validateCsvRange } from '../lib/dates.js';

function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** CSV report for a date range (max 31 days), fetched with the bearer token as a blob. */
export function CsvDownload() {
  const initial = lastDays(7);
  const [start, setStart] = useState(initial.start);
  const [end, setEnd] = useState(initial.end);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const [busy, setBusy] = useState(false);
  const today = toISODate(new Date());

  const onSubmit = async (e) => {
    e.preventDefault();
    setDone(null);
    const problem = validateCsvRange(start, end);
    setError(problem);
    if (problem) return;
    setBusy(true);
    try {
      const res = await api.report(start, end);
      const blob = await res.blob();
      const name = csvFileName(start, end);
      saveBlob(blob, name);
      setDone(`Downloaded ${name} (${Math.max(1, Math.round(blob.size / 1024))} KB).`);
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
