// The automation service's relays, display pusher, audit log and health: endpoints, query keys and
// hooks. The Overview reads the same relay list and display settings (the app shell passes them).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '../../../lib/api.js';
import { anyPending } from '../utils/relays.js';

export const RELAY_POLL_MS = 1500;

export const relayKeys = {
  relays: ['relays'],
  display: ['display'],
  audit: (limit) => ['audit', limit],
  automationHealth: ['automationHealth'],
};

export const relaysApi = {
  relays: () => apiFetch('/api/automation/relays'),
  saveRelay: (id, body) => apiFetch(`/api/automation/relays/${id}`, { method: 'PUT', body }),
  commandRelay: (id, state) => apiFetch(`/api/automation/relays/${id}/command`, { method: 'POST', body: { state } }),
  display: () => apiFetch('/api/automation/display'),
  saveDisplay: (body) => apiFetch('/api/automation/display', { method: 'PUT', body }),
  automationHealth: () => apiFetch('/api/automation/health', { auth: false }),
  audit: (limit = 50) => apiFetch(`/api/automation/audit?limit=${limit}`),
};

/** Relays with their modes and commands: polled fast while a command waits for confirmation. */
export function useRelays() {
  return useQuery({
    queryKey: relayKeys.relays,
    queryFn: relaysApi.relays,
    refetchInterval: (q) => (anyPending(q.state.data?.relays) ? RELAY_POLL_MS : 15_000),
    staleTime: 0,
  });
}

/** Replace one relay in the cached list (a PUT or command answers with the relay it changed). */
function putRelayInCache(qc, relay) {
  if (!relay?.id) return;
  qc.setQueryData(relayKeys.relays, (prev) =>
    prev?.relays ? { ...prev, relays: prev.relays.map((r) => (r.id === relay.id ? relay : r)) } : prev,
  );
}

/** PUT a relay's name, mode and rule; resolves to the saved relay. */
export function useSaveRelay(id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body) => {
      const res = await relaysApi.saveRelay(id, body);
      return res?.relay ?? res;
    },
    onSuccess: (relay) => {
      putRelayInCache(qc, relay);
      qc.invalidateQueries({ queryKey: relayKeys.relays });
    },
  });
}

/** POST a manual ON (1) / OFF (0) command; the relay list shows it pending until confirmed. */
export function useRelayCommand(id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (state) => relaysApi.commandRelay(id, state),
    onSuccess: (res) => putRelayInCache(qc, res?.relay ?? res),
    onSettled: () => qc.invalidateQueries({ queryKey: relayKeys.relays }),
  });
}

/** The display pusher's settings and what it last showed. */
export const displayQuery = { queryKey: relayKeys.display, queryFn: relaysApi.display };

export function useDisplay(refetchInterval = 5000) {
  return useQuery({ ...displayQuery, refetchInterval });
}

export function useSaveDisplay() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body) => relaysApi.saveDisplay(body),
    onSuccess: (d) => {
      if (d && typeof d === 'object' && 'enabled' in d) qc.setQueryData(relayKeys.display, d);
      qc.invalidateQueries({ queryKey: relayKeys.display });
    },
  });
}

export function useAudit(limit = 50) {
  return useQuery({ queryKey: relayKeys.audit(limit), queryFn: () => relaysApi.audit(limit), refetchInterval: 30_000 });
}

export function useAutomationHealth() {
  return useQuery({ queryKey: relayKeys.automationHealth, queryFn: relaysApi.automationHealth, refetchInterval: 30_000 });
}
