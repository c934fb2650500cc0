// Dates and times as the plant reads them (SPEC 12): "07 Dec 2026", "14:05 IST", 24-hour, always
// in the unit's time zone (GET /api/config), never the browser's. Pure; kept here until the
// shared helpers of lib/ speak this style.
import { num, zoneName } from '../../../lib/format.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const FULL_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** {year, month (1-12), day, hour, minute, second} of an epoch-seconds moment in `tz`. */
export function zonedParts(epochS, tz) {
  const date = new Date(epochS * 1000);
  let parts;
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone: tz || undefined,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(date);
  } catch {
    return zonedParts(epochS, undefined); // an unknown zone: the browser's
  }
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour) % 24,
    minute: Number(p.minute),
    second: Number(p.second),
  };
}

const pad = (n) => String(n).padStart(2, '0');

function zoneOf(epochS, tz) {
  return zoneName(tz || Intl.DateTimeFormat().resolvedOptions().timeZone, new Date(epochS * 1000));
}

/** "07 Dec 2026" */
export function formatDay(epochS, tz) {
  const s = num(epochS);
  if (s === null) return '—';
  const p = zonedParts(s, tz);
  return `${pad(p.day)} ${MONTHS[p.month - 1]} ${p.year}`;
}

/** "14:05 IST" */
export function formatClock(epochS, tz) {
  const s = num(epochS);
  if (s === null) return '—';
  const p = zonedParts(s, tz);
  const zone = zoneOf(s, tz);
  return `${pad(p.hour)}:${pad(p.minute)}${zone ? ` ${zone}` : ''}`;
}

/** "07 Dec 2026, 14:05 IST" */
export function formatDateTime(epochS, tz) {
  const s = num(epochS);
  if (s === null) return '—';
  return `${formatDay(s, tz)}, ${formatClock(s, tz)}`;
}

/** "14:05 IST" on the same day as `now` (in the unit's zone), else "06 Dec 2026, 14:05 IST". */
export function formatWhen(epochS, tz, now = Date.now() / 1000) {
  const s = num(epochS);
  if (s === null) return '—';
  return formatDay(s, tz) === formatDay(now, tz) ? formatClock(s, tz) : formatDateTime(s, tz);
}

/** "YYYY-MM-DD" and "HH:MM" of a moment in `tz` (to fill date and time inputs). */
export function isoParts(epochS, tz) {
  const p = zonedParts(epochS, tz);
  return { date: `${p.year}-${pad(p.month)}-${pad(p.day)}`, time: `${pad(p.hour)}:${pad(p.minute)}` };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
export const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * Epoch seconds of a wall-clock date ("YYYY-MM-DD") and time ("HH:MM") in `tz`; null when either
 * is not a real date or time. Two passes of the zone's offset, so a change of offset between the
 * guess and the answer (summer time, in zones that have it) still lands right.
 */
export function zonedToEpoch(date, time, tz) {
  const d = DATE.exec(date || '');
  const t = HHMM.exec(time || '');
  if (!d || !t) return null;
  const [y, mo, da] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const wall = Date.UTC(y, mo - 1, da, Number(t[1]), Number(t[2])) / 1000;
  const check = new Date(wall * 1000);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== da) return null; // 30 Feb
  const offset = (s) => {
    const p = zonedParts(s, tz);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) / 1000 - s;
  };
  let epoch = wall - offset(wall);
  epoch = wall - offset(epoch);
  return epoch;
}

/** "2026-11" -> "November 2026" */
export function monthTitle(month) {
  const m = /^(\d{4})-(\d{2})$/.exec(month || '');
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return month || '';
  return `${FULL_MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

/** The `count` calendar months before the one holding `now` in `tz`, newest first ("YYYY-MM"). */
export function pastMonths(count, tz, now = Date.now() / 1000) {
  const p = zonedParts(now, tz);
  const out = [];
  let [y, m] = [p.year, p.month];
  for (let k = 0; k < count; k += 1) {
    m -= 1;
    if (m === 0) {
      m = 12;
      y -= 1;
    }
    out.push(`${y}-${pad(m)}`);
  }
  return out;
}

/** "1st", "2nd", "3rd", "28th" (the report's day of the month). */
export function ordinal(n) {
  const v = n % 100;
  if (v >= 11 && v <= 13) return `${n}th`;
  return `${n}${{ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] || 'th'}`;
}
