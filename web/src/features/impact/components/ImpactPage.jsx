import { useMemo } from 'react';
import { useChannels, useGraph } from '../../../lib/queries.js';
import { useLive, useLiveStatus } from '../../../lib/live.jsx';
import { QueryState } from '../../../components/QueryState.jsx';
import { impactRow, pairsFromChannels, ruleChannel, weightedMean } from '../../../lib/impact.js';
import { formatNumber, formatPercent, formatSigned, withUnit } from '../../../lib/format.js';
import { ImpactReport } from './ImpactReport.jsx';
import { TableHead } from '../../../components/TableHead.jsx';

const ICON = { better: '▲', worse: '▼', same: '=', neutral: '·', unknown: '' };

export function Verdict({ verdict }) {
  if (!verdict || verdict.kind === 'unknown') return null;
  return (
    <span className={`verdict verdict-${verdict.kind}`}>
      <span aria-hidden="true">{ICON[verdict.kind]} </span>
      {verdict.word}
    </span>
  );
}

function ChangeCell({ row, channel }) {
  if (row.abs === null) return <td className="num">—</td>;
  const p = channel.precision ?? 1;
  return (
    <td className="num change">
      <span className="change-abs">{withUnit(formatSigned(row.abs, p), channel.unit)}</span>{' '}
      <span className="change-pct">{row.pct === null ? '' : `(${formatPercent(row.pct)})`}</span>
      <br />
      <Verdict verdict={row.verdict} />
    </td>
  );
}

function PeriodRow({ title, row, pair, state, notLive }) {
  const { inlet } = pair;
  const fmt = (v) => withUnit(formatNumber(v, inlet.precision), inlet.unit);
  if (state) {
    return (
      <tr>
        <th scope="row">{title}</th>
        <td colSpan={3} className="muted">
          {state}
        </td>
      </tr>
    );
  }
  return (
    <tr className={notLive ? 'not-live' : undefined}>
      <th scope="row">{title}</th>
      <td className="num">{fmt(row.inlet)}</td>
      <td className="num">{fmt(row.outlet)}</td>
      <ChangeCell row={row} channel={inlet} />
    </tr>
  );
}

// Averages of the last day and week: the gateway caches them upstream; five minutes is fresh enough.
const GRAPH_REFRESH_MS = 5 * 60_000;

function graphState(q) {
  if (q.isPending) return 'Loading…';
  if (q.isError && !q.data) return 'Unavailable';
  return null;
}

function avgRow(q, pair) {
  const frames = q.data?.data;
  return impactRow(pair, weightedMean(frames, pair.inlet.code), weightedMean(frames, pair.outlet.code));
}

function PairCard({ pair, frame, day, week, status }) {
  const rule = ruleChannel(pair);
  const now = impactRow(pair, frame?.[pair.inlet.code], frame?.[pair.outlet.code]);
  const hint = now.verdict.hint || (rule.better ? '' : 'no preferred direction');
  return (
    <section className="card impact-card" aria-label={`${pair.quantity} impact`}>
      <h2 title={`Codes ${pair.inlet.code} (inlet), ${pair.outlet.code} (outlet)`}>{pair.quantity}</h2>
      {hint && <p className="muted small">Improvement: {hint}.</p>}
      <table className="data-table impact-table">
        <TableHead label="Period" numbers={['Inlet', 'Outlet', 'Change']} />
        <tbody>
          <PeriodRow
            title={status.live ? 'Now' : `At ${status.when}`}
            row={now}
            pair={pair}
            state={frame ? null : 'No live data'}
            notLive={!status.live}
          />
          <PeriodRow title="24 h avg" row={avgRow(day, pair)} pair={pair} state={graphState(day)} />
          <PeriodRow title="7 d avg" row={avgRow(week, pair)} pair={pair} state={graphState(week)} />
        </tbody>
      </table>
    </section>
  );
}

function GraphNotice({ q, label }) {
  if (q.isError && !q.data) {
    return (
      <div className="error-box" role="alert">
        <p>
          {label} averages unavailable: {q.error?.message}
        </p>
        <button type="button" onClick={() => q.refetch()} disabled={q.isFetching}>
          Retry
        </button>
      </div>
    );
  }
  if (q.data?.stale) {
    return (
      <p className="notice" role="status">
        {label} averages come from the cache: the device cloud is not answering.
      </p>
    );
  }
  return null;
}

/** `relays` (their names) and `display` (the AQI standard) are the relays feature's, passed by the app shell. */
export function ImpactPage({ relays, display }) {
  const channels = useChannels();
  const { frame } = useLive();
  const status = useLiveStatus();
  const day = useGraph('day', GRAPH_REFRESH_MS);
  const week = useGraph('week', GRAPH_REFRESH_MS);
  const pairs = useMemo(() => pairsFromChannels(channels.data), [channels.data]);
  const relayChannels = useMemo(() => {
    const names = new Map((relays?.data?.relays || []).map((r) => [r.id, r.name]));
    return (channels.data || []).filter((c) => c.group === 'relay').map((c) => ({ ...c, name: names.get(c.code) || c.label }));
  }, [channels.data, relays?.data]);
  return (
    <>
      <h1>Impact</h1>
      <p className="muted no-print">
        Outlet compared with inlet: change = outlet − inlet. Averages weight each bucket by its sample count.
      </p>
      <GraphNotice q={day} label="24 h" />
      <GraphNotice q={week} label="7 day" />
      <QueryState query={channels} what="channels">
        {() => (
          <div className="card-grid no-print">
            {pairs.map((p) => (
              <PairCard key={p.inlet.code} pair={p} frame={frame} day={day} week={week} status={status} />
            ))}
          </div>
        )}
      </QueryState>
      {pairs.length > 0 && <ImpactReport pairs={pairs} relays={relayChannels} display={display?.data} />}
    </>
  );
}
