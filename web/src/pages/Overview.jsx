import { useEffect, useRef, useState } from 'react';
import { useChannels } from '../hooks.js';
import { useLive } from '../live.jsx';
import { ErrorBox, QueryState } from '../components/QueryState.jsx';
import { StatusBanner } from '../components/StatusBanner.jsx';
import { formatValue, isRelay, num } from '../lib/format.js';

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
  const relay = isRelay(channel);
  const on = relay && num(value) === 1;
  return (
    <td className={`value${flash ? ' flash' : ''}`} data-code={channel.code}>
      {relay && text !== '—' ? <span className={`pill ${on ? 'pill-on' : 'pill-off'}`}>{text}</span> : text}
    </td>
  );
}

export function OverviewPage() {
  const channels = useChannels();
  const { live, frame } = useLive();
  return (
    <>
      <h1>Overview</h1>
      <StatusBanner />
      {live.isError && !live.data && (
        <ErrorBox what="live data" error={live.error} onRetry={() => live.refetch()} retrying={live.isFetching} />
      )}
      <QueryState query={channels} what="channels">
        {(list) => (
          <table className="data-table overview-table">
            <caption className="visually-hidden">Live values</caption>
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Label</th>
                <th scope="col" className="num">
                  Value
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((ch) => (
                <tr key={ch.code} className={`group-${ch.group}`}>
                  <td className="code">{ch.code}</td>
                  <th scope="row" className="label">
                    {ch.label}
                  </th>
                  <ValueCell value={frame?.[ch.code]} channel={ch} />
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
    </>
  );
}
