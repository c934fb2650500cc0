// Which channels share the Analytics chart: a preset choice (an inlet/outlet pair or one channel),
// or any set the user builds, up to MAX_COMPARE channels in at most two units (one per y axis).
import { pairsFromChannels } from '../../../lib/impact.js';

export const MAX_COMPARE = 6;
export const MAX_UNITS = 2;

/** Chart choices from the channel map: inlet/outlet pairs first, then every non-relay channel (by label and unit). */
export function chartChoices(channels) {
  const pairs = pairsFromChannels(channels).map((p) => ({
    value: `pair:${p.inlet.code}`,
    label: `${p.quantity}: inlet vs outlet`,
    codes: [p.inlet.code, p.outlet.code],
  }));
  const singles = (channels || [])
    .filter((c) => c.group !== 'relay')
    .map((c) => ({ value: `ch:${c.code}`, label: c.unit ? `${c.label} (${c.unit})` : c.label, codes: [c.code] }));
  return { pairs, singles, all: [...pairs, ...singles] };
}

/** The choice whose channels are exactly `codes` (in order), else undefined: a custom comparison. */
export function matchChoice(choices, codes) {
  return choices.all.find((c) => c.codes.length === codes.length && c.codes.every((code, i) => code === codes[i]));
}

/** Distinct units of the channels, in order of first appearance ('' for a unitless channel). */
export function unitsOf(channels) {
  return [...new Set(channels.map((c) => c.unit || ''))];
}

/** Why `candidate` cannot join `selected` on the chart, or null if it can. */
export function cannotAdd(selected, candidate) {
  if (selected.some((c) => c.code === candidate.code)) return 'already on the chart';
  if (selected.length >= MAX_COMPARE) return `at most ${MAX_COMPARE} channels`;
  const units = unitsOf(selected);
  if (units.length >= MAX_UNITS && !units.includes(candidate.unit || '')) {
    return `a third unit (the chart has two axes: ${units.map((u) => u || 'no unit').join(', ')})`;
  }
  return null;
}

/** A title for the chosen channels: the preset's label, or the labels joined with "vs". */
export function compareTitle(choices, channels) {
  const match = matchChoice(choices, channels.map((c) => c.code));
  return match ? match.label : channels.map((c) => c.label).join(' vs ');
}
