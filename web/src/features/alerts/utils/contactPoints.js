// Contact points (SPEC 13), pure: each channel's settings as form values and back as the PUT body,
// the write-only secrets (kept, replaced or cleared), the checks made before sending, and a
// channel's state in words.
import { num, toNumber } from '../../../lib/format.js';
import { formatWhen } from './time.js';

/** The three channels, in the order the page shows them. `secret`: the write-only setting. */
export const CONTACT_CHANNELS = [
  {
    id: 'email',
    label: 'Email',
    secret: 'password',
    secretLabel: 'Password',
    isSet: 'password_set',
    canClear: true,
    env: 'XO2_SMTP_HOST…',
  },
  {
    id: 'webhook',
    label: 'Webhook',
    secret: 'secret',
    secretLabel: 'Signing secret',
    isSet: 'secret_set',
    canClear: true,
    env: 'XO2_ALERT_WEBHOOK_URL…',
  },
  {
    id: 'telegram',
    label: 'Telegram',
    secret: 'token',
    secretLabel: 'Bot token',
    isSet: 'token_set',
    canClear: false, // the Bot API needs it: remove the contact point instead
    env: 'XO2_TELEGRAM_BOT_TOKEN…',
  },
];
export const channelById = (id) => CONTACT_CHANNELS.find((c) => c.id === id);
export const channelLabel = (id) => channelById(id)?.label || id;

export const SECURITY = [
  { value: 'starttls', label: 'STARTTLS (usually port 587)' },
  { value: 'ssl', label: 'SSL/TLS (usually port 465)' },
  { value: 'none', label: 'None: unencrypted (a server inside the plant only)' },
];
export const DEFAULT_TELEGRAM_API = 'https://api.telegram.org';

