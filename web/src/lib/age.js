// Data age and the online/offline/stale banner state, robust to a wrong browser clock.
import { num } from './format.js';

/**
 * Clock skew (local epoch s minus server epoch s), estimated from /api/live:
 * the server says the frame stamped `ts` is `age_s` old at the moment we received it.
 */
export function estimateSkew(live, localNowS) {
  const ts = num(live?.ts ?? live?.frame?.ts);
  const age = num(live?.age_s);
  if (ts === null || age === null) return 0;
  return localNowS - (ts + age);
}

/** Seconds since the frame stamped `ts`, at local time `nowS`, corrected by `skewS`. */
export function ageOf(ts, nowS, skewS = 0) {
  const t = num(ts);
  if (t === null) return null;
  return Math.max(0, nowS - skewS - t);
}

/**
 * Banner state, from the server's own flags (GET /api/live computes `stale` and `online` with
 * its configurable threshold `stale_after_s`; a frame just pushed on /api/ws is fresh).
 *  offline: the frame says offline==1, the upstream device-cloud socket is down, or the server
 *           says the unit is not online;
 *  stale:   no frame at all, the server says the latest frame is stale, or it has aged past
 *           the server's threshold since (no newer frame came);
 *  online:  otherwise.
 */
export function deriveStatus({ frame, stale, online, upstreamConnected, ageS, staleAfterS }) {
  if (frame && num(frame.offline) === 1) {
    return { state: 'offline', text: 'Offline', detail: 'The unit reports itself offline.' };
  }
  if (upstreamConnected === false) {
    return {
      state: 'offline',
      text: 'Offline',
      detail: 'The connection to the device cloud is down; reconnecting.',
    };
  }
  if (!frame) {
    return { state: 'stale', text: 'No data', detail: 'No frame received from the unit yet.' };
  }
  const agedOut = num(staleAfterS) !== null && num(ageS) !== null && ageS > staleAfterS;
  if (stale === true || agedOut) {
    return { state: 'stale', text: 'Stale', detail: 'No new frame from the unit recently.' };
  }
  if (online === false) {
    return { state: 'offline', text: 'Offline', detail: 'The server reports the unit offline.' };
  }
  return { state: 'online', text: 'Online', detail: 'Receiving live data.' };
}
