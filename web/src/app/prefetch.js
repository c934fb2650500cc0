// The first screen's reads, asked for before React renders (main.jsx). Started here, the
// requests run while the app draws its first frame, and their setup is done before the first
// paint instead of in the effects that follow it, one long task on a phone (total blocking time,
// bench/bench_lighthouse.py). The hooks then find each query in flight or fresh: the same
// options, so nothing is fetched twice. Queries that are stale at once (staleTime 0: the relay
// list, the alerts) are left to their hooks, which would fetch them again on mount.
import { getToken } from '../lib/auth.js';
import { liveQueries } from '../lib/live.jsx';
import { channelsQuery, configQuery } from '../lib/queries.js';
import { notifyQuery } from '../features/alerts/index.js';
import { displayQuery } from '../features/relays/index.js';
import { dayGraphQuery, hourGraphQuery } from '../features/overview/index.js';

/** Prefetch what the shell (header, banner, live data) and, on the Overview, its page read first. */
export function prefetchFirstScreen(qc, route) {
  if (!getToken()) return; // the sign-in page reads nothing
  const live = liveQueries(qc);
  const first = [configQuery, live.live, live.health, notifyQuery];
  if (route === 'overview') first.push(channelsQuery, displayQuery, dayGraphQuery, hourGraphQuery);
  for (const q of first) qc.prefetchQuery(q);
}
