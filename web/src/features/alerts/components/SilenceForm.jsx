import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useCreateSilence } from '../api/silences.js';
import { serverError, useFieldA11y } from '../hooks/useFieldA11y.jsx';
import { DURATIONS, bodyFromSilenceForm, checkUntil, newSilenceForm, untilOf } from '../utils/silences.js';
import { formatDateTime, isoParts } from '../utils/time.js';
import { FormFoot, SelectField, TextField } from './FormParts.jsx';

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
      <TextField
        f={f}
        field={register('reason', { validate: (v) => v.trim() !== '' || 'Say why, so others know (e.g. maintenance).' })}
        label="Reason"
        maxLength={200}
        placeholder="Filter change, line 2"
      />
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
      <SelectField f={f} field={register('duration')} label="For" options={DURATIONS} />
      {duration === 'until' && (
        <div className="field-row">
          <TextField f={f} field={register('date')} label="End date" type="date" />
          <TextField
            f={f}
            field={register('time')}
            label="End time (HH:MM, 24-hour)"
            inputMode="numeric"
            placeholder="18:30"
            maxLength={5}
          />
        </div>
      )}
      <p className="hint" aria-live="polite">
        {untilOk ? `Ends ${formatDateTime(until, tz)} (at most 7 days ahead).` : 'A silence lasts at most 7 days.'}
      </p>
      <FormFoot
        error={formError}
        busy={isSubmitting}
        label="Start silence"
        busyLabel="Starting…"
        onCancel={() => onDone(null)}
      />
    </form>
  );
}
