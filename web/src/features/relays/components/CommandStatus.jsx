import { formatAge } from '../../../lib/format.js';
import { useNow } from '../../../hooks/useNow.js';
import { onOff } from '../utils/relays.js';

// How long the automation waits for the unit to confirm a command before it fails it
// (XO2_COMMAND_TIMEOUT_S, default 60 s), when its health does not say.
export const DEFAULT_TIMEOUT_S = 60;

/** Seconds left before a command sent at `since` (console clock) times out, never below 0. */
export function secondsLeft(since, timeoutS, nowS, skewS = 0) {
  return Math.max(0, Math.ceil(since + timeoutS - (nowS - skewS)));
}

function Countdown({ since, timeoutS, skewS }) {
  const now = useNow(1000);
  const left = secondsLeft(since, timeoutS, now, skewS);
  return <span className="countdown">{left > 0 ? ` (up to ${left} s more)` : ' (any moment now)'}</span>;
}

/**
 * The relay's last command: "Sending…" the moment it is tapped (`sending`), then pending with a
 * countdown to the unit's confirmation, confirmed, or failed (with Retry when onRetry is given).
 */
export function CommandStatus({ relay, sending, sendingState, onRetry, busy, timeoutS = DEFAULT_TIMEOUT_S, skewS = 0 }) {
  const cmd = relay.command;
  if (sending) {
    return (
      <p className="cmd cmd-pending" role="status">
        <span className="badge badge-pending">SENDING</span> Sending… switching {onOff(sendingState)}
      </p>
    );
  }
  if (!cmd) return null;
  const want = onOff(cmd.desired);
  if (cmd.state === 'pending') {
    return (
      <p className="cmd cmd-pending" role="status">
        <span className="badge badge-pending">PENDING</span> switching {want}; waiting for the unit to confirm
        <Countdown since={cmd.since} timeoutS={timeoutS} skewS={skewS} />
      </p>
    );
  }
  if (cmd.state === 'confirmed') {
    return (
      <p className="cmd cmd-confirmed small">
        <span className="badge badge-ok">CONFIRMED</span> {want}
        {cmd.since ? ` · ${formatAge(Date.now() / 1000 - skewS - cmd.since)}` : ''}
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
