// Analytics' own endpoints: the history store's state and the one-time link of a CSV report. The
// aggregated series it charts is the shared history read (lib/queries.js), which Impact reads too.
import { useMutation, useQuery } from '@tanstack/react-query';
import { apiFetch } from '../../../lib/api.js';

export const analyticsKeys = {
  historyStatus: ['historyStatus'],
};

export const analyticsApi = {
  historyStatus: () => apiFetch('/api/history/status'),
  reportLink: (startDate, endDate, every) =>
    apiFetch(`/api/report-link?startDate=${startDate}&endDate=${endDate}${every ? `&every=${every}` : ''}`, {
      method: 'POST',
    }),
};

/** GET /api/history/status: every 2 s while days are being fetched, else every 30 s. */
export function useHistoryStatus() {
  return useQuery({
    queryKey: analyticsKeys.historyStatus,
    queryFn: analyticsApi.historyStatus,
    staleTime: 0,
    refetchInterval: (q) => {
      const bf = q.state.data?.backfill;
      return bf && (bf.pending > 0 || bf.running) ? 2000 : 30000;
    },
  });
}

/**
 * POST /api/report-link for {start, end, every}: resolves to {url, filename}, a one-time link.
 * `every` (s, SPEC 12): one averaged row per interval for people; without it the raw rows.
 */
export function useReportLink(options = {}) {
  return useMutation({ mutationFn: ({ start, end, every }) => analyticsApi.reportLink(start, end, every), ...options });
}
