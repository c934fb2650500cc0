import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatNumber, withUnit } from '../lib/format.js';
import { MONTHS, formatDateTime, partsIn, zoneName } from '../lib/time.js';

export const RENDER_MEASURE = 'chart-render';

// Axis and grid colours per theme (canvas does not read CSS): styles.css's --muted and --border.
const AXIS_COLORS = {
  light: { axis: '#52606d', grid: '#e4e7eb' },
  dark: { axis: '#a3b0bd', grid: '#33414e' },
};

/** <html data-theme>, re-rendering when the header's toggle or the system switches it. */
function useDocumentTheme() {
  const read = () => (document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light');
  const [theme, setTheme] = useState(read);
  useEffect(() => {
    const mo = new MutationObserver(() => setTheme(read()));
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => mo.disconnect();
  }, []);
  return theme;
}

function chartHeight(width) {
  return Math.round(Math.min(420, Math.max(220, width * 0.55)));
}

/** Distinct units of the chart's channels, first-seen order ('' for none). */
export function chartUnits(chart) {
  return [...new Set(chart.series.filter((s) => s.kind === 'mean').map((s) => s.channel?.unit ?? ''))];
}

const pad = (n) => String(n).padStart(2, '0');

/**
 * The time axis' tick labels in the unit's zone, Indian style, never uPlot's default M/D ones:
 * "14:05" within a day (with the date under the first tick of each day), "07 Dec" for days,
 * "Dec 2026" for months. `incr` is the tick spacing in seconds.
 */
export function timeTicks(splits, incr, timeZone) {
  let lastDay = null;
  return splits.map((t) => {
    if (t === null || t === undefined) return '';
    const p = partsIn(t, timeZone);
    const day = `${pad(p.day)} ${MONTHS[p.month - 1]}`;
    if (incr >= 28 * 86400) return `${MONTHS[p.month - 1]} ${p.year}`;
    if (incr >= 86400) return day;
    const time = `${pad(p.hour)}:${pad(p.minute)}`;
    const firstOfDay = lastDay !== day;
    lastDay = day;
    return firstOfDay ? `${time}\n${day}` : time;
  });
}

/** The time axis' title: "Time (IST)", the unit's zone named as Grafana does. */
export function timeAxisLabel(timeZone) {
  const name = zoneName(timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone);
  return name ? `Time (${name})` : 'Time';
}

/**
 * uPlot options for chart data built by historyToChartData (exported for tests). Channels in one
 * unit share the left axis; with a second unit (Analytics' compare) its channels get the right
 * axis, each axis labelled with its unit, and every value is shown with its own channel's unit.
 */
export function buildOptions(chart, { width, height, unit = '', precision = 1, hooks = {}, timeZone, theme = 'light' }) {
  const colors = AXIS_COLORS[theme] || AXIS_COLORS.light;
  const units = chartUnits(chart);
  const twoAxes = units.length > 1;
  const scaleOf = (s) => (twoAxes && units.indexOf(s.channel?.unit ?? '') === 1 ? 'y2' : 'y');
  const fmtFor = (s) => {
    const u = twoAxes ? s.channel?.unit ?? '' : unit;
    const p = twoAxes ? s.channel?.precision ?? 1 : precision;
    return (v) => (v === null || v === undefined ? '—' : withUnit(formatNumber(v, p), u));
  };
  const axisPrecision = (scale) => {
    if (!twoAxes) return Math.min(precision, 2);
    const ps = chart.series.filter((s) => scaleOf(s) === scale).map((s) => s.channel?.precision ?? 1);
    return Math.min(2, Math.max(0, ...ps));
  };
  const yAxis = (scale, side) => ({
    scale,
    side,
    stroke: colors.axis,
    grid: { stroke: colors.grid, show: side === 3 },
    size: width < 480 ? 44 : 56, // a phone keeps more of its width for the plot
    // every y axis carries its unit (SPEC 12)
    label: (twoAxes ? units[scale === 'y' ? 0 : 1] : unit) || 'no unit',
    labelSize: 18,
    labelFont: '12px system-ui, sans-serif',
    values: (u, vals) => vals.map((v) => formatNumber(v, axisPrecision(scale))),
  });
  return {
    width,
    height,
    // Axis times in the unit's zone (its days and hours), not the browser's.
    ...(timeZone ? { tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), timeZone) } : {}),
    scales: { x: { time: true }, ...(twoAxes ? { y2: { auto: true } } : {}) },
    cursor: { drag: { x: true, y: false, setScale: true } },
    legend: { show: false },
    series: [
      { label: 'Time' },
      ...chart.series.map((s) => {
        const fmt = fmtFor(s);
        return s.kind === 'mean'
          ? { label: s.label, scale: scaleOf(s), stroke: s.color, width: 2, value: (u, v) => fmt(v), spanGaps: false }
          : {
              label: s.label,
              scale: scaleOf(s),
              stroke: s.color,
              width: 1,
              dash: [3, 4],
              alpha: 0.5,
              points: { show: false },
              value: (u, v) => fmt(v),
              spanGaps: false,
            };
      }),
    ],
    bands: chart.bands,
    axes: [
      {
        stroke: colors.axis,
        grid: { stroke: colors.grid },
        label: timeAxisLabel(timeZone),
        labelSize: 18,
        labelFont: '12px system-ui, sans-serif',
        size: 44,
        values: (u, splits, axisIdx, space, incr) => timeTicks(splits, incr, timeZone),
      },
      yAxis('y', 3),
      ...(twoAxes ? [yAxis('y2', 1)] : []),
    ],
    hooks,
  };
}

