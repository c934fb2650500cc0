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

/** Hash routing (#/overview …): works behind nginx's SPA fallback and from a file. */
export function useHashRoute() {
  const [route, setRoute] = useState(() => routeFromHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(routeFromHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
