// Query hooks of the Overview's glance, on the shared graph query (lib/queries.js): the
// Impact page reads the same day from the same cache entry. The relay list, the display settings
// and the alert count belong to other features: the app shell passes them in (see OverviewPage).
import { useQuery } from '@tanstack/react-query';
import { graphQuery } from '../../../lib/queries.js';

/** Last hour of frames for the sparklines: the gateway caches it upstream; a minute is fresh enough. */
export const hourGraphQuery = graphQuery('hour', 60_000);
export const useHourGraph = () => useQuery(hourGraphQuery);

/** 24 h of aggregate frames for the day's reductions (the Impact page's cadence). */
export const dayGraphQuery = graphQuery('day', 5 * 60_000);
export const useDayGraph = () => useQuery(dayGraphQuery);
