import { useMemo } from 'react';
import { useChannels, useUnitTimeZone } from '../../../lib/queries.js';
import { QueryState } from '../../../components/QueryState.jsx';
import { PAGE_POLL_MS, useAlertRules, useAlerts } from '../api/alerts.js';
import { ActiveAlerts } from './ActiveAlerts.jsx';
import { AlertHistory } from './AlertHistory.jsx';
import { AlertRules } from './AlertRules.jsx';
import { NotifyChannels } from './NotifyChannels.jsx';

export function AlertsPage() {
  const channels = useChannels();
  const { tz } = useUnitTimeZone();
  const alerts = useAlerts(PAGE_POLL_MS);
  const rules = useAlertRules();
  const byCode = useMemo(() => new Map((channels.data || []).map((c) => [c.code, c])), [channels.data]);
  const rulesById = useMemo(() => new Map((rules.data?.rules || []).map((r) => [r.id, r])), [rules.data]);
  return (
    <>
      <h1>Alerts</h1>
      <p className="muted">
        The console watches the unit and tells people when it needs them. Times are the unit’s
        {tz ? ` (${tz})` : ''}.
      </p>
      <section className="card" aria-labelledby="alerts-active-title">
        <h2 id="alerts-active-title">Active alerts</h2>
        <QueryState query={alerts} what="alerts">
          {(d) => <ActiveAlerts active={d?.active || []} rulesById={rulesById} byCode={byCode} tz={tz} />}
        </QueryState>
      </section>
      <div className="card-grid two">
        <section className="card" aria-labelledby="alert-rules-title">
          <QueryState query={channels} what="channels">
            {(chs) => (
              <QueryState query={rules} what="alert rules">
                {(d) => <AlertRules rules={d?.rules || []} channels={chs || []} byCode={byCode} />}
              </QueryState>
            )}
          </QueryState>
        </section>
        <section className="card" aria-labelledby="notify-title">
          <NotifyChannels tz={tz} />
        </section>
      </div>
      <section className="card" aria-labelledby="alerts-recent-title">
        <h2 id="alerts-recent-title">Recent alerts</h2>
        <QueryState query={alerts} what="recent alerts">
          {(d) => <AlertHistory recent={d?.recent || []} rulesById={rulesById} byCode={byCode} tz={tz} />}
        </QueryState>
      </section>
    </>
  );
}
