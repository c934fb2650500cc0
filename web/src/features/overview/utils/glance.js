// The numbers the Overview's top answers at a glance: is the air better, is the unit healthy.
import { num } from '../../../lib/format.js';
import { computeChange, weightedMean } from '../../../lib/impact.js';

// Channel codes fixed by SPEC section 4 (labels and units still come from the channel map).
export const PM = { inlet: 'd2', outlet: 'd9' };
export const CO2 = { inlet: 'd1', outlet: 'd8' };
export const GSM = 'd38';
export const SW_VERSION = 'd15';
export const HW_VERSION = 'd16';

/** Reduction inlet -> outlet in % of the inlet (positive = cleaner outlet); null without data. */
export function reductionPct(inlet, outlet) {
  const { pct } = computeChange(inlet, outlet);
  return pct === null ? null : -pct;
}

/** Reduction of the sample-weighted means over aggregate frames (GET /api/graph/day). */
export function meanReductionPct(frames, pair) {
  return reductionPct(weightedMean(frames, pair.inlet), weightedMean(frames, pair.outlet));
}

/** "−72%" style text for a reduction: "72% lower" reads better than a signed change. */
export function reductionText(pct) {
  if (pct === null || pct === undefined) return '—';
  const rounded = Math.round(Math.abs(pct));
  if (rounded === 0) return 'no change';
  return pct > 0 ? `${rounded}% lower` : `${rounded}% higher`;
}

/**
 * GSM signal as bars from its CSQ (3GPP TS 27.007 AT+CSQ: 0..31, 99 = not known). Bands as modem
 * vendors label them: <2 none, 2-9 marginal, 10-14 OK, 15-19 good, 20-31 excellent.
 */
export function signalBars(csq) {
  const v = num(csq);
  if (v === null || v === 99 || v < 0 || v > 31) return { bars: 0, word: 'Unknown', known: false };
  if (v < 2) return { bars: 0, word: 'No signal', known: true };
  if (v < 10) return { bars: 1, word: 'Marginal', known: true };
  if (v < 15) return { bars: 2, word: 'OK', known: true };
  if (v < 20) return { bars: 3, word: 'Good', known: true };
  return { bars: 4, word: 'Excellent', known: true };
}

/** Relays whose last command waits for confirmation or failed (GET /api/automation/relays). */
export function relaysNeedingAttention(relays) {
  return (relays || []).filter((r) => r?.command && ['pending', 'failed'].includes(r.command.state));
}

/** One channel's [ts, value] points from graph frames, oldest first, missing values dropped. */
export function seriesOf(frames, code) {
  if (!Array.isArray(frames)) return [];
  const pts = [];
  for (const f of frames) {
    const t = num(f?.ts);
    const v = num(f?.[code]);
    if (t !== null && v !== null) pts.push([t, v]);
  }
  return pts.sort((a, b) => a[0] - b[0]);
}

/**
 * At most `n` points: the mean time and value of each of n equal time slices (empty ones skipped).
 * The hour may hold thousands of frames (one every 0.5-10 s); a 96 px line shows ~50 at best.
 */
export function downsample(pts, n = 48) {
  if (!Array.isArray(pts) || pts.length <= n) return pts || [];
  const t0 = pts[0][0];
  const span = pts[pts.length - 1][0] - t0 || 1;
  const sums = Array.from({ length: n }, () => [0, 0, 0]);
  for (const [t, v] of pts) {
    const b = sums[Math.min(n - 1, Math.floor(((t - t0) / span) * n))];
    b[0] += t;
    b[1] += v;
    b[2] += 1;
  }
  return sums.filter((b) => b[2] > 0).map(([t, v, k]) => [t / k, v / k]);
}

/** SVG polyline points for a sparkline of `pts` in a w x h box (1 px inset); '' under 2 points. */
export function sparkPoints(pts, w, h) {
  if (!Array.isArray(pts) || pts.length < 2) return '';
  const t0 = pts[0][0];
  const span = pts[pts.length - 1][0] - t0 || 1;
  let lo = Infinity;
  let hi = -Infinity;
  for (const [, v] of pts) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const range = hi - lo;
  const y = (v) => (range === 0 ? h / 2 : 1 + (h - 2) * (1 - (v - lo) / range));
  return pts.map(([t, v]) => `${(((t - t0) / span) * (w - 2) + 1).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
}
