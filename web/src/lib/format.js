// Formatting driven by the channel map (GET /api/channels): never hard-code labels/units here.
import { formatDateTime as indianDateTime } from './time.js';

/** A finite number from a frame field (frames may carry 2.0, "2", null or be missing). */
export function num(v) {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** A form field's text as the number an API body carries: null when blank; text that is not a
 *  number is sent as is, so the server names the bad field. */
export function toNumber(text) {
  if (text === '' || text === null || text === undefined) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

export function isRelay(channel) {
  return channel?.group === 'relay';
}

/** "ON"/"OFF" for a relay value, null if unknown. */
export function relayText(v) {
  const n = num(v);
  if (n === null) return null;
  return n >= 0.5 ? 'ON' : 'OFF';
}

/** The number with the channel's precision, without unit ("—" if missing). */
export function formatNumber(v, precision = 1) {
  const n = num(v);
  if (n === null) return '—';
  const p = Number.isInteger(precision) && precision >= 0 && precision <= 10 ? precision : 1;
  return n.toFixed(p);
}

/** Unit with its separator: "%" and "°C" hug the number, others get a space. */
export function withUnit(text, unit) {
  if (!unit || text === '—') return text;
  return /^[%°]/.test(unit) ? `${text}${unit}` : `${text} ${unit}`;
}

/** A frame value for display: "412 ppm", "24.5°C", "ON", or "—". */
export function formatValue(v, channel) {
  if (isRelay(channel)) return relayText(v) ?? '—';
  return withUnit(formatNumber(v, channel?.precision), channel?.unit);
}

/** A signed change: "+1.5", "−3" (the real minus sign reads better). */
export function formatSigned(v, precision = 1) {
  const n = num(v);
  if (n === null) return '—';
  const text = Math.abs(n).toFixed(precision);
  if (Number(text) === 0) return text;
  return `${n > 0 ? '+' : '−'}${text}`;
}

export function formatPercent(v) {
  const n = num(v);
  if (n === null) return '—';
  return `${formatSigned(n, Math.abs(n) < 10 ? 1 : 0)}%`;
}

/** "just now", "8 s ago", "3 min ago", "2 h ago", "4 d ago". */
export function formatAge(seconds) {
  const s = num(seconds);
  if (s === null) return 'never';
  const a = Math.max(0, Math.floor(s));
  if (a < 2) return 'just now';
  if (a < 60) return `${a} s ago`;
  if (a < 3600) return `${Math.floor(a / 60)} min ago`;
  if (a < 86400) return `${Math.floor(a / 3600)} h ago`;
  return `${Math.floor(a / 86400)} d ago`;
}

// Times and durations a person reads live in time.js; these names stay for older imports.
export { zoneName, formatDateTime, durationText } from './time.js';
/** An epoch-seconds time in the unit's zone, Indian style, to the second: "07 Dec 2026, 14:05:08 IST". */
export function formatInZone(epochS, timeZone) {
  return indianDateTime(epochS, timeZone, { seconds: true });
}
