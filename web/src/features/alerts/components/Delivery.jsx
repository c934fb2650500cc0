import { deliveryText, latestDeliveries } from '../utils/delivery.js';

/**
 * How an alert went out: each channel's latest delivery (sent / failed / retrying, with time and
 * reason), or that it was silenced. `compact`: the history table's cell.
 */
export function Delivery({ alert, tz, now, compact = false }) {
  const list = latestDeliveries(alert.notified);
  if (!list.length) {
    if (alert.silenced) return <span className="small muted">Silenced: nothing sent</span>;
    return compact ? <span className="muted">—</span> : null;
  }
  return (
    <ul className={`delivery-list${compact ? ' compact' : ''}`} aria-label="Notified">
      {list.map((d) => (
        <li key={d.channel} className={`small delivery-${d.state}`}>
          <span className="delivery-mark" aria-hidden="true">
            {d.state === 'sent' ? '✓' : d.state === 'failed' ? '✗' : '↻'}
          </span>{' '}
          <span>{deliveryText(d, tz, now)}</span>
        </li>
      ))}
    </ul>
  );
}
