import { describe, expect, it } from 'vitest';
import {
  PM,
  meanReductionPct,
  reductionPct,
  reductionText,
  relaysNeedingAttention,
  seriesOf,
  signalBars,
  sparkPoints,
  downsample,
} from './glance.js';

describe('reduction', () => {
  it('is the drop from inlet to outlet in % of the inlet', () => {
    expect(reductionPct(87, 24)).toBeCloseTo(72.41, 2);
    expect(reductionPct(400, 500)).toBeCloseTo(-25, 6);
    expect(reductionPct(0, 5)).toBeNull(); // no % of nothing
    expect(reductionPct(null, 5)).toBeNull();
  });

  it('over a day weights each bucket by its sample count', () => {
    const frames = [
      { d2: 100, d9: 20, sampleCount: 3 },
      { d2: 40, d9: 40, sampleCount: 1 },
      { d2: null, d9: 99 }, // a bucket with no inlet still counts for the outlet
    ];
    // inlet mean (300+40)/4 = 85; outlet mean (60+40+99)/5 = 39.8
    expect(meanReductionPct(frames, PM)).toBeCloseTo(((85 - 39.8) / 85) * 100, 6);
    expect(meanReductionPct([], PM)).toBeNull();
  });

  it('reads as lower / higher / no change', () => {
    expect(reductionText(72.4)).toBe('72% lower');
    expect(reductionText(-25)).toBe('25% higher');
    expect(reductionText(0.3)).toBe('no change');
    expect(reductionText(null)).toBe('—');
  });
});

describe('signalBars', () => {
  it.each([
    [0, 0, 'No signal'], [1, 0, 'No signal'], [2, 1, 'Marginal'], [9, 1, 'Marginal'], [10, 2, 'OK'],
    [14, 2, 'OK'], [15, 3, 'Good'], [19, 3, 'Good'], [20, 4, 'Excellent'], [31, 4, 'Excellent'],
    ['19.0', 3, 'Good'],
  ])('CSQ %s is %s bars (%s)', (csq, bars, word) => {
    expect(signalBars(csq)).toEqual({ bars, word, known: true });
  });

  it.each([[99], [null], [32], [-1], ['x']])('CSQ %s is unknown', (csq) => {
    expect(signalBars(csq)).toEqual({ bars: 0, word: 'Unknown', known: false });
  });
});

describe('relaysNeedingAttention', () => {
  it('keeps pending and failed commands only', () => {
    const relays = [
      { id: 'i1', command: { state: 'pending' } },
      { id: 'i2', command: { state: 'confirmed' } },
      { id: 'i3', command: null },
      { id: 'i4', command: { state: 'failed' } },
    ];
    expect(relaysNeedingAttention(relays).map((r) => r.id)).toEqual(['i1', 'i4']);
    expect(relaysNeedingAttention(undefined)).toEqual([]);
  });
});

describe('sparkline data', () => {
  it('takes one channel, oldest first, dropping missing values and float quirks', () => {
    const frames = [{ ts: 30, d1: '3.0' }, { ts: 10, d1: 1 }, { ts: 20 }, { ts: 'x', d1: 5 }];
    expect(seriesOf(frames, 'd1')).toEqual([[10, 1], [30, 3]]);
    expect(seriesOf(null, 'd1')).toEqual([]);
  });

  it('scales time to x and value to y (high values at the top) inside a 1 px inset', () => {
    expect(sparkPoints([[0, 0], [5, 10], [10, 5]], 102, 22)).toBe('1.0,21.0 51.0,1.0 101.0,11.0');
  });

  it('draws a flat line mid-height and nothing under two points', () => {
    expect(sparkPoints([[0, 4], [10, 4]], 102, 22)).toBe('1.0,11.0 101.0,11.0');
    expect(sparkPoints([[0, 4]], 102, 22)).toBe('');
  });

  it('averages a dense hour into equal time slices', () => {
    const pts = Array.from({ length: 1000 }, (_, k) => [k, k % 2 ? 10 : 0]); // noise around 5
    const out = downsample(pts, 10);
    expect(out).toHaveLength(10);
    expect(out[0]).toEqual([49.5, 5]);
    expect(out[9][0]).toBeCloseTo(949.5, 6);
    const few = [[0, 1], [5, 2]];
    expect(downsample(few, 10)).toBe(few);
  });
});
