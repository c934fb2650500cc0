import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useSession } from './session.js';
import { ROUTES, useHashRoute } from './router.js';
import { clearSession } from './lib/auth.js';
import { LiveProvider } from './live.jsx';
import { LoginPage } from './pages/Login.jsx';
import { OverviewPage } from './features/overview/index.js';
import { ImpactPage } from './features/impact/index.js';
import { AutomationPage, useDisplay, useRelays } from './features/relays/index.js';
import { AlertsBadge, AlertsPage, useFiringAlerts } from './features/alerts/index.js';
import { AnalyticsPage } from './features/analytics/index.js';
import { ThemeToggle } from './features/theme/index.js';

// The Overview shows other features' data (the relay list, the display settings, the firing count):
// the shell hands it over, as features import no other feature.
function Overview() {
  return <OverviewPage relays={useRelays()} display={useDisplay(30_000)} firingAlerts={useFiringAlerts()} />;
}

const PAGES = {
  overview: Overview,
  impact: ImpactPage,
  automation: AutomationPage,
  analytics: AnalyticsPage,
  alerts: AlertsPage,
};

function Shell({ route, deviceId }) {
  const Page = PAGES[route] || Overview;
  useEffect(() => {
    const r = ROUTES.find((x) => x.id === route);
    document.title = `${r?.title || 'Overview'} · XtraO2 Console`;
  }, [route]);
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            O₂
          </span>
          <span className="brand-text">XtraO2 Console</span>
        </div>
        <nav aria-label="Main" className="nav">
          {ROUTES.map((r) => (
            <a key={r.id} href={`#/${r.id}`} aria-label={r.label} aria-current={route === r.id ? 'page' : undefined}>
              <span className="nav-long">{r.label}</span>
              <span className="nav-short" aria-hidden="true">
                {r.short || r.label}
              </span>
            </a>
          ))}
        </nav>
        <div className="session">
          <ThemeToggle />
          <AlertsBadge />
          {deviceId && (
            <span className="device-id" title="Device">
              {deviceId}
            </span>
          )}
          <button type="button" className="ghost" onClick={() => clearSession()}>
            Log out
          </button>
        </div>
      </header>
      <main className="content" id="main">
        <Page />
      </main>
    </div>
  );
}

export default function App() {
  const session = useSession();
  const route = useHashRoute();
  const qc = useQueryClient();

  // Logged out or expired: forget every cached response of the old session.
  useEffect(() => {
    if (!session.token) qc.clear();
  }, [session.token, qc]);

  if (!session.token) return <LoginPage notice={session.notice} />;
  return (
    <LiveProvider token={session.token}>
      <Shell route={route} deviceId={session.deviceId} />
    </LiveProvider>
  );
}
