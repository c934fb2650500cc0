import { useUnitTimeZone } from '../../../lib/queries.js';
import { QueryState } from '../../../components/QueryState.jsx';
import { formatDateTime, num } from '../../../lib/format.js';
import { useAudit } from '../api/relays.js';

/** Who switched what, why, and how it ended (GET /api/automation/audit). */
export function AuditLog() {
  const { tz } = useUnitTimeZone();
  const audit = useAudit(50);
  return (
    <section className="card audit-card" aria-labelledby="audit-title">
      <div className="card-head">
        <h2 id="audit-title">Audit log</h2>
        <button type="button" className="ghost" onClick={() => audit.refetch()} disabled={audit.isFetching}>
          {audit.isFetching ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <QueryState query={audit} what="audit log">
        {(data) =>
          data?.entries?.length ? (
            <table className="data-table audit-table stack-on-phone" aria-labelledby="audit-title">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Who</th>
                  <th scope="col">What</th>
                  <th scope="col">Why</th>
                  <th scope="col">Result</th>
                  <th scope="col" className="num">
                    Latency
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.entries.map((e, i) => (
                  <tr key={`${e.at}-${i}`}>
                    <td data-label="Time">{formatDateTime(e.at, tz)}</td>
                    <td data-label="Who">{e.who}</td>
                    <td data-label="What">{e.what}</td>
                    <td data-label="Why">{e.why || '—'}</td>
                    <td data-label="Result">
                      {e.result || '—'}
                      {e.count > 1 ? ` (${e.count} times)` : ''}
                    </td>
                    <td data-label="Latency" className="num">
                      {num(e.latency_s) === null ? '—' : `${num(e.latency_s).toFixed(1)} s`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">No entries yet.</p>
          )
        }
      </QueryState>
    </section>
  );
}
