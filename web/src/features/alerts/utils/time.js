// Alert times in the unit's time zone, with the zone named ("… GMT+5:30"), whatever the browser's.
import { formatDateTime, num } from '../../../lib/format.js';

export function formatInZone(epochS, timeZone) {
  const s = num(epochS);
  if (s === null) return '—';
  if (!timeZone) return formatDateTime(s);
  try {
    return new Date(s * 1000).toLocaleString(undefined, {
      timeZone,
      timeZoneName: 'short',
      month: 'short',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  } catch {
    return formatDateTime(s); // an unknown zone name: the browser's
  }
}
