// Silences (SPEC 13): mute all or chosen rules until a time; alerts are still recorded.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '../../../lib/api.js';
import { alertKeys } from './alerts.js';

export const silencesApi = {
  list: () => apiFetch('/api/automation/silences'),
  create: (body) => apiFetch('/api/automation/silences', { method: 'POST', body }),
  end: (id) => apiFetch(`/api/automation/silences/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};

/** The list, as an array whether the server wraps it ({silences:[…]}) or not. */
export const silenceList = (data) => (Array.isArray(data) ? data : data?.silences || []);

export function useSilences() {
  return useQuery({ queryKey: alertKeys.silences, queryFn: silencesApi.list, refetchInterval: 30_000, select: silenceList });
}

export function useCreateSilence() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body) => silencesApi.create(body),
    onSettled: () => qc.invalidateQueries({ queryKey: alertKeys.silences }),
  });
}

export function useEndSilence() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id) => silencesApi.end(id),
    onSettled: () => qc.invalidateQueries({ queryKey: alertKeys.silences }),
  });
}
