// Alert rule helpers (pure): kinds, channel pickers from the channel map, form values <-> API body.
import { formatNumber, num, toNumber, withUnit } from '../../../lib/format.js';

export const KINDS = [
  { value: 'threshold', label: 'Threshold', hint: 'A sensor value above or below a limit.' },
  { value: 'offline', label: 'Unit offline', hint: 'No data from the unit for a while.' },
  { value: 'relay_failed', label: 'Relay command failed', hint: 'Resolves at that relay’s next confirmed change.' },
  { value: 'impact', label: 'Outlet worse than inlet', hint: 'The purifier makes a quantity worse.' },
];
export const SEVERITIES = ['info', 'warning', 'critical'];
export const NOTIFY_CHANNELS = [
  { value: 'email', label: 'Email' },
  { value: 'webhook', label: 'Webhook' },
  { value: 'telegram', label: 'Telegram' },
];

// SPEC 9: a threshold watches a sensor (d1..d14) or the GSM signal (d38); never a version,
// relay or display channel. Labels, units and pairs still come from the channel map.
const THRESHOLD_CODE = /^d([1-9]|1[0-4]|38)$/;

export function thresholdChannels(channels = []) {
  return channels.filter((c) => THRESHOLD_CODE.test(c.code));
}

/** Impact rules name the outlet of a pair whose quantity has a better direction (not a tank level). */
export function impactChannels(channels = []) {
  return channels.filter((c) => c.group === 'outlet' && c.pair && c.better);
}

/** A relay_failed rule watches one relay, or every relay ('' here, null in the API). */
export function relayChannels(channels = []) {
  return [{ code: '', label: 'Any relay' }, ...channels.filter((c) => c.group === 'relay')];
}

/** The channel picker's options for a kind. */
export function channelOptions(kind, channels = []) {
  if (kind === 'impact') return impactChannels(channels);
  if (kind === 'relay_failed') return relayChannels(channels);
  return thresholdChannels(channels);
}

const KIND_FIELDS = {
  threshold: ['channel', 'op', 'value', 'clear', 'for_s'],
  offline: ['for_s'],
  relay_failed: ['channel'],
  impact: ['channel', 'for_s'],
};

/** Which inputs a kind uses besides name, severity, notify, repeat and enabled. */
export function kindFields(kind) {
  return KIND_FIELDS[kind] || [];
}

const str = (v) => (v === null || v === undefined ? '' : String(v));

/** Form values for a rule (numbers as input strings); a new threshold rule when rule is null. */
export function formFromRule(rule, channels = []) {
  const kind = rule?.kind || 'threshold';
  return {
    name: str(rule?.name),
    kind,
    channel: rule?.channel || channelOptions(kind, channels)[0]?.code || '',
    op: rule?.op === 'below' ? 'below' : 'above',
    value: str(rule?.value),
    clear: str(rule?.clear),
    for_s: str(rule?.for_s ?? (kind === 'offline' ? 120 : 0)),
    severity: SEVERITIES.includes(rule?.severity) ? rule.severity : 'warning',
    notify: Array.isArray(rule?.notify) ? [...rule.notify] : NOTIFY_CHANNELS.map((c) => c.value),
    repeat_s: str(rule?.repeat_s ?? 0),
    enabled: rule ? rule.enabled !== false : true,
  };
}

/** POST/PUT body: the common fields plus those of the rule's kind. */
export function bodyFromForm(form) {
  const body = {
    name: form.name.trim(),
    kind: form.kind,
    severity: form.severity,
    notify: [...(form.notify || [])],
    repeat_s: toNumber(form.repeat_s),
    enabled: !!form.enabled,
  };
  for (const f of kindFields(form.kind)) {
    if (f === 'channel') body[f] = form[f] || null;
    else body[f] = f === 'op' ? form[f] : toNumber(form[f]);
  }
  return body;
}

/** A rule as the API has it, with only `enabled` changed (PUT replaces the whole rule). */
export function withEnabled(rule, enabled) {
  const { id: _id, ...rest } = rule;
  return { ...rest, enabled };
}

const FORM_FIELDS = [
  'name',
  'kind',
  'channel',
  'op',
  'value',
  'clear',
  'for_s',
  'severity',
  'notify',
  'repeat_s',
  'enabled',
];

