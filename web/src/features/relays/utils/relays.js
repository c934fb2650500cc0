// Relay rule helpers (pure): form values <-> PUT bodies, 400 field names, lock state.
import { toNumber, zoneName } from '../../../lib/format.js';

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']; // 0 = Monday
export const MODES = [
  { value: 'manual', label: 'Manual' },
  { value: 'sensor', label: 'Sensor rule' },
  { value: 'time', label: 'Time windows' },
];
export const NAME_MAX = 40; // SPEC 12: a relay name is 1-40 characters, refused (not cut) beyond

/** A mode in words: "manual", "sensor rule", "time windows". */
export function modeText(mode) {
  return (MODES.find((m) => m.value === mode)?.label || mode || '').toLowerCase();
}

const str = (v) => (v === null || v === undefined ? '' : String(v));

export function defaultWindow() {
  return { start: '08:00', end: '18:00', days: [] };
}

/** The relay form's values for a relay (numbers as input strings). */
export function formFromRelay(relay, sensorChannels = []) {
  const s = relay?.sensor;
  const t = relay?.time;
  return {
    name: str(relay?.name),
    mode: relay?.mode || 'manual',
    sensor: {
      channel: s?.channel || sensorChannels[0]?.code || '',
      low: str(s?.low),
      high: str(s?.high),
      above: s?.above === 0 ? 0 : 1,
    },
    time: {
      windows: (t?.windows?.length ? t.windows : [defaultWindow()]).map((w) => ({
        start: w.start || '',
        end: w.end || '',
        days: Array.isArray(w.days) ? [...w.days].sort((a, b) => a - b) : [],
      })),
      inside: t?.inside === 0 ? 0 : 1,
    },
  };
}

/** PUT /api/automation/relays/<id> body: name, mode and the rule of that mode. */
export function bodyFromForm(form) {
  const body = { name: form.name.trim(), mode: form.mode };
  if (form.mode === 'sensor') {
    body.sensor = {
      channel: form.sensor.channel,
      low: toNumber(form.sensor.low),
      high: toNumber(form.sensor.high),
      above: form.sensor.above,
    };
  } else if (form.mode === 'time') {
    body.time = {
      windows: form.time.windows.map((w) => ({ start: w.start, end: w.end, days: [...w.days] })),
      inside: form.time.inside,
    };
  }
  return body;
}

/** "sensor.low", "low", "time.windows[0].start" -> one canonical dotted key. */
export function normalizeField(field) {
  if (!field) return null;
  let f = String(field)
    .trim()
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/^\.+/, '');
  const first = f.split('.')[0];
  if (['channel', 'low', 'high', 'above'].includes(first)) f = `sensor.${f}`;
  if (['windows', 'inside'].includes(first)) f = `time.${f}`;
  return f;
}

/** Form paths a card shows for these values (to place a 400 error next to one). */
export function fieldKeys(form) {
  const keys = ['name', 'mode'];
  if (form.mode === 'sensor') {
    keys.push('sensor', 'sensor.channel', 'sensor.low', 'sensor.high', 'sensor.above');
  } else if (form.mode === 'time') {
    keys.push('time', 'time.windows', 'time.inside');
    form.time.windows.forEach((_, i) => {
      keys.push(`time.windows.${i}`, `time.windows.${i}.start`, `time.windows.${i}.end`, `time.windows.${i}.days`);
    });
  }
  return keys;
}

export function isPending(relay) {
  return relay?.command?.state === 'pending';
}

export function anyPending(relays) {
  return Array.isArray(relays) && relays.some(isPending);
}

export function onOff(v) {
  if (v === 1 || v === true) return 'ON';
  if (v === 0 || v === false) return 'OFF';
  return 'unknown';
}

export function daysText(days) {
  if (!days || days.length === 0 || days.length === 7) return 'every day';
  return days.map((d) => WEEKDAYS[d]).join(', ');
}

/** Rules run on the unit's clock: say which zone that is ("Unit time (IST, Asia/Kolkata)"). */
export function unitTimeText(timeZone) {
  const name = timeZone && zoneName(timeZone);
  return name ? `Unit time (${name}, ${timeZone})` : 'Unit-local time';
}
