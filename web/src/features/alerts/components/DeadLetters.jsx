import { deadLetters } from '../utils/contactPoints.js';
import { formatWhen } from '../utils/time.js';

/** Messages the outbox set aside (never delivered, no more retries), each with why. */
export function DeadLetters({ notify, tz, now }) {
  const list = deadLetters(notify);
  if (!list.length) return null;
  return (
    <section className="dead-letters" aria-labelledby="dead-letters-title">
      <h3 id="dead-letters-title">Not delivered</h3>
      <p className="small muted">These messages were set aside and will not be retried.</p>
      <ul className="plain-list">
        {list.map((d, i) => (
          <li key={d.id ?? `${d.channel}-${d.at}-${i}`} className="dead-letter">
            <strong>{d.label}</strong>
            {d.subject && <>: {d.subject}</>}
            <span className="small">
              {' '}
              {d.at ? `(${formatWhen(d.at, tz, now)})` : ''}
            </span>
            {d.reason && <p className="small bad-text">Why: {d.reason}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}
