// Data age and the online/offline/stale banner state, robust to a wrong browser clock.
import { num } from './format.js';

export const STALE_AFTER_S = 60;

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
 * Banner state.
 *  offline: the frame says offline==1, or the upstream device-cloud socket is down;
 *  stale:   no frame for more than STALE_AFTER_S seconds (or no frame at all);
 *  online:  otherwise.
 */
export function deriveStatus({ frame, ageS, upstreamConnected }) {
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
  if (!frame || ageS === null || ageS === undefined) {
    return { state: 'stale', text: 'No data', detail: 'No frame received from the unit yet.' };
  }
  if (ageS > STALE_AFTER_S) {
    return {
      state: 'stale',
      text: 'Stale',
      detail: `No new frame for more than ${STALE_AFTER_S} s.`,
    };
  }
  return { state: 'online', text: 'Online', detail: 'Receiving live data.' };
}
