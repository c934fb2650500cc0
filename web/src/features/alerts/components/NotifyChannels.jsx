import { useId } from 'react';
import { QueryState } from '../../../components/QueryState.jsx';
import { useNotifyStatus, useTestNotify } from '../api/alerts.js';
import { formatInZone } from '../utils/time.js';

const CHANNELS = [
  { id: 'email', label: 'Email', env: 'XO2_SMTP_HOST and XO2_ALERT_EMAIL_TO' },
  { id: 'webhook', label: 'Webhook', env: 'XO2_ALERT_WEBHOOK_URL' },
  { id: 'telegram', label: 'Telegram', env: 'XO2_TELEGRAM_BOT_TOKEN and XO2_TELEGRAM_CHAT_ID' },
];

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
        {!configured && <p className="hint">Set {channel.env} in the console’s .env to turn it on.</p>}
        {status?.last_ok_at && <p className="small">Last delivered {formatInZone(status.last_ok_at, tz)}</p>}
        {status?.last_error && <p className="small bad-text">Last error: {status.last_error}</p>}
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
