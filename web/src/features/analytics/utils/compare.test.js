import { describe, expect, it } from 'vitest';
import { channelMap } from '../../../test/fixtures.js';
import { MAX_COMPARE, cannotAdd, chartChoices, compareTitle, matchChoice, unitsOf } from './compare.js';

const channels = channelMap();
const by = (code) => channels.find((c) => c.code === code);

describe('channel compare', () => {
  it('offers the inlet/outlet pairs first, then every channel but the relays', () => {
    const choices = chartChoices(channels);
    expect(choices.pairs[0]).toEqual({ value: 'pair:d1', label: 'CO₂: inlet vs outlet', codes: ['d1', 'd8'] });
    expect(choices.pairs).toHaveLength(7);
    expect(choices.singles.map((c) => c.codes[0])).not.toContain('i1');
    expect(choices.singles.find((c) => c.value === 'ch:d38').label).toBe('GSM signal strength (CSQ)');
    expect(choices.singles.find((c) => c.value === 'ch:d15').label).toBe('SW version'); // no unit, no code
    expect(choices.singles.map((c) => c.label).join(' ')).not.toMatch(/\b[di]\d+\b/);
  });

  it('knows a preset from a custom set, and titles each', () => {
    const choices = chartChoices(channels);
    expect(matchChoice(choices, ['d1', 'd8']).value).toBe('pair:d1');
    expect(matchChoice(choices, ['d8', 'd1'])).toBeUndefined();
    expect(matchChoice(choices, ['d3']).value).toBe('ch:d3');
    expect(compareTitle(choices, [by('d1'), by('d8')])).toBe('CO₂: inlet vs outlet');
    expect(compareTitle(choices, [by('d1'), by('d3'), by('d10')])).toBe('Inlet CO₂ vs Inlet Temperature vs Outlet Temperature');
  });

  it('allows two units (two axes) but not a third, no duplicates and at most six channels', () => {
    const twoUnits = [by('d1'), by('d3')]; // ppm, °C
    expect(unitsOf(twoUnits)).toEqual(['ppm', '°C']);
    expect(cannotAdd(twoUnits, by('d10'))).toBeNull(); // °C again
    expect(cannotAdd(twoUnits, by('d8'))).toBeNull(); // ppm again
    expect(cannotAdd(twoUnits, by('d4'))).toBe('a third unit (the chart has two axes: ppm, °C)');
    expect(cannotAdd(twoUnits, by('d1'))).toBe('already on the chart');
    expect(cannotAdd([by('d15')], by('d38'))).toBeNull(); // no unit + CSQ
    expect(unitsOf([by('d15'), by('d38')])).toEqual(['', 'CSQ']);
    expect(cannotAdd([by('d15'), by('d38')], by('d1'))).toBe('a third unit (the chart has two axes: no unit, CSQ)');
    const six = ['d1', 'd8', 'd3', 'd10', 'd7', 'd14'].map(by);
    expect(six).toHaveLength(MAX_COMPARE);
    expect(cannotAdd(six, by('d2'))).toBe('at most 6 channels');
  });
});
