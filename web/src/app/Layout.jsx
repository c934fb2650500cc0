import { useEffect } from 'react';
import { clearSession } from '../lib/auth.js';
import { AlertsBadge, NoContactBanner } from '../features/alerts/index.js';
import { ThemeToggle } from '../features/theme/index.js';
import { useSiteName } from '../lib/queries.js';
import { ROUTES } from './router.js';

/** The logged-in frame: brand, main navigation, theme, alerts badge, device and log out; the page below. */
export function Layout({ route, deviceId, children }) {
  const site = useSiteName(deviceId);
  useEffect(() => {
    const r = ROUTES.find((x) => x.id === route);
    document.title = `${r?.title || 'Overview'} · ${site ? `${site} · ` : ''}XtraO2 Console`;
  }, [route, site]);
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
            // No aria-label: the name is the text shown (one of the two spans is display:none at
            // each width), so a voice user saying what they see ("Relays") finds the link.
            <a key={r.id} href={`#/${r.id}`} aria-current={route === r.id ? 'page' : undefined}>
              {r.short ? (
                <>
                  <span className="nav-long">{r.label}</span>
                  <span className="nav-short">{r.short}</span>
                </>
              ) : (
                r.label
              )}
            </a>
          ))}
        </nav>
        <div className="session">
          <ThemeToggle />
          <AlertsBadge />
          {site && (
            <span className="device-id" title={deviceId && deviceId !== site ? `Site (unit ${deviceId})` : 'Site'}>
              {site}
            </span>
          )}
          <button type="button" className="ghost logout" onClick={() => clearSession()}>
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
