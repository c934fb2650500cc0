import { useState } from 'react';
import { useUnitTimeZone } from '../../../lib/queries.js';
import { useNow } from '../../../hooks/useNow.js';
import { QueryState } from '../../../components/QueryState.jsx';
import { Switch } from '../../../components/Switch.jsx';
import { formatAge, formatDateTime, num } from '../../../lib/format.js';
import { useDisplay, useSaveDisplay } from '../api/relays.js';

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

function failuresText(inARow) {
  return `${inARow} ${inARow === 1 ? 'push' : 'pushes'} failed in a row.`;
}

/** The unit's LCD: what was last pushed, whether pushing is on, and the AQI standard. */
export function DisplayPanel() {
  const now = useNow(1000);
  const { tz } = useUnitTimeZone();
  const display = useDisplay();
  const save = useSaveDisplay();
  const [error, setError] = useState(null);
  const change = (body) =>
    save.mutate(body, {
      onSuccess: () => setError(null),
      onError: (err) => setError(err.message),
    });
  return (
    <section className="card display-card" aria-labelledby="display-title">
      <h2 id="display-title">Unit display</h2>
      <QueryState query={display} what="display status">
        {(d) => {
          const last = d.last;
          return (
            <>
              <output className="lcd" aria-label="Display preview" data-verbatim="the unit display's own text">
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
                    onChange={(on) => change({ enabled: on })}
                  />
                </div>
                <div className="field">
                  <label htmlFor="display-standard">AQI standard</label>
                  <select
                    id="display-standard"
                    value={d.standard || 'cpcb'}
                    disabled={save.isPending}
                    onChange={(e) => change({ standard: e.target.value })}
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
