import { useEffect, useId, useMemo, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../lib/api.js';
import { keys } from '../hooks.js';
import { Switch } from '../components/Switch.jsx';
import {
  MODES,
  WEEKDAYS,
  bodyFromDraft,
  defaultWindow,
  draftFromRelay,
  fieldKeys,
  isPending,
  normalizeField,
  onOff,
} from '../lib/relays.js';
import { formatAge, zoneName } from '../lib/format.js';

function errorId(uid, k) {
  return `${uid}-err-${k.replace(/\W/g, '_')}`;
}

function FieldError({ error, k, uid }) {
  if (!error || error.key !== k) return null;
  return (
    <span className="field-error" role="alert" id={errorId(uid, k)}>
      {error.message}
    </span>
  );
}

/** Replace one relay in the cached list. */
export function putRelayInCache(qc, relay) {
  if (!relay?.id) return;
  qc.setQueryData(keys.relays, (prev) =>
    prev?.relays ? { ...prev, relays: prev.relays.map((r) => (r.id === relay.id ? relay : r)) } : prev,
  );
}

function ruleSignature(r) {
  return JSON.stringify([r.name, r.mode, r.sensor ?? null, r.time ?? null]);
}

function CommandStatus({ relay, onRetry, busy }) {
  const cmd = relay.command;
  if (!cmd) return null;
  const want = onOff(cmd.desired);
  if (cmd.state === 'pending') {
    return (
      <p className="cmd cmd-pending" role="status">
        <span className="badge badge-pending">PENDING</span> switching {want}; waiting for the unit to confirm…
      </p>
    );
  }
  if (cmd.state === 'confirmed') {
    return (
      <p className="cmd cmd-confirmed" role="status">
        <span className="badge badge-ok">CONFIRMED</span> {want}
        {cmd.since ? ` · ${formatAge(Date.now() / 1000 - cmd.since)}` : ''}
      </p>
    );
  }
  if (cmd.state === 'failed') {
    return (
      <div className="cmd cmd-failed" role="alert">
        <span className="badge badge-failed">FAILED</span> switching {want}
        {cmd.reason ? `: ${cmd.reason}` : ''}{' '}
        {onRetry && (
          <button type="button" onClick={onRetry} disabled={busy}>
            Retry
          </button>
        )}
      </div>
    );
  }
  return null;
}

/** Rules run on the unit's clock: say which zone that is ("Unit time (IST, Asia/Kolkata)"). */
export function unitTimeText(timeZone) {
  const name = timeZone && zoneName(timeZone);
  return name ? `Unit time (${name}, ${timeZone})` : 'Unit-local time';
}

export function RelayCard({ relay, sensorChannels, channelsByCode, liveValue, timeZone }) {
  const qc = useQueryClient();
  const uid = useId();
  const [draft, setDraft] = useState(() => draftFromRelay(relay, sensorChannels));
  const [dirty, setDirty] = useState(false);
  const [fieldError, setFieldError] = useState(null); // {key, message}
  const [message, setMessage] = useState(null); // {kind: "ok"|"error", text}
  const signature = ruleSignature(relay);

  // Follow the server while the admin has no unsaved edits.
  useEffect(() => {
    if (!dirty) setDraft(draftFromRelay(relay, sensorChannels));
    // (keyed on the rule's content, not the relay object, which every poll replaces)
  }, [signature, dirty, sensorChannels]);

  const save = useMutation({
    mutationFn: (body) => api.saveRelay(relay.id, body),
    onSuccess: (updated) => {
      const r = updated?.relay ?? updated;
      putRelayInCache(qc, r);
      setDirty(false);
      setFieldError(null);
      setMessage({ kind: 'ok', text: 'Saved.' });
      qc.invalidateQueries({ queryKey: keys.relays });
    },
    onError: (err) => {
      if (err.status === 400 && err.field) {
        setFieldError({ key: normalizeField(err.field), message: err.message, field: err.field });
        setMessage(null);
      } else {
        setFieldError(null);
        setMessage({ kind: 'error', text: err.message });
      }
    },
  });

  const command = useMutation({
    mutationFn: (state) => api.commandRelay(relay.id, state),
    onSuccess: (res) => {
      putRelayInCache(qc, res?.relay ?? res);
      setMessage(null);
      qc.invalidateQueries({ queryKey: keys.relays });
    },
    onError: (err) => {
      setMessage({ kind: 'error', text: err.message });
      qc.invalidateQueries({ queryKey: keys.relays });
    },
  });

  const pending = isPending(relay);
  // A manual tap locks the card until the unit confirms it or it fails. In sensor/time mode a
  // pending command is the automation's own (retried with backoff, maybe for minutes), so the
  // rule and mode stay editable (e.g. back to manual); only the status shows PENDING.
  const locked = (pending && relay.mode === 'manual') || command.isPending;
  const disabled = locked || save.isPending;
  // The live frame is newer than the relay list (polled every 15 s): prefer it when there is one.
  const actual = liveValue ?? relay.actual ?? null;
  const shownOn = pending ? relay.command.desired === 1 : actual === 1;
  const knownKeys = useMemo(() => fieldKeys(draft), [draft]);
  const strayError = fieldError && !knownKeys.includes(fieldError.key) ? fieldError : null;

  const edit = (fn) => {
    setDraft((d) => fn(JSON.parse(JSON.stringify(d))));
    setDirty(true);
    setMessage(null);
  };
  const setWindow = (i, patch) =>
    edit((d) => {
      Object.assign(d.time.windows[i], patch);
      return d;
    });
  const toggleDay = (i, day) =>
    edit((d) => {
      const days = new Set(d.time.windows[i].days);
      if (days.has(day)) days.delete(day);
      else days.add(day);
      d.time.windows[i].days = [...days].sort((a, b) => a - b);
      return d;
    });

  const onSave = (e) => {
    e.preventDefault();
    setFieldError(null);
    save.mutate(bodyFromDraft(draft));
  };
  const onCancel = () => {
    setDraft(draftFromRelay(relay, sensorChannels));
    setDirty(false);
    setFieldError(null);
    setMessage(null);
  };

  const sensorUnit = channelsByCode.get(draft.sensor.channel)?.unit || '';
  const id = (s) => `${uid}-${s}`;
  const errProps = (k) => (fieldError?.key === k ? { 'aria-invalid': true, 'aria-describedby': errorId(uid, k) } : {});
  const title = relay.name || relay.id;

  return (
    <section
      className={`card relay-card${pending ? ' is-pending' : ''}`}
      aria-label={`${title} (${relay.id})`}
      aria-busy={locked}
    >
      <form onSubmit={onSave}>
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
          <input
            id={id('name')}
            value={draft.name}
            maxLength={40}
            disabled={disabled}
            {...errProps('name')}
            onChange={(e) => {
              const v = e.target.value;
              edit((d) => ({ ...d, name: v }));
            }}
          />
          <FieldError error={fieldError} uid={uid} k="name" />
        </div>

        <div className="field">
          <label htmlFor={id('mode')}>Mode</label>
          <select
            id={id('mode')}
            value={draft.mode}
            disabled={disabled}
            {...errProps('mode')}
            onChange={(e) => {
              const v = e.target.value;
              edit((d) => ({ ...d, mode: v }));
            }}
          >
            {MODES.map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
          </select>
          <FieldError error={fieldError} uid={uid} k="mode" />
        </div>

        {draft.mode === 'manual' && (
          <div className="mode-panel">
            <div className="manual-row">
              <Switch
                checked={shownOn}
                label={`${title} power`}
                disabled={disabled || relay.mode !== 'manual'}
                onChange={(on) => command.mutate(on ? 1 : 0)}
              />
              {relay.mode !== 'manual' && <span className="muted small">Save the manual mode first.</span>}
            </div>
            <CommandStatus
              relay={relay}
              busy={command.isPending}
              onRetry={relay.mode === 'manual' ? () => command.mutate(relay.command.desired) : null}
            />
          </div>
        )}

        {draft.mode === 'sensor' && (
          <fieldset className="mode-panel" disabled={disabled}>
            <legend>Sensor rule</legend>
            <div className="field">
              <label htmlFor={id('channel')}>Sensor channel</label>
              <select
                id={id('channel')}
                value={draft.sensor.channel}
                disabled={disabled}
                {...errProps('sensor.channel')}
                onChange={(e) => {
                  const v = e.target.value;
                  edit((d) => ((d.sensor.channel = v), d));
                }}
              >
                {sensorChannels.map((c) => (
                  <option key={c.code} value={c.code}>
                    {c.label} ({c.code})
                  </option>
                ))}
              </select>
              <FieldError error={fieldError} uid={uid} k="sensor.channel" />
            </div>
            <div className="field-row">
              <div className="field">
                <label htmlFor={id('low')}>Low{sensorUnit ? ` (${sensorUnit})` : ''}</label>
                <input
                  id={id('low')}
                  type="number"
                  inputMode="decimal"
                  step="any"
                  value={draft.sensor.low}
                  disabled={disabled}
                  {...errProps('sensor.low')}
                  onChange={(e) => {
                    const v = e.target.value;
                    edit((d) => ((d.sensor.low = v), d));
                  }}
                />
                <FieldError error={fieldError} uid={uid} k="sensor.low" />
              </div>
              <div className="field">
                <label htmlFor={id('high')}>High{sensorUnit ? ` (${sensorUnit})` : ''}</label>
                <input
                  id={id('high')}
                  type="number"
                  inputMode="decimal"
                  step="any"
                  value={draft.sensor.high}
                  disabled={disabled}
                  {...errProps('sensor.high')}
                  onChange={(e) => {
                    const v = e.target.value;
                    edit((d) => ((d.sensor.high = v), d));
                  }}
                />
                <FieldError error={fieldError} uid={uid} k="sensor.high" />
              </div>
              <div className="field">
                <label htmlFor={id('above')}>State above high</label>
                <select
                  id={id('above')}
                  value={String(draft.sensor.above)}
                  disabled={disabled}
                  {...errProps('sensor.above')}
                  onChange={(e) => {
                    const v = e.target.value;
                    edit((d) => ((d.sensor.above = Number(v)), d));
                  }}
                >
                  <option value="1">ON</option>
                  <option value="0">OFF</option>
                </select>
                <FieldError error={fieldError} uid={uid} k="sensor.above" />
              </div>
            </div>
            <p className="hint">
              Above high → {onOff(draft.sensor.above)}; below low → {onOff(1 - draft.sensor.above)}; in between the
              relay keeps its state.
            </p>
            <FieldError error={fieldError} uid={uid} k="sensor" />
          </fieldset>
        )}

        {draft.mode === 'time' && (
          <fieldset className="mode-panel" disabled={disabled}>
            <legend>Time windows</legend>
            {draft.time.windows.map((w, i) => (
              <div className="window" key={i} role="group" aria-label={`Window ${i + 1}`}>
                <div className="field-row">
                  <div className="field">
                    <label htmlFor={id(`w${i}s`)}>From</label>
                    <input
                      id={id(`w${i}s`)}
                      type="time"
                      value={w.start}
                      disabled={disabled}
                      aria-label={`Window ${i + 1} from`}
                      {...errProps(`time.windows.${i}.start`)}
                      onChange={(e) => setWindow(i, { start: e.target.value })}
                    />
                    <FieldError error={fieldError} uid={uid} k={`time.windows.${i}.start`} />
                  </div>
                  <div className="field">
                    <label htmlFor={id(`w${i}e`)}>To</label>
                    <input
                      id={id(`w${i}e`)}
                      type="time"
                      value={w.end}
                      disabled={disabled}
                      aria-label={`Window ${i + 1} to`}
                      {...errProps(`time.windows.${i}.end`)}
                      onChange={(e) => setWindow(i, { end: e.target.value })}
                    />
                    <FieldError error={fieldError} uid={uid} k={`time.windows.${i}.end`} />
                  </div>
                  <button
                    type="button"
                    className="ghost remove"
                    disabled={disabled || draft.time.windows.length <= 1}
                    aria-label={`Remove window ${i + 1}`}
                    onClick={() =>
                      edit((d) => {
                        d.time.windows.splice(i, 1);
                        return d;
                      })
                    }
                  >
                    ✕
                  </button>
                </div>
                <div className="days" role="group" aria-label={`Window ${i + 1} days`}>
                  {WEEKDAYS.map((name, day) => (
                    <button
                      type="button"
                      key={name}
                      className="day"
                      aria-pressed={w.days.includes(day)}
                      disabled={disabled}
                      onClick={() => toggleDay(i, day)}
                    >
                      {name}
                    </button>
                  ))}
                  <span className="muted small">{w.days.length === 0 ? 'every day' : ''}</span>
                </div>
                <FieldError error={fieldError} uid={uid} k={`time.windows.${i}.days`} />
                <FieldError error={fieldError} uid={uid} k={`time.windows.${i}`} />
              </div>
            ))}
            <FieldError error={fieldError} uid={uid} k="time.windows" />
            <button
              type="button"
              className="ghost"
              disabled={disabled || draft.time.windows.length >= 8}
              onClick={() =>
                edit((d) => {
                  d.time.windows.push(defaultWindow());
                  return d;
                })
              }
            >
              + Add window
            </button>
            <div className="field">
              <label htmlFor={id('inside')}>State inside windows</label>
              <select
                id={id('inside')}
                value={String(draft.time.inside)}
                disabled={disabled}
                {...errProps('time.inside')}
                onChange={(e) => {
                  const v = e.target.value;
                  edit((d) => ((d.time.inside = Number(v)), d));
                }}
              >
                <option value="1">ON</option>
                <option value="0">OFF</option>
              </select>
              <FieldError error={fieldError} uid={uid} k="time.inside" />
            </div>
            <p className="hint">
              Inside a window → {onOff(draft.time.inside)}, outside → {onOff(1 - draft.time.inside)}.{' '}
              {unitTimeText(timeZone)}; a window may cross midnight; no day selected = every day.
            </p>
            <FieldError error={fieldError} uid={uid} k="time" />
          </fieldset>
        )}

        {draft.mode !== 'manual' && <CommandStatus relay={relay} />}

        {strayError && (
          <p className="field-error" role="alert">
            {strayError.field}: {strayError.message}
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
          <button type="submit" className="primary" disabled={disabled || !dirty}>
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
          {dirty && (
            <button type="button" className="ghost" onClick={onCancel} disabled={disabled}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