// The server checks every setting again; these catch the common slips before a round trip.
export const EMAIL_ADDRESS = /^[^@\s<>,;:"()[\]\\]{1,64}@[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const HOST = /^[A-Za-z0-9_.:[\]-]+$/;
const CHAT = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$/;

const str = (v) => (v === null || v === undefined ? '' : String(v));

/** Recipients as field-array rows (react-hook-form needs objects) and back. */
export const toRows = (list) => (list?.length ? list.map((address) => ({ address })) : [{ address: '' }]);
export const fromRows = (rows) => (rows || []).map((r) => r.address.trim()).filter(Boolean);

/**
 * Form values of a channel from GET /notify's `settings`. `secret_mode`: "new" (none is set: type
 * one or leave it blank), "keep" (one is set and stays), "replace" or "clear"; the webhook URL is
 * shown without its path (it may hold a key), so a saved one is kept unless replaced, like a secret.
 */
export function formFromSettings(channel, settings = {}, source = null) {
  const s = settings || {};
  const secretSet = !!s[channelById(channel).isSet];
  const common = { secret_value: '', secret_mode: secretSet ? 'keep' : 'new' };
  if (channel === 'email') {
    return {
      ...common,
      host: str(s.host),
      port: str(s.port ?? 587),
      security: s.security || 'starttls',
      user: str(s.user),
      from: str(s.from),
      to: toRows(s.to),
    };
  }
  if (channel === 'webhook') {
    const saved = source === 'console' && !!s.url;
    return { ...common, url: '', url_mode: saved ? 'keep' : 'new' };
  }
  return { ...common, chat_id: str(s.chat_id), api_url: str(s.api_url || DEFAULT_TELEGRAM_API) };
}

function secretPart(channel, form) {
  const key = channelById(channel).secret;
  if (form.secret_mode === 'clear') return { [key]: '' };
  if (form.secret_mode === 'keep') return {};
  return form.secret_value ? { [key]: form.secret_value } : {}; // blank: nothing to set
}

/** PUT /notify/<channel> body: an omitted secret is kept by the server, "" clears it. */
export function bodyFromForm(channel, form) {
  if (channel === 'email') {
    return {
      host: form.host.trim(),
      port: toNumber(form.port.trim()),
      security: form.security,
      user: form.user.trim() || null,
      from: form.from.trim() || null,
      to: fromRows(form.to),
      ...secretPart(channel, form),
    };
  }
  if (channel === 'webhook') {
    return { ...(form.url_mode === 'keep' ? {} : { url: form.url.trim() }), ...secretPart(channel, form) };
  }
  return { chat_id: form.chat_id.trim(), api_url: form.api_url.trim() || DEFAULT_TELEGRAM_API, ...secretPart(channel, form) };
}

/** Checks made in the browser: input name -> a sentence, or true. */
export const checks = {
  host: (v) => v.trim() !== '' || 'Enter the mail server, such as smtp.example.com.',
  hostShape: (v) => HOST.test(v.trim()) || 'Enter only the server name or address: no http://, no port, no spaces.',
  port: (v) => {
    const n = Number(v);
    return (v.trim() !== '' && Number.isInteger(n) && n >= 1 && n <= 65535) || 'The port is a whole number from 1 to 65535 (usually 587, or 465 for SSL/TLS).';
  },
  from: (v) => v.trim() === '' || EMAIL_ADDRESS.test(v.trim()) || 'Enter one email address, such as alerts@example.com, or leave it blank.',
  address: (v) => v.trim() === '' || EMAIL_ADDRESS.test(v.trim()) || 'This is not one email address, such as ops@example.com.',
  someone: (rows) => fromRows(rows).length > 0 || 'Add at least one recipient.',
  url: (v) =>
    /^https?:\/\/[^\s/]+/i.test(v.trim()) || 'Enter the full address starting with https:// (or http:// inside the plant).',
  chat: (v) =>
    CHAT.test(v.trim()) || 'Enter the chat id, a number such as -1001234567890, or a channel name such as @plant_alerts.',
  apiUrl: (v) => v.trim() === '' || /^https?:\/\/[^\s/]+/i.test(v.trim()) || 'Enter an address starting with https://.',
};

/** The form input a 400's `field` belongs to (the secret's API name maps onto its input). */
export function formFieldOf(channel, field) {
  if (!field) return null;
  const name = String(field).replace(/\[\d+\]$/, '').split('.').pop();
  if (name === channelById(channel).secret) return 'secret_value';
  const known = { email: ['host', 'port', 'security', 'user', 'from', 'to'], webhook: ['url'], telegram: ['chat_id', 'api_url'] };
  return known[channel]?.includes(name) ? name : null;
}

/** When the last delivery failed after the last success: the failure is the channel's state. */
export function isFailing(status) {
  if (!status?.configured) return false;
  if (status.failing_since) return true;
  if (!status.last_error) return false;
  return num(status.last_ok_at) === null || num(status.last_error_at ?? 0) >= num(status.last_ok_at);
}

/**
 * A channel's state as shown beside its name: never "Configured" beside an error.
 * {tone: "on"|"bad"|"off", pill, detail}
 */
export function channelState(status, tz, now) {
  if (!status?.configured) return { tone: 'off', pill: 'Not set up', detail: null };
  if (isFailing(status)) {
    const since = status.failing_since ?? status.last_error_at;
    const when = num(since) === null ? '' : ` since ${formatWhen(since, tz, now)}`;
    return { tone: 'bad', pill: 'Failing', detail: `Failing${when}: ${status.last_error || 'the last delivery failed'}` };
  }
  const detail = status.last_ok_at ? `Last delivered ${formatWhen(status.last_ok_at, tz, now)}` : 'Nothing sent yet';
  return { tone: 'on', pill: 'Configured', detail };
}

/** The channels that can deliver now (GET /notify), in page order. */
export function configuredChannels(notify) {
  return CONTACT_CHANNELS.filter((c) => notify?.[c.id]?.configured).map((c) => c.id);
}

/** Where a configured channel sends, in words (no secret, no URL path). */
export function targetText(channel, settings) {
  const s = settings || {};
  if (channel === 'email') {
    const to = s.to?.length ? ` to ${s.to.join(', ')}` : '';
    return s.host ? `${s.host}:${s.port ?? 587}${to}` : '';
  }
  if (channel === 'webhook') return s.url ? `${s.url}${s.secret_set ? ' (signed)' : ''}` : '';
  return s.chat_id ? `Chat ${s.chat_id}` : '';
}

