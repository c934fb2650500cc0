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

  it('derives online / offline / stale', () => {
    const f = { offline: 0 };
    expect(deriveStatus({ frame: f, ageS: 8, upstreamConnected: true }).state).toBe('online');
    expect(deriveStatus({ frame: { offline: 1.0 }, ageS: 8, upstreamConnected: true }).state).toBe('offline');
    expect(deriveStatus({ frame: f, ageS: 8, upstreamConnected: false }).state).toBe('offline');
    expect(deriveStatus({ frame: f, ageS: 61, upstreamConnected: true }).state).toBe('stale');
    expect(deriveStatus({ frame: f, ageS: 60, upstreamConnected: undefined }).state).toBe('online');
    expect(deriveStatus({ frame: null, ageS: null }).state).toBe('stale');
  });
});
