import { useMemo, useState } from 'react';
import { useHistory, useSiteName, useUnitTimeZone } from '../../../lib/queries.js';
import { QueryState } from '../../../components/QueryState.jsx';
import { HistoryChart } from '../../../components/HistoryChart.jsx';
import { historyToChartData } from '../../../lib/chartData.js';
import { judgeChange, ruleChannel } from '../../../lib/impact.js';
import { formatNumber, formatPercent, withUnit } from '../../../lib/format.js';
import { formatDateTime, rangeText } from '../../../lib/time.js';
import { todayIn } from '../../../lib/dates.js';
import { STANDARD_NAMES } from '../../../lib/aqi.js';
import { RANGES, aqiSummary, completeness, headlines, pairSummary, relayHoursOn, reportRange } from '../utils/report.js';
import { TableHead } from '../../../components/TableHead.jsx';

const PM_OUTLET = 'd9'; // SPEC section 4: outlet dust PM (its label comes from the channel map)
const PM_INLET = 'd2';

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
      <TableHead label="Quantity" numbers={['Inlet avg', 'Outlet avg', 'Change']} />
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
              <td className="num change">
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
      <TableHead label="Relay" numbers={['Hours on']} />
      <tbody>
        {rows.map(([ch, h]) => (
          <tr key={ch.code}>
            <th scope="row" title={`Code ${ch.code}`}>
              {ch.name || ch.label}
            </th>
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

/** The reductions that matter most, in one line: "Dust PM 68% lower · CO₂ 12% lower". */
function Headline({ pairs, history }) {
  const items = headlines(history, pairs);
  if (items.length === 0) return null;
  return (
    <p className="report-headline">
      At the outlet:{' '}
      {items.map((h, k) => (
        <span key={h.quantity} className={h.good ? 'good' : 'bad'}>
          {k > 0 && ' · '}
          {h.quantity} {h.text}
        </span>
      ))}
    </p>
  );
}

/** The AQI over the range (mean of the daily indices) and the days in each category, inlet and outlet. */
function AqiDays({ history, display, tz }) {
  const standard = display?.standard || 'cpcb';
  const size = display?.pm_size || 'pm25';
  const outlet = aqiSummary(history, PM_OUTLET, { standard, size, tz });
  const inlet = aqiSummary(history, PM_INLET, { standard, size, tz });
  if (outlet.days === 0 && inlet.days === 0) return null;
  const avg = (s) => (s.average === null ? '—' : `${s.average}${s.category ? ` (${s.category.name})` : ''}`);
  return (
    <table className="data-table report-table aqi-days">
      <caption>
        Air quality index, {STANDARD_NAMES[standard] || standard} from {size === 'pm10' ? 'PM10' : 'PM2.5'}: days
        per category (each day’s mean)
      </caption>
      <TableHead label="Category" numbers={['Inlet days', 'Outlet days']} />
      <tbody>
        <tr className="aqi-average">
          <th scope="row">Average AQI</th>
          <td className="num">{avg(inlet)}</td>
          <td className="num">{avg(outlet)}</td>
        </tr>
        {outlet.counts.map((c, k) => (
          <tr key={c.name}>
            <th scope="row">
              <span className="swatch" style={{ background: c.color }} aria-hidden="true" /> {c.name}
            </th>
            <td className="num">{inlet.counts[k].days}</td>
            <td className="num">{c.days}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Inlet vs outlet over a chosen range, as charts and a summary that prints as a monthly report
 * (A4): the site, the headline reductions, the AQI by day, the averages, the relays' hours on.
 * `relays` are the relay channels with their names; `display` the display's AQI standard.
 */
export function ImpactReport({ pairs, relays = [], display = null }) {
  const { tz, ready } = useUnitTimeZone();
  const site = useSiteName();
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
      <p className="print-only report-site">
        {site ? `${site}: ` : ''}XtraO2 impact report, {range ? rangeText(range.start, range.end) : ''}; printed{' '}
        {formatDateTime(Date.now() / 1000, tz)}.
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
              <Headline pairs={pairs} history={data} />
              <Completeness history={data} />
              <div className="report-tables">
                <Summary pairs={pairs} history={data} />
                <AqiDays history={data} display={display} tz={tz} />
                <RelayHours relays={relays} history={data} />
              </div>
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
