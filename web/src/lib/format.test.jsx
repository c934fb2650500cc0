// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { formatAge, formatNumber, formatPercent, formatSigned, formatValue, num, relayText } from './format.js';

const co2 = { code: 'd1', unit: 'ppm', precision: 0, group: 'inlet' };
const temp = { code: 'd3', unit: '°C', precision: 1, group: 'inlet' };
const hum = { code: 'd4', unit: '%', precision: 0, group: 'inlet' };
const relay = { code: 'i1', unit: '', precision: 0, group: 'relay' };

describe('format', () => {
  it('parses frame numbers leniently', () => {
    expect(num(2.0)).toBe(2);
    expect(num('2.5')).toBe(2.5);
    expect(num(null)).toBeNull();
    expect(num(undefined)).toBeNull();
    expect(num('x')).toBeNull();
    expect(num('')).toBeNull();
  });

  it('formats values with the channel precision and unit', () => {
    expect(formatValue(412.4, co2)).toBe('412 ppm');
    expect(formatValue(31.26, temp)).toBe('31.3°C');
    expect(formatValue(61, hum)).toBe('61%');
    expect(formatValue(undefined, co2)).toBe('—');
    expect(formatNumber(7.456, 2)).toBe('7.46');
  });

  it('shows relays as ON/OFF', () => {
    expect(formatValue(1.0, relay)).toBe('ON');
    expect(formatValue(0, relay)).toBe('OFF');
    expect(formatValue(null, relay)).toBe('—');
    expect(relayText('1')).toBe('ON');
  });

  it('formats signed changes and percentages', () => {
    expect(formatSigned(-32, 0)).toBe('−32');
    expect(formatSigned(1.25, 1)).toBe('+1.3');
    expect(formatSigned(0.01, 1)).toBe('0.0');
    expect(formatPercent(-7.77)).toBe('−7.8%');
    expect(formatPercent(25)).toBe('+25%');
  });

  it('writes the data age', () => {
    expect(formatAge(0.4)).toBe('just now');
    expect(formatAge(8.9)).toBe('8 s ago');
    expect(formatAge(125)).toBe('2 min ago');
    expect(formatAge(7300)).toBe('2 h ago');
    expect(formatAge(200000)).toBe('2 d ago');
    expect(formatAge(null)).toBe('never');
    expect(formatAge(-5)).toBe('just now');
  });
});
