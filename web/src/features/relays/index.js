// The relays feature's public face: the Automation page (relay cards, display pusher, audit log,
// automation health) and the relay list and display settings the Overview shows (the app shell passes them).
import { lazyPage } from '../../components/LazyPage.jsx';

export const AutomationPage = lazyPage(() => import('./components/AutomationPage.jsx'), 'AutomationPage', 'automation');
export { displayQuery, useDisplay, useRelays } from './api/relays.js';
