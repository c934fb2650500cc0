import { useEffect, useState } from 'react';

export const ROUTES = [
  { id: 'overview', label: 'Overview', title: 'Overview' },
  { id: 'impact', label: 'Impact', title: 'Impact' },
  { id: 'automation', label: 'Automation', short: 'Relays', title: 'Automation' },
  { id: 'analytics', label: 'Analytics', short: 'Charts', title: 'Analytics' },
  { id: 'alerts', label: 'Alerts', title: 'Alerts' },
];

export function routeFromHash(hash) {
  const id = String(hash || '')
    .replace(/^#\/?/, '')
    .split(/[/?]/)[0];
  return ROUTES.some((r) => r.id === id) ? id : 'overview';
}

// Without a hash, a link from outside may name the page by path: alert messages link
// XO2_PUBLIC_URL/alerts, where nginx's SPA fallback serves the app.
export function routeFromLocation() {
  return routeFromHash(window.location.hash || window.location.pathname.replace(/^\/+/, ''));
}

/** Hash routing (#/overview …): works behind nginx's SPA fallback and from a file. */
export function useHashRoute() {
  const [route, setRoute] = useState(routeFromLocation);
  useEffect(() => {
    const onChange = () => setRoute(routeFromLocation());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
