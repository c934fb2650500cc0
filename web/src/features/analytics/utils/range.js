// The days an Analytics view covers, always in the unit's calendar (its todayIn), never the browser's.
import { addDays, daysInRange, lastDays, todayIn } from '../../../lib/dates.js';

export const PRESETS = {
  today: { label: 'Today', days: 1, buckets: 96, text: 'today' },
  week: { label: 'Week', days: 7, buckets: 168, text: 'last 7 days' },
  month: { label: 'Month', days: 30, buckets: 360, text: 'last 30 days' },
  year: { label: 'Year', days: 365, buckets: 500, text: 'last 365 days' },
};

/** A calendar month at the unit: offset 0 is this month up to today, -1 the whole previous month. */
export function calendarMonth(today, offset) {
  const [y, m] = today.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 + offset, 1)).toISOString().slice(0, 10);
  if (offset === 0) return { start: first, end: today };
  const nextFirst = new Date(Date.UTC(y, m + offset, 1)).toISOString().slice(0, 10);
  return { start: first, end: addDays(nextFirst, -1) };
}

/** About an hour a bucket for short ranges, at most 500 (a year: ~17.5 h buckets). */
export function bucketsFor(days) {
  return Math.min(500, Math.max(24, days * 24));
}

/** {start, end, buckets, text} of a preset ending today at the unit, or of a chosen range. */
export function viewRange(period, custom, tz) {
  if (period === 'range') {
    return { ...custom, buckets: bucketsFor(daysInRange(custom.start, custom.end)), text: `${custom.start} to ${custom.end}` };
  }
  const p = PRESETS[period];
  return { ...lastDays(p.days, todayIn(tz)), buckets: p.buckets, text: p.text };
}
