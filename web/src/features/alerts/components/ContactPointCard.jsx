import { useId, useRef, useState } from 'react';
import { useRemoveContactPoint, useTestNotify } from '../api/notify.js';
import { channelState, targetText } from '../utils/contactPoints.js';
import { formatWhen } from '../utils/time.js';
import { ContactPointForm } from './ContactPointForm.jsx';

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

function TestButton({ channel, label, disabled, tz }) {
  const test = useTestNotify(channel);
  const [at, setAt] = useState(null);
  return (
    <>
      <button
        type="button"
        disabled={disabled || test.isPending}
        aria-label={`Send test ${label}`}
        onClick={() => test.mutate(undefined, { onSuccess: () => setAt(Date.now() / 1000) })}
      >
        {test.isPending ? 'Sending…' : 'Send test'}
      </button>
      {test.isSuccess && (
        <p className="ok-text" role="status">
          Test message delivered at {formatWhen(at, tz)}.
        </p>
      )}
      {test.isError && (
        <p className="field-error" role="alert">
          Test not delivered: {test.error.message}
        </p>
      )}
    </>
  );
}

function RemoveButton({ channel, label, onRemoved }) {
  const remove = useRemoveContactPoint(channel);
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button type="button" className="ghost" onClick={() => setConfirming(true)} aria-label={`Remove ${label}`}>
        Remove
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label={`Confirm removing ${label}`}>
      <span>Stop sending alerts by {label.toLowerCase()}?</span>
      <button
        type="button"
        className="danger"
        disabled={remove.isPending}
        onClick={() => remove.mutate(undefined, { onSuccess: () => onRemoved(`${label} removed: nothing is sent by it any more.`) })}
      >
        Yes, remove
      </button>
      <button type="button" className="ghost" onClick={() => setConfirming(false)}>
        Keep
      </button>
      {remove.isError && (
        <p className="field-error" role="alert">
          {remove.error.message}
        </p>
      )}
    </div>
  );
}

/** One channel: its state in words, where it sends, and (unless the environment sets it) its form. */
export function ContactPointCard({ channel, status, tz, now }) {
  const titleId = useId();
  const box = useRef(null);
  const [editing, setEditing] = useState(false);
  const [message, setMessage] = useState(null);
  const state = channelState(status, tz, now);
  const fromEnv = status?.source === 'env';
  const target = status?.configured ? targetText(channel.id, status.settings) : '';
  const done = (text) => {
    setEditing(false);
    setMessage(text);
    box.current?.focus(); // the form is gone: keep keyboard focus in this card
  };
  return (
    <li>
      <article ref={box} tabIndex={-1} className={`notify-item tone-${state.tone}`} aria-labelledby={titleId}>
        <div className="alert-head">
          <strong id={titleId}>{channel.label}</strong>
          <span className={`pill pill-${state.tone}`}>{state.pill}</span>
        </div>
        {state.detail && <p className={`small${state.tone === 'bad' ? ' bad-text' : ''}`}>{state.detail}</p>}
        {target && <p className="small">Sends to {target}</p>}
        {(status?.queued > 0 || status?.held > 0) && (
          <p className="small">
            {status.queued > 0 && `${plural(status.queued, 'message waits', 'messages wait')} to be retried. `}
            {status.held > 0 && `${plural(status.held, 'message is', 'messages are')} held for the hourly summary.`}
          </p>
        )}
        {fromEnv && (
          <p className="small muted">
            Set by the server’s environment ({channel.env}): shown here read-only. Whoever runs the server changes it.
          </p>
        )}
        {!status?.configured && !editing && (
          <p className="small muted">Not set up: alerts do not go out by {channel.label.toLowerCase()}.</p>
        )}
        {message && (
          <p className="ok-text" role="status">
            {message}
          </p>
        )}
        {editing ? (
          <ContactPointForm channel={channel.id} status={status} onDone={done} />
        ) : (
          <div className="actions wrap">
            {!fromEnv && (
              <button
                type="button"
                className={status?.configured ? '' : 'primary'}
                aria-label={`${status?.configured ? 'Change' : 'Set up'} ${channel.label}`}
                onClick={() => {
                  setMessage(null);
                  setEditing(true);
                }}
              >
                {status?.configured ? 'Change' : 'Set up'}
              </button>
            )}
            {status?.configured && <TestButton channel={channel.id} label={channel.label} tz={tz} />}
            {status?.source === 'console' && (
              <RemoveButton channel={channel.id} label={channel.label} onRemoved={done} />
            )}
          </div>
        )}
      </article>
    </li>
  );
}
