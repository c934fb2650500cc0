import { Switch } from '../../../components/Switch.jsx';
import { CommandStatus } from './CommandStatus.jsx';

/**
 * Manual mode: the power switch and its command's status. It switches only once the relay is saved
 * in manual mode (until then the automation's rule runs it).
 */
export function ManualControl({ relay, title, on, disabled, command }) {
  const manual = relay.mode === 'manual';
  return (
    <div className="mode-panel">
      <div className="manual-row">
        <Switch
          checked={on}
          label={`${title} power`}
          disabled={disabled || !manual}
          onChange={(next) => command(next ? 1 : 0)}
        />
        {!manual && <span className="muted small">Save the manual mode first.</span>}
      </div>
      <CommandStatus relay={relay} busy={disabled} onRetry={manual ? () => command(relay.command.desired) : null} />
    </div>
  );
}
