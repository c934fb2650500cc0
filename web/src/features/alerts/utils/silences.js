// Silences (SPEC 13), pure: how long a new one lasts, its body, the 7-day limit, and what it mutes.
import { formatWhen, zonedToEpoch } from './time.js';

export const MAX_SILENCE_S = 7 * 86400;
export const DURATIONS = [
  { value: '3600', label: '1 hour' },
  { value: '7200', label: '2 hours' },
  { value: '14400', label: '4 hours' },
  { value: '28800', label: '8 hours' },
  { value: '86400', label: '1 day' },
  { value: '259200', label: '3 days' },
  { value: '604800', label: '7 days' },
  { value: 'until', label: 'Until a date and time…' },
];

export const newSilenceForm = () => ({ scope: 'all', rule_ids: [], duration: '7200', date: '', time: '', reason: '' });

/** Epoch seconds the silence ends at (null when the chosen date or time is not a real one). */
export function untilOf(form, tz, now) {
  if (form.duration !== 'until') return Math.round(now + Number(form.duration));
  return zonedToEpoch(form.date, form.time, tz);
}

/** A sentence when `until` cannot be used, else true (the server checks the same). */
export function checkUntil(until, now) {
  if (until === null) return 'Enter the date and a time as HH:MM (24-hour), such as 18:30.';
  if (until <= now) return 'The end must be in the future.';
  if (until > now + MAX_SILENCE_S + 60) return 'A silence can last at most 7 days: choose an earlier end.';
  return true;
}

export function bodyFromSilenceForm(form, tz, now) {
  return {
    reason: form.reason.trim(),
    until: untilOf(form, tz, now),
    rule_ids: form.scope === 'all' ? [] : [...form.rule_ids],
  };
}

/** "All rules" or the silenced rules' names (a deleted rule by its id). */
export function silencedRules(silence, rulesById) {
  if (!silence.rule_ids?.length) return 'All rules';
  return silence.rule_ids.map((id) => rulesById.get(id)?.name || `a deleted rule (${id})`).join(', ');
}

/** Active = not yet ended, soonest end first. */
export function activeSilences(list = [], now) {
  return list.filter((s) => s.until > now).sort((a, b) => a.until - b.until);
}

export const untilText = (until, tz, now) => `Until ${formatWhen(until, tz, now)}`;

/** The active silence that mutes a rule (all rules, or it by id) and ends last; null if none. */
export function silenceOf(ruleId, list = [], now) {
  const hits = activeSilences(list, now).filter((s) => !s.rule_ids?.length || s.rule_ids.includes(ruleId));
  return hits.length ? hits[hits.length - 1] : null;
}
