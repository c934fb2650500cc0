import { useEffect, useRef, useState } from 'react';
import { alertsBadgeName } from '../../../lib/plain.js';
import { BADGE_POLL_MS, firingCount, useAlerts } from '../api/alerts.js';

/** Header badge: how many alerts are firing (unacknowledged), linking to the Alerts page. */
export function AlertsBadge() {
  const alerts = useAlerts(BADGE_POLL_MS);
  const known = alerts.data !== undefined;
  const n = firingCount(alerts.data);
  // the name holds the count the bell shows (WCAG 2.5.3: a voice user says what they see)
  const label = alertsBadgeName(known ? n : undefined);
  // Screen readers hear when another alert starts firing (a link's new label is not announced).
  const seen = useRef(null);
  const [news, setNews] = useState('');
  useEffect(() => {
    if (!known) return;
    if (seen.current !== null && n > seen.current) setNews(`Alert firing: ${n} now firing`);
    seen.current = n;
  }, [known, n]);
  return (
    <>
      <a href="#/alerts" className={`alerts-badge${n > 0 ? ' firing' : ''}`} aria-label={label} title={label}>
        <svg aria-hidden="true" viewBox="0 0 24 24" width="18" height="18">
          <path
            fill="currentColor"
            d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
          />
        </svg>
        {known && <span className="alerts-count">{n}</span>}
      </a>
      <span className="visually-hidden" role="status">
        {news}
      </span>
    </>
  );
}
