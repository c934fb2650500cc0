// Times a person reads (SPEC 12): in the unit's zone, Indian style, whatever the browser's locale
// and zone: "07 Dec 2026", "14:05", "07 Dec 2026, 14:05 IST". Built from Intl's numeric parts, not
// its locale text, so a browser set to en-US never shows "12/7/2026" or "2:05 PM".

function num(v) {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];

const OFFSET_NAME = /^(GMT|UTC)[+\-\u2212]/;
// Intl names zones per locale: en-US calls Asia/Kolkata "GMT+5:30", en-IN calls it "IST";
// the first English locale with a real abbreviation wins, else the offset form stands.
const NAME_LOCALES = ['en-US', 'en-GB', 'en-IN', 'en-AU'];

// Intl.DateTimeFormat's constructor is slow (tenths of a millisecond, more on a phone), and every
// time on a page asks for a zone's name: each formatter is made once per zone and locale.
const nameFormatters = new Map();

function nameFormatter(locale, timeZone) {
  const key = `${locale}|${timeZone}`;
  let f = nameFormatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' });
    nameFormatters.set(key, f);
  }
  return f;
}

/** Short name of a time zone at a moment, e.g. "IST", "CET", "GMT+4"; null for an unknown zone. */
export function zoneName(timeZone, date = new Date()) {
  let fallback = null;
  for (const locale of NAME_LOCALES) {
    try {
      const part = nameFormatter(locale, timeZone)
        .formatToParts(date)
        .find((p) => p.type === 'timeZoneName')?.value;
      if (part && !OFFSET_NAME.test(part)) return part;
      fallback = fallback ?? part ?? null;
    } catch {
      return null; // an unknown zone name
    }
  }
  return fallback;
}

let browserZoneName = null;
const browserZone = () => (browserZoneName ??= Intl.DateTimeFormat().resolvedOptions().timeZone);
const formatters = new Map();

function formatterFor(timeZone) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * The wall-clock parts of an epoch-seconds time in `timeZone` (the browser's when unknown or
 * invalid): {year, month (1-12), day, hour, minute, second, weekday, zone (its short name)}.
 */
export function partsIn(epochS, timeZone) {
  const date = new Date(epochS * 1000);
  let zone = timeZone || browserZone();
  let parts;
  try {
    parts = formatterFor(zone).formatToParts(date);
  } catch {
    zone = browserZone();
    parts = formatterFor(zone).formatToParts(date);
  }
  const get = (type) => parts.find((p) => p.type === type)?.value;
  const hour = Number(get('hour')) % 24;
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour,
    minute: Number(get('minute')),
    second: Number(get('second')),
    weekday: get('weekday'),
    zone: zoneName(zone, date),
  };
}

const pad = (n) => String(n).padStart(2, '0');

/** "07 Dec 2026" (the unit's date of an epoch-seconds time). */
export function formatDate(epochS, timeZone) {
  const s = num(epochS);
  if (s === null) return '—';
  const p = partsIn(s, timeZone);
  return `${pad(p.day)} ${MONTHS[p.month - 1]} ${p.year}`;
}

/** "14:05" (24-hour), or "14:05:08" with seconds; `zone: true` adds the zone: "14:05 IST". */
export function formatTime(epochS, timeZone, { seconds = false, zone = false } = {}) {
  const s = num(epochS);
  if (s === null) return '—';
  const p = partsIn(s, timeZone);
  const text = `${pad(p.hour)}:${pad(p.minute)}${seconds ? `:${pad(p.second)}` : ''}`;
  return zone && p.zone ? `${text} ${p.zone}` : text;
}

/** "07 Dec 2026, 14:05 IST": the zone always named, so it is never read as the browser's time. */
export function formatDateTime(epochS, timeZone, { seconds = false } = {}) {
  const s = num(epochS);
  if (s === null) return '—';
  return `${formatDate(s, timeZone)}, ${formatTime(s, timeZone, { seconds, zone: true })}`;
}

/** "14:05 IST" today, else "07 Dec 2026, 14:05 IST" (when something last happened). */
export function formatWhen(epochS, timeZone, nowS = Date.now() / 1000) {
  const s = num(epochS);
  if (s === null) return '—';
  if (formatDate(s, timeZone) === formatDate(nowS, timeZone)) return formatTime(s, timeZone, { zone: true });
  return formatDateTime(s, timeZone);
}

/** A calendar date "2026-12-07" as "07 Dec 2026" (as is when it is not one). */
export function isoDateText(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
  if (!m) return iso || '';
  return `${m[3]} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

/** "2026-12" as "December 2026". */
export function monthText(month) {
  const m = /^(\d{4})-(\d{2})$/.exec(month || '');
  return m ? `${MONTHS_LONG[Number(m[2]) - 1]} ${m[1]}` : month || '';
}

/** "07 Dec 2026 to 13 Dec 2026" for a range of calendar dates. */
export function rangeText(start, end) {
  return start === end ? isoDateText(start) : `${isoDateText(start)} to ${isoDateText(end)}`;
}

const UNITS = [
  [604800, 'week'],
  [86400, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

/** A duration in words: 45 -> "45 seconds", 14400 -> "4 hours", 5400 -> "1 hour 30 minutes". */
export function durationText(seconds) {
  const s = num(seconds);
  if (s === null) return '—';
  let left = Math.round(Math.abs(s));
  if (left === 0) return '0 seconds';
  const words = [];
  for (const [size, name] of UNITS) {
    const n = Math.floor(left / size);
    if (n > 0 && words.length < 2) {
      words.push(`${n} ${name}${n === 1 ? '' : 's'}`);
      left -= n * size;
    }
    if (words.length && (left === 0 || words.length === 2)) break;
  }
  return words.join(' ');
}
