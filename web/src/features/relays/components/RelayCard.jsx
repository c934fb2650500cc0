import { useEffect, useId, useState } from 'react';
import { FormProvider, useForm } from 'react-hook-form';
import { useRelayCommand, useSaveRelay } from '../api/relays.js';
import { MODES, bodyFromForm, formFromRelay, fieldKeys, isPending, normalizeField, onOff } from '../utils/relays.js';
import { CommandStatus } from './CommandStatus.jsx';
import { FieldError, invalidProps } from './fields.jsx';
import { ManualControl } from './ManualControl.jsx';
import { SensorRuleForm } from './SensorRuleForm.jsx';
import { TimeRuleForm } from './TimeRuleForm.jsx';

function ruleSignature(r) {
  return JSON.stringify([r.name, r.mode, r.sensor ?? null, r.time ?? null]);
}

/**
 * One relay: its name, its mode and the form of that mode (manual switch, sensor rule or time
 * windows). A 400 from the server is shown next to the field it names, else under the form.
 */
export function RelayCard({ relay, sensorChannels, channelsByCode, liveValue, timeZone }) {
  const uid = useId();
  const form = useForm({ defaultValues: formFromRelay(relay, sensorChannels) });
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
  const [strayError, setStrayError] = useState(null); // a 400 naming no field this form shows
  const signature = ruleSignature(relay);
  const mode = watch('mode');

  // Follow the server while the admin has no unsaved edits
  // (keyed on the rule's content, not the relay object, which every poll replaces).
  useEffect(() => {
    if (!isDirty) reset(formFromRelay(relay, sensorChannels));
  }, [signature, sensorChannels]);

  // An edit makes the last "Saved." or error old news (reset() names no field).
  useEffect(() => {
    const sub = watch((_, { name }) => name && setMessage(null));
    return () => sub.unsubscribe();
  }, [watch]);

  const onSave = (values) => {
    setStrayError(null);
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
        } else if (key) {
          setStrayError(`${err.field}: ${err.message}`);
          setMessage(null);
        } else {
          setMessage({ kind: 'error', text: err.message });
        }
      },
    });
  };
  const onCancel = () => {
    reset(formFromRelay(relay, sensorChannels));
    setStrayError(null);
    setMessage(null);
  };
  const sendCommand = (state) =>
    command.mutate(state, {
      onSuccess: () => setMessage(null),
      onError: (err) => setMessage({ kind: 'error', text: err.message }),
    });

  const pending = isPending(relay);
  // A manual tap locks the card until the unit confirms it or it fails. In sensor/time mode a
  // pending command is the automation's own (retried with backoff, maybe for minutes), so the
  // rule and mode stay editable (e.g. back to manual); only the status shows PENDING.
  const locked = (pending && relay.mode === 'manual') || command.isPending;
  const disabled = locked || save.isPending;
  // The live frame is newer than the relay list (polled every 15 s): prefer it when there is one.
  const actual = liveValue ?? relay.actual ?? null;
  const id = (name) => `${uid}-${name}`;
  const input = (name) => ({ id: id(name), disabled, ...invalidProps(errors, name, id(name)), ...register(name) });
  const title = relay.name || relay.id;

  return (
    <section
      className={`card relay-card${pending ? ' is-pending' : ''}`}
      aria-label={`${title} (${relay.id})`}
      aria-busy={locked}
    >
      <FormProvider {...form}>
        <form onSubmit={handleSubmit(onSave)}>
          <header className="relay-head">
            <h2>
              {title} <span className="muted small">{relay.id}</span>
            </h2>
            <span className={`pill ${actual === 1 ? 'pill-on' : actual === 0 ? 'pill-off' : ''}`}>
              Actual: {onOff(actual)}
            </span>
          </header>

          <div className="field">
            <label htmlFor={id('name')}>Name</label>
            <input {...input('name')} maxLength={40} />
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

          {mode === 'manual' && (
            <ManualControl
              relay={relay}
              title={title}
              on={pending ? relay.command.desired === 1 : actual === 1}
              disabled={disabled}
              command={sendCommand}
            />
          )}
          {mode === 'sensor' && (
            <SensorRuleForm sensorChannels={sensorChannels} channelsByCode={channelsByCode} disabled={disabled} />
          )}
          {mode === 'time' && <TimeRuleForm timeZone={timeZone} disabled={disabled} />}
          {mode !== 'manual' && <CommandStatus relay={relay} />}

          {strayError && (
            <p className="field-error" role="alert">
              {strayError}
            </p>
          )}
          {message && (
            <p
              className={message.kind === 'ok' ? 'ok-text' : 'field-error'}
              role={message.kind === 'ok' ? 'status' : 'alert'}
            >
              {message.text}
            </p>
          )}
          <div className="actions">
            <button type="submit" className="primary" disabled={disabled || !isDirty}>
              {save.isPending ? 'Saving…' : 'Save'}
            </button>
            {isDirty && (
              <button type="button" className="ghost" onClick={onCancel} disabled={disabled}>
                Cancel
              </button>
            )}
          </div>
        </form>
      </FormProvider>
    </section>
  );
}
