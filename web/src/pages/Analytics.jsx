import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api.js';
import { keys, useChannels, useUnitTimeZone } from '../hooks.js';
import { QueryState } from '../components/QueryState.jsx';
import { HistoryChart } from '../components/HistoryChart.jsx';
import { CsvDownload } from '../components/CsvDownload.jsx';
import { historyToChartData } from '../lib/chartData.js';
import { pairsFromChannels } from '../lib/impact.js';
import { lastDays, todayIn } from '../lib/dates.js';

export const PERIODS = {
  week: { label: 'Week', days: 7, buckets: 168, text: 'last 7 days' },
  month: { label: 'Month', days: 30, buckets: 360, text: 'last 30 days' },
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

function Chart({ choice, period, tz }) {
  // The unit's days: the gateway cuts history into the unit's local days too.
  const { start, end } = lastDays(PERIODS[period].days, todayIn(tz));
  const buckets = PERIODS[period].buckets;
  const history = useQuery({
    queryKey: keys.history(start, end, buckets),
    queryFn: () => api.history(start, end, buckets),
    staleTime: 5 * 60_000,
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
          {chart?.hasData ? (
            <HistoryChart
              chart={chart}
              unit={ch.unit}
              precision={ch.precision ?? 1}
              title={`${choice.label}, ${PERIODS[period].text}`}
              measureTag={period}
              timeZone={tz}
            />
          ) : (
            <p className="muted">
              No data for {choice.label} in the {PERIODS[period].text}.
            </p>
          )}
        </>
      )}
    </QueryState>
  );
}

export function AnalyticsPage() {
  const channels = useChannels();
  const unit = useUnitTimeZone();
  const choices = useMemo(() => chartChoices(channels.data), [channels.data]);
  const [selected, setSelected] = useState(null);
  const [period, setPeriod] = useState('week');
  const choice = choices.all.find((c) => c.value === selected) || choices.all[0];
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
                </div>
              </div>
              {!choice ? (
                <p className="muted">No channels.</p>
              ) : (
                unit.ready && <Chart choice={choice} period={period} tz={unit.tz} />
              )}
            </>
          )}
        </QueryState>
      </section>
      {unit.ready && <CsvDownload tz={unit.tz} />}
    </>
  );
}
