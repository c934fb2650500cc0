// Dead letters: messages the outbox set aside because trying again would fail the same way (a
// recipient refused, a webhook's 4xx), each with its reason; tried again or discarded from here.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '../../../lib/api.js';
import { alertKeys } from './alerts.js';

const enc = encodeURIComponent;

export const deadLettersApi = {
  list: () => apiFetch('/api/automation/dead-letters'),
  retry: (id) => apiFetch(`/api/automation/dead-letters/${enc(id)}/retry`, { method: 'POST' }),
  discard: (id) => apiFetch(`/api/automation/dead-letters/${enc(id)}`, { method: 'DELETE' }),
};

/** Newest first, as the server sends them: [{id, channel, event, subject, alert_id, attempts, reason, at}]. */
export function useDeadLetters() {
  return useQuery({
    queryKey: alertKeys.deadLetters,
    queryFn: deadLettersApi.list,
    refetchInterval: 30_000,
    select: (d) => d?.dead_letters || [],
  });
}

function useLetterMutation(fn) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => {
      qc.invalidateQueries({ queryKey: alertKeys.deadLetters });
      qc.invalidateQueries({ queryKey: alertKeys.notify });
    },
  });
}

export const useRetryDeadLetter = () => useLetterMutation(deadLettersApi.retry);
export const useDiscardDeadLetter = () => useLetterMutation(deadLettersApi.discard);
