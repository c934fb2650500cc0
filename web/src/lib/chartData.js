// /api/history response -> uPlot data (pure). Each channel gives a mean line and a min–max band.
import { num } from './format.js';

export const PALETTE = [
  { line: '#0b6e99', band: 'rgba(11,110,153,0.16)' },
  { line: '#c2410c', band: 'rgba(194,65,12,0.16)' },
  // more for Analytics' channel compare (up to 6 lines)
  { line: '#15803d', band: 'rgba(21,128,61,0.14)' },
  { line: '#7c3aed', band: 'rgba(124,58,237,0.14)' },
  { line: '#be185d', band: 'rgba(190,24,93,0.14)' },
  { line: '#a16207', band: 'rgba(161,98,7,0.14)' },
];

function column(values, n) {
  const out = new Array(n);
  for (let k = 0; k < n; k++) out[k] = Array.isArray(values) ? num(values[k]) : null;
  return out;
}

/**
 * history: {t:[epoch s], series:{code:{min,mean,max}}}
 * channels: [{code, label, unit, precision}] (an inlet/outlet pair, or any channels compared)
 * Returns {data, series, bands, points, hasData}:
 *   data   = [t, mean_a, min_a, max_a, mean_b, min_b, max_b, ...] (uPlot AlignedData)
 *   series = per data column after t: {code, label, kind:"mean"|"min"|"max", color, band}
 *   bands  = [{series:[maxIdx, minIdx], fill}] in uPlot series indices (t is index 0)
 */
export function historyToChartData(history, channels) {
  const t = Array.isArray(history?.t) ? history.t.map(num) : [];
  // uPlot needs ascending x without gaps in x itself: drop buckets with a bad timestamp.
  const keep = [];
  for (let k = 0; k < t.length; k++) if (t[k] !== null) keep.push(k);
  const n = keep.length;
  const xs = keep.map((k) => t[k]);
  const data = [xs];
  const series = [];
  const bands = [];
  let hasData = false;
  (channels || []).forEach((ch, idx) => {
    const color = PALETTE[idx % PALETTE.length];
    const s = history?.series?.[ch.code] || {};
    const pick = (arr) => {
      const full = column(arr, t.length);
      return keep.map((k) => full[k]);
    };
    const mean = pick(s.mean);
    const min = pick(s.min);
    const max = pick(s.max);
    if (mean.some((v) => v !== null)) hasData = true;
    const base = data.length; // uPlot series index of this mean column
    data.push(mean, min, max);
    series.push(
      { code: ch.code, label: ch.label, kind: 'mean', color: color.line, channel: ch },
      { code: ch.code, label: `${ch.label} min`, kind: 'min', color: color.line, channel: ch },
      { code: ch.code, label: `${ch.label} max`, kind: 'max', color: color.line, channel: ch },
    );
    bands.push({ series: [base + 2, base + 1], fill: color.band });
  });
  return { data, series, bands, points: n, hasData };
}
