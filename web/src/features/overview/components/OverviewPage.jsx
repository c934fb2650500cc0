import { useMemo } from 'react';
import { useChannels } from '../../../lib/queries.js';
import { useLive, useLiveStatus } from '../../../lib/live.jsx';
import { ErrorBox, QueryState } from '../../../components/QueryState.jsx';
import { StatusBanner } from '../../../components/StatusBanner.jsx';
import { ChannelTable } from './ChannelTable.jsx';
import { Glance } from './Glance.jsx';
import { RelayChips } from './RelayChips.jsx';

/** The first page. `relays`, `display` and `firingAlerts` are other features' queries, passed by the app shell. */
export function OverviewPage({ relays, display, firingAlerts }) {
  const channels = useChannels();
  const { live, frame } = useLive();
  const status = useLiveStatus();
  const byCode = useMemo(() => new Map((channels.data || []).map((c) => [c.code, c])), [channels.data]);
  // the table and the chips need only "live?" and "since when": a new object only when those turn,
  // so they are not drawn again for every other answer that re-renders the page (memo)
  const shown = useMemo(() => ({ live: status.live, when: status.when }), [status.live, status.when]);
  return (
    <>
      <h1>Overview</h1>
      <StatusBanner />
      {live.isError && !live.data && (
        <ErrorBox what="live data" error={live.error} onRetry={() => live.refetch()} retrying={live.isFetching} />
      )}
      <Glance byCode={byCode} display={display} relays={relays} firingAlerts={firingAlerts} status={status} />
      <QueryState query={channels} what="channels">
        {(list) => (
          <>
            <h2 className="section-title">Channels</h2>
            <ChannelTable channels={list} frame={frame} status={shown} />
            <RelayChips channels={list} frame={frame} relays={relays} status={shown} />
          </>
        )}
      </QueryState>
    </>
  );
}
