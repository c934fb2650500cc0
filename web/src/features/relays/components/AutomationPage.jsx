import { useMemo } from 'react';
import { useChannels, useUnitTimeZone } from '../../../lib/queries.js';
import { useLive } from '../../../lib/live.jsx';
import { QueryState } from '../../../components/QueryState.jsx';
import { num } from '../../../lib/format.js';
import { useAutomationHealth, useRelays } from '../api/relays.js';
import { AuditLog } from './AuditLog.jsx';
import { AutomationHealth } from './AutomationHealth.jsx';
import { DisplayPanel } from './DisplayPanel.jsx';
import { RelayCard } from './RelayCard.jsx';

function Relays() {
  const channels = useChannels();
  const { tz } = useUnitTimeZone();
  const { frame, skewS } = useLive();
  const relays = useRelays();
  const health = useAutomationHealth();
  const timeoutS = health.data?.commands?.timeout_s ?? undefined;
  // what a sensor rule may watch: measured values, not versions or relays (the map's `trigger`;
  // an older map without it: anything but relays and the system group's versions)
  const sensorChannels = useMemo(
    () =>
      (channels.data || []).filter((c) =>
        c.trigger === undefined ? c.group !== 'relay' && !['d15', 'd16'].includes(c.code) : c.trigger,
      ),
    [channels.data],
  );
  const byCode = useMemo(() => new Map((channels.data || []).map((c) => [c.code, c])), [channels.data]);
  return (
    <QueryState query={channels} what="channels">
      {() => (
        <QueryState query={relays} what="relays">
          {(data) => (
            <ul className="card relay-list" aria-label="Relays">
              {(data?.relays || []).map((r) => (
                <RelayCard
                  key={r.id}
                  relay={r}
                  sensorChannels={sensorChannels}
                  channelsByCode={byCode}
                  liveValue={num(frame?.[r.id])}
                  timeZone={tz}
                  timeoutS={timeoutS}
                  skewS={skewS}
                />
              ))}
            </ul>
          )}
        </QueryState>
      )}
    </QueryState>
  );
}

export function AutomationPage() {
  return (
    <>
      <h1>Automation</h1>
      <p className="muted">
        Each relay is switched by hand, by a sensor rule or by time windows; every change is confirmed from the unit’s
        data. “Details” shows a relay’s name and rule.
      </p>
      <AutomationHealth />
      <Relays />
      <div className="card-grid two">
        <DisplayPanel />
        <AuditLog />
      </div>
    </>
  );
}
