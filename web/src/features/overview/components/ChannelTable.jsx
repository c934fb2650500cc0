import { useEffect, useMemo, useRef, useState } from 'react';
import { formatNumber, formatValue } from '../../../lib/format.js';
import { downsample, seriesOf } from '../utils/glance.js';
import { useHourGraph } from '../api/overview.js';
import { Sparkline } from './Sparkline.jsx';

/** A value cell that briefly highlights when its value changes. */
function ValueCell({ value, channel }) {
  const text = formatValue(value, channel);
  const prev = useRef(text);
  const [flash, setFlash] = useState(0);
  useEffect(() => {
    const before = prev.current;
    if (before === text) return undefined;
    prev.current = text;
    if (before === '—') return undefined; // first value, not a change
    setFlash((n) => n + 1);
    const id = setTimeout(() => setFlash(0), 900);
    return () => clearTimeout(id);
  }, [text]);
  return (
    <td className={`value num${flash ? ' flash' : ''}`} data-code={channel.code}>
      {text}
    </td>
  );
}

function trendLabel(pts, channel) {
  if (pts.length < 2) return '';
  const vals = pts.map(([, v]) => v);
  const f = (v) => formatNumber(v, channel.precision);
  return `Last hour of ${channel.label}: from ${f(vals[0])} to ${f(vals[vals.length - 1])}, low ${f(Math.min(...vals))}, high ${f(Math.max(...vals))}`;
}

/** Every non-relay channel: label, last hour's sparkline, live value with unit. */
export function ChannelTable({ channels, frame }) {
  const hour = useHourGraph();
  const frames = hour.data?.data;
  const list = useMemo(() => channels.filter((c) => c.group !== 'relay'), [channels]);
  const series = useMemo(() => new Map(list.map((c) => [c.code, seriesOf(frames, c.code)])), [list, frames]);
  return (
    <table className="data-table overview-table">
      <caption className="visually-hidden">Live values</caption>
      <thead>
        <tr>
          <th scope="col" className="code">
            Code
          </th>
          <th scope="col">Channel</th>
          <th scope="col" className="spark-col">
            Last hour
          </th>
          <th scope="col" className="num">
            Value
          </th>
        </tr>
      </thead>
      <tbody>
        {list.map((ch) => {
          const pts = series.get(ch.code) || [];
          return (
            <tr key={ch.code} className={`group-${ch.group}`}>
              <td className="code">{ch.code}</td>
              <th scope="row" className="label">
                {ch.label}
              </th>
              <td className="spark-col">
                {hour.isPending ? (
                  <span className="muted small">…</span>
                ) : (
                  <Sparkline pts={downsample(pts)} label={trendLabel(pts, ch)} />
                )}
              </td>
              <ValueCell value={frame?.[ch.code]} channel={ch} />
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
