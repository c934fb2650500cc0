import { alertValue } from '../utils/rules.js';
import { formatDateTime } from '../utils/time.js';
import { Delivery } from './Delivery.jsx';
import { SeverityBadge } from './SeverityBadge.jsx';

const STATE_TEXT = { firing: 'Firing', acknowledged: 'Acknowledged', resolved: 'Resolved' };

function stateText(a) {
  const text = STATE_TEXT[a.state] || a.state;
  if (!a.acked_by) return text;
  return a.state === 'acknowledged' ? `${text} by ${a.acked_by}` : `${text} (acknowledged by ${a.acked_by})`;
}

/** Recent alerts (newest first, as the API sends them). */
export function AlertHistory({ recent, rulesById, byCode, tz }) {
  if (!recent.length) return <p className="muted">No alerts yet.</p>;
  return (
    <table className="data-table alert-history stack-on-phone" aria-labelledby="alerts-recent-title">
      <thead>
        <tr>
          <th scope="col">Since</th>
          <th scope="col">Alert</th>
          <th scope="col">Severity</th>
          <th scope="col">State</th>
          <th scope="col">Resolved</th>
          <th scope="col" className="num">
            Value
          </th>
          <th scope="col">Notified</th>
        </tr>
      </thead>
      <tbody>
        {recent.map((a) => (
          <tr key={a.id}>
            <td data-label="Since">{formatDateTime(a.since, tz)}</td>
            <td data-label="Alert">{a.name}</td>
            <td data-label="Severity">
              <SeverityBadge severity={a.severity} />
            </td>
            <td data-label="State">
              {stateText(a)}
              {a.silenced && (
                <>
                  {' '}
                  <span className="pill pill-silenced">Silenced</span>
                </>
              )}
            </td>
            <td data-label="Resolved">{a.resolved_at ? formatDateTime(a.resolved_at, tz) : '—'}</td>
            <td data-label="Value" className="num">
              {alertValue(a, rulesById.get(a.rule_id), byCode) ?? '—'}
            </td>
            <td data-label="Notified">
              <Delivery alert={a} tz={tz} compact />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
