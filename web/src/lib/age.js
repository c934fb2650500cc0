// The unit's live state as a person reads it (SPEC 12): live / late / offline with the time of the
// last frame, from the server's `state` and `last_frame_at` (the console's clock), robust to a
// browser clock that is off, and from the older flags when a server does not send them.
import { num } from './format.js';
import { formatWhen } from './time.js';

/**
 * Clock skew (local epoch s minus the console's), from GET /api/live: the frame that arrived at
 * `last_frame_at` was `age_s` old when the console answered. Older servers send no
 * last_frame_at: then the unit's `ts` stands in for it (its clock is all there is).
 */
export function estimateSkew(live, localNowS) {
  const age = num(live?.age_s);
  const at = num(live?.last_frame_at) ?? num(live?.ts ?? live?.frame?.ts);
  if (at === null || age === null) return 0;
  return localNowS - (at + age);
}

/** Seconds since the epoch-seconds moment `at` (console clock), at local time `nowS`, corrected by `skewS`. */
export function ageOf(at, nowS, skewS = 0) {
  const t = num(at);
  if (t === null) return null;
  return Math.max(0, nowS - skewS - t);
}

const WORDS = { live: 'Live', late: 'Late', offline: 'Offline' };

/**
 * The server's state, aged on the browser's clock between two answers (a live frame shown for
 * longer than late_after_s is late, then offline, though no message said so yet); never better
 * than the server said. Without `state` (an older server): offline when the unit says so, the
 * cloud socket is down or the server says not online; late when stale; else live.
 */
export function currentState({ state, frame, stale, online, upstreamConnected, ageS, lateAfterS, offlineAfterS }) {
  let s = state;
  if (!['live', 'late', 'offline'].includes(s)) {
    if ((frame && num(frame.offline) === 1) || upstreamConnected === false) s = 'offline';
    else if (!frame || stale === true) s = 'late';
    else if (online === false) s = 'offline';
    else s = 'live';
  }
  const age = num(ageS);
  if (age !== null && s !== 'offline') {
    if (num(offlineAfterS) !== null && age >= offlineAfterS) return 'offline';
    if (s === 'live' && num(lateAfterS) !== null && age > lateAfterS) return 'late';
  }
  return s;
}

/** Why the unit is not live, in a sentence (null when it is). */
function reason(state, { frame, upstreamConnected, lastFrameAt }) {
  if (state === 'live') return null;
  if (frame && num(frame.offline) === 1) return 'The unit reports itself offline.';
  if (upstreamConnected === false) return 'The connection to the device cloud is down; reconnecting.';
  if (num(lastFrameAt) === null && !frame) return 'No data from the unit since the console started.';
  return state === 'late' ? 'The unit’s data is overdue.' : 'No data from the unit for a while.';
}

/**
 * The banner's words: {state, text, detail, since, when}. `since` is the last frame's arrival (epoch
 * s, console clock) or null; `when` its time when not live, else null; in the unit's zone `timeZone`, e.g.
 * "Late: last data 10:58 IST", "Offline since 10:58 IST".
 */
export function liveStatus(input, timeZone, nowS) {
  const state = currentState(input);
  const since = num(input.lastFrameAt);
  // the time is said only when not live (and formatting times is not free on a phone's first render)
  const when = since === null || state === 'live' ? null : formatWhen(since, timeZone, nowS);
  let text = WORDS[state];
  if (state === 'late') text = when ? `Late: last data ${when}` : 'Late: no data yet';
  if (state === 'offline') text = when ? `Offline since ${when}` : 'Offline: no data yet';
  return { state, text, detail: reason(state, { ...input, lastFrameAt: since }), since, when };
}
