// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ageOf, currentState, estimateSkew, liveStatus } from './age.js';

describe('age', () => {
  it('corrects for a browser clock that is off', () => {
    // Console: the frame that arrived at 1000 was 5 s old when it answered. Browser says 1105: 100 s ahead.
    const skew = estimateSkew({ last_frame_at: 1000, ts: 7, age_s: 5 }, 1105);
    expect(skew).toBe(100);
    expect(ageOf(1000, 1108, skew)).toBe(8);
    expect(ageOf(null, 1108, skew)).toBeNull();
    expect(estimateSkew({}, 5)).toBe(0);
    // an older gateway: the frame's ts stands in
    expect(estimateSkew({ ts: 1000, age_s: 5 }, 1105)).toBe(100);
  });

  it("takes the server's state, and ages it by the server's thresholds between messages", () => {
    const base = { frame: { offline: 0 }, lateAfterS: 25, offlineAfterS: 120 };
    expect(currentState({ ...base, state: 'live', ageS: 10 })).toBe('live');
    expect(currentState({ ...base, state: 'live', ageS: 26 })).toBe('late');
    expect(currentState({ ...base, state: 'live', ageS: 120 })).toBe('offline');
    expect(currentState({ ...base, state: 'late', ageS: 119 })).toBe('late');
    expect(currentState({ ...base, state: 'offline', ageS: 1 })).toBe('offline'); // never better than the server
    expect(currentState({ ...base, state: 'late', ageS: 1 })).toBe('late');
  });

  it('reads an older server’s flags: offline, late (stale) or live', () => {
    const f = { offline: 0 };
    expect(currentState({ frame: f, stale: false, online: true, upstreamConnected: true })).toBe('live');
    expect(currentState({ frame: { offline: 1.0 }, stale: false, online: true })).toBe('offline');
    expect(currentState({ frame: f, stale: false, online: true, upstreamConnected: false })).toBe('offline');
    expect(currentState({ frame: f, stale: true, online: false })).toBe('late');
    expect(currentState({ frame: f, stale: false, online: false })).toBe('offline');
    expect(currentState({ frame: null })).toBe('late');
  });

  it('says the state in words with the time at the unit', () => {
    // 2026-12-07 05:28 UTC = 10:58 IST
    const at = Date.UTC(2026, 11, 7, 5, 28) / 1000;
    const now = at + 300;
    const input = { frame: { offline: 0 }, lastFrameAt: at, lateAfterS: 25, offlineAfterS: 120 };
    expect(liveStatus({ ...input, state: 'live', ageS: 3 }, 'Asia/Kolkata', now).text).toBe('Live');
    expect(liveStatus({ ...input, state: 'late', ageS: 60 }, 'Asia/Kolkata', now).text).toBe('Late: last data 10:58 IST');
    const off = liveStatus({ ...input, state: 'offline', ageS: 300 }, 'Asia/Kolkata', now);
    expect(off.text).toBe('Offline since 10:58 IST');
    expect(off.detail).toBe('No data from the unit for a while.');
    // a day later the date is said too
    expect(liveStatus({ ...input, state: 'offline', ageS: 90000 }, 'Asia/Kolkata', at + 90000).text).toBe(
      'Offline since 07 Dec 2026, 10:58 IST',
    );
    expect(liveStatus({ state: 'offline', lastFrameAt: null, frame: null }, 'Asia/Kolkata', now).text).toBe(
      'Offline: no data yet',
    );
  });
});
