import { useId } from 'react';
import { useDeadLetters, useDiscardDeadLetter, useRetryDeadLetter } from '../api/deadLetters.js';
import { channelLabel } from '../utils/contactPoints.js';
import { formatWhen } from '../utils/time.js';

const tries = (n) => (n ? ` after ${n} ${n === 1 ? 'try' : 'tries'}` : '');

function Letter({ letter, tz, now }) {
  const titleId = useId();
  const retry = useRetryDeadLetter();
  const discard = useDiscardDeadLetter();
  const error = retry.error || discard.error;
  const label = channelLabel(letter.channel);
  return (
    <li>
      <article className="dead-letter" aria-labelledby={titleId}>
        <p id={titleId}>
          <strong>{label}</strong>: {letter.subject || letter.event}
        </p>
        <p className="small muted">
          Set aside {formatWhen(letter.at, tz, now)}
          {tries(letter.attempts)}
        </p>
        <p className="small bad-text">Why: {letter.reason}</p>
        <div className="actions wrap">
          <button
            type="button"
            disabled={retry.isPending || discard.isPending}
            aria-label={`Try again: ${label}, ${letter.subject || letter.event}`}
            onClick={() => retry.mutate(letter.id)}
          >
            {retry.isPending ? 'Queuing…' : 'Try again'}
          </button>
          <button
            type="button"
            className="ghost"
            disabled={retry.isPending || discard.isPending}
            aria-label={`Discard: ${label}, ${letter.subject || letter.event}`}
            onClick={() => discard.mutate(letter.id)}
          >
            Discard
          </button>
          {error && (
            <p className="field-error" role="alert">
              {error.message}
            </p>
          )}
        </div>
      </article>
    </li>
  );
}

/**
 * Messages that will not be retried by themselves (a recipient refused, a webhook answered 4xx),
 * each with its reason: fix the contact point, then try again, or discard. Nothing when none.
 */
export function DeadLetters({ tz, now }) {
  const letters = useDeadLetters();
  if (letters.isError) {
    return <p className="small bad-text">Could not load the undelivered messages: {letters.error.message}</p>;
  }
  const list = letters.data || [];
  if (!list.length) return null;
  return (
    <section className="dead-letters" aria-labelledby="dead-letters-title">
      <h3 id="dead-letters-title">Not delivered</h3>
      <p className="small muted">
        These messages were set aside: trying again as they are would fail the same way. Fix the contact point,
        then try again.
      </p>
      <ul className="plain-list">
        {list.map((d) => (
          <Letter key={d.id} letter={d} tz={tz} now={now} />
        ))}
      </ul>
    </section>
  );
}
