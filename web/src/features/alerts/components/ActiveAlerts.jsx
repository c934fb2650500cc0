import { useId, useRef, useState } from 'react';
import { useNow } from '../../../hooks/useNow.js';
import { formatAge } from '../../../lib/format.js';
import { useAckAlert } from '../api/alerts.js';
import { alertValue } from '../utils/rules.js';
import { formatDateTime } from '../utils/time.js';
import { Delivery } from './Delivery.jsx';
import { SeverityBadge } from './SeverityBadge.jsx';


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
          {alert.silenced && <span className="pill pill-silenced">SILENCED</span>}
        </div>
        {alert.message && <p className="alert-message">{alert.message}</p>}
        <p className="small">
          Since {formatDateTime(alert.since, tz)} ({formatAge(now - alert.since)})
          {value !== null && <> · Value: {value}</>}
        </p>
        <Delivery alert={alert} tz={tz} now={now} />
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
