// The alerts feature's public face: the page and the header badge (the app shell imports these).
export { LazyAlertsPage as AlertsPage } from './components/LazyAlertsPage.jsx';
export { AlertsBadge } from './components/AlertsBadge.jsx';
