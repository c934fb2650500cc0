import { useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../lib/api.js';
import { keys, useChannels, useNow, useUnitTimeZone } from '../hooks.js';
import { useLive } from '../live.jsx';
import { QueryState } from '../components/QueryState.jsx';
import { Switch } from '../components/Switch.jsx';
import { RelayCard } from './RelayCard.jsx';
import { anyPending } from '../lib/relays.js';
import { healthProblems } from '../lib/automation.js';
import { formatAge, formatDateTime, num } from '../lib/format.js';

export const RELAY_POLL_MS = 1500;

function Relays() {
  const channels = useChannels();
  const { tz } = useUnitTimeZone();
  const { frame } = useLive();
  const relays = useQuery({
    queryKey: keys.relays,
    queryFn: api.relays,
    // Poll fast while a command waits for confirmation, slowly otherwise.
    refetchInterval: (q) => (anyPending(q.state.data?.relays) ? RELAY_POLL_MS : 15_000),
    staleTime: 0,
  });
  const sensorChannels = useMemo(() => (channels.data || []).filter((c) => c.group !== 'relay'), [channels.data]);
  const byCode = useMemo(() => new Map((channels.data || []).map((c) => [c.code, c])), [channels.data]);
  return (
    <QueryState query={channels} what="channels">
      {() => (
        <QueryState query={relays} what="relays">
          {(data) => (
            <div className="card-grid relays">
              {(data?.relays || []).map((r) => (
                <RelayCard
                  key={r.id}
                  relay={r}
                  sensorChannels={sensorChannels}
                  channelsByCode={byCode}
                  liveValue={num(frame?.[r.id])}
                  timeZone={tz}
                />
              ))}
            </div>
          )}
        </QueryState>
      )}
    </QueryState>
  );
}

const DISPLAY_FIELDS = [
  ['i11', 'AQI'],
  ['i12', 'Temp (°C)'],
  ['i13', 'Humidity (%)'],
  ['i14', 'Hour'],
  ['i15', 'Minute'],
  ['i16', 'Day'],
  ['i17', 'Month'],
  ['i18', 'Year'],
];

/** A notice when GET /api/automation/health says degraded, saying what is wrong; nothing when ok. */
function AutomationHealth() {
  const health = useQuery({
    queryKey: keys.automationHealth,
    queryFn: api.automationHealth,
    refetchInterval: 30_000,
  });
  const problems = healthProblems(health.data);
  if (problems.length === 0) return null;
  return (
    <div className="notice health-notice" role="status">
      <strong>Automation is degraded.</strong>
      <ul>
        {problems.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </div>
  );
}

function failuresText(inARow) {
  return `${inARow} ${inARow === 1 ? 'push' : 'pushes'} failed in a row.`;
}

function DisplayPanel() {
  const qc = useQueryClient();
  const now = useNow(1000);
  const { tz } = useUnitTimeZone();
  const display = useQuery({ queryKey: keys.display, queryFn: api.display, refetchInterval: 5000 });
  const [error, setError] = useState(null);
  const save = useMutation({
    mutationFn: (body) => api.saveDisplay(body),
    onSuccess: (d) => {
      setError(null);
      if (d && typeof d === 'object' && 'enabled' in d) qc.setQueryData(keys.display, d);
      qc.invalidateQueries({ queryKey: keys.display });
    },
    onError: (err) => setError(err.field ? `${err.field}: ${err.message}` : err.message),
  });
  return (
    <section className="card display-card" aria-labelledby="display-title">
      <h2 id="display-title">Unit display</h2>
      <QueryState query={display} what="display status">
        {(d) => {
          const last = d.last;
          return (
            <>
              <output className="lcd" aria-label="Display preview">
                {last?.text || '— nothing pushed yet —'}
              </output>
              {last?.error && (
                <p className="notice" role="status">
                  Last push failed: {String(last.error).replace(/\.$/, '')}.{' '}
                  {failuresText(num(last.failures_in_row) ?? 1)}
                </p>
              )}
              <p className="small muted">
                {last?.at
                  ? `${last.error ? 'Last successful push' : 'Pushed'} ${formatAge(now - last.at)} ` +
                    `(${formatDateTime(last.at, tz)})`
                  : 'No push yet.'}
                {last?.skipped_reason ? ` · Last push skipped: ${last.skipped_reason}` : ''}
              </p>
              {last?.values && (
                <dl className="display-values">
                  {DISPLAY_FIELDS.map(([code, label]) => (
                    <div key={code}>
                      <dt>{label}</dt>
                      <dd>{last.values[code] ?? '—'}</dd>
                    </div>
                  ))}
                </dl>
              )}
              <div className="field-row">
                <div className="field">
                  <span className="label-text" id="display-enabled-label">
                    Display updates
                  </span>
                  <Switch
                    checked={!!d.enabled}
                    label="Display updates"
                    onText={`Pushing every ${d.interval_s ?? 10} s`}
                    offText="Paused"
                    disabled={save.isPending}
                    onChange={(on) => save.mutate({ enabled: on })}
                  />
                </div>
                <div className="field">
                  <label htmlFor="display-standard">AQI standard</label>
                  <select
                    id="display-standard"
                    value={d.standard || 'cpcb'}
                    disabled={save.isPending}
                    onChange={(e) => save.mutate({ standard: e.target.value })}
                  >
                    <option value="cpcb">India CPCB (NAQI)</option>
                    <option value="epa">US EPA</option>
                  </select>
                </div>
              </div>
              {error && (
                <p className="field-error" role="alert">
                  {error}
                </p>
              )}
            </>
          );
        }}
      </QueryState>
    </section>
  );
}

function AuditLog() {
  const { tz } = useUnitTimeZone();
  const audit = useQuery({
    queryKey: keys.audit(50),
    queryFn: () => api.audit(50),
    refetchInterval: 30_000,
  });
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
                    <td data-label="Result">{e.result || '—'}</td>
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

export function AutomationPage() {
  return (
    <>
      <h1>Automation</h1>
      <p className="muted">
        Each relay is manual, sensor-driven or time-driven. Every change is confirmed from the unit’s data.
      </p>
      <AutomationHealth />
      <Relays />
      <div className="card-grid two">
        <DisplayPanel />
        <AuditLog />
      </div>
    </>
  );
}
