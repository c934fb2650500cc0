import { useId } from 'react';
import { QueryState } from '../../../components/QueryState.jsx';
import { useNotifyStatus, useTestNotify } from '../api/alerts.js';
import { formatInZone } from '../../../lib/format.js';

const CHANNELS = [
  { id: 'email', label: 'Email' },
  { id: 'webhook', label: 'Webhook' },
  { id: 'telegram', label: 'Telegram' },
];
const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

function ChannelRow({ channel, status, tz }) {
  const titleId = useId();
  const test = useTestNotify();
  const configured = !!status?.configured;
  return (
    <li>
      <article className="notify-item" aria-labelledby={titleId}>
        <div className="alert-head">
          <strong id={titleId}>{channel.label}</strong>
          <span className={`pill ${configured ? 'pill-on' : 'pill-off'}`}>
            {configured ? 'Configured' : 'Not configured'}
          </span>
        </div>
        {/* target: where messages go (no secrets), or what to set when off */}
        {status?.target && <p className={configured ? 'small' : 'hint'}>{status.target}</p>}
        {status?.last_ok_at && <p className="small">Last delivered {formatInZone(status.last_ok_at, tz)}</p>}
        {status?.last_error && (
          <p className="small bad-text">
            Last error{status.last_error_at ? ` (${formatInZone(status.last_error_at, tz)})` : ''}: {status.last_error}
          </p>
        )}
        {(status?.queued > 0 || status?.held > 0) && (
          <p className="small">
            {status.queued > 0 && `${plural(status.queued, 'message waits', 'messages wait')} to be retried. `}
            {status.held > 0 && `${plural(status.held, 'message is', 'messages are')} held for the hourly summary.`}
          </p>
        )}
        <button
          type="button"
          disabled={!configured || test.isPending}
          aria-label={`Send test ${channel.label}`}
          onClick={() => test.mutate(channel.id)}
        >
          {test.isPending ? 'Sending…' : 'Send test'}
        </button>
        {test.isSuccess && (
          <p className="ok-text" role="status">
            Test message delivered.
          </p>
        )}
        {test.isError && (
          <p className="field-error" role="alert">
            Test failed: {test.error.message}
          </p>
        )}
      </article>
    </li>
  );
}

/** Each channel's state (GET notify) and a "Send test" that shows the real error on failure. */
export function NotifyChannels({ tz }) {
  const notify = useNotifyStatus();
  return (
    <>
      <h2 id="notify-title">Notification channels</h2>
      <QueryState query={notify} what="notification channels">
        {(data) => (
          <ul className="plain-list">
            {CHANNELS.map((c) => (
              <ChannelRow key={c.id} channel={c} status={data?.[c.id]} tz={tz} />
            ))}
          </ul>
        )}
      </QueryState>
    </>
  );
}
