import { useMemo } from 'react';
import { useChannels } from '../hooks.js';
import { useLive } from '../live.jsx';
import { ErrorBox, QueryState } from '../components/QueryState.jsx';
import { StatusBanner } from '../components/StatusBanner.jsx';
import { ChannelTable, Glance, RelayChips } from '../features/overview/index.js';

export function OverviewPage() {
  const channels = useChannels();
  const { live, frame } = useLive();
  const byCode = useMemo(() => new Map((channels.data || []).map((c) => [c.code, c])), [channels.data]);
  return (
    <>
      <h1>Overview</h1>
      <StatusBanner />
      {live.isError && !live.data && (
        <ErrorBox what="live data" error={live.error} onRetry={() => live.refetch()} retrying={live.isFetching} />
      )}
      <Glance byCode={byCode} />
      <QueryState query={channels} what="channels">
        {(list) => (
          <>
            <h2 className="section-title">Channels</h2>
            <ChannelTable channels={list} frame={frame} />
            <RelayChips channels={list} frame={frame} />
          </>
        )}
      </QueryState>
    </>
  );
}
