// Inlet-vs-outlet impact math (pure). Directions come from the channel map's `better`/`target`.
import { num, withUnit, formatNumber } from './format.js';

/** Inlet/outlet pairs from the channel map, in map order. */
export function pairsFromChannels(channels) {
  if (!Array.isArray(channels)) return [];
  const byCode = new Map(channels.map((c) => [c.code, c]));
  const pairs = [];
  for (const c of channels) {
    if (c.group !== 'inlet' || !c.pair) continue;
    const outlet = byCode.get(c.pair);
    if (!outlet) continue;
    pairs.push({ inlet: c, outlet, quantity: c.quantity || outlet.quantity || c.label });
  }
  return pairs;
}

/** Mean of `code` over aggregate frames, each weighted by its sampleCount (default 1). */
export function weightedMean(frames, code) {
  if (!Array.isArray(frames)) return null;
  let sum = 0;
  let weight = 0;
  for (const f of frames) {
    const v = num(f?.[code]);
    if (v === null) continue;
    const sc = num(f.sampleCount);
    const w = sc !== null && sc > 0 ? sc : 1;
    sum += v * w;
    weight += w;
  }
  return weight > 0 ? sum / weight : null;
}

/** Outlet minus inlet, absolute and as % of the inlet (null when the inlet is 0). */
export function computeChange(inlet, outlet) {
  const i = num(inlet);
  const o = num(outlet);
  if (i === null || o === null) return { abs: null, pct: null };
  const abs = o - i;
  return { abs, pct: i === 0 ? null : (abs / Math.abs(i)) * 100 };
}

/**
 * Is going from `inlet` to `outlet` an improvement for this quantity?
 * Returns {kind: "better"|"worse"|"same"|"neutral"|"unknown", word, hint}.
 */
export function judgeChange(inlet, outlet, channel) {
  const i = num(inlet);
  const o = num(outlet);
  const better = channel?.better ?? null;
  const precision = Number.isInteger(channel?.precision) ? channel.precision : 1;
  const eps = 0.5 * 10 ** -precision;
  if (i === null || o === null) return { kind: 'unknown', word: 'No data', hint: '' };
  if (better === 'target') {
    const target = num(channel?.target);
    const hint =
      target === null ? '' : `closer to ${withUnit(formatNumber(target, precision), channel.unit)} is better`;
    if (target === null) return { kind: 'neutral', word: 'No target set', hint };
    const dIn = Math.abs(i - target);
    const dOut = Math.abs(o - target);
    if (Math.abs(dIn - dOut) < eps) return { kind: 'same', word: 'No change', hint };
    return dOut < dIn ? { kind: 'better', word: 'Improved', hint } : { kind: 'worse', word: 'Worse', hint };
  }
  if (better === 'lower' || better === 'higher') {
    const hint = `${better} is better`;
    const d = o - i;
    if (Math.abs(d) < eps) return { kind: 'same', word: 'No change', hint };
    const improved = better === 'lower' ? d < 0 : d > 0;
    return improved ? { kind: 'better', word: 'Improved', hint } : { kind: 'worse', word: 'Worse', hint };
  }
  return { kind: 'neutral', word: 'No preferred direction', hint: '' };
}

/** The channel whose `better`/`target` rules a pair (outlet first, then inlet). */
export function ruleChannel(pair) {
  const { inlet, outlet } = pair;
  return outlet?.better ? outlet : inlet?.better ? inlet : outlet || inlet;
}

/** One row of the impact table: values, change and verdict. */
export function impactRow(pair, inletValue, outletValue) {
  const inlet = num(inletValue);
  const outlet = num(outletValue);
  return {
    inlet,
    outlet,
    ...computeChange(inlet, outlet),
    verdict: judgeChange(inlet, outlet, ruleChannel(pair)),
  };
}
