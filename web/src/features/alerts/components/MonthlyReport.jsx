import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { QueryState } from '../../../components/QueryState.jsx';
import { zoneName } from '../../../lib/format.js';
import { useReportSchedule, useSaveReportSchedule, useSendReport } from '../api/report.js';
import { serverError, useFieldA11y } from '../hooks/useFieldA11y.jsx';
import { bodyFromScheduleForm, formFromSchedule, scheduleChecks } from '../utils/report.js';
import { formatDateTime, monthTitle, ordinal, pastMonths } from '../utils/time.js';
import { FormFoot, SelectField, TextField } from './FormParts.jsx';
import { RecipientList } from './RecipientList.jsx';

const FIELDS = ['enabled', 'day', 'time', 'to'];
const DAYS = Array.from({ length: 28 }, (_, k) => String(k + 1));

function ScheduleForm({ schedule, tz }) {
  const save = useSaveReportSchedule();
  const [formError, setFormError] = useState(null);
  const [message, setMessage] = useState(null);
  const {
    register,
    control,
    handleSubmit,
    watch,
    setError,
    reset,
    formState: { errors, isSubmitting, isDirty },
  } = useForm({ defaultValues: formFromSchedule(schedule) });
  const f = useFieldA11y(errors);
  const enabled = watch('enabled');
  const zone = tz ? zoneName(tz) : null;

  const onSubmit = async (form) => {
    setFormError(null);
    setMessage(null);
    try {
      const view = await save.mutateAsync(bodyFromScheduleForm(form));
      reset(formFromSchedule(view || bodyFromScheduleForm(form)));
      setMessage(form.enabled ? 'Schedule saved.' : 'Schedule saved: the report is not sent by itself.');
    } catch (err) {
      const field = (name) => {
        const n = String(name || '').replace(/\[\d+\]$/, '');
        return FIELDS.includes(n) ? n : null;
      };
      setFormError(serverError(err, field, setError));
    }
  };

  return (
    <form aria-label="Monthly report schedule" noValidate onSubmit={handleSubmit(onSubmit)}>
      <label className="check">
        <input type="checkbox" {...register('enabled')} /> Email the report every month
      </label>
      <div className="field-row">
        <SelectField
          f={f}
          field={register('day', { validate: scheduleChecks.day })}
          label="On day"
          options={DAYS.map((d) => ({ value: d, label: ordinal(Number(d)) }))}
        />
        <TextField
          f={f}
          field={register('time', { validate: scheduleChecks.time })}
          label={`At (HH:MM, 24-hour${zone ? `, ${zone}` : ''})`}
          inputMode="numeric"
          maxLength={5}
          placeholder="08:00"
        />
      </div>
      <RecipientList
        legend="Send the report to"
        control={control}
        register={register}
        fields={f}
        check={scheduleChecks.address}
        validateList={(rows) =>
          !watch('enabled') || rows.some((r) => r.address.trim()) || 'Add at least one recipient to send the report to.'
        }
        hint="Management’s addresses; the email contact point’s server sends it."
      />
      {schedule?.next_at && !isDirty && enabled && (
        <p className="small">Next report: {formatDateTime(schedule.next_at, tz)}.</p>
      )}
      {schedule?.last_month && (
        <p className="small muted">
          Last sent by the schedule: {monthTitle(schedule.last_month)}
          {schedule.last_queued_at ? `, on ${formatDateTime(schedule.last_queued_at, tz)}` : ''}.
        </p>
      )}
      {schedule?.last_error && <p className="small bad-text">Not sent yet: {schedule.last_error}</p>}
      <FormFoot error={formError} status={message} busy={isSubmitting} label="Save schedule" />
    </form>
  );
}

function SendNow({ tz }) {
  const send = useSendReport();
  const months = pastMonths(12, tz);
  const [month, setMonth] = useState(months[0]);
  const [sentMonth, setSentMonth] = useState(null);
  return (
    <form
      className="send-now"
      aria-label="Send a report now"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setSentMonth(month);
        send.mutate(month);
      }}
    >
      <div className="field-row align-end">
        <div className="field">
          <label htmlFor="report-month">Month</label>
          <select id="report-month" value={month} onChange={(e) => setMonth(e.target.value)}>
            {months.map((m) => (
              <option key={m} value={m}>
                {monthTitle(m)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <button type="submit" disabled={send.isPending}>
            {send.isPending ? 'Sending…' : 'Send now'}
          </button>
        </div>
      </div>
      {send.isPending && <p className="small muted">Putting the report together; this can take a few seconds.</p>}
      {send.isSuccess && (
        <p className="ok-text" role="status">
          The {monthTitle(send.data?.month || sentMonth)} report was sent
          {send.data?.to?.length ? ` to ${send.data.to.join(', ')}` : ''}.
        </p>
      )}
      {send.isError && (
        <p className="field-error" role="alert">
          The {monthTitle(sentMonth)} report was not sent: {send.error.message}
        </p>
      )}
    </form>
  );
}

/** The monthly impact report by email: when it goes out and to whom, and one month sent now. */
export function MonthlyReport({ tz }) {
  const schedule = useReportSchedule();
  return (
    <>
      <h2 id="monthly-report-title">Monthly report by email</h2>
      <p className="muted small">
        The Impact page’s report of the previous month (air quality, inlet vs outlet, relay hours, data
        completeness), readable on a phone, with the month’s data as a spreadsheet (CSV).
      </p>
      <QueryState query={schedule} what="the report schedule">
        {(s) => <ScheduleForm schedule={s} tz={tz} />}
      </QueryState>
      <h3>Send one now</h3>
      <SendNow tz={tz} />
    </>
  );
}
