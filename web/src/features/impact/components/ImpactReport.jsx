import { useMemo, useState } from 'react';
import { useHistory, useUnitTimeZone } from '../../../lib/queries.js';
import { QueryState } from '../../../components/QueryState.jsx';
import { HistoryChart } from '../../../components/HistoryChart.jsx';
import { historyToChartData } from '../../../lib/chartData.js';
import { judgeChange, ruleChannel } from '../../../lib/impact.js';
import { formatInZone, formatNumber, formatPercent, withUnit } from '../../../lib/format.js';
import { todayIn } from '../../../lib/dates.js';
import { RANGES, completeness, pairSummary, relayHoursOn, reportRange } from '../utils/report.js';

function PairChart({ pair, history, tz }) {
  const chart = useMemo(() => historyToChartData(history, [pair.inlet, pair.outlet]), [history, pair]);
  return (
    <section className="card report-chart" aria-label={`${pair.quantity}: inlet vs outlet`}>
      <h3>{pair.quantity}: inlet vs outlet</h3>
      {chart.hasData ? (
        <HistoryChart
          chart={chart}
          unit={pair.inlet.unit}
          precision={pair.inlet.precision}
          title={`${pair.quantity}: inlet vs outlet`}
          measureTag="impact"
          timeZone={tz}
        />
      ) : (
        <p className="muted">No readings in this range.</p>
      )}
    </section>
  );
}

function Summary({ pairs, history }) {
  return (
    <table className="data-table report-table">
      <caption className="visually-hidden">Averages over the range</caption>
      <thead>
        <tr>
          <th scope="col">Quantity</th>
          <th scope="col" className="num">
            Inlet avg
          </th>
          <th scope="col" className="num">
            Outlet avg
          </th>
          <th scope="col" className="num">
            Change
          </th>
        </tr>
      </thead>
      <tbody>
        {pairs.map((pair) => {
          const s = pairSummary(history, pair);
          const fmt = (v) => withUnit(formatNumber(v, pair.inlet.precision), pair.inlet.unit);
          const verdict = judgeChange(s.inlet, s.outlet, ruleChannel(pair));
          return (
            <tr key={pair.inlet.code}>
              <th scope="row">{pair.quantity}</th>
              <td className="num">{fmt(s.inlet)}</td>
              <td className="num">{fmt(s.outlet)}</td>
              <td className="num">
                {s.pct === null ? '—' : formatPercent(s.pct)}{' '}
                {verdict.kind !== 'unknown' && <span className={`verdict verdict-${verdict.kind}`}>{verdict.word}</span>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Hours each relay was ON, when the history holds relay series (a table for the report). */
function RelayHours({ relays, history }) {
  const rows = relays.map((ch) => [ch, relayHoursOn(history, ch.code)]).filter(([, h]) => h !== null);
  if (rows.length === 0) return null;
  return (
    <table className="data-table report-table">
      <caption>Hours each relay was on</caption>
      <thead>
        <tr>
          <th scope="col">Relay</th>
          <th scope="col" className="num">
            Hours on
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([ch, h]) => (
          <tr key={ch.code}>
            <th scope="row">{ch.label}</th>
            <td className="num">{formatNumber(h, 1)} h</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Completeness({ history }) {
  const c = completeness(history, Date.now() / 1000);
  if (c.pct === null) return null;
  const hours = c.bucketS ? `${formatNumber(c.bucketS / 3600, c.bucketS % 3600 ? 1 : 0)}-hour` : '';
  return (
    <p className="report-completeness">
      Data completeness: <strong>{Math.round(c.pct)}%</strong> ({c.withData} of {c.elapsed} {hours} periods so far hold
      readings).
    </p>
  );
}

/** Inlet vs outlet over a chosen range, as charts and a summary that prints as a monthly report. */
export function ImpactReport({ pairs, relays = [] }) {
  const { tz, ready } = useUnitTimeZone();
  const [choice, setChoice] = useState('week');
  const [month, setMonth] = useState('');
  const shownMonth = month || todayIn(tz).slice(0, 7);
  const range = reportRange(choice, shownMonth, tz);
  const history = useHistory(
    { start: range?.start, end: range?.end, buckets: range?.buckets },
    { enabled: ready && range !== null },
  );
  return (
    <section className="impact-report" aria-labelledby="impact-report-title">
      <div className="card-head">
        <h2 id="impact-report-title">Impact report{range ? `: ${range.text}` : ''}</h2>
        <button type="button" className="no-print" onClick={() => window.print()}>
          Print report
        </button>
      </div>
      <div className="chart-controls no-print">
        <div className="segmented" role="group" aria-label="Report range">
          {Object.entries(RANGES).map(([key, r]) => (
            <button type="button" key={key} aria-pressed={choice === key} onClick={() => setChoice(key)}>
              {r.label}
            </button>
          ))}
        </div>
        {choice === 'calendar' && (
          <div className="field">
            <label htmlFor="report-month">Month</label>
            <input
              id="report-month"
              type="month"
              value={shownMonth}
              max={todayIn(tz).slice(0, 7)}
              onChange={(e) => setMonth(e.target.value)}
            />
          </div>
        )}
      </div>
      <p className="print-only">
        XtraO2 Console impact report, {range ? `${range.start} to ${range.end}` : ''}; printed{' '}
        {formatInZone(Date.now() / 1000, tz)}.
      </p>
      {range === null ? (
        <p className="notice" role="status">
          That month has not begun yet: choose a past or the current month.
        </p>
      ) : (
        <QueryState query={history} what="the report's history">
          {(data) => (
            <>
              {data?.days_pending > 0 && (
                <p className="notice" role="status">
                  {data.days_pending} days of this range are still being fetched from the device cloud; they count as
                  missing until then.
                </p>
              )}
              <Completeness history={data} />
              <Summary pairs={pairs} history={data} />
              <RelayHours relays={relays} history={data} />
              <div className="card-grid report-charts">
                {pairs.map((p) => (
                  <PairChart key={p.inlet.code} pair={p} history={data} tz={tz} />
                ))}
              </div>
            </>
          )}
        </QueryState>
      )}
    </section>
  );
}
