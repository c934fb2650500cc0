// The alerts feature's public face: the page, the header badge, the "alerts reach nobody" banner
// and the firing count the Overview shows (the app shell imports these).
import { lazyPage } from '../../components/LazyPage.jsx';

export const AlertsPage = lazyPage(() => import('./components/AlertsPage.jsx'), 'AlertsPage', 'alerts');
export { AlertsBadge } from './components/AlertsBadge.jsx';
export { NoContactBanner } from './components/NoContactBanner.jsx';
export { useFiringAlerts } from './api/alerts.js';
export { notifyQuery } from './api/notify.js';
