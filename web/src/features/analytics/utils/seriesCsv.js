// The aggregated series on the Analytics chart as a CSV built in the browser: one row per bucket
// (its start in the unit's zone), min/mean/max per channel. Cells are escaped per RFC 4180 and,
// per SPEC 11, a text cell starting with = + - @ tab or CR gets a leading ' (a spreadsheet must
// never run a label or a timestamp as a formula).
import { num } from '../../../lib/format.js';

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: numbers as they are; text made formula-safe, then quoted when it needs it. */
export function csvCell(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells) {
  return cells.map(csvCell).join(',');
}

/** "YYYY-MM-DD HH:MM" of epoch seconds in an IANA zone (the unit's). */
export function zonedStamp(epochS, timeZone) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  })
    .formatToParts(new Date(epochS * 1000))
    .reduce((acc, p) => ({ ...acc, [p.type]: p.value }), {});
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/**
 * history: the /api/history answer; channels: [{code, label, unit}] in chart order; timeZone: the unit's.
 * Returns the CSV text (UTF-8 with a BOM, CRLF line ends, as RFC 4180 and spreadsheets expect).
 */
export function seriesToCsv(history, channels, timeZone) {
  const head = [`time (${timeZone || 'UTC'})`];
  channels.forEach((c) => {
    const name = c.unit ? `${c.label} [${c.unit}]` : c.label;
    head.push(`${name} min`, `${name} mean`, `${name} max`);
  });
  const lines = [csvLine(head)];
  const t = Array.isArray(history?.t) ? history.t : [];
  t.forEach((ts, k) => {
    const s = num(ts);
    if (s === null) return; // a bucket without a valid time is not charted either
    const row = [zonedStamp(s, timeZone || 'UTC')];
    channels.forEach((c) => {
      const ser = history.series?.[c.code] || {};
      row.push(num(ser.min?.[k]), num(ser.mean?.[k]), num(ser.max?.[k]));
    });
    lines.push(csvLine(row));
  });
  // a byte-order mark: Excel then reads the file as UTF-8 (CO₂, µg/m³, °C), other tools skip it
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
