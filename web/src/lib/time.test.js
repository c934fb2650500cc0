// Indian dates and 24-hour times in the unit's zone, whatever the browser's locale and zone.
import { describe, expect, it } from 'vitest';
import { durationText, formatDate, formatDateTime, formatTime, isoDateText, monthText, rangeText } from './time.js';
import { timeTicks, timeAxisLabel } from '../components/HistoryChart.jsx';

const AT = Date.UTC(2026, 11, 7, 8, 35, 9) / 1000; // 14:05:09 IST

describe('time', () => {
  it('writes dates as 07 Dec 2026 and times as 14:05, in the unit zone', () => {
    expect(formatDate(AT, 'Asia/Kolkata')).toBe('07 Dec 2026');
    expect(formatTime(AT, 'Asia/Kolkata')).toBe('14:05');
    expect(formatTime(AT, 'Asia/Kolkata', { seconds: true, zone: true })).toBe('14:05:09 IST');
    expect(formatDateTime(AT, 'Asia/Kolkata')).toBe('07 Dec 2026, 14:05 IST');
    expect(formatDateTime(Date.UTC(2026, 8, 1, 20, 0) / 1000, 'Asia/Kolkata')).toBe('02 Sep 2026, 01:30 IST');
    expect(formatDateTime(null, 'Asia/Kolkata')).toBe('—');
  });

  it('writes calendar dates, months and ranges the same way', () => {
    expect(isoDateText('2026-12-07')).toBe('07 Dec 2026');
    expect(monthText('2026-02')).toBe('February 2026');
    expect(rangeText('2026-12-01', '2026-12-07')).toBe('01 Dec 2026 to 07 Dec 2026');
    expect(rangeText('2026-12-07', '2026-12-07')).toBe('07 Dec 2026');
  });

  it('says durations in words with units', () => {
    expect(durationText(45)).toBe('45 seconds');
    expect(durationText(300)).toBe('5 minutes');
    expect(durationText(3600)).toBe('1 hour');
    expect(durationText(5400)).toBe('1 hour 30 minutes');
    expect(durationText(14400)).toBe('4 hours');
    expect(durationText(86400)).toBe('1 day');
    expect(durationText(604800)).toBe('1 week');
  });

  it('labels chart time axes in the unit zone, never M/D, with the zone named', () => {
    const day = Date.UTC(2026, 11, 6, 18, 30) / 1000; // 07 Dec 00:00 IST
    expect(timeTicks([day, day + 6 * 3600, day + 12 * 3600], 6 * 3600, 'Asia/Kolkata')).toEqual([
      '00:00\n07 Dec',
      '06:00',
      '12:00',
    ]);
    expect(timeTicks([day, day + 86400], 86400, 'Asia/Kolkata')).toEqual(['07 Dec', '08 Dec']);
    expect(timeTicks([day], 30 * 86400, 'Asia/Kolkata')).toEqual(['Dec 2026']);
    expect(timeAxisLabel('Asia/Kolkata')).toBe('Time (IST)');
  });
});
