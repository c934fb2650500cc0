import { describe, expect, it } from 'vitest';
import { aqiCategory, inkOn, pmAqi } from './aqi.js';

// The same edges tests/automation/test_auto_aqi.py checks for aqi.py, written out from the
// published tables (each band's both ends, then past the top, capped at 500).
const CASES = {
  'cpcb pm25': [[0, 0], [30, 50], [31, 51], [60, 100], [61, 101], [90, 200], [91, 201], [120, 300],
    [121, 301], [250, 400], [251, 401], [380, 500], [381, 500], [999, 500]],
  'cpcb pm10': [[0, 0], [50, 50], [51, 51], [100, 100], [101, 101], [250, 200], [251, 201], [350, 300],
    [351, 301], [430, 400], [431, 401], [510, 500], [511, 500], [999, 500]],
  'epa pm25': [[0.0, 0], [9.0, 50], [9.1, 51], [35.4, 100], [35.5, 101], [55.4, 150], [55.5, 151],
    [125.4, 200], [125.5, 201], [225.4, 300], [225.5, 301], [325.4, 500], [325.5, 500]],
  'epa pm10': [[0, 0], [54, 50], [55, 51], [154, 100], [155, 101], [254, 150], [255, 151], [354, 200],
    [355, 201], [424, 300], [425, 301], [604, 500], [605, 500]],
};

describe('pmAqi (port of automation_svc/aqi.py)', () => {
  for (const [name, cases] of Object.entries(CASES)) {
    const [standard, size] = name.split(' ');
    it.each(cases)(`${name}: %s ug/m3 -> %s`, (pm, expected) => {
      expect(pmAqi(pm, standard, size)).toBe(expected);
    });
  }

  it.each([
    [250.9, 'pm25', 400], // whole ug/m3: 250.9 reads as 250, still Very poor
    [30.99, 'pm25', 50],
    [430.5, 'pm10', 400],
    [-3, 'pm10', 0],
    [300, 'pm25', 439], // (500-401)/(380-251)*(300-251)+401 = 438.6
    [175, 'pm10', 150], // (200-101)/(250-101)*(175-101)+101 = 150.17
    [43, 'pm25', 71], // the brief's outlet dust: Satisfactory, as the display shows it
    [43, 'pm10', 43],
  ])('cpcb truncation and inside bands: %s %s -> %s', (pm, size, expected) => {
    expect(pmAqi(pm, 'cpcb', size)).toBe(expected);
  });

  it('EPA PM2.5 truncates to 0.1 (9.05 reads as 9.0, Good)', () => {
    expect(pmAqi(9.05, 'epa', 'pm25')).toBe(50);
  });

  it('no reading gives no index; frames may carry numbers as strings', () => {
    expect(pmAqi(null)).toBeNull();
    expect(pmAqi(undefined)).toBeNull();
    expect(pmAqi('')).toBeNull();
    expect(pmAqi('abc')).toBeNull();
    expect(pmAqi('61')).toBe(101);
  });

  it('defaults to CPCB PM2.5 (the display default)', () => {
    expect(pmAqi(61)).toBe(101);
  });
});

describe('aqiCategory', () => {
  it.each([
    [0, 'Good'], [50, 'Good'], [51, 'Satisfactory'], [100, 'Satisfactory'], [101, 'Moderately polluted'],
    [200, 'Moderately polluted'], [201, 'Poor'], [301, 'Very poor'], [400, 'Very poor'], [401, 'Severe'], [500, 'Severe'],
  ])('NAQI %s is %s', (index, name) => {
    expect(aqiCategory(index, 'cpcb').name).toBe(name);
  });

  it.each([
    [50, 'Good'], [51, 'Moderate'], [101, 'Unhealthy for sensitive groups'], [151, 'Unhealthy'],
    [201, 'Very unhealthy'], [301, 'Hazardous'],
  ])('EPA %s is %s', (index, name) => {
    expect(aqiCategory(index, 'epa').name).toBe(name);
  });

  it('gives each NAQI band its colour and readable ink', () => {
    expect(aqiCategory(10, 'cpcb')).toEqual({ name: 'Good', color: '#00b050', ink: '#000000' });
    expect(aqiCategory(450, 'cpcb')).toEqual({ name: 'Severe', color: '#c00000', ink: '#ffffff' });
    expect(aqiCategory(null)).toBeNull();
  });

  it('inkOn picks the higher-contrast text colour', () => {
    expect(inkOn('#ffff00')).toBe('#000000');
    expect(inkOn('#7e0023')).toBe('#ffffff');
  });
});
