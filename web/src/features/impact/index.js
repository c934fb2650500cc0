// The Impact page's report over a chosen range: inlet-vs-outlet charts and a printable summary.
export { ImpactReport } from './components/ImpactReport.jsx';
