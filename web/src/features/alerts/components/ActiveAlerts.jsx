import { useId, useRef, useState } from 'react';
import { useNow } from '../../../hooks/useNow.js';
import { formatAge, formatInZone } from '../../../lib/format.js';
import { useAckAlert } from '../api/alerts.js';
import { alertValue } from '../utils/rules.js';
import { SeverityBadge } from './SeverityBadge.jsx';

function Notified({ notified }) {
  if (!notified?.length) return null;
  return (
    <p className="small muted">
      Sent:{' '}
      {notified.map((n, i) => (
        <span key={`${n.channel}-${n.at}-${i}`}>
          {i > 0 && ', '}
          {n.channel} {n.ok ? '✓' : `✗${n.error ? ` (${n.error})` : ''}`}
        </span>
      ))}
    </p>
  );
}

function ActiveAlert({ alert, rule, byCode, tz, now }) {
  const ack = useAckAlert();
  const titleId = useId();
  const box = useRef(null);
  const [error, setError] = useState(null);
  const value = alertValue(alert, rule, byCode);
  const firing = alert.state === 'firing';
  return (
    <li>
      <article
        ref={box}
        tabIndex={-1}
        className={`alert-item ${firing ? 'is-firing' : 'is-acked'}`}
        aria-labelledby={titleId}
      >
        <div className="alert-head">
          <SeverityBadge severity={alert.severity} />
          <strong id={titleId}>{alert.name}</strong>
          <span className={`pill ${firing ? 'pill-firing' : ''}`}>
            {firing ? 'FIRING' : `ACKNOWLEDGED${alert.acked_by ? ` by ${alert.acked_by}` : ''}`}
          </span>
        </div>
        {alert.message && <p className="alert-message">{alert.message}</p>}
        <p className="small">
          Since {formatInZone(alert.since, tz)} ({formatAge(now - alert.since)})
          {value !== null && <> · Value: {value}</>}
        </p>
        <Notified notified={alert.notified} />
        {firing && (
          <button
            type="button"
            className="primary"
            disabled={ack.isPending}
            aria-label={`Acknowledge ${alert.name}`}
            onClick={() => {
              setError(null);
              ack.mutate(alert.id, {
                onError: (err) => setError(err.message),
                onSuccess: () => box.current?.focus(), // the button goes away: keep keyboard focus here
              });
            }}
          >
            {ack.isPending ? 'Acknowledging…' : 'Acknowledge'}
          </button>
        )}
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </article>
    </li>
  );
}

export function ActiveAlerts({ active, rulesById, byCode, tz }) {
  const now = useNow(5000);
  if (!active.length) return <p className="ok-text">Nothing needs attention: no active alerts.</p>;
  return (
    <ul className="alert-list">
      {active.map((a) => (
        <ActiveAlert key={a.id} alert={a} rule={rulesById.get(a.rule_id)} byCode={byCode} tz={tz} now={now} />
      ))}
    </ul>
  );
}
