// The Impact page: outlet vs inlet now and over 24 h / 7 d, and the printable report over a chosen range.
export { ImpactPage } from './components/ImpactPage.jsx';
