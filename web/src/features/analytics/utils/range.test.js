import { afterEach, describe, expect, it, vi } from 'vitest';
import { PRESETS, bucketWords, bucketsFor, calendarMonth, viewRange } from './range.js';
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
      'The end date is after today at the unit (02 Dec 2025); choose 02 Dec 2025 or earlier.',
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

  it('asks for calendar-sized buckets: hours up to a week, 4 hours up to 45 days, days beyond', () => {
    expect(bucketsFor(1)).toBe(24);
    expect(bucketsFor(3)).toBe(72);
    expect(bucketsFor(7)).toBe(168);
    expect(bucketsFor(20)).toBe(120);
    expect(bucketsFor(90)).toBe(90);
    expect(bucketsFor(366)).toBe(366);
  });

  it('says what a point is from the server’s bucket size', () => {
    expect(bucketWords(3600)).toBe('Each point is the mean of 1 hour, shaded from its lowest to its highest reading.');
    expect(bucketWords(86400)).toMatch(/mean of 1 day/);
    expect(bucketWords(14400)).toMatch(/mean of 4 hours/);
    expect(bucketWords(null)).toBeNull();
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
    expect(viewRange('month', null, 'Asia/Kolkata')).toMatchObject({ start: '2025-11-03', end: '2025-12-02', buckets: 180 });
    expect(viewRange('year', null, 'Asia/Kolkata')).toMatchObject({ start: '2024-12-03', end: '2025-12-02', buckets: 365 });
    expect(viewRange('week', null, 'America/New_York')).toMatchObject({ end: '2025-12-01' });
    expect(Object.keys(PRESETS)).toEqual(['today', 'week', 'month', 'year']);
  });

  it('takes a chosen range as it is', () => {
    expect(viewRange('range', { start: '2024-01-01', end: '2024-01-03' }, 'Asia/Kolkata')).toEqual({
      start: '2024-01-01', end: '2024-01-03', buckets: 72, text: '01 Jan 2024 to 03 Jan 2024',
    });
  });
});
