// The Analytics page: history charts over presets or a free range, channel compare, PNG/CSV of the
// chart, the raw report CSV and the history store's state.
export { AnalyticsPage } from './components/AnalyticsPage.jsx';
