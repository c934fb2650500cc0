// The Analytics page: history charts over presets or a free range, channel compare, PNG/CSV of the
// chart, the raw report CSV and the history store's state.
import { lazyPage } from '../../components/LazyPage.jsx';

// A chunk of its own (with uPlot), loaded on the first visit, as the Impact page.
export const AnalyticsPage = lazyPage(() => import('./components/AnalyticsPage.jsx'), 'AnalyticsPage', 'analytics');
