import { useEffect, useId, useRef, useState } from 'react';
import { Switch } from '../../../components/Switch.jsx';
import { useDeleteRule, useSaveRule } from '../api/alerts.js';
import { useNotifyStatus } from '../api/notify.js';
import { useSilences } from '../api/silences.js';
import { useNow } from '../../../hooks/useNow.js';
import { silenceOf, untilText } from '../utils/silences.js';
import { configuredChannels } from '../utils/contactPoints.js';
import { describeRule, notifiesBy, withEnabled } from '../utils/rules.js';
import { RuleEditor } from './RuleEditor.jsx';
import { SeverityBadge } from './SeverityBadge.jsx';

function NotifiesBy({ rule, configured }) {
  const { text, warning } = notifiesBy(rule, configured);
  const repeat = rule.repeat_s > 0 ? `, again every ${rule.repeat_s} s until acknowledged` : '';
  return (
    <>
      <p className="small muted">
        {text}
        {repeat}
      </p>
      {warning && <p className="small warn-text">{warning}</p>}
    </>
  );
}

function RuleRow({ rule, byCode, configured, silence, tz, now, onEdit }) {
  const titleId = useId();
  const save = useSaveRule();
  const remove = useDeleteRule();
  const [confirming, setConfirming] = useState(false);
  const error = save.error || remove.error;
  return (
    <li>
      <article className={`rule-item${rule.enabled ? '' : ' is-disabled'}`} aria-labelledby={titleId}>
        <div className="alert-head">
          <SeverityBadge severity={rule.severity} />
          <strong id={titleId}>{rule.name}</strong>
          {silence && <span className="pill pill-silenced">Silenced · {untilText(silence.until, tz, now)}</span>}
        </div>
        <p className="small">{describeRule(rule, byCode)}</p>
        <NotifiesBy rule={rule} configured={configured} />
        <div className="actions rule-actions">
          <Switch
            checked={!!rule.enabled}
            label={`${rule.name} enabled`}
            onText="Enabled"
            offText="Disabled"
            disabled={save.isPending}
            onChange={(on) => save.mutate({ id: rule.id, body: withEnabled(rule, on) })}
          />
          <button type="button" onClick={onEdit} aria-label={`Edit ${rule.name}`}>
            Edit
          </button>
          {!confirming && (
            <button
              type="button"
              className="ghost"
              onClick={() => setConfirming(true)}
              aria-label={`Delete ${rule.name}`}
            >
              Delete
            </button>
          )}
        </div>
        {confirming && (
          <div className="confirm" role="group" aria-label="Confirm delete">
            <span>Delete “{rule.name}”? Its active alert, if any, ends with it.</span>
            <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate(rule.id)}>
              Yes, delete
            </button>
            <button type="button" className="ghost" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </div>
        )}
        {error && (
          <p className="field-error" role="alert">
            {error.field ? `${error.field}: ` : ''}
            {error.message}
          </p>
        )}
      </article>
    </li>
  );
}

/** The rule list; "New rule" and "Edit" open the editor in place. */
export function AlertRules({ rules, channels, byCode, tz }) {
  const notify = useNotifyStatus();
  const silences = useSilences();
  const now = useNow(15_000);
  const configured = notify.data ? configuredChannels(notify.data) : null; // null: not known yet
  const [editing, setEditing] = useState(null); // null | "new" | rule id
  const [message, setMessage] = useState(null);
  const newButton = useRef(null);
  const closed = useRef(false);
  // The editor is gone after save/cancel: put keyboard focus back on the list's first control.
  useEffect(() => {
    if (editing === null && closed.current) {
      closed.current = false;
      newButton.current?.focus();
    }
  }, [editing]);
  const open = (what) => {
    setMessage(null);
    setEditing(what);
  };
  const done = (text) => {
    closed.current = true;
    setEditing(null);
    setMessage(text);
  };
  return (
    <>
      <div className="card-head">
        <h2 id="alert-rules-title">Alert rules</h2>
        {editing !== 'new' && (
          <button type="button" ref={newButton} onClick={() => open('new')}>
            + New rule
          </button>
        )}
      </div>
      {message && (
        <p className="ok-text" role="status">
          {message}
        </p>
      )}
      {editing === 'new' && <RuleEditor rule={null} channels={channels} configured={configured} onDone={done} />}
      {rules.length === 0 && editing !== 'new' && <p className="muted">No rules yet.</p>}
      <ul className="plain-list">
        {rules.map((r) =>
          editing === r.id ? (
            <li key={r.id}>
              <RuleEditor rule={r} channels={channels} configured={configured} onDone={done} />
            </li>
          ) : (
            <RuleRow
              key={r.id}
              rule={r}
              byCode={byCode}
              configured={configured}
              silence={silenceOf(r.id, silences.data, now)}
              tz={tz}
              now={now}
              onEdit={() => open(r.id)}
            />
          ),
        )}
      </ul>
    </>
  );
}
