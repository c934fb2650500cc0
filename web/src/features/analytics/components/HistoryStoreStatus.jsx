import { useHistoryStatus } from '../api/history.js';
import { rangeText } from '../../../lib/time.js';

function megabytes(bytes) {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}

/**
 * The gateway's history store (GET /api/history/status): days kept on disk, the background
 * fetch of past days (a progress bar while it runs), and a write error such as a full disk.
 * Polled every 2 s while days are being fetched, else every 30 s.
 */
export function HistoryStoreStatus() {
  const status = useHistoryStatus();
  const s = status.data;
  if (!s) return null;
  const { pending, running, last_error: lastError } = s.backfill;
  const busy = pending > 0 || running;
  const total = s.days_stored + pending;
  return (
    <div className="history-store" aria-label="History store">
      {s.error && (
        <p className="field-error" role="alert">
          History store: {s.error}. Past days are fetched from the device cloud until this is fixed.
        </p>
      )}
      <p className="small muted">
        {s.days_stored === 0
          ? 'No past days stored yet.'
          : `${s.days_stored} past ${s.days_stored === 1 ? 'day' : 'days'} stored (${rangeText(s.oldest, s.newest)}), ${megabytes(s.bytes)}.`}
        {!busy && s.days_stored > 0 && ' Charts of these days need no download from the device cloud.'}
      </p>
      {busy && (
        <div className="history-backfill">
          <label htmlFor="history-backfill" className="small">
            Fetching past days from the device cloud: {pending} left
          </label>
          <progress id="history-backfill" max={total} value={s.days_stored} />
        </div>
      )}
      {lastError && <p className="small muted">Last fetch problem: {lastError} (it is retried).</p>}
    </div>
  );
}
