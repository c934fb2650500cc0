import { Suspense, lazy } from 'react';
import { Loading } from '../../../components/QueryState.jsx';

// The page (and react-hook-form, its editor's library: ~18 KB gzip together) loads on the first
// visit: the badge on every page needs neither, and the main chunk stays under Vite's 400 kB warning.
const Page = lazy(() => import('./AlertsPage.jsx').then((m) => ({ default: m.AlertsPage })));

export function LazyAlertsPage() {
  return (
    <Suspense fallback={<Loading what="alerts" />}>
      <Page />
    </Suspense>
  );
}
