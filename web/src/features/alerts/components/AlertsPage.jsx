import { useMemo } from 'react';
import { useChannels, useUnitTimeZone } from '../../../lib/queries.js';
import { QueryState } from '../../../components/QueryState.jsx';
import { zoneName } from '../../../lib/format.js';
import { PAGE_POLL_MS, useAlertRules, useAlerts } from '../api/alerts.js';
import { ActiveAlerts } from './ActiveAlerts.jsx';
import { AlertHistory } from './AlertHistory.jsx';
import { AlertRules } from './AlertRules.jsx';
import { ContactPoints } from './ContactPoints.jsx';
import { MonthlyReport } from './MonthlyReport.jsx';
import { Silences } from './Silences.jsx';
import './notify.css';

export function AlertsPage() {
  const channels = useChannels();
  const { tz } = useUnitTimeZone();
  const alerts = useAlerts(PAGE_POLL_MS);
  const rules = useAlertRules();
  const byCode = useMemo(() => new Map((channels.data || []).map((c) => [c.code, c])), [channels.data]);
  const ruleList = rules.data?.rules || [];
  const rulesById = useMemo(() => new Map((rules.data?.rules || []).map((r) => [r.id, r])), [rules.data]);
  const zone = tz ? zoneName(tz) : null;
  return (
    <>
      <h1>Alerts</h1>
      <p className="muted">
        The console watches the unit and tells people when it needs them. Times are the unit’s
        {tz ? ` (${zone && zone !== tz ? `${zone}, ` : ''}${tz})` : ''}, 24-hour.
      </p>
      <section className="card" aria-labelledby="alerts-active-title">
        <h2 id="alerts-active-title">Active alerts</h2>
        <QueryState query={alerts} what="alerts">
          {(d) => <ActiveAlerts active={d?.active || []} rulesById={rulesById} byCode={byCode} tz={tz} />}
        </QueryState>
      </section>
      <section className="card" aria-labelledby="contact-points-title">
        <ContactPoints tz={tz} />
      </section>
      <div className="card-grid two">
        <section className="card" aria-labelledby="alert-rules-title">
          <QueryState query={channels} what="channels">
            {(chs) => (
              <QueryState query={rules} what="alert rules">
                {(d) => <AlertRules rules={d?.rules || []} channels={chs || []} byCode={byCode} tz={tz} />}
              </QueryState>
            )}
          </QueryState>
        </section>
        <section className="card" aria-labelledby="silences-title">
          <Silences rules={ruleList} rulesById={rulesById} tz={tz} />
        </section>
      </div>
      <section className="card" aria-labelledby="monthly-report-title">
        <MonthlyReport tz={tz} />
      </section>
      <section className="card" aria-labelledby="alerts-recent-title">
        <h2 id="alerts-recent-title">Recent alerts</h2>
        <QueryState query={alerts} what="recent alerts">
          {(d) => <AlertHistory recent={d?.recent || []} rulesById={rulesById} byCode={byCode} tz={tz} />}
        </QueryState>
      </section>
    </>
  );
}
