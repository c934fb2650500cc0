// The Overview's glance feature: the first screen's summary, the channel trends and the relay chips.
export { Glance } from './components/Glance.jsx';
export { ChannelTable } from './components/ChannelTable.jsx';
export { RelayChips } from './components/RelayChips.jsx';
