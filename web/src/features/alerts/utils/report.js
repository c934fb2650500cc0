// The monthly report's schedule (SPEC 13), pure: form values <-> PUT body and the checks.
import { EMAIL_ADDRESS, fromRows, toRows } from './contactPoints.js';
import { HHMM } from './time.js';

export function formFromSchedule(s = {}) {
  return {
    enabled: !!s.enabled,
    day: String(s.day ?? 1),
    time: s.time || '08:00',
    to: toRows(s.to),
  };
}

export function bodyFromScheduleForm(form) {
  const day = Number(form.day);
  return {
    enabled: !!form.enabled,
    day: Number.isInteger(day) ? day : form.day,
    time: form.time.trim(),
    to: fromRows(form.to),
  };
}

export const scheduleChecks = {
  day: (v) => {
    const n = Number(v);
    return (Number.isInteger(n) && n >= 1 && n <= 28) || 'Choose a day from 1 to 28 (every month has it).';
  },
  time: (v) => HHMM.test(v.trim()) || 'Enter the time as HH:MM, 24-hour, such as 08:00 or 18:30.',
  address: (v) => v.trim() === '' || EMAIL_ADDRESS.test(v.trim()) || 'This is not one email address, such as manager@example.com.',
};
