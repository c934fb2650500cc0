import { memo, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { formatNumber, formatValue } from '../../../lib/format.js';
import { pairsFromChannels } from '../../../lib/impact.js';
import { downsample, seriesOf } from '../utils/glance.js';
import { useHourGraph } from '../api/overview.js';
import { Sparkline } from './Sparkline.jsx';
import { TableHead } from '../../../components/TableHead.jsx';

/** The last hour's trend, drawn again only when its points change. */
const Trend = memo(function Trend({ pts, channel }) {
  return <Sparkline pts={downsample(pts)} label={trendLabel(pts, channel)} />;
});

/** A value with the last hour's trend; it briefly highlights when the value changes. */
function ValueCell({ value, channel, pts, pending, live }) {
  const text = formatValue(value, channel);
  // The flash is derived while rendering (React's "adjust state when a prop changes"), so the new
  // value and its highlight reach the screen in the same commit, never one after the other.
  const [shown, setShown] = useState(text);
  const [flash, setFlash] = useState(0);
  if (shown !== text) {
    setShown(text);
    if (shown !== '—') setFlash((n) => n + 1); // the first value is not a change
  }
  useEffect(() => {
    if (!flash) return undefined;
    const id = setTimeout(() => setFlash(0), 900);
    return () => clearTimeout(id);
  }, [flash]);
  return (
    <td className={`value num${flash ? ' flash' : ''}${live ? '' : ' not-live'}`} data-code={channel.code}>
      <span className="value-text">{text}</span>
      {pending ? <span className="muted small spark-wait">…</span> : <Trend pts={pts} channel={channel} />}
    </td>
  );
}

function trendLabel(pts, channel) {
  if (pts.length < 2) return '';
  const vals = pts.map(([, v]) => v);
  const f = (v) => formatNumber(v, channel.precision);
  return `Last hour of ${channel.label}: from ${f(vals[0])} to ${f(vals[vals.length - 1])}, low ${f(Math.min(...vals))}, high ${f(Math.max(...vals))}`;
}

/**
 * Each quantity's inlet and outlet side by side, value and last hour's trend (the unit's own
 * readings, signal and versions, are in the glance's Unit health). Codes stay out of the text: a label's tooltip names them. `status` is the
 * live state: values not live are greyed, with the time they are from.
 */
export const ChannelTable = memo(function ChannelTable({ channels, frame: liveFrame, status }) {
  // a new frame (every 10 s) redraws this table in the background, never blocking a tap
  const frame = useDeferredValue(liveFrame);
  const hour = useHourGraph();
  const frames = useDeferredValue(hour.data?.data);
  const pairs = useMemo(() => pairsFromChannels(channels), [channels]);
  const series = useMemo(
    () => new Map(channels.filter((c) => c.group !== 'relay').map((c) => [c.code, seriesOf(frames, c.code)])),
    [channels, frames],
  );
  const live = status?.live !== false;
  const cell = (ch) => (
    <ValueCell
      value={frame?.[ch.code]}
      channel={ch}
      pts={series.get(ch.code) || []}
      pending={hour.isPending}
      live={live}
    />
  );
  return (
    <>
      {!live && frame && (
        <p className="not-live-note" role="note">
          Not live: the values below are from {status.when}.
        </p>
      )}
      <table className="data-table overview-table">
        <caption className="visually-hidden">Live values</caption>
        <TableHead label="Quantity" numbers={['Inlet', 'Outlet']} />
        <tbody>
          {pairs.map(({ inlet, outlet, quantity }) => (
            <tr key={inlet.code}>
              <th scope="row" className="label" title={`Codes ${inlet.code} (inlet), ${outlet.code} (outlet)`}>
                {quantity}
              </th>
              {cell(inlet)}
              {cell(outlet)}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
});
