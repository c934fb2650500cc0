// Analytics' reads of the gateway's history: the aggregated series of a view, and the store's state.
import { useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api.js';
import { keys } from '../../../hooks/queries.js';

/** GET /api/history for a view's days; polled while older days are still being fetched. */
export function useHistory({ start, end, buckets }) {
  return useQuery({
    queryKey: keys.history(start, end, buckets),
    queryFn: () => api.history(start, end, buckets),
    staleTime: 5 * 60_000,
    // older days still coming from the cloud in the background: show them as they arrive
    refetchInterval: (q) => (q.state.data?.days_pending > 0 || q.state.data?.today_pending ? 10_000 : false),
  });
}

/** GET /api/history/status: every 2 s while days are being fetched, else every 30 s. */
export function useHistoryStatus() {
  return useQuery({
    queryKey: keys.historyStatus,
    queryFn: api.historyStatus,
    staleTime: 0,
    refetchInterval: (q) => {
      const bf = q.state.data?.backfill;
      return bf && (bf.pending > 0 || bf.running) ? 2000 : 30000;
    },
  });
}
