import { useMemo } from 'react';
import { useChannels, useUnitTimeZone } from '../../../lib/queries.js';
import { useLive } from '../../../lib/live.jsx';
import { QueryState } from '../../../components/QueryState.jsx';
import { num } from '../../../lib/format.js';
import { useRelays } from '../api/relays.js';
import { AuditLog } from './AuditLog.jsx';
import { AutomationHealth } from './AutomationHealth.jsx';
import { DisplayPanel } from './DisplayPanel.jsx';
import { RelayCard } from './RelayCard.jsx';

function Relays() {
  const channels = useChannels();
  const { tz } = useUnitTimeZone();
  const { frame } = useLive();
  const relays = useRelays();
  const sensorChannels = useMemo(() => (channels.data || []).filter((c) => c.group !== 'relay'), [channels.data]);
  const byCode = useMemo(() => new Map((channels.data || []).map((c) => [c.code, c])), [channels.data]);
  return (
    <QueryState query={channels} what="channels">
      {() => (
        <QueryState query={relays} what="relays">
          {(data) => (
            <div className="card-grid relays">
              {(data?.relays || []).map((r) => (
                <RelayCard
                  key={r.id}
                  relay={r}
                  sensorChannels={sensorChannels}
                  channelsByCode={byCode}
                  liveValue={num(frame?.[r.id])}
                  timeZone={tz}
                />
              ))}
            </div>
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
        Each relay is manual, sensor-driven or time-driven. Every change is confirmed from the unit’s data.
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
