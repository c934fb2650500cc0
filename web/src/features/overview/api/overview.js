// Query hooks of the Overview's glance. Cache keys are the app's (hooks/queries.js), so the Impact page and
// this one share one cached response per route. The relay list, the display settings and the alert
// count belong to other features: the app shell passes them in (see OverviewPage).
import { useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api.js';
import { keys } from '../../../hooks/queries.js';

/** Last hour of frames for the sparklines: the gateway caches it upstream; a minute is fresh enough. */
export function useHourGraph() {
  return useQuery({
    queryKey: keys.graph('hour'),
    queryFn: () => api.graph('hour'),
    staleTime: 60_000,
    refetchInterval: 60_000,
  });
}

/** 24 h of aggregate frames for the day's reductions (same cache and cadence as the Impact page). */
export function useDayGraph() {
  return useQuery({
    queryKey: keys.graph('day'),
    queryFn: () => api.graph('day'),
    staleTime: 5 * 60_000,
    refetchInterval: 5 * 60_000,
  });
}
