// The Impact page: outlet vs inlet now and over 24 h / 7 d, and the printable report over a chosen range.
import { lazyPage } from '../../components/LazyPage.jsx';

// A chunk of its own, loaded on the first visit: it carries the chart library (uPlot), which the
// Overview does not need (the phone's first screen loads less; bench/bench_lighthouse.mjs).
export const ImpactPage = lazyPage(() => import('./components/ImpactPage.jsx'), 'ImpactPage', 'impact');
