import { useEffect } from 'react';
import { clearSession } from '../lib/auth.js';
import { AlertsBadge, NoContactBanner } from '../features/alerts/index.js';
import { ThemeToggle } from '../features/theme/index.js';
import { ROUTES } from './router.js';

/** The logged-in frame: brand, main navigation, theme, alerts badge, device and log out; the page below. */
export function Layout({ route, deviceId, children }) {
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
        <NoContactBanner onAlertsPage={route === 'alerts'} />
        {children}
      </main>
    </div>
  );
}
