import { useMemo, useRef, useState } from 'react';
import { useChannels, useHistory, useUnitTimeZone } from '../../../lib/queries.js';
import { QueryState } from '../../../components/QueryState.jsx';
import { HistoryChart } from '../../../components/HistoryChart.jsx';
import { historyToChartData } from '../../../lib/chartData.js';
import { lastDays, todayIn } from '../../../lib/dates.js';
import { PRESETS, bucketWords, viewRange } from '../utils/range.js';
import { chartChoices, compareTitle } from '../utils/compare.js';
import { ChannelPicker } from './ChannelPicker.jsx';
import { RangeForm } from './RangeForm.jsx';
import { ChartExport } from './ChartExport.jsx';
import { CsvDownload } from './CsvDownload.jsx';
import { HistoryStoreStatus } from './HistoryStoreStatus.jsx';

function Chart({ channels, title, view, tag, tz }) {
  const history = useHistory(view);
  const box = useRef(null);
  const chart = useMemo(
    () => (history.data ? historyToChartData(history.data, channels) : null),
    [history.data, channels],
  );
  const ch = channels[0];
  const fullTitle = `${title}, ${view.text}`;
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
          {chart?.hasData && bucketWords(data?.bucket_s) && (
            <p className="small muted bucket-words">
              {chart.points} points. {bucketWords(data.bucket_s)}
            </p>
          )}
          {chart?.hasData ? (
            <div ref={box}>
              <HistoryChart
                chart={chart}
                unit={ch.unit}
                precision={ch.precision ?? 1}
                title={fullTitle}
                measureTag={tag}
                timeZone={tz}
              />
              <ChartExport
                chartBox={box}
                history={data}
                channels={channels}
                title={fullTitle}
                legend={chart.series.filter((s) => s.kind === 'mean').map((s) => ({ label: s.label, color: s.color }))}
                view={view}
                timeZone={tz}
              />
            </div>
          ) : (
            <p className="muted">
              No data for {title} in the {view.text}.
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
  const [picked, setPicked] = useState(null);
  const [period, setPeriod] = useState('week');
  const [custom, setCustom] = useState(null);
  const codes = picked || choices.all[0]?.codes || [];
  const key = codes.join(',');
  // one array per selection (not per render): the chart is rebuilt only when the channels change
  const selected = useMemo(
    () => key.split(',').map((c) => (channels.data || []).find((x) => x.code === c)).filter(Boolean),
    [key, channels.data],
  );
  const today = todayIn(unit.tz);
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
                <ChannelPicker channels={channels.data || []} choices={choices} codes={codes} onChange={setPicked} />
                <div className="segmented periods" role="group" aria-label="Period">
                  {Object.entries(PRESETS).map(([key, p]) => (
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
                <RangeForm today={today} value={custom || lastDays(14, today)} onApply={setCustom} />
              )}
              {selected.length === 0 ? (
                <p className="muted">No channels.</p>
              ) : (
                unit.ready &&
                (period !== 'range' || custom) && (
                  <Chart
                    channels={selected}
                    title={compareTitle(choices, selected)}
                    view={viewRange(period, custom, unit.tz)}
                    tag={period}
                    tz={unit.tz}
                  />
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
