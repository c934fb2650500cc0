import { describe, expect, it } from 'vitest';
import { completeness, pairSummary, relayHoursOn, reportRange, seriesMean } from './report.js';

// 2025-11-27 20:00 UTC is 2025-11-28 01:30 in Kolkata: the unit's calendar decides "today".
const NOW = new Date('2025-11-27T20:00:00Z');

describe('reportRange', () => {
  it('ends the rolling ranges on the unit’s today', () => {
    expect(reportRange('week', null, 'Asia/Kolkata', NOW)).toEqual({
      start: '2025-11-22',
      end: '2025-11-28',
      buckets: 56,
      text: 'last 7 days',
    });
    expect(reportRange('month30', null, 'Asia/Kolkata', NOW)).toMatchObject({ start: '2025-10-30', end: '2025-11-28', buckets: 240 });
  });

  it('takes a whole past calendar month, and the current one up to today', () => {
    expect(reportRange('calendar', '2025-10', 'Asia/Kolkata', NOW)).toEqual({
      start: '2025-10-01',
      end: '2025-10-31',
      buckets: 248,
      text: 'October 2025',
    });
    expect(reportRange('calendar', '2025-02', 'UTC', NOW)).toMatchObject({ end: '2025-02-28' });
    expect(reportRange('calendar', '2024-12', 'UTC', NOW)).toMatchObject({ start: '2024-12-01', end: '2024-12-31' });
    expect(reportRange('calendar', '2025-11', 'Asia/Kolkata', NOW)).toMatchObject({ start: '2025-11-01', end: '2025-11-28', buckets: 224 });
  });

  it('refuses a month still to come or no month at all', () => {
    expect(reportRange('calendar', '2025-12', 'Asia/Kolkata', NOW)).toBeNull();
    expect(reportRange('calendar', '', 'Asia/Kolkata', NOW)).toMatchObject({ text: 'last 7 days' });
  });
});

const history = {
  bucket_s: 3600,
  t: [1000, 4600, 8200, 11800],
  series: {
    d2: { mean: [100, null, 80, 90] },
    d9: { mean: [20, null, '30', null] },
  },
};
const pm = { inlet: { code: 'd2' }, outlet: { code: 'd9' } };

describe('averages and completeness', () => {
  it('averages the non-empty buckets of each channel', () => {
    expect(seriesMean(history, 'd2')).toBe(90);
    expect(seriesMean(history, 'd9')).toBe(25);
    expect(seriesMean(history, 'd1')).toBeNull();
    expect(pairSummary(history, pm)).toEqual({ inlet: 90, outlet: 25, abs: -65, pct: (-65 / 90) * 100 });
  });

  it('counts the elapsed buckets with any reading', () => {
    // at t = 9000 three buckets have begun, two of them hold data
    expect(completeness(history, 9000)).toEqual({ elapsed: 3, withData: 2, pct: (2 / 3) * 100, bucketS: 3600 });
    expect(completeness(history, 20000).pct).toBe(75);
    expect(completeness({}, 9000).pct).toBeNull();
  });
});

describe('relayHoursOn', () => {
  it('adds up each bucket’s share of time ON', () => {
    const h = { bucket_s: 10800, series: { i1: { mean: [1, 0.5, null, 0] }, i2: { mean: [null, null] } } };
    expect(relayHoursOn(h, 'i1')).toBe(4.5); // 3 h + 1.5 h
    expect(relayHoursOn(h, 'i2')).toBeNull(); // no reading at all
    expect(relayHoursOn(h, 'i3')).toBeNull(); // not kept by the store
    expect(relayHoursOn({ series: h.series }, 'i1')).toBeNull();
  });
});
