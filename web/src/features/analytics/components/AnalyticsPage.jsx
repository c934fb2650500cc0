import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api.js';
import { keys, useChannels, useUnitTimeZone } from '../hooks.js';
import { QueryState } from '../components/QueryState.jsx';
import { HistoryChart } from '../components/HistoryChart.jsx';
import { CsvDownload } from '../components/CsvDownload.jsx';
import { HistoryStoreStatus } from '../components/HistoryStoreStatus.jsx';
import { historyToChartData } from '../lib/chartData.js';
import { pairsFromChannels } from '../lib/impact.js';
import { MAX_HISTORY_DAYS, daysInRange, lastDays, todayIn, validateCsvRange } from '../lib/dates.js';

export const PERIODS = {
  week: { label: 'Week', days: 7, buckets: 168, text: 'last 7 days' },
  month: { label: 'Month', days: 30, buckets: 360, text: 'last 30 days' },
  year: { label: 'Year', days: 365, buckets: 500, text: 'last 365 days' },
};

/** Chart choices from the channel map: inlet/outlet pairs first, then every non-relay channel. */
export function chartChoices(channels) {
  const pairs = pairsFromChannels(channels).map((p) => ({
    value: `pair:${p.inlet.code}`,
    label: `${p.quantity}: inlet vs outlet`,
    channels: [p.inlet, p.outlet],
  }));
  const singles = (channels || [])
    .filter((c) => c.group !== 'relay')
    .map((c) => ({ value: `ch:${c.code}`, label: `${c.label} (${c.code})`, channels: [c] }));
  return { pairs, singles, all: [...pairs, ...singles] };
}

/** The days a view shows: a preset ending today (the unit's today), or a chosen range. */
export function viewRange(period, custom, tz) {
  if (period === 'range') {
    const days = daysInRange(custom.start, custom.end);
    // about an hour a bucket for short ranges, at most 500 (a year: ~17.5 h buckets)
    return { ...custom, buckets: Math.min(500, Math.max(24, days * 24)), text: `${custom.start} to ${custom.end}` };
  }
  const p = PERIODS[period];
  return { ...lastDays(p.days, todayIn(tz)), buckets: p.buckets, text: p.text };
}

function Chart({ choice, view, tag, tz }) {
  const { start, end, buckets } = view;
  const history = useQuery({
    queryKey: keys.history(start, end, buckets),
    queryFn: () => api.history(start, end, buckets),
    staleTime: 5 * 60_000,
    // older days still coming from the cloud in the background: show them as they arrive
    refetchInterval: (q) => (q.state.data?.days_pending > 0 || q.state.data?.today_pending ? 10_000 : false),
  });
  const chart = useMemo(
    () => (history.data ? historyToChartData(history.data, choice.channels) : null),
    [history.data, choice],
  );
  const ch = choice.channels[0];
  return (
    <QueryState query={history} what="history">
      {(data) => (
        <>
          {data?.stale && (
            <p className="notice" role="status">
              This history comes from the cache: the device cloud is not answering, so the latest data may be
              missing.
            </p>
          )}
          {data?.days_pending > 0 && (
            <p className="notice" role="status">
              {data.days_pending} older days of this range are still being fetched from the device cloud in the
              background; they are blank until then.
            </p>
          )}
          {data?.today_pending && (
            <p className="small muted" role="status">
              Today's hours before the console started are being fetched from the device cloud.
            </p>
          )}
          {chart?.hasData ? (
            <HistoryChart
              chart={chart}
              unit={ch.unit}
              precision={ch.precision ?? 1}
              title={`${choice.label}, ${view.text}`}
              measureTag={tag}
              timeZone={tz}
            />
          ) : (
            <p className="muted">
              No data for {choice.label} in the {view.text}.
            </p>
          )}
        </>
      )}
    </QueryState>
  );
}

/** A free range of the unit's days (up to MAX_HISTORY_DAYS), applied with "Show". */
function RangeForm({ tz, value, onApply }) {
  const today = todayIn(tz);
  const [start, setStart] = useState(value.start);
  const [end, setEnd] = useState(value.end);
  const [error, setError] = useState(null);
  const onSubmit = (e) => {
    e.preventDefault();
    const problem = validateCsvRange(start, end, MAX_HISTORY_DAYS);
    setError(problem);
    if (!problem) onApply({ start, end });
  };
  return (
    <form className="csv-form" onSubmit={onSubmit} noValidate aria-label="Chart range">
      <div className="field">
        <label htmlFor="range-start">From</label>
        <input id="range-start" type="date" value={start} max={today} onChange={(e) => setStart(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="range-end">To</label>
        <input id="range-end" type="date" value={end} max={today} onChange={(e) => setEnd(e.target.value)} />
      </div>
      <button type="submit">Show</button>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

export function AnalyticsPage() {
  const channels = useChannels();
  const unit = useUnitTimeZone();
  const choices = useMemo(() => chartChoices(channels.data), [channels.data]);
  const [selected, setSelected] = useState(null);
  const [period, setPeriod] = useState('week');
  const [custom, setCustom] = useState(null);
  const choice = choices.all.find((c) => c.value === selected) || choices.all[0];
  const initialCustom = () => custom || lastDays(14, todayIn(unit.tz));
  return (
    <>
      <h1>Analytics</h1>
      <section className="card" aria-labelledby="chart-title">
        <h2 id="chart-title" className="visually-hidden">
          Chart
        </h2>
        <QueryState query={channels} what="channels">
          {() => (
            <>
              <div className="chart-controls">
                <div className="field">
                  <label htmlFor="chart-channel">Channel</label>
                  <select id="chart-channel" value={choice?.value || ''} onChange={(e) => setSelected(e.target.value)}>
                    <optgroup label="Inlet vs outlet">
                      {choices.pairs.map((c) => (
                        <option key={c.value} value={c.value}>
                          {c.label}
                        </option>
                      ))}
                    </optgroup>
                    <optgroup label="Single channel">
                      {choices.singles.map((c) => (
                        <option key={c.value} value={c.value}>
                          {c.label}
                        </option>
                      ))}
                    </optgroup>
                  </select>
                </div>
                <div className="segmented" role="group" aria-label="Period">
                  {Object.entries(PERIODS).map(([key, p]) => (
                    <button type="button" key={key} aria-pressed={period === key} onClick={() => setPeriod(key)}>
                      {p.label}
                    </button>
                  ))}
                  <button type="button" aria-pressed={period === 'range'} onClick={() => setPeriod('range')}>
                    Range
                  </button>
                </div>
              </div>
              {unit.ready && period === 'range' && (
                <RangeForm tz={unit.tz} value={initialCustom()} onApply={setCustom} />
              )}
              {!choice ? (
                <p className="muted">No channels.</p>
              ) : (
                unit.ready &&
                (period !== 'range' || custom) && (
                  <Chart choice={choice} view={viewRange(period, custom, unit.tz)} tag={period} tz={unit.tz} />
                )
              )}
              <HistoryStoreStatus />
            </>
          )}
        </QueryState>
      </section>
      {unit.ready && <CsvDownload tz={unit.tz} />}
    </>
  );
}
