// Calendar dates as "YYYY-MM-DD" strings: the unit's calendar (todayIn) or the browser's.
import { isoDateText } from './time.js';

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86400000;

export function toISODate(date) {
  const y = date.getFullYear();
  const m = String(date.getMonth() + 1).padStart(2, '0');
  const d = String(date.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** Today's date in an IANA time zone (the unit's); the browser's own zone when tz is unknown. */
export function todayIn(timeZone, now = new Date()) {
  if (!timeZone) return toISODate(now);
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(now)
      .reduce((acc, p) => ({ ...acc, [p.type]: p.value }), {});
    return `${parts.year}-${parts.month}-${parts.day}`;
  } catch {
    return toISODate(now); // an unknown zone name: the browser's calendar
  }
}

/** Day number (days since epoch) of a valid "YYYY-MM-DD", else null. */
export function dayNumber(iso) {
  const m = ISO.exec(iso || '');
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    return null; // e.g. 2025-02-30
  }
  return Math.round(ms / DAY_MS);
}

export function addDays(iso, n) {
  const dn = dayNumber(iso);
  if (dn === null) return null;
  return new Date((dn + n) * DAY_MS).toISOString().slice(0, 10);
}

/** The last `days` calendar days ending today (inclusive): {start, end}. */
export function lastDays(days, today = toISODate(new Date())) {
  return { start: addDays(today, -(days - 1)), end: today };
}

/** Inclusive number of days from start to end. */
export function daysInRange(start, end) {
  const a = dayNumber(start);
  const b = dayNumber(end);
  if (a === null || b === null) return null;
  return b - a + 1;
}

// The gateway serves any range up to 366 days (stored days come from its history store), for the
// CSV report and the charted history alike.
export const MAX_RANGE_DAYS = 366;

/**
 * The one check of a date range a form sends (the CSV report, a chart's free range): its problem
 * as a sentence naming the field, or null. With `today` (the unit's), an end after it is refused.
 */
export function validateRange(start, end, today = null, maxDays = MAX_RANGE_DAYS) {
  if (!start || !end) return 'Choose both a start and an end date.';
  if (dayNumber(start) === null) return 'The start date is not a valid date.';
  if (dayNumber(end) === null) return 'The end date is not a valid date.';
  const n = daysInRange(start, end);
  if (n < 1) return 'The start date must be on or before the end date.';
  if (n > maxDays) return `The range is ${n} days; choose at most ${maxDays} days.`;
  if (today && dayNumber(end) > dayNumber(today)) {
    const day = isoDateText(today);
    return `The end date is after today at the unit (${day}); choose ${day} or earlier.`;
  }
  return null;
}
