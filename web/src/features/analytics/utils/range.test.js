import { afterEach, describe, expect, it, vi } from 'vitest';
import { PRESETS, bucketsFor, calendarMonth, viewRange } from './range.js';
import { validateRange } from '../../../lib/dates.js';

describe('free range validation (the unit’s calendar)', () => {
  const today = '2025-12-02';

  it('names what is wrong, field by field', () => {
    expect(validateRange('', '2025-12-01', today)).toBe('Choose both a start and an end date.');
    expect(validateRange('2025-02-30', '2025-03-01', today)).toBe('The start date is not a valid date.');
    expect(validateRange('2025-03-01', '2025-13-01', today)).toBe('The end date is not a valid date.');
    expect(validateRange('2025-12-01', '2025-11-30', today)).toBe('The start date must be on or before the end date.');
    expect(validateRange('2024-11-30', '2025-12-01', today)).toBe('The range is 367 days; choose at most 366 days.');
    expect(validateRange('2025-11-30', '2025-12-03', today)).toBe(
      'The end date is after today at the unit (2025-12-02); choose 2025-12-02 or earlier.',
    );
  });

  it('accepts one day, today, and exactly 366 days', () => {
    expect(validateRange(today, today, today)).toBeNull();
    expect(validateRange('2024-12-02', '2025-12-02', today)).toBeNull(); // 366 days
    expect(validateRange('2024-02-29', '2024-03-01', today)).toBeNull(); // a leap day
  });
});

describe('calendar months and bucket counts', () => {
  it('gives this month so far and the whole previous month, across a year end and a leap February', () => {
    expect(calendarMonth('2025-12-02', 0)).toEqual({ start: '2025-12-01', end: '2025-12-02' });
    expect(calendarMonth('2025-12-02', -1)).toEqual({ start: '2025-11-01', end: '2025-11-30' });
    expect(calendarMonth('2026-01-15', -1)).toEqual({ start: '2025-12-01', end: '2025-12-31' });
    expect(calendarMonth('2024-03-31', -1)).toEqual({ start: '2024-02-01', end: '2024-02-29' });
  });

  it('asks for about an hour a bucket, at least 24 and at most 500', () => {
    expect(bucketsFor(1)).toBe(24);
    expect(bucketsFor(3)).toBe(72);
    expect(bucketsFor(20)).toBe(480);
    expect(bucketsFor(366)).toBe(500);
  });
});

describe('views end on the unit’s today, whatever the browser’s zone', () => {
  afterEach(() => vi.useRealTimers());

  it('uses Asia/Kolkata’s date when UTC is still on the day before', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-12-01T20:00:00Z')); // 01:30 on Dec 2 at the unit
    expect(viewRange('today', null, 'Asia/Kolkata')).toEqual({
      start: '2025-12-02', end: '2025-12-02', buckets: 96, text: 'today',
    });
    expect(viewRange('week', null, 'Asia/Kolkata')).toMatchObject({ start: '2025-11-26', end: '2025-12-02', buckets: 168 });
    expect(viewRange('month', null, 'Asia/Kolkata')).toMatchObject({ start: '2025-11-03', end: '2025-12-02', buckets: 360 });
    expect(viewRange('year', null, 'Asia/Kolkata')).toMatchObject({ start: '2024-12-03', end: '2025-12-02', buckets: 500 });
    expect(viewRange('week', null, 'America/New_York')).toMatchObject({ end: '2025-12-01' });
    expect(Object.keys(PRESETS)).toEqual(['today', 'week', 'month', 'year']);
  });

  it('takes a chosen range as it is', () => {
    expect(viewRange('range', { start: '2024-01-01', end: '2024-01-03' }, 'Asia/Kolkata')).toEqual({
      start: '2024-01-01', end: '2024-01-03', buckets: 72, text: '2024-01-01 to 2024-01-03',
    });
  });
});
