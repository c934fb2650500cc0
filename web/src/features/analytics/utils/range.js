// The days an Analytics view covers, always in the unit's calendar (its todayIn), never the browser's.
import { addDays, daysInRange, lastDays, todayIn } from '../../../lib/dates.js';
import { durationText, rangeText } from '../../../lib/time.js';

// How many buckets to ask for: the server rounds each to a calendar-aligned size in the unit's
// zone (SPEC 10/12), so these ask for 15 minutes, hours, 4 hours and days: a year is 365 daily
// points with their min-max band, not 500 buckets of 17.5 h that alias into a zig-zag.
export const PRESETS = {
  today: { label: 'Today', days: 1, buckets: 96, text: 'today' },
  week: { label: 'Week', days: 7, buckets: 168, text: 'last 7 days' },
  month: { label: 'Month', days: 30, buckets: 180, text: 'last 30 days' },
  year: { label: 'Year', days: 365, buckets: 365, text: 'last 365 days' },
};

/** A calendar month at the unit: offset 0 is this month up to today, -1 the whole previous month. */
export function calendarMonth(today, offset) {
  const [y, m] = today.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 + offset, 1)).toISOString().slice(0, 10);
  if (offset === 0) return { start: first, end: today };
  const nextFirst = new Date(Date.UTC(y, m + offset, 1)).toISOString().slice(0, 10);
  return { start: first, end: addDays(nextFirst, -1) };
}

/** Hourly up to a week, 4-hourly up to a month and a half, daily beyond (at most 366 points). */
export function bucketsFor(days) {
  if (days <= 7) return Math.max(24, days * 24);
  if (days <= 45) return days * 6;
  return days;
}

/** {start, end, buckets, text} of a preset ending today at the unit, or of a chosen range. */
export function viewRange(period, custom, tz) {
  if (period === 'range') {
    return { ...custom, buckets: bucketsFor(daysInRange(custom.start, custom.end)), text: rangeText(custom.start, custom.end) };
  }
  const p = PRESETS[period];
  return { ...lastDays(p.days, todayIn(tz)), buckets: p.buckets, text: p.text };
}

/** What one point of the chart is, from the server's bucket size: "each point: 1 hour (mean, with its min–max band)". */
export function bucketWords(bucketS) {
  const s = Number(bucketS);
  if (!Number.isFinite(s) || s <= 0) return null;
  return `Each point is the mean of ${durationText(s)}, shaded from its lowest to its highest reading.`;
}
