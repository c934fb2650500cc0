// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ageOf, deriveStatus, estimateSkew } from './age.js';

describe('age', () => {
  it('corrects for a browser clock that is off', () => {
    // Server: frame ts=1000 is 5 s old. Browser clock says 1105 -> 100 s ahead.
    const skew = estimateSkew({ ts: 1000, age_s: 5 }, 1105);
    expect(skew).toBe(100);
    expect(ageOf(1000, 1108, skew)).toBe(8);
    expect(ageOf(null, 1108, skew)).toBeNull();
    expect(estimateSkew({}, 5)).toBe(0);
  });

  it('derives online / offline / stale from the server flags, not the age', () => {
    const f = { offline: 0 };
    const fresh = { stale: false, online: true };
    expect(deriveStatus({ frame: f, ...fresh, upstreamConnected: true }).state).toBe('online');
    expect(deriveStatus({ frame: { offline: 1.0 }, ...fresh, upstreamConnected: true }).state).toBe('offline');
    expect(deriveStatus({ frame: f, ...fresh, upstreamConnected: false }).state).toBe('offline');
    // the server's threshold decides: stale after 30 s there, or still fresh after 5 min
    const stale = deriveStatus({ frame: f, stale: true, online: false, upstreamConnected: true });
    expect(stale.state).toBe('stale');
    expect(stale.text).toBe('Stale');
    expect(deriveStatus({ frame: f, stale: false, online: true, upstreamConnected: undefined }).state).toBe('online');
    const off = deriveStatus({ frame: f, stale: false, online: false, upstreamConnected: undefined });
    expect(off.state).toBe('offline');
    expect(off.detail).toBe('The server reports the unit offline.');
    expect(deriveStatus({ frame: null, stale: true, online: false }).text).toBe('No data');
  });

  it('turns stale once the shown frame ages past the server threshold, without a new fetch', () => {
    const f = { offline: 0 };
    const base = { frame: f, stale: false, online: true, upstreamConnected: true, staleAfterS: 60 };
    expect(deriveStatus({ ...base, ageS: 59 }).state).toBe('online');
    expect(deriveStatus({ ...base, ageS: 61 }).state).toBe('stale');
    expect(deriveStatus({ ...base, ageS: 61, staleAfterS: 300 }).state).toBe('online');   // the server's, not 60
    expect(deriveStatus({ ...base, ageS: 61, staleAfterS: undefined }).state).toBe('online'); // unknown: trust flags
  });
});
