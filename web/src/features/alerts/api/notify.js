// Contact points (SPEC 9 and 13): where notifications go, set in the console; the Test button.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '../../../lib/api.js';
import { alertKeys } from './alerts.js';

const enc = encodeURIComponent;

export const notifyApi = {
  status: () => apiFetch('/api/automation/notify'),
  save: (channel, body) => apiFetch(`/api/automation/notify/${enc(channel)}`, { method: 'PUT', body }),
  remove: (channel) => apiFetch(`/api/automation/notify/${enc(channel)}`, { method: 'DELETE' }),
  test: (channel) => apiFetch('/api/automation/notify/test', { method: 'POST', body: { channel } }),
};

/** GET /notify: each channel's settings (no secrets), source and delivery state. */
export const notifyQuery = { queryKey: alertKeys.notify, queryFn: notifyApi.status, refetchInterval: 15_000 };

export function useNotifyStatus() {
  return useQuery(notifyQuery);
}

/** PUT a channel's settings: the server applies them at once and answers with the channel's view. */
export function useSaveContactPoint(channel) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body) => notifyApi.save(channel, body),
    onSuccess: (view) => {
      if (view && typeof view === 'object') {
        qc.setQueryData(alertKeys.notify, (prev) => (prev ? { ...prev, [channel]: { ...prev[channel], ...view } } : prev));
      }
      qc.invalidateQueries({ queryKey: alertKeys.notify });
    },
  });
}

export function useRemoveContactPoint(channel) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => notifyApi.remove(channel),
    onSettled: () => qc.invalidateQueries({ queryKey: alertKeys.notify }),
  });
}

/** POST notify/test: 200 when delivered, 502 {error} saying why not (shown as is). */
export function useTestNotify(channel) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => notifyApi.test(channel),
    onSettled: () => qc.invalidateQueries({ queryKey: alertKeys.notify }),
  });
}