/**
 * A time-series chart of mean lines with min–max bands. Drag to zoom, "Reset zoom" to undo.
 * Sized to its container (ResizeObserver). Render time is measured as "chart-render" and
 * exposed on window.__xo2ChartRenderMs.
 */
export function HistoryChart({ chart, unit, precision, title, measureTag, timeZone }) {
  const wrapRef = useRef(null);
  const plotRef = useRef(null);
  const readoutRef = useRef(null);
  const [zoomed, setZoomed] = useState(false);
  const theme = useDocumentTheme();

  useEffect(() => {
    const el = wrapRef.current;
    if (!el || !chart?.points) return undefined;
    const width = Math.max(280, el.clientWidth || 600);
    let measured = false;
    const startMark = `${RENDER_MEASURE}-start`;
    performance.mark(startMark);
    const hooks = {
      draw: [
        () => {
          if (measured) return;
          measured = true;
          performance.mark(`${RENDER_MEASURE}-end`);
          let ms = null;
          try {
            const m = performance.measure(RENDER_MEASURE, startMark, `${RENDER_MEASURE}-end`);
            ms = m?.duration ?? performance.getEntriesByName(RENDER_MEASURE).pop()?.duration;
          } catch {
            /* marks cleared */
          }
          if (ms !== null && ms !== undefined) {
            window.__xo2ChartRenderMs = ms;
            window.__xo2ChartRender = { ms, tag: measureTag, points: chart.points };
            el.dataset.renderMs = ms.toFixed(1);
          }
        },
      ],
      setScale: [
        (u, key) => {
          if (key !== 'x') return;
          const xs = u.data[0];
          const full = u.scales.x.min <= xs[0] && u.scales.x.max >= xs[xs.length - 1];
          setZoomed(!full);
        },
      ],
      setCursor: [
        (u) => {
          const out = readoutRef.current;
          if (!out) return;
          const i = u.cursor.idx;
          if (i === null || i === undefined) {
            out.textContent = '';
            return;
          }
          const when = formatDateTime(u.data[0][i], timeZone);
          const parts = [];
          const mixed = chartUnits(chart).length > 1;
          chart.series.forEach((s, k) => {
            if (s.kind !== 'mean') return;
            const mean = u.data[k + 1][i];
            const min = u.data[k + 2][i];
            const max = u.data[k + 3][i];
            const p = mixed ? s.channel?.precision ?? 1 : precision;
            const f = (v) => (v === null || v === undefined ? '—' : formatNumber(v, p));
            const own = mixed && s.channel?.unit ? ` ${s.channel.unit}` : '';
            parts.push(`${s.label}: ${f(mean)}${own} (min ${f(min)}, max ${f(max)})`);
          });
          out.textContent = `${when} — ${parts.join(' · ')}${!mixed && unit ? ` ${unit}` : ''}`;
        },
      ],
    };
    const opts = buildOptions(chart, { width, height: chartHeight(width), unit, precision, hooks, timeZone, theme });
    // What the canvas says, on the element (the e2e reads what a person reads: ticks and axis titles).
    const ticks = opts.axes[0].values;
    opts.axes[0].values = (...args) => {
      const out = ticks(...args);
      el.dataset.timeTicks = out.join(' | ');
      return out;
    };
    el.dataset.axisLabels = opts.axes.map((a) => a.label).join(' | ');
    const u = new uPlot(opts, chart.data, el);
    plotRef.current = u;
    setZoomed(false);

    let ro = null;
    if (typeof ResizeObserver !== 'undefined') {
      ro = new ResizeObserver(() => {
        const w = Math.max(280, el.clientWidth);
        if (Math.abs(w - u.width) > 1) u.setSize({ width: w, height: chartHeight(w) });
      });
      ro.observe(el);
    }
    return () => {
      ro?.disconnect();
      u.destroy();
      plotRef.current = null;
    };
  }, [chart, unit, precision, measureTag, timeZone, theme]);

  const resetZoom = () => {
    const u = plotRef.current;
    if (!u) return;
    const xs = u.data[0];
    u.setScale('x', { min: xs[0], max: xs[xs.length - 1] });
  };

  return (
    <figure className="chart" aria-label={title}>
      <div className="chart-tools">
        <ul className="legend">
          {chart.series
            .filter((s) => s.kind === 'mean')
            .map((s) => (
              <li key={s.code}>
                <span className="swatch" style={{ background: s.color }} aria-hidden="true" />
                {s.label}
                {chartUnits(chart).length > 1 && s.channel?.unit ? ` (${s.channel.unit})` : ''}
              </li>
            ))}
          <li className="muted small">shaded: min–max</li>
        </ul>
        <button type="button" className="ghost" onClick={resetZoom} disabled={!zoomed}>
          Reset zoom
        </button>
      </div>
      <div ref={wrapRef} className="chart-canvas" data-testid="chart" />
      <p className="chart-readout small muted" ref={readoutRef} aria-live="off" />
      <figcaption className="small muted">Drag across the chart to zoom in.</figcaption>
    </figure>
  );
}
