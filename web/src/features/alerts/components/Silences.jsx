import { useEffect, useId, useRef, useState } from 'react';
import { QueryState } from '../../../components/QueryState.jsx';
import { useNow } from '../../../hooks/useNow.js';
import { useEndSilence, useSilences } from '../api/silences.js';
import { activeSilences, silencedRules, untilText } from '../utils/silences.js';
import { formatWhen } from '../utils/time.js';
import { SilenceForm } from './SilenceForm.jsx';

function SilenceRow({ silence, rulesById, tz, now }) {
  const titleId = useId();
  const end = useEndSilence();
  return (
    <li>
      <article className="silence-item" aria-labelledby={titleId}>
        <div className="alert-head">
          <strong id={titleId}>{silencedRules(silence, rulesById)}</strong>
          <span className="pill pill-silenced">{untilText(silence.until, tz, now)}</span>
        </div>
        {silence.reason && <p className="small">Why: {silence.reason}</p>}
        {silence.created_at && (
          <p className="small muted">
            Started {formatWhen(silence.created_at, tz, now)}
            {silence.created_by ? ` by ${silence.created_by}` : ''}
          </p>
        )}
        <button
          type="button"
          disabled={end.isPending}
          aria-label={`End silence: ${silencedRules(silence, rulesById)}`}
          onClick={() => end.mutate(silence.id)}
        >
          {end.isPending ? 'Ending…' : 'End now'}
        </button>
        {end.isError && (
          <p className="field-error" role="alert">
            {end.error.message}
          </p>
        )}
      </article>
    </li>
  );
}

/** Active silences (ended one early by "End now") and a form to start one. */
export function Silences({ rules, rulesById, tz }) {
  const silences = useSilences();
  const now = useNow(15_000);
  const [creating, setCreating] = useState(false);
  const [message, setMessage] = useState(null);
  const newButton = useRef(null);
  const closed = useRef(false);
  useEffect(() => {
    if (!creating && closed.current) {
      closed.current = false;
      newButton.current?.focus();
    }
  }, [creating]);
  return (
    <>
      <div className="card-head">
        <h2 id="silences-title">Silences</h2>
        {!creating && (
          <button
            type="button"
            ref={newButton}
            onClick={() => {
              setMessage(null);
              setCreating(true);
            }}
          >
            + New silence
          </button>
        )}
      </div>
      <p className="muted small">
        During maintenance: alerts still fire, resolve and are recorded, marked silenced, but no message goes out.
      </p>
      {message && (
        <p className="ok-text" role="status">
          {message}
        </p>
      )}
      {creating && (
        <SilenceForm
          rules={rules}
          tz={tz}
          onDone={(text) => {
            closed.current = true;
            setCreating(false);
            setMessage(text);
          }}
        />
      )}
      <QueryState query={silences} what="silences">
        {(list) => {
          const active = activeSilences(list, now);
          if (!active.length) return <p className="muted">No silence now: alerts are sent.</p>;
          return (
            <ul className="plain-list">
              {active.map((s) => (
                <SilenceRow key={s.id} silence={s} rulesById={rulesById} tz={tz} now={now} />
              ))}
            </ul>
          );
        }}
      </QueryState>
    </>
  );
}
