// The Overview page: the glance (is it working, is the air better, does anything need me), the
// channel trends and the relay chips.
export { OverviewPage } from './components/OverviewPage.jsx';
export { dayGraphQuery, hourGraphQuery } from './api/overview.js';
