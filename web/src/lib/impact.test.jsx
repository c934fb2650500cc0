// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { computeChange, impactRow, judgeChange, pairsFromChannels, weightedMean } from './impact.js';
import { channelMap } from '../test/fixtures.js';

const channels = channelMap();
const byCode = Object.fromEntries(channels.map((c) => [c.code, c]));

describe('impact math', () => {
  it('pairs inlets with outlets from the map', () => {
    const pairs = pairsFromChannels(channels);
    expect(pairs.map((p) => [p.inlet.code, p.outlet.code])).toEqual([
      ['d1', 'd8'],
      ['d2', 'd9'],
      ['d3', 'd10'],
      ['d4', 'd11'],
      ['d5', 'd12'],
      ['d6', 'd13'],
      ['d7', 'd14'],
    ]);
    expect(pairs[0].quantity).toBe('CO₂');
    expect(pairsFromChannels(null)).toEqual([]);
  });

  it('computes the change absolute and in % of the inlet', () => {
    expect(computeChange(400, 300)).toEqual({ abs: -100, pct: -25 });
    expect(computeChange(0, 5)).toEqual({ abs: 5, pct: null });
    expect(computeChange(null, 5)).toEqual({ abs: null, pct: null });
    expect(computeChange(-10, -5).pct).toBe(50);
  });

  it('judges "lower is better" (CO₂)', () => {
    expect(judgeChange(412, 380, byCode.d8)).toMatchObject({ kind: 'better', word: 'Improved' });
    expect(judgeChange(380, 412, byCode.d8)).toMatchObject({ kind: 'worse', word: 'Worse' });
    expect(judgeChange(380, 380.2, byCode.d8)).toMatchObject({ kind: 'same' });
  });

  it('judges "target" (humidity, target 55 %)', () => {
    // 61 % -> 57 %: closer to 55 -> improvement, although it went down.
    expect(judgeChange(61, 57, byCode.d11)).toMatchObject({ kind: 'better' });
    // 50 % -> 45 %: lower but further from 55 -> worse.
    expect(judgeChange(50, 45, byCode.d11)).toMatchObject({ kind: 'worse' });
    // 50 % -> 60 %: same distance.
    expect(judgeChange(50, 60, byCode.d11)).toMatchObject({ kind: 'same' });
    expect(judgeChange(50, 60, byCode.d11).hint).toBe('closer to 55% is better');
  });

  it('judges "higher is better" and channels without a direction', () => {
    expect(judgeChange(60, 70, byCode.d13).kind).toBe('better');
    expect(judgeChange(1, 2, byCode.d15).kind).toBe('neutral');
    expect(judgeChange(null, 2, byCode.d8).kind).toBe('unknown');
  });

  it('weights aggregate buckets by sampleCount', () => {
    const frames = [
      { d1: 400, sampleCount: 300.0 },
      { d1: 500, sampleCount: 100.0 },
      { d1: null, sampleCount: 1000 },
      { d1: 700 }, // no sampleCount -> weight 1
    ];
    expect(weightedMean(frames, 'd1')).toBeCloseTo((400 * 300 + 500 * 100 + 700) / 401, 9);
    expect(weightedMean([], 'd1')).toBeNull();
    expect(weightedMean(undefined, 'd1')).toBeNull();
  });

  it('builds a full row', () => {
    const [co2] = pairsFromChannels(channels);
    const row = impactRow(co2, 400, 300);
    expect(row).toMatchObject({ inlet: 400, outlet: 300, abs: -100, pct: -25 });
    expect(row.verdict.kind).toBe('better');
  });
});
