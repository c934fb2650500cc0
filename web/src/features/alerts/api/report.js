// The monthly impact report by email (SPEC 13): its schedule, and one month sent now.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '../../../lib/api.js';
import { alertKeys } from './alerts.js';

export const reportApi = {
  schedule: () => apiFetch('/api/automation/report-schedule'),
  save: (body) => apiFetch('/api/automation/report-schedule', { method: 'PUT', body }),
  send: (month) => apiFetch('/api/automation/report-schedule/send', { method: 'POST', body: { month } }),
};

export function useReportSchedule() {
  return useQuery({ queryKey: alertKeys.reportSchedule, queryFn: reportApi.schedule });
}

export function useSaveReportSchedule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body) => reportApi.save(body),
    onSuccess: (view) => {
      if (view && typeof view === 'object') qc.setQueryData(alertKeys.reportSchedule, view);
      qc.invalidateQueries({ queryKey: alertKeys.reportSchedule });
    },
  });
}

/** Send one month now: 200 {month, to}, 502 {error} (not delivered), 409 (needs email or the gateway). */
export function useSendReport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (month) => reportApi.send(month),
    onSettled: () => qc.invalidateQueries({ queryKey: alertKeys.notify }),
  });
}