/** A 400's message without the "field: " it starts with, when shown next to that field. */
export function fieldMessage(message, field) {
  const prefix = `${field}: `;
  return field && String(message).startsWith(prefix) ? String(message).slice(prefix.length) : message;
}

/** A 400's `field` ("notify[1]", "rule.value", "for_s") as a form input name, or null. */
export function formField(field) {
  if (!field) return null;
  const parts = String(field)
    .replace(/\[\d+\]/g, '')
    .split('.')
    .filter(Boolean);
  return [...parts].reverse().find((p) => FORM_FIELDS.includes(p)) ?? null;
}

/** "Outlet Dust PM above 35 µg/m³ for 60 s, clears below 30 µg/m³" and the like. */
export function describeRule(rule, byCode = new Map()) {
  const ch = byCode.get(rule.channel);
  const label = ch ? ch.label : rule.channel;
  const hold = num(rule.for_s) ? ` for ${rule.for_s} s` : '';
  const v = (x) => withUnit(formatNumber(x, ch?.precision ?? 1), ch?.unit);
  switch (rule.kind) {
    case 'threshold': {
      const clearOp = rule.op === 'below' ? 'above' : 'below';
      const clear = num(rule.clear) === null ? '' : `, clears ${clearOp} ${v(rule.clear)}`;
      return `${label} ${rule.op} ${v(rule.value)}${hold}${clear}`;
    }
    case 'offline':
      return `No data from the unit for ${num(rule.for_s) ?? 0} s`;
    case 'relay_failed':
      return `${rule.channel ? label : 'A relay'} command ended FAILED`;
    case 'impact': {
      const inlet = ch?.pair ? byCode.get(ch.pair) : null;
      return `${label} worse than ${inlet ? inlet.label : 'its inlet'}${hold}`;
    }
    default:
      return rule.kind;
  }
}

/**
 * An alert's value in words: a measured value with its channel's unit (threshold, impact: the
 * outlet's), how long the unit has been silent (offline); null where the message says it all.
 */
export function alertValue(alert, rule, byCode = new Map()) {
  if (num(alert.value) === null || rule?.kind === 'relay_failed') return null;
  if (rule?.kind === 'offline') return `${formatNumber(alert.value, 0)} s without data`;
  const ch = rule ? byCode.get(rule.channel) : null;
  return ch ? withUnit(formatNumber(alert.value, ch.precision), ch.unit) : formatNumber(alert.value, 1);
}

const labelOf = (v) => NOTIFY_CHANNELS.find((c) => c.value === v)?.label || v;
const listText = (xs) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

/**
 * The warning for ticked channels that are not set up (null when all are, or not known yet):
 * nothing goes out by a channel without a contact point.
 */
export function notSetUp(notify = [], configured = null) {
  if (!configured) return null;
  const missing = (notify || []).filter((c) => !configured.includes(c)).map(labelOf);
  if (!missing.length) return null;
  const verb = missing.length === 1 ? 'is' : 'are';
  return `${listText(missing)} ${verb} not set up: nothing goes out by ${missing.length === 1 ? 'it' : 'them'} until a contact point is set up.`;
}

/**
 * A rule's "notifies by" in words: only channels that can deliver (configured), and a warning for
 * the rest. `configured` null (not known yet): the rule's list as it is.
 */
export function notifiesBy(rule, configured = null) {
  const wanted = rule.notify || [];
  if (!wanted.length) return { text: 'No notifications (shown here only)', warning: null };
  if (!configured) return { text: `Notifies by ${wanted.map(labelOf).join(', ')}`, warning: null };
  const ok = wanted.filter((c) => configured.includes(c));
  const missing = wanted.filter((c) => !configured.includes(c)).map(labelOf);
  const text = ok.length ? `Notifies by ${ok.map(labelOf).join(', ')}` : 'Notifies nobody';
  const warning = missing.length
    ? `${listText(missing)} ${missing.length === 1 ? 'is' : 'are'} not set up: this rule’s alerts do not go out by ${missing.length === 1 ? 'it' : 'them'}.`
    : null;
  return { text, warning };
}
