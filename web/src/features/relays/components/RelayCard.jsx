import { useEffect, useId, useState } from 'react';
import { FormProvider, useForm } from 'react-hook-form';
import { Switch } from '../../../components/Switch.jsx';
import { FieldError, FormError, invalidProps } from '../../../components/FormFields.jsx';
import { textRules } from '../../../lib/validation.js';
import { useRelayCommand, useSaveRelay } from '../api/relays.js';
import { MODES, NAME_MAX, bodyFromForm, formFromRelay, fieldKeys, isPending, modeText, normalizeField, onOff } from '../utils/relays.js';
import { CommandStatus } from './CommandStatus.jsx';
import { SensorRuleForm } from './SensorRuleForm.jsx';
import { TimeRuleForm } from './TimeRuleForm.jsx';

function ruleSignature(r) {
  return JSON.stringify([r.name, r.mode, r.sensor ?? null, r.time ?? null]);
}

/**
 * One relay as a compact row (issue 23, a phone first): its name, its actual state, its mode and,
 * in manual mode, the switch (one tap); the command's progress under it ("Sending…" at once, then
 * a countdown to the unit's confirmation). "Details" opens its form (name, mode, rule); Save and
 * Cancel appear once something is edited. A 400 is shown beside the field it names, else under
 * the form.
 */
