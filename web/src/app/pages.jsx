// Which page each route shows. The shell composes features here: a page that shows another
// feature's data gets it from this file (features import no other feature).
import { OverviewPage } from '../features/overview/index.js';
import { ImpactPage } from '../features/impact/index.js';
import { AutomationPage, useDisplay, useRelays } from '../features/relays/index.js';
import { AnalyticsPage } from '../features/analytics/index.js';
import { AlertsPage, useFiringAlerts } from '../features/alerts/index.js';

/** The Overview with the relay list, the display settings and the number of firing alerts. */
function Overview() {
  return <OverviewPage relays={useRelays()} display={useDisplay(30_000)} firingAlerts={useFiringAlerts()} />;
}

/** The Impact page with the relays' names (its report's relay hours) and the display's AQI standard. */
function Impact() {
  return <ImpactPage relays={useRelays()} display={useDisplay(60_000)} />;
}

const PAGES = {
  overview: Overview,
  impact: Impact,
  automation: AutomationPage,
  analytics: AnalyticsPage,
  alerts: AlertsPage,
};

/** The page of a route id (the Overview for an unknown one). */
export function pageOf(route) {
  return PAGES[route] || Overview;
}
