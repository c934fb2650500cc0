// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { channelMap } from '../../../test/fixtures.js';
import {
  bodyFromForm,
  alertValue,
  describeRule,
  fieldMessage,
  formField,
  formFromRule,
  impactChannels,
  thresholdChannels,
  withEnabled,
} from './rules.js';

const channels = channelMap();
const byCode = new Map(channels.map((c) => [c.code, c]));

describe('alert rule helpers', () => {
  it('threshold pickers offer d1..d14 and d38 only; impact pickers the outlets', () => {
    expect(thresholdChannels(channels).map((c) => c.code)).toEqual([
      ...Array.from({ length: 14 }, (_, k) => `d${k + 1}`),
      'd38',
    ]);
    expect(impactChannels(channels).map((c) => c.code)).toEqual(['d8', 'd9', 'd10', 'd11', 'd12', 'd13', 'd14']);
    // a quantity with no better direction (a tank level) has no "worse"
    const noLevel = channels.map((c) => (c.code === 'd13' ? { ...c, better: null } : c));
    expect(impactChannels(noLevel).map((c) => c.code)).not.toContain('d13');
  });

  it('sends the common fields plus those of the kind, numbers as numbers', () => {
    const form = {
      ...formFromRule(null, channels),
      name: '  Dust high ',
      channel: 'd9',
      value: '35',
      clear: '30.5',
      for_s: '60',
      notify: ['email'],
      repeat_s: '600',
    };
    expect(bodyFromForm(form)).toEqual({
      name: 'Dust high',
      kind: 'threshold',
      channel: 'd9',
      op: 'above',
      value: 35,
      clear: 30.5,
      for_s: 60,
      severity: 'warning',
      notify: ['email'],
      repeat_s: 600,
      enabled: true,
    });
    // an offline rule carries no channel, op, value or clear
    expect(bodyFromForm({ ...form, kind: 'offline', for_s: '120' })).toEqual({
      name: 'Dust high',
      kind: 'offline',
      for_s: 120,
      severity: 'warning',
      notify: ['email'],
      repeat_s: 600,
      enabled: true,
    });
    // an empty number is null, not 0, so the server can say it is missing
    expect(bodyFromForm({ ...form, value: '' }).value).toBeNull();
    // relay_failed: one relay, or "any" (null)
    expect(bodyFromForm({ ...form, kind: 'relay_failed', channel: '' }).channel).toBeNull();
    expect(bodyFromForm({ ...form, kind: 'relay_failed', channel: 'i3' }).channel).toBe('i3');
    expect(formFromRule(null, channels).notify).toEqual(['email', 'webhook', 'telegram']);
  });

  it('edits an existing rule and toggles it without losing fields', () => {
    const rule = {
      id: 'r1',
      name: 'Low water',
      kind: 'threshold',
      channel: 'd13',
      op: 'below',
      value: 40,
      clear: 45,
      for_s: 30,
      severity: 'critical',
      notify: ['telegram'],
      repeat_s: 0,
      enabled: true,
    };
    const form = formFromRule(rule, channels);
    expect(form).toMatchObject({ channel: 'd13', op: 'below', value: '40', clear: '45', enabled: true });
    const { id: _id, ...rest } = rule;
    expect(bodyFromForm(form)).toEqual(rest);
    expect(withEnabled(rule, false)).toEqual({ ...rest, enabled: false });
    expect(describeRule(rule, byCode)).toBe('Outlet Water Level below 40% for 30 s, clears above 45%');
  });

  it('maps a 400 field name to the input that shows it', () => {
    expect(formField('for_s')).toBe('for_s');
    expect(formField('notify[1]')).toBe('notify');
    expect(formField('rule.clear')).toBe('clear');
    expect(formField('id')).toBeNull();
    expect(formField(null)).toBeNull();
    expect(fieldMessage('clear: must be at or below value', 'clear')).toBe('must be at or below value');
    expect(fieldMessage('must not be blank', 'name')).toBe('must not be blank');
  });

  it('words an alert value by its rule kind', () => {
    const dust = { kind: 'threshold', channel: 'd9' };
    expect(alertValue({ value: 41.26 }, dust, byCode)).toBe('41 µg/m³');
    expect(alertValue({ value: 27.46 }, { kind: 'impact', channel: 'd10' }, byCode)).toBe('27.5°C');
    expect(alertValue({ value: 125.4 }, { kind: 'offline' }, byCode)).toBe('125 s without data');
    expect(alertValue({ value: 1 }, { kind: 'relay_failed' }, byCode)).toBeNull();
    expect(alertValue({ value: null }, dust, byCode)).toBeNull();
    expect(alertValue({ value: 3.14159 }, undefined, byCode)).toBe('3.1'); // its rule was deleted
  });
});
