import { formatAge } from '../../../lib/format.js';
import { onOff } from '../utils/relays.js';

/** The relay's last command: pending, confirmed or failed (with Retry when onRetry is given). */
export function CommandStatus({ relay, onRetry, busy }) {
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
