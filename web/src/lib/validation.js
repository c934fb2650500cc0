// The sentences every form says (issue 23): what to enter, naming the field, the range and the
// unit, as the services do ("Low must be between 0 and 100 % for Inlet Humidity"). Each returns
// react-hook-form rules or a sentence; forms show them with components/FormFields.jsx.

// As the services write it: "100 %", "85 °C" (a space before every unit).
const withUnit = (text, unit) => (unit ? `${text} ${unit}` : text);

/** A number as a person reads it: 4095, -40, 0.5, 1,000,000 (as the services' channels.number). */
export function numberText(v) {
  return Math.abs(v) >= 10_000 ? v.toLocaleString('en-US', { maximumFractionDigits: 10 }) : String(v);
}

/** "Enter the name." */
export function requiredText(what) {
  return `Enter ${what}.`;
}

/** "The name is 55 characters; use at most 40." */
export function tooLongText(what, length, max) {
  return `${what} is ${length} characters; use at most ${max}.`;
}

/** Rules of a text of 1..max characters (trimmed), e.g. a relay's name. */
export function textRules(what, max, { required = true } = {}) {
  const cap = what.charAt(0).toUpperCase() + what.slice(1);
  return {
    validate: (v) => {
      const text = String(v ?? '').trim();
      if (required && !text) return requiredText(what);
      if (text.length > max) return tooLongText(cap, text.length, max);
      return true;
    },
  };
}

/**
 * The problem with `text` as a value of `channel` (the channel map's min/max, null = open), or
 * null: "Low must be a number, e.g. 400", "Low must be between 0 and 100 % for Inlet Humidity".
 */
export function channelValueProblem(text, channel, what) {
  const raw = String(text ?? '').trim();
  if (!raw) return `Enter ${what.toLowerCase()}${channel?.unit ? ` in ${channel.unit}` : ''}.`;
  const v = Number(raw);
  if (!Number.isFinite(v)) return `${what} must be a number${channel?.unit ? ` in ${channel.unit}` : ''}.`;
  const lo = channel?.min ?? null;
  const hi = channel?.max ?? null;
  const out = (lo !== null && v < lo) || (hi !== null && v > hi) || Math.abs(v) > 1e6;
  if (!out) return null;
  const label = channel?.label ? ` for ${channel.label}` : '';
  if (lo !== null && hi !== null) {
    return `${what} must be between ${numberText(lo)} and ${withUnit(numberText(hi), channel.unit)}${label}.`;
  }
  if (lo !== null) return `${what} must be at least ${withUnit(numberText(lo), channel.unit)}${label}.`;
  if (hi !== null) return `${what} must be at most ${withUnit(numberText(hi), channel.unit)}${label}.`;
  return `${what} must be between -1,000,000 and ${withUnit('1,000,000', channel?.unit)}${label}.`;
}

/** A server's 400 as a person reads it: its sentence, never "sensor.low: ..." internals. */
export function serverText(err) {
  return err?.message || 'The server refused this; check the values and try again.';
}
