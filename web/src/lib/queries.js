// The gateway reads several features share: the unit's config (its time zone), the channel map, the
// graph periods and the aggregated history. Their endpoints, query keys and hooks live here once;
// each feature's own endpoints are in features/<f>/api/.
import { useQuery } from '@tanstack/react-query';
import { apiFetch } from './api.js';

export const sharedKeys = {
  config: ['config'],
  channels: ['channels'],
  graph: (period) => ['graph', period],
  history: (start, end, buckets) => ['history', start, end, buckets],
};

export const sharedApi = {
  config: () => apiFetch('/api/config'),
  channels: () => apiFetch('/api/channels'),
  graph: (period) => apiFetch(`/api/graph/${period}`),
  history: (start, end, buckets) =>
    apiFetch(`/api/history?start=${start}&end=${end}${buckets ? `&buckets=${buckets}` : ''}`),
};

// Query options shared by the hooks and the first screen's prefetch (app/prefetch.js).
export const channelsQuery = { queryKey: sharedKeys.channels, queryFn: sharedApi.channels, staleTime: Infinity };
export const configQuery = { queryKey: sharedKeys.config, queryFn: sharedApi.config, staleTime: Infinity };

/** GET /api/graph/<period> (hour, day, week), refreshed every `refreshMs` (and fresh that long). */
export function graphQuery(period, refreshMs) {
  return {
    queryKey: sharedKeys.graph(period),
    queryFn: () => sharedApi.graph(period),
    staleTime: refreshMs,
    refetchInterval: refreshMs,
  };
}

/** The channel map: the only source of labels, units, precision and pairs. */
export function useChannels() {
  return useQuery(channelsQuery);
}

export function useGraph(period, refreshMs) {
  return useQuery(graphQuery(period, refreshMs));
}

/**
 * GET /api/history for a range of the unit's days (Analytics' views, Impact's report); polled
 * while older days are still being fetched from the cloud, to show them as they arrive.
 */
export function useHistory({ start, end, buckets }, { enabled = true } = {}) {
  return useQuery({
    queryKey: sharedKeys.history(start, end, buckets),
    queryFn: () => sharedApi.history(start, end, buckets),
    enabled,
    staleTime: 5 * 60_000,
    refetchInterval: (q) => (q.state.data?.days_pending > 0 || q.state.data?.today_pending ? 10_000 : false),
  });
}

/**
 * The unit's time zone (GET /api/config): "today", date ranges and chart times follow the
 * unit's calendar, whatever the browser's zone. `ready` once known or failed; until then and
 * on failure the browser's own zone stands in (tz undefined).
 */
export function useUnitTimeZone() {
  const config = useConfig();
  return { tz: config.data?.timezone, ready: !config.isPending };
}

/** GET /api/config: the unit's alias, time zone and site name (XO2_SITE_NAME, else the alias). */
export function useConfig() {
  return useQuery(configQuery);
}

/** The site as people name it (the header, the printed report); the alias until known. */
export function useSiteName(fallback = null) {
  const config = useConfig();
  return config.data?.siteName || config.data?.deviceId || fallback;
}
