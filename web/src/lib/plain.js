// Text the services write for people but that may still carry codes (audit entries such as
// "i3 (Fan) -> ON" or "i3: sensor={'channel': 'd4', ...}"): each code replaced by its name, so a
// person reads "Fan → ON". Codes stay in the API; the web names them (SPEC 12).

const NAMED_CODE = /\b([di]\d{1,2}) \(([^()]*)\)/g; // "i3 (Fan)": the name is already there
const CODE = /\b([di]\d{1,2})\b/g;

/**
 * `text` with every channel/relay code named: `names` maps a code to its name (the channel map's
 * labels, the relays' own names). Unknown codes stay as they are.
 */
export function nameCodes(text, names) {
  if (typeof text !== 'string' || !text) return text;
  return text
    .replace(NAMED_CODE, (m, code, name) => (names.has(code) || /^[di]\d/.test(code) ? name : m))
    .replace(CODE, (m, code) => names.get(code) ?? m)
    .replace(/ -> /g, ' → ');
}

/** code -> name from the channel map and (over it) the relays' own names. */
export function namesOf(channels, relays) {
  const names = new Map((channels || []).map((c) => [c.code, c.label]));
  for (const r of relays || []) if (r?.name) names.set(r.id, r.name);
  return names;
}

/**
 * The header bell's accessible name, holding the count it shows (WCAG 2.5.3: a voice user says
 * what they see): "0 firing alerts, open the Alerts page"; `n` undefined while unknown.
 */
export function alertsBadgeName(n) {
  if (n === undefined || n === null) return 'Alerts unknown, open the Alerts page';
  return `${n} firing ${n === 1 ? 'alert' : 'alerts'}, open the Alerts page`;
}
