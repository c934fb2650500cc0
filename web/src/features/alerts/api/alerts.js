// Alerts and notifications (SPEC section 9): the routes of automation_svc and their query hooks.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '../../../lib/api.js';

/** The header badge must show a new alert within 10 s (issue 14); the page polls faster. */
export const BADGE_POLL_MS = 10_000;
export const PAGE_POLL_MS = 5_000;

export const alertKeys = {
  alerts: ['alerts'],
  rules: ['alert-rules'],
  notify: ['notify'],
  silences: ['silences'],
  deadLetters: ['dead-letters'],
  reportSchedule: ['report-schedule'],
};

const enc = encodeURIComponent;

export const alertsApi = {
  alerts: () => apiFetch('/api/automation/alerts'),
  ack: (id) => apiFetch(`/api/automation/alerts/${enc(id)}/ack`, { method: 'POST' }),
  rules: () => apiFetch('/api/automation/alert-rules'),
  createRule: (body) => apiFetch('/api/automation/alert-rules', { method: 'POST', body }),
  updateRule: (id, body) => apiFetch(`/api/automation/alert-rules/${enc(id)}`, { method: 'PUT', body }),
  deleteRule: (id) => apiFetch(`/api/automation/alert-rules/${enc(id)}`, { method: 'DELETE' }),
};

/** {active, recent}; the badge and the page share this one cache entry. */
export function useAlerts(refetchInterval = PAGE_POLL_MS) {
  return useQuery({ queryKey: alertKeys.alerts, queryFn: alertsApi.alerts, refetchInterval, staleTime: 0 });
}

/** Firing = not yet acknowledged; the number the header badge shows. */
export function firingCount(data) {
  return (data?.active || []).filter((a) => a.state === 'firing').length;
}

/**
 * How many alerts are firing, for other pages (the Overview): no polling of its own, the header
 * badge (always mounted) polls this same cache entry.
 */
export function useFiringAlerts() {
  return useQuery({ queryKey: alertKeys.alerts, queryFn: alertsApi.alerts, staleTime: 10_000, select: firingCount });
}

export function useAckAlert() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id) => alertsApi.ack(id),
    onSuccess: (alert) => {
      // Show it acknowledged at once (and the badge drop), before the refetch confirms.
      if (alert?.id) {
        qc.setQueryData(alertKeys.alerts, (prev) =>
          prev ? { ...prev, active: (prev.active || []).map((a) => (a.id === alert.id ? alert : a)) } : prev,
        );
      }
      qc.invalidateQueries({ queryKey: alertKeys.alerts });
    },
  });
}

export function useAlertRules() {
  return useQuery({ queryKey: alertKeys.rules, queryFn: alertsApi.rules });
}

/** Create (no id) or replace (id) a rule. */
export function useSaveRule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }) => (id ? alertsApi.updateRule(id, body) : alertsApi.createRule(body)),
    onSuccess: () => qc.invalidateQueries({ queryKey: alertKeys.rules }),
  });
}

export function useDeleteRule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id) => alertsApi.deleteRule(id),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: alertKeys.rules });
      qc.invalidateQueries({ queryKey: alertKeys.alerts });
    },
  });
}
