import { useLive, useLiveStatus } from '../lib/live.jsx';
import { formatAge } from '../lib/format.js';

/**
 * The unit's state in words with the time (SPEC 12): "Live", "Late: last data 10:58 IST",
 * "Offline since 10:58 IST", from the server's state, aged every second.
 */
export function StatusBanner() {
  const { wsDown, live } = useLive();
  const status = useLiveStatus({ tick: true });
  // Until the first answer, an empty banner of the same height holds the place: the page below
  // does not jump when the state arrives (a phone's layout shift; bench/bench_lighthouse.py).
  if (live.isPending) return <div className="banner banner-pending" aria-hidden="true">&nbsp;</div>;
  return (
    <section className={`banner banner-${status.state}`} aria-label="Device status">
      <span className="banner-dot" aria-hidden="true" />
      {/* Only the state is a live region; the ticking age is not announced every second. */}
      <strong className="banner-state" role="status">
        {status.text}
      </strong>
      {status.live && status.ageS !== null && <span className="banner-age">updated {formatAge(status.ageS)}</span>}
      {(status.detail || wsDown) && (
        <span className="banner-detail">
          {status.detail}
          {wsDown && ' Live link reconnecting…'}
        </span>
      )}
    </section>
  );
}
