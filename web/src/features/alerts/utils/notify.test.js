// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { bodyFromForm, channelState, configuredChannels, formFieldOf, formFromSettings, isFailing } from './contactPoints.js';
import { deliveryText, latestDeliveries } from './delivery.js';
import { activeSilences, bodyFromSilenceForm, checkUntil, silencedRules, silenceOf } from './silences.js';
import { bodyFromScheduleForm, formFromSchedule } from './report.js';
import { notifiesBy, notSetUp } from './rules.js';
import { formatDateTime, formatWhen, monthTitle, ordinal, pastMonths, zonedToEpoch } from './time.js';

const TZ = 'Asia/Kolkata';
const AT = 1796617920; // 07 Dec 2026, 10:02 IST

describe('plant times', () => {
  it('Indian style, 24-hour, in the unit’s zone whatever the browser’s', () => {
    expect(formatDateTime(AT, TZ)).toBe('07 Dec 2026, 10:02 IST');
    expect(formatDateTime(AT + 10 * 3600, TZ)).toBe('07 Dec 2026, 20:02 IST');
    expect(formatDateTime(AT, 'UTC')).toBe('07 Dec 2026, 04:32 UTC');
    expect(formatWhen(AT, TZ, AT + 60)).toBe('10:02 IST');
    expect(formatWhen(AT, TZ, AT + 86400)).toBe('07 Dec 2026, 10:02 IST');
    expect(formatDateTime(null, TZ)).toBe('—');
  });

  it('a date and HH:MM typed for the unit’s zone is the right moment; nonsense is null', () => {
    expect(zonedToEpoch('2026-12-07', '10:02', TZ)).toBe(AT);
    expect(zonedToEpoch('2026-12-07', '04:32', 'UTC')).toBe(AT);
    expect(zonedToEpoch('2026-03-08', '03:30', 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 7, 30) / 1000); // after the spring jump
    expect(zonedToEpoch('2026-02-30', '10:00', TZ)).toBeNull();
    expect(zonedToEpoch('2026-12-07', '24:00', TZ)).toBeNull();
    expect(zonedToEpoch('2026-12-07', '9 pm', TZ)).toBeNull();
  });

  it('months and days in words', () => {
    expect(pastMonths(3, TZ, AT)).toEqual(['2026-11', '2026-10', '2026-09']);
    expect(pastMonths(1, TZ, Date.UTC(2027, 0, 1, 0, 0) / 1000)).toEqual(['2026-12']); // 05:30 IST, 1 Jan
    expect(monthTitle('2026-11')).toBe('November 2026');
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 28].map(ordinal)).toEqual([
      '1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '28th',
    ]);
  });
});

describe('contact point helpers', () => {
  it('a secret is omitted (kept), sent (replaced or new) or "" (cleared)', () => {
    const form = formFromSettings('email', { host: 'h', port: 25, security: 'none', user: null, from: null, to: ['a@b.c'], password_set: true });
    expect(form).toMatchObject({ host: 'h', port: '25', to: [{ address: 'a@b.c' }], secret_mode: 'keep' });
    expect(bodyFromForm('email', form)).toEqual({ host: 'h', port: 25, security: 'none', user: null, from: null, to: ['a@b.c'] });
    expect(bodyFromForm('email', { ...form, secret_mode: 'replace', secret_value: 'x' }).password).toBe('x');
    expect(bodyFromForm('email', { ...form, secret_mode: 'clear', secret_value: 'x' }).password).toBe('');
    const fresh = formFromSettings('telegram', { chat_id: null, api_url: null, token_set: false });
    expect(fresh).toMatchObject({ secret_mode: 'new', api_url: 'https://api.telegram.org' });
    expect(bodyFromForm('telegram', { ...fresh, chat_id: ' @plant_alerts ', secret_value: '1:abc' })).toEqual({
      chat_id: '@plant_alerts',
      api_url: 'https://api.telegram.org',
      token: '1:abc',
    });
    // a webhook address saved in the console is kept unless replaced; an env one is never prefilled
    expect(formFromSettings('webhook', { url: 'https://h/…' }, 'console').url_mode).toBe('keep');
    expect(bodyFromForm('webhook', { url_mode: 'keep', url: '', secret_mode: 'keep' })).toEqual({});
    expect(formFromSettings('webhook', { url: 'https://h/…' }, 'env').url_mode).toBe('new');
  });

  it('maps a 400 field to its input', () => {
    expect(formFieldOf('email', 'password')).toBe('secret_value');
    expect(formFieldOf('email', 'to[1]')).toBe('to');
    expect(formFieldOf('webhook', 'secret')).toBe('secret_value');
    expect(formFieldOf('telegram', 'token')).toBe('secret_value');
    expect(formFieldOf('telegram', 'host')).toBeNull();
    expect(formFieldOf('email', null)).toBeNull();
  });

  it('never "Configured" beside an error: the latest of success and failure wins', () => {
    const base = { configured: true, last_ok_at: AT - 60, last_error: null, failing_since: null };
    expect(channelState(base, TZ, AT)).toEqual({ tone: 'on', pill: 'Configured', detail: 'Last delivered 10:01 IST' });
    expect(isFailing({ ...base, last_error: 'refused', last_error_at: AT - 3600 })).toBe(false); // an old error
    expect(channelState({ ...base, last_error: 'refused', failing_since: AT }, TZ, AT)).toEqual({
      tone: 'bad',
      pill: 'Failing',
      detail: 'Failing since 10:02 IST: refused',
    });
    expect(channelState({ configured: false }, TZ, AT).pill).toBe('Not set up');
    expect(configuredChannels({ email: { configured: true }, webhook: { configured: false } })).toEqual(['email']);
  });
});

