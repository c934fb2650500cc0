// Query hooks of the Overview's glance. Cache keys are the app's (hooks.js), so the Impact and
// Automation pages and this one share one cached response per route.
import { useQuery } from '@tanstack/react-query';
import { api, apiFetch } from '../../../lib/api.js';
import { keys } from '../../../hooks.js';
import { anyPending } from '../../../lib/relays.js';

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

/** The display pusher's settings: which AQI standard and PM size, and what it last showed. */
export function useDisplay() {
  return useQuery({ queryKey: keys.display, queryFn: api.display, staleTime: 30_000, refetchInterval: 30_000 });
}

/** Relays with their modes and commands; faster while a command waits for confirmation. */
export function useRelays() {
  return useQuery({
    queryKey: keys.relays,
    queryFn: api.relays,
    refetchInterval: (q) => (anyPending(q.state.data?.relays) ? 1500 : 15_000),
    staleTime: 0,
  });
}

// The alerts feature's own hook is not part of its public index (features/alerts/index.js), and
// features do not import each other's insides: read the same route under the same cache key.
const ALERTS_KEY = ['alerts'];

/** How many alerts are firing (unacknowledged), from GET /api/automation/alerts. */
export function useFiringAlerts() {
  return useQuery({
    queryKey: ALERTS_KEY,
    queryFn: () => apiFetch('/api/automation/alerts'),
    // No polling of its own: the header badge, always mounted, polls this same cache entry.
    staleTime: 10_000,
    select: (data) => (data?.active || []).filter((a) => a.state === 'firing').length,
  });
}
