// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { addDays, dayNumber, todayIn, daysInRange, lastDays, validateRange } from './dates.js';

describe('dates', () => {
  it('does calendar arithmetic on YYYY-MM-DD', () => {
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(daysInRange('2025-11-01', '2025-12-01')).toBe(31);
    expect(dayNumber('2025-02-30')).toBeNull();
    expect(lastDays(7, '2025-12-05')).toEqual({ start: '2025-11-29', end: '2025-12-05' });
    expect(lastDays(30, '2025-12-05')).toEqual({ start: '2025-11-06', end: '2025-12-05' });
  });

  it('validates the CSV range (max 366 days: the history store serves a year)', () => {
    expect(validateRange('2025-11-01', '2025-12-01')).toBeNull(); // 31 days, the brief's example
    expect(validateRange('2025-11-01', '2025-11-01')).toBeNull();
    expect(validateRange('2024-12-01', '2025-12-01')).toBeNull(); // 366 days
    expect(validateRange('2024-11-30', '2025-12-01')).toMatch(/367 days; choose at most 366 days/);
    expect(validateRange('2025-11-01', '2025-12-02', null, 31)).toMatch(/at most 31 days/);
    expect(validateRange('2025-11-10', '2025-11-01')).toMatch(/on or before/);
    expect(validateRange('', '2025-11-01')).toMatch(/both/);
    expect(validateRange('2025-13-01', '2025-11-01')).toMatch(/start date is not a valid/);
  });

  it("gives today in the unit's zone, the browser's when the zone is unknown", () => {
    const t = new Date('2025-12-01T20:00:00Z');
    expect(todayIn('Asia/Kolkata', t)).toBe('2025-12-02');
    expect(todayIn('America/New_York', t)).toBe('2025-12-01');
    const local = `${t.getFullYear()}-${String(t.getMonth() + 1).padStart(2, '0')}-${String(t.getDate()).padStart(2, '0')}`;
    expect(todayIn(undefined, t)).toBe(local);
    expect(todayIn('Not/AZone', t)).toBe(local);
  });
});