export function RelayCard({ relay, sensorChannels, channelsByCode, liveValue, timeZone, timeoutS, skewS }) {
  const uid = useId();
  const [open, setOpen] = useState(false);
  const form = useForm({ defaultValues: formFromRelay(relay, sensorChannels), mode: 'onTouched' });
  const {
    register,
    handleSubmit,
    reset,
    watch,
    getValues,
    setError,
    formState: { errors, isDirty },
  } = form;
  const save = useSaveRelay(relay.id);
  const command = useRelayCommand(relay.id);
  const [message, setMessage] = useState(null); // {kind: "ok"|"error", text}
  const signature = ruleSignature(relay);
  const mode = watch('mode');
  const name = watch('name') ?? '';

  // Follow the server while the admin has no unsaved edits
  // (keyed on the rule's content, not the relay object, which every poll replaces).
  useEffect(() => {
    if (!isDirty) reset(formFromRelay(relay, sensorChannels));
  }, [signature, sensorChannels]);

  // An edit makes the last "Saved." or error old news (reset() names no field).
  useEffect(() => {
    const sub = watch((_, { name: field }) => field && setMessage(null));
    return () => sub.unsubscribe();
  }, [watch]);

  const onSave = (values) => {
    save.mutate(bodyFromForm(values), {
      onSuccess: (saved) => {
        reset(formFromRelay(saved?.id ? saved : relay, sensorChannels));
        setMessage({ kind: 'ok', text: 'Saved.' });
      },
      onError: (err) => {
        const key = err.status === 400 && err.field ? normalizeField(err.field) : null;
        if (key && fieldKeys(getValues()).includes(key)) {
          setError(key, { type: 'server', message: err.message });
          setMessage(null);
        } else {
          setMessage({ kind: 'error', text: err.message });
        }
      },
    });
  };
  const onCancel = () => {
    reset(formFromRelay(relay, sensorChannels));
    setMessage(null);
  };
  const sendCommand = (state) =>
    command.mutate(state, {
      onSuccess: () => setMessage(null),
      onError: (err) => setMessage({ kind: 'error', text: err.message }),
    });

  const pending = isPending(relay);
  // A manual tap locks the row until the unit confirms it or it fails. In sensor/time mode a
  // pending command is the automation's own (retried with backoff, maybe for minutes), so the
  // rule and mode stay editable (e.g. back to manual); only the status shows it.
  const locked = (pending && relay.mode === 'manual') || command.isPending;
  const disabled = locked || save.isPending;
  // The live frame is newer than the relay list (polled every 15 s): prefer it when there is one.
  const actual = liveValue ?? relay.actual ?? null;
  const id = (n) => `${uid}-${n}`;
  const input = (n, rules) => ({ id: id(n), disabled, ...invalidProps(errors, n, id(n)), ...register(n, rules) });
  const title = relay.name || `Relay ${relay.id.slice(1)}`;
  const manual = relay.mode === 'manual';
  const on = command.isPending ? command.variables === 1 : pending ? relay.command.desired === 1 : actual === 1;
  const nameLength = String(name).trim().length;

  return (
    <li className={`relay-row${pending ? ' is-pending' : ''}${open ? ' is-open' : ''}`} aria-busy={locked}>
      <section aria-label={title}>
        <div className="relay-line">
          <h2 className="relay-name" title={`Code ${relay.id}`}>
            {title}
          </h2>
          <span className={`pill ${actual === 1 ? 'pill-on' : actual === 0 ? 'pill-off' : ''}`} title="Actual state, from the unit's data">
            {onOff(actual)}
          </span>
          <span className="relay-mode muted small">{modeText(relay.mode)}</span>
          {manual && (
            <Switch
              checked={on}
              label={`${title} power`}
              disabled={disabled}
              onChange={(next) => sendCommand(next ? 1 : 0)}
            />
          )}
          <button
            type="button"
            className="ghost details-toggle"
            aria-expanded={open}
            aria-controls={id('details')}
            onClick={() => setOpen((v) => !v)}
          >
            {open ? 'Close' : 'Details'}
            <span className="visually-hidden"> of {title}</span>
          </button>
        </div>
        <CommandStatus
          relay={relay}
          sending={command.isPending}
          sendingState={command.variables}
          busy={disabled}
          timeoutS={timeoutS}
          skewS={skewS}
          onRetry={manual ? () => sendCommand(relay.command.desired) : null}
        />
        {message && !open && (
          <p className={message.kind === 'ok' ? 'ok-text' : 'field-error'} role={message.kind === 'ok' ? 'status' : 'alert'}>
            {message.text}
          </p>
        )}
        {open && (
          <FormProvider {...form}>
            <form id={id('details')} className="relay-details" onSubmit={handleSubmit(onSave)} noValidate>
              <div className="field">
                <label htmlFor={id('name')}>Name</label>
                <input {...input('name', textRules('the name', NAME_MAX))} autoComplete="off" />
                <span className={`small counter${nameLength > NAME_MAX ? ' bad' : ' muted'}`} aria-live="polite">
                  {nameLength} of {NAME_MAX} characters
                </span>
                <FieldError name="name" id={id('name')} />
              </div>
              <div className="field">
                <label htmlFor={id('mode')}>Mode</label>
                <select {...input('mode')}>
                  {MODES.map((m) => (
                    <option key={m.value} value={m.value}>
                      {m.label}
                    </option>
                  ))}
                </select>
                <FieldError name="mode" id={id('mode')} />
              </div>
              {mode === 'manual' && !manual && (
                <p className="hint">Save to switch this relay by hand; until then its rule runs it.</p>
              )}
              {mode === 'sensor' && (
                <SensorRuleForm sensorChannels={sensorChannels} channelsByCode={channelsByCode} disabled={disabled} />
              )}
              {mode === 'time' && <TimeRuleForm timeZone={timeZone} disabled={disabled} />}
              {message && (
                <p className={message.kind === 'ok' ? 'ok-text' : 'field-error'} role={message.kind === 'ok' ? 'status' : 'alert'}>
                  {message.text}
                </p>
              )}
              <FormError>{errors.root?.message}</FormError>
              {(isDirty || save.isPending) && (
                <div className="actions">
                  <button type="submit" className="primary" disabled={disabled}>
                    {save.isPending ? 'Saving…' : 'Save'}
                  </button>
                  <button type="button" className="ghost" onClick={onCancel} disabled={disabled}>
                    Cancel
                  </button>
                </div>
              )}
            </form>
          </FormProvider>
        )}
      </section>
    </li>
  );
}
