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
            <ChannelTable channels={list} frame={frame} status={status} />
            <RelayChips channels={list} frame={frame} relays={relays} status={status} />
          </>
        )}
      </QueryState>
    </>
  );
}
