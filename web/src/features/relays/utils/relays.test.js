// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { bodyFromForm, daysText, formFromRelay, fieldKeys, normalizeField } from './relays.js';

describe('relay helpers', () => {
  it('round-trips a sensor rule through a draft', () => {
    const r = { id: 'i2', name: 'Fan', mode: 'sensor', sensor: { channel: 'd9', low: 20, high: 35.5, above: 1 } };
    const d = formFromRelay(r, [{ code: 'd1' }]);
    expect(d.sensor).toEqual({ channel: 'd9', low: '20', high: '35.5', above: 1 });
    expect(bodyFromForm(d)).toEqual({
      name: 'Fan',
      mode: 'sensor',
      sensor: { channel: 'd9', low: 20, high: 35.5, above: 1 },
    });
  });

  it('round-trips a time rule and defaults missing rules', () => {
    const r = {
      name: 'Pump ',
      mode: 'time',
      time: { windows: [{ start: '22:00', end: '06:00', days: [4, 0] }], inside: 0 },
    };
    expect(bodyFromForm(formFromRelay(r))).toEqual({
      name: 'Pump',
      mode: 'time',
      time: { windows: [{ start: '22:00', end: '06:00', days: [0, 4] }], inside: 0 },
    });
    const d = formFromRelay({ name: 'x', mode: 'manual' }, [{ code: 'd1' }]);
    expect(d.sensor.channel).toBe('d1');
    expect(d.time.windows).toHaveLength(1);
    expect(bodyFromForm(d)).toEqual({ name: 'x', mode: 'manual' });
  });

  it('keeps a non-numeric threshold for the server to reject by field', () => {
    const d = formFromRelay({ name: 'x', mode: 'sensor', sensor: { channel: 'd1', low: '', high: 'abc' } });
    expect(bodyFromForm(d).sensor).toMatchObject({ low: null, high: 'abc' });
  });

  it('normalizes server field names', () => {
    expect(normalizeField('sensor.low')).toBe('sensor.low');
    expect(normalizeField('low')).toBe('sensor.low');
    expect(normalizeField('time.windows[1].start')).toBe('time.windows.1.start');
    expect(normalizeField('windows.0.end')).toBe('time.windows.0.end');
    expect(normalizeField('name')).toBe('name');
    expect(normalizeField(null)).toBeNull();
  });

  it('lists the keys a card shows', () => {
    const d = formFromRelay({ name: 'x', mode: 'time', time: { windows: [{}, {}], inside: 1 } });
    expect(fieldKeys(d)).toContain('time.windows.1.end');
    expect(fieldKeys(d)).not.toContain('sensor.low');
  });

  it('writes weekdays (0 = Monday)', () => {
    expect(daysText([])).toBe('every day');
    expect(daysText([0, 6])).toBe('Mon, Sun');
  });
});