describe('deliveries, silences, rules, schedule', () => {
  it('each channel’s latest delivery decides its state', () => {
    const list = latestDeliveries([
      { channel: 'webhook', at: AT, ok: false, error: 'refused' },
      { channel: 'email', at: AT, ok: true, error: null },
      { channel: 'webhook', at: AT + 30, ok: false, error: 'refused', state: 'retrying', next_at: AT + 300 },
      { channel: 'telegram', at: AT, ok: false, error: 'Bad Request: chat not found', state: 'failed' },
    ]);
    expect(list.map((d) => deliveryText(d, TZ, AT))).toEqual([
      'Email sent 10:02 IST',
      'Webhook retrying 10:02 IST: refused (next try 10:07 IST)',
      'Telegram failed 10:02 IST: Bad Request: chat not found',
    ]);
    expect(list[1].tries).toBe(2);
  });

  it('a silence: body, limit, names', () => {
    const form = { scope: 'some', rule_ids: ['r1'], duration: '3600', date: '', time: '', reason: ' Service ' };
    expect(bodyFromSilenceForm(form, TZ, AT)).toEqual({ reason: 'Service', until: AT + 3600, rule_ids: ['r1'] });
    expect(bodyFromSilenceForm({ ...form, scope: 'all' }, TZ, AT).rule_ids).toEqual([]);
    expect(checkUntil(AT + 7 * 86400, AT)).toBe(true);
    expect(checkUntil(AT + 8 * 86400, AT)).toMatch(/at most 7 days/);
    expect(checkUntil(AT - 1, AT)).toMatch(/future/);
    expect(silencedRules({ rule_ids: [] }, new Map())).toBe('All rules');
    const list = [
      { id: 'all', until: AT + 60, rule_ids: [] },
      { id: 'r1', until: AT + 600, rule_ids: ['r1'] },
      { id: 'old', until: AT - 1, rule_ids: ['r2'] },
    ];
    expect(silenceOf('r1', list, AT).id).toBe('r1'); // the one that ends last
    expect(silenceOf('r2', list, AT).id).toBe('all');
    expect(silenceOf('r2', list.slice(1), AT)).toBeNull(); // its own silence is over
    expect(activeSilences([{ until: AT - 1 }, { until: AT + 5 }, { until: AT + 1 }], AT).map((s) => s.until)).toEqual([AT + 1, AT + 5]);
  });

  it('"notifies by" lists only channels set up, and warns for the rest', () => {
    const rule = { notify: ['email', 'webhook', 'telegram'] };
    expect(notifiesBy(rule, null)).toEqual({ text: 'Notifies by Email, Webhook, Telegram', warning: null });
    expect(notifiesBy(rule, ['webhook'])).toEqual({
      text: 'Notifies by Webhook',
      warning: 'Email and Telegram are not set up: this rule’s alerts do not go out by them.',
    });
    expect(notifiesBy(rule, []).text).toBe('Notifies nobody');
    expect(notifiesBy({ notify: [] }, []).text).toBe('No notifications (shown here only)');
    expect(notSetUp(['email'], ['email'])).toBeNull();
    expect(notSetUp(['telegram'], ['email'])).toMatch(/^Telegram is not set up/);
  });

  it('schedule form <-> body', () => {
    const form = formFromSchedule({ enabled: true, to: ['gm@x.in'], day: 5, time: '07:30' });
    expect(form).toEqual({ enabled: true, day: '5', time: '07:30', to: [{ address: 'gm@x.in' }] });
    expect(bodyFromScheduleForm({ ...form, to: [{ address: ' gm@x.in ' }, { address: '' }] })).toEqual({
      enabled: true,
      day: 5,
      time: '07:30',
      to: ['gm@x.in'],
    });
  });
});
