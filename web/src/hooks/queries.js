// Server state several features read: the query cache keys, the channel map and the unit's time zone.
import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api.js';

export const keys = {
  config: ['config'],
  channels: ['channels'],
  live: ['live'],
  health: ['health'],
  graph: (period) => ['graph', period],
  history: (start, end, buckets) => ['history', start, end, buckets],
  historyStatus: ['historyStatus'],
  relays: ['relays'],
  display: ['display'],
  audit: (limit) => ['audit', limit],
  automationHealth: ['automationHealth'],
};

/** The channel map: the only source of labels, units, precision and pairs. */
export function useChannels() {
  return useQuery({ queryKey: keys.channels, queryFn: api.channels, staleTime: Infinity });
}

/** GET /api/graph/<period> (hour, day, week), refreshed every `refreshMs` (and fresh that long). */
export function useGraph(period, refreshMs) {
  return useQuery({
    queryKey: keys.graph(period),
    queryFn: () => api.graph(period),
    staleTime: refreshMs,
    refetchInterval: refreshMs,
  });
}

/**
 * The unit's time zone (GET /api/config): "today", date ranges and chart times follow the
 * unit's calendar, whatever the browser's zone. `ready` once known or failed; until then and
 * on failure the browser's own zone stands in (tz undefined).
 */
export function useUnitTimeZone() {
  const config = useQuery({ queryKey: keys.config, queryFn: api.config, staleTime: Infinity });
  return { tz: config.data?.timezone, ready: !config.isPending };
}
