import { useMemo, useState } from 'react';
import { useChannels, useUnitTimeZone } from '../../../lib/queries.js';
import { QueryState } from '../../../components/QueryState.jsx';
import { num } from '../../../lib/format.js';
import { formatDateTime } from '../../../lib/time.js';
import { nameCodes, namesOf } from '../../../lib/plain.js';
import { useAudit, useRelays } from '../api/relays.js';

const FIRST = 8; // a phone shows the latest few; "Show all" the rest

/** Who switched what, why, and how it ended (GET /api/automation/audit), relays by their names. */
export function AuditLog() {
  const { tz } = useUnitTimeZone();
  const audit = useAudit(50);
  const channels = useChannels();
  const relays = useRelays();
  const names = useMemo(() => namesOf(channels.data, relays.data?.relays), [channels.data, relays.data]);
  const [all, setAll] = useState(false);
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
            <>
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
                {(all ? data.entries : data.entries.slice(0, FIRST)).map((e, i) => (
                  <tr key={`${e.at}-${i}`}>
                    <td data-label="Time">{formatDateTime(e.at, tz, { seconds: true })}</td>
                    <td data-label="Who">{e.who}</td>
                    <td data-label="What">
                      {e.who === 'display' ? (
                        // the unit's display text, quoted as its LCD shows it (its own date form)
                        <q data-verbatim="the unit display's own text" title="As the unit's display shows it">
                          {e.what}
                        </q>
                      ) : (
                        nameCodes(e.what, names)
                      )}
                    </td>
                    <td data-label="Why">{nameCodes(e.why, names) || '—'}</td>
                    <td data-label="Result">
                      {nameCodes(e.result, names) || '—'}
                      {e.count > 1 ? ` (${e.count} times)` : ''}
                    </td>
                    <td data-label="Latency" className="num">
                      {num(e.latency_s) === null ? '—' : `${num(e.latency_s).toFixed(1)} s`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {data.entries.length > FIRST && (
              <button type="button" className="ghost" aria-expanded={all} onClick={() => setAll((v) => !v)}>
                {all ? `Show the latest ${FIRST}` : `Show all ${data.entries.length}`}
              </button>
            )}
            </>
          ) : (
            <p className="muted">No entries yet.</p>
          )
        }
      </QueryState>
    </section>
  );
}
