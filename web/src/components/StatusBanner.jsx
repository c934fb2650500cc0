import { useLive } from '../lib/live.jsx';
import { useNow } from '../hooks/useNow.js';
import { ageOf, deriveStatus } from '../lib/age.js';
import { formatAge } from '../lib/format.js';

/** Online / offline / stale banner with a ticking "updated N s ago". */
export function StatusBanner() {
  const { frame, ts, skewS, stale, online, staleAfterS, upstreamConnected, wsConnected, live } = useLive();
  const now = useNow(1000);
  if (live.isPending) return null;
  const ageS = ageOf(ts, now, skewS);
  const status = deriveStatus({ frame, stale, online, upstreamConnected, ageS, staleAfterS });
  return (
    <section className={`banner banner-${status.state}`} aria-label="Device status">
      <span className="banner-dot" aria-hidden="true" />
      {/* Only the state is a live region; the ticking age is not announced every second. */}
      <strong className="banner-state" role="status">
        {status.text}
      </strong>
      {frame && <span className="banner-age">updated {formatAge(ageS)}</span>}
      <span className="banner-detail">
        {status.detail}
        {!wsConnected && ' Live link reconnecting…'}
      </span>
    </section>
  );
}
