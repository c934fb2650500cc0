// Query hooks of the automation service's relays, display pusher, audit log and health. Cache keys
// are the app's (hooks/queries.js): the Overview reads the same relay list and display settings.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api.js';
import { keys } from '../../../hooks/queries.js';
import { anyPending } from '../utils/relays.js';

export const RELAY_POLL_MS = 1500;

/** Relays with their modes and commands: polled fast while a command waits for confirmation. */
export function useRelays() {
  return useQuery({
    queryKey: keys.relays,
    queryFn: api.relays,
    refetchInterval: (q) => (anyPending(q.state.data?.relays) ? RELAY_POLL_MS : 15_000),
    staleTime: 0,
  });
}

/** Replace one relay in the cached list (a PUT or command answers with the relay it changed). */
function putRelayInCache(qc, relay) {
  if (!relay?.id) return;
  qc.setQueryData(keys.relays, (prev) =>
    prev?.relays ? { ...prev, relays: prev.relays.map((r) => (r.id === relay.id ? relay : r)) } : prev,
  );
}

/** PUT a relay's name, mode and rule; resolves to the saved relay. */
export function useSaveRelay(id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body) => {
      const res = await api.saveRelay(id, body);
      return res?.relay ?? res;
    },
    onSuccess: (relay) => {
      putRelayInCache(qc, relay);
      qc.invalidateQueries({ queryKey: keys.relays });
    },
  });
}

/** POST a manual ON (1) / OFF (0) command; the relay list shows it pending until confirmed. */
export function useRelayCommand(id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (state) => api.commandRelay(id, state),
    onSuccess: (res) => putRelayInCache(qc, res?.relay ?? res),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.relays }),
  });
}

/** The display pusher's settings and what it last showed. */
export function useDisplay(refetchInterval = 5000) {
  return useQuery({ queryKey: keys.display, queryFn: api.display, refetchInterval });
}

export function useSaveDisplay() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body) => api.saveDisplay(body),
    onSuccess: (d) => {
      if (d && typeof d === 'object' && 'enabled' in d) qc.setQueryData(keys.display, d);
      qc.invalidateQueries({ queryKey: keys.display });
    },
  });
}

export function useAudit(limit = 50) {
  return useQuery({ queryKey: keys.audit(limit), queryFn: () => api.audit(limit), refetchInterval: 30_000 });
}

export function useAutomationHealth() {
  return useQuery({ queryKey: keys.automationHealth, queryFn: api.automationHealth, refetchInterval: 30_000 });
}
