import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useCreateSilence } from '../api/silences.js';
import { serverError, useFieldA11y } from '../hooks/useFieldA11y.jsx';
import { DURATIONS, bodyFromSilenceForm, checkUntil, newSilenceForm, untilOf } from '../utils/silences.js';
import { formatDateTime, isoParts } from '../utils/time.js';

const FIELDS = { reason: 'reason', until: 'duration', rule_ids: 'rule_ids' };

/** A new silence: all rules or chosen ones, for a while or until a time (at most 7 days), why. */
export function SilenceForm({ rules, tz, onDone }) {
  const create = useCreateSilence();
  const [formError, setFormError] = useState(null);
  const {
    register,
    handleSubmit,
    watch,
    setValue,
    setError,
    setFocus,
    formState: { errors, isSubmitting },
  } = useForm({ defaultValues: newSilenceForm() });
  const f = useFieldA11y(errors);
  const scope = watch('scope');
  const duration = watch('duration');
  const form = watch();
  const now = Date.now() / 1000;
  const until = untilOf(form, tz, now);
  const untilOk = checkUntil(until, now) === true;

  useEffect(() => setFocus('reason'), [setFocus]);
  useEffect(() => {
    // Choosing "until": start from two hours ahead, in the unit's zone, to edit from.
    if (duration === 'until' && !form.date) {
      const p = isoParts(now + 7200, tz);
      setValue('date', p.date);
      setValue('time', p.time);
    }
  }, [duration]); // eslint-disable-line react-hooks/exhaustive-deps

  const onSubmit = async (values) => {
    setFormError(null);
    const t = Date.now() / 1000;
    const problem = checkUntil(untilOf(values, tz, t), t);
    if (problem !== true) {
      setError(values.duration === 'until' ? 'time' : 'duration', { type: 'check', message: problem }, { shouldFocus: true });
      return;
    }
    try {
      await create.mutateAsync(bodyFromSilenceForm(values, tz, t));
      onDone('Silence started: matching alerts are still recorded, but nothing is sent.');
    } catch (err) {
      const field = (name) => {
        if (name === 'until') return values.duration === 'until' ? 'time' : 'duration';
        return FIELDS[String(name || '').replace(/\[\d+\]$/, '')] || null;
      };
      setFormError(serverError(err, field, setError));
    }
  };

  return (
    <form className="card silence-form" aria-label="New silence" noValidate onSubmit={handleSubmit(onSubmit)}>
      <h3>New silence</h3>
      <div className="field">
        <label htmlFor={f.id('reason')}>Reason</label>
        <input
          id={f.id('reason')}
          maxLength={200}
          placeholder="Filter change, line 2"
          {...f.a11y('reason')}
          {...register('reason', { validate: (v) => v.trim() !== '' || 'Say why, so others know (e.g. maintenance).' })}
        />
        {f.error('reason')}
      </div>
      <fieldset className="field">
        <legend>Mute</legend>
        <div className="checks">
          <label className="check">
            <input type="radio" value="all" {...register('scope')} /> All rules
          </label>
          <label className="check">
            <input type="radio" value="some" {...register('scope')} /> Chosen rules
          </label>
        </div>
      </fieldset>
      {scope === 'some' && (
        <fieldset className="field" {...(f.errorOf('rule_ids') ? { 'aria-describedby': f.errId('rule_ids') } : {})}>
          <legend>Rules to mute</legend>
          <div className="checks column">
            {rules.map((r) => (
              <label key={r.id} className="check">
                <input
                  type="checkbox"
                  value={r.id}
                  {...register('rule_ids', {
                    validate: (v) => watch('scope') !== 'some' || v.length > 0 || 'Choose at least one rule, or mute all.',
                  })}
                />{' '}
                {r.name}
              </label>
            ))}
          </div>
          {f.error('rule_ids')}
        </fieldset>
      )}
      <div className="field">
        <label htmlFor={f.id('duration')}>For</label>
        <select id={f.id('duration')} {...f.a11y('duration')} {...register('duration')}>
          {DURATIONS.map((d) => (
            <option key={d.value} value={d.value}>
              {d.label}
            </option>
          ))}
        </select>
        {f.error('duration')}
      </div>
      {duration === 'until' && (
        <div className="field-row">
          <div className="field">
            <label htmlFor={f.id('date')}>End date</label>
            <input id={f.id('date')} type="date" {...f.a11y('date')} {...register('date')} />
            {f.error('date')}
          </div>
          <div className="field">
            <label htmlFor={f.id('time')}>End time (HH:MM, 24-hour)</label>
            <input
              id={f.id('time')}
              inputMode="numeric"
              placeholder="18:30"
              maxLength={5}
              {...f.a11y('time')}
              {...register('time')}
            />
            {f.error('time')}
          </div>
        </div>
      )}
      <p className="hint" aria-live="polite">
        {untilOk ? `Ends ${formatDateTime(until, tz)} (at most 7 days ahead).` : 'A silence lasts at most 7 days.'}
      </p>
      {formError && (
        <p className="field-error" role="alert">
          {formError}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={isSubmitting}>
          {isSubmitting ? 'Starting…' : 'Start silence'}
        </button>
        <button type="button" className="ghost" onClick={() => onDone(null)} disabled={isSubmitting}>
          Cancel
        </button>
      </div>
    </form>
  );
}
