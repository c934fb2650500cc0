// The Impact report over a chosen range (pure): which days to ask /api/history for, the averages
// and reductions per inlet/outlet pair, and how complete the data is.
import { num } from '../../../lib/format.js';
import { aqiCategories, aqiCategory, pmAqi } from '../../../lib/aqi.js';
import { partsIn, monthText } from '../../../lib/time.js';
import { computeChange } from '../../../lib/impact.js';
import { addDays, daysInRange, lastDays, todayIn } from '../../../lib/dates.js';

export const RANGES = {
  week: { label: '7 days', days: 7 },
  month30: { label: '30 days', days: 30 },
  calendar: { label: 'Calendar month', days: null },
};
const BUCKETS_PER_DAY = 8; // 3 h: a month is 240 points per line, enough to see days and nights

/** {start, end, buckets, text} of a range choice; `month` is "YYYY-MM" for the calendar month. */
export function reportRange(choice, month, tz, now = new Date()) {
  const today = todayIn(tz, now);
  if (choice === 'calendar' && /^\d{4}-\d{2}$/.test(month || '')) {
    const start = `${month}-01`;
    const [y, m] = month.split('-').map(Number);
    const last = addDays(`${m === 12 ? y + 1 : y}-${String((m % 12) + 1).padStart(2, '0')}-01`, -1);
    if (!last || start > today) return null; // not a month, or one still to come
    const end = last < today ? last : today;
    return { start, end, buckets: daysInRange(start, end) * BUCKETS_PER_DAY, text: monthName(month) };
  }
  const days = RANGES[choice]?.days || 7;
  return { ...lastDays(days, today), buckets: days * BUCKETS_PER_DAY, text: `last ${days} days` };
}

export function monthName(month) {
  return monthText(month);
}

/** Mean of a channel's bucket means (buckets are equal lengths of time; empty ones skipped). */
export function seriesMean(history, code) {
  const means = history?.series?.[code]?.mean;
  if (!Array.isArray(means)) return null;
  let sum = 0;
  let n = 0;
  for (const v of means) {
    const x = num(v);
    if (x !== null) {
      sum += x;
      n += 1;
    }
  }
  return n ? sum / n : null;
}

/** A pair's averages over the range and the change outlet − inlet (abs, % of the inlet). */
export function pairSummary(history, pair) {
  const inlet = seriesMean(history, pair.inlet.code);
  const outlet = seriesMean(history, pair.outlet.code);
  return { inlet, outlet, ...computeChange(inlet, outlet) };
}

/**
 * Share of the range's elapsed buckets (those that have begun by `nowS`) holding any reading:
 * a unit that was off or out of coverage shows here, not as a quietly shorter average.
 */
export function completeness(history, nowS) {
  const t = Array.isArray(history?.t) ? history.t.map(num) : [];
  const series = Object.values(history?.series || {});
  let elapsed = 0;
  let withData = 0;
  t.forEach((ts, k) => {
    if (ts === null || ts > nowS) return;
    elapsed += 1;
    if (series.some((s) => num(s?.mean?.[k]) !== null)) withData += 1;
  });
  return { elapsed, withData, pct: elapsed ? (withData / elapsed) * 100 : null, bucketS: num(history?.bucket_s) };
}

/**
 * Hours a relay was ON over the range: each bucket's mean of the 0/1 relay value is the share of
 * it spent ON (the gateway serves i1..i8 like the sensors). Null when the history holds no
 * series or no reading for the relay.
 */
export function relayHoursOn(history, code) {
  const means = history?.series?.[code]?.mean;
  const bucketS = num(history?.bucket_s);
  if (!Array.isArray(means) || bucketS === null) return null;
  let seconds = 0;
  let any = false;
  for (const v of means) {
    const x = num(v);
    if (x === null) continue;
    any = true;
    seconds += Math.min(1, Math.max(0, x)) * bucketS;
  }
  return any ? seconds / 3600 : null;
}

/**
 * A channel's daily means on the unit's calendar: [{day: "YYYY-MM-DD", mean}] (each bucket's mean
 * weighted equally, days without a reading left out).
 */
export function dailyMeans(history, code, tz) {
  const t = Array.isArray(history?.t) ? history.t : [];
  const means = history?.series?.[code]?.mean;
  if (!Array.isArray(means)) return [];
  const days = new Map();
  t.forEach((ts, k) => {
    const v = num(means[k]);
    const s = num(ts);
    if (v === null || s === null) return;
    const p = partsIn(s, tz);
    const day = `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
    const d = days.get(day) || [0, 0];
    days.set(day, [d[0] + v, d[1] + 1]);
  });
  return [...days.entries()].sort().map(([day, [sum, n]]) => ({ day, mean: sum / n }));
}

/**
 * The AQI over the range from a PM channel, as the standards define it (the 24-hour mean
 * concentration's index): {average (the mean of the daily indices, rounded), days: number of
 * days, counts: [{name, color, ink, days}] per category in the standard's order}.
 */
export function aqiSummary(history, code, { standard = 'cpcb', size = 'pm25', tz } = {}) {
  const daily = dailyMeans(history, code, tz).map((d) => pmAqi(d.mean, standard, size));
  const counts = aqiCategories(standard).map((c) => ({ ...c, days: 0 }));
  for (const index of daily) {
    const name = aqiCategory(index, standard)?.name;
    const c = counts.find((x) => x.name === name);
    if (c) c.days += 1;
  }
  const average = daily.length ? Math.round(daily.reduce((a, b) => a + b, 0) / daily.length) : null;
  return { average, category: aqiCategory(average, standard), days: daily.length, counts };
}

/**
 * The report's headline: each quantity where lower is better, as "Dust PM 68% lower" at the
 * outlet than the inlet over the range (null where a side has no data).
 */
export function headlines(history, pairs) {
  return pairs
    .filter((p) => (p.outlet.better || p.inlet.better) === 'lower')
    .map((p) => {
      const s = pairSummary(history, p);
      if (s.pct === null) return null;
      const r = Math.round(Math.abs(s.pct));
      return { quantity: p.quantity, text: r === 0 ? 'no change' : `${r}% ${s.pct < 0 ? 'lower' : 'higher'}`, good: s.pct < 0 };
    })
    .filter(Boolean);
}
