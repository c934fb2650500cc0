import { beforeEach, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import { frame, liveResponse, relays } from '../../../test/fixtures.js';
import { defaultRoutes, installFakeWebSocket, mockFetch, renderApp } from '../../../test/utils.jsx';

function card(name) {
  return screen.getByRole('region', { name });
}

const now = Math.floor(Date.now() / 1000);
const hour = {
  deviceId: 'IOCL_XTRA_O2_ADMIN',
  period: 'hour',
  data: [
    { ts: now - 3000, d1: 400, d9: 30 },
    { ts: now - 1800, d1: 415, d9: 28 },
    { ts: now - 60, d1: 412, d9: 24 },
  ],
};
const day = {
  period: 'day',
  // PM inlet mean (100*3 + 60)/4 = 90, outlet (20*3 + 40)/4 = 25: 72% lower.
  data: [
    { ts: now - 7200, d2: 100, d9: 20, d1: 400, d8: 400, sampleCount: 3 },
    { ts: now - 3600, d2: 60, d9: 40, d1: 400, d8: 400, sampleCount: 1 },
  ],
};
const display = {
  enabled: true,
  interval_s: 10,
  standard: 'cpcb',
  pm_size: 'pm25',
  last: { at: now - 5, values: { i11: 40 }, text: 'AQI: 40' },
};
const alerts = {
  active: [
    { id: 'a1', state: 'firing' },
    { id: 'a2', state: 'firing' },
    { id: 'a3', state: 'acknowledged' },
  ],
  recent: [],
};

function routes(extra = {}) {
  return defaultRoutes({
    'GET /api/graph/hour': hour,
    'GET /api/graph/day': day,
    'GET /api/automation/display': display,
    'GET /api/automation/alerts': alerts,
    'GET /api/automation/relays': relays({
      i3: { name: 'Blower', command: { state: 'pending', desired: 1, since: now - 2, reason: 'manual' } },
      i4: { name: 'Pump', mode: 'sensor', command: { state: 'failed', desired: 0, since: now - 90, reason: 'no confirmation in 60 s' } },
      i5: { mode: 'time' },
    }),
    ...extra,
  });
}

describe('overview glance', () => {
  beforeEach(() => {
    installFakeWebSocket();
  });

  it('shows outlet and inlet AQI with the NAQI category, from the live dust readings', async () => {
    mockFetch(routes());
    renderApp();
    const aqi = await screen.findByRole('region', { name: 'Air quality index' });
    // outlet d9 = 24: Good band 0-30 -> 24 * 50 / 30 = 40
    await waitFor(() => expect(aqi.querySelector('.aqi-big .aqi-value')).toHaveTextContent('40'));
    expect(within(aqi.querySelector('.aqi-big')).getByText('Good')).toHaveStyle({ background: '#00b050' });
    // inlet d2 = 87: (200-101)/(90-61)*(87-61)+101 = 189.8
    const inlet = [...aqi.querySelectorAll('.aqi-figure')].find((n) => n.textContent.startsWith('Inlet'));
    expect(inlet).toHaveTextContent('Inlet190Moderately polluted');
    await waitFor(() => expect(aqi).toHaveTextContent("India NAQI (CPCB), PM2.5, from the live dust reading; the unit's display shows 40."));
  });

  it("follows the display's standard and PM size", async () => {
    mockFetch(routes({ 'GET /api/automation/display': { ...display, standard: 'epa', pm_size: 'pm10', last: null } }));
    renderApp();
    const aqi = await screen.findByRole('region', { name: 'Air quality index' });
    // EPA PM10: outlet 24 -> 24 * 50 / 54 = 22 Good; inlet 87 -> 49/99*32+51 = 66.8 Moderate
    await waitFor(() => expect(aqi).toHaveTextContent('US EPA AQI, PM10'));
    expect(aqi.querySelector('.aqi-big')).toHaveTextContent('Outlet22Good');
    expect(aqi).toHaveTextContent('Inlet67Moderate');
  });

  it('shows the PM and CO₂ reduction now and over 24 h', async () => {
    mockFetch(routes());
    renderApp();
    const red = await screen.findByRole('region', { name: 'Outlet vs inlet' });
    const pm = within(red).getByRole('row', { name: /Dust PM/ });
    // now: (87 - 24) / 87 = 72.4%; 24 h: (90 - 25) / 90 = 72.2%
    await waitFor(() => expect(pm).toHaveTextContent('Dust PM72% lower72% lower'));
    // CO₂ now (412 - 380) / 412 = 7.8%; over the day inlet = outlet
    expect(within(red).getByRole('row', { name: /CO₂/ })).toHaveTextContent('CO₂8% lowerno change');
  });

  it('says 24 h is unavailable when the day graph fails, and keeps the live figures', async () => {
    mockFetch(routes({ 'GET /api/graph/day': { status: 502, body: { error: 'cloud down' } } }));
    renderApp();
    const red = await screen.findByRole('region', { name: 'Outlet vs inlet' });
    await waitFor(() => expect(within(red).getByRole('row', { name: /Dust PM/ })).toHaveTextContent('72% lowerunavailable'));
  });

  it('shows unit health: state, data age, GSM bars with CSQ, SW/HW versions', async () => {
    mockFetch(routes({ 'GET /api/live': liveResponse(frame({ d38: 19.0, d15: 22.0, d16: 23.0 })) }));
    renderApp();
    const health = await screen.findByRole('region', { name: 'Unit health' });
    await waitFor(() => expect(health).toHaveTextContent(/State\s*Live/));
    expect(health).toHaveTextContent(/Data age\d+ s ago/);
    expect(health).toHaveTextContent('GSM signal strengthGood, CSQ 19');
    expect(health.querySelectorAll('.signal-bars rect.on')).toHaveLength(3);
    expect(health).toHaveTextContent('SW 22 · HW 23');
  });

  it('an unknown CSQ (99) shows no bars', async () => {
    mockFetch(routes({ 'GET /api/live': liveResponse(frame({ d38: 99 })) }));
    renderApp();
    const health = await screen.findByRole('region', { name: 'Unit health' });
    await waitFor(() => expect(health).toHaveTextContent('GSM signal strengthUnknown'));
    expect(health.querySelectorAll('.signal-bars rect.on')).toHaveLength(0);
  });

  it('counts firing alerts and lists relays whose command is pending or failed', async () => {
    mockFetch(routes());
    renderApp();
    const att = await screen.findByRole('region', { name: 'Needs attention' });
    expect(await within(att).findByRole('link', { name: '2 alerts firing' })).toHaveAttribute('href', '#/alerts');
    await waitFor(() => expect(within(att).getAllByRole('listitem')).toHaveLength(2));
    const [pending, failed] = within(att).getAllByRole('listitem');
    expect(pending).toHaveTextContent('Blower: switching ON pending');
    expect(failed).toHaveTextContent('Pump: switching OFF failed (no confirmation in 60 s)');
    expect(within(failed).getByRole('link', { name: 'Pump' })).toHaveAttribute('href', '#/automation');
  });

  it('says so when nothing needs attention', async () => {
    mockFetch(routes({ 'GET /api/automation/alerts': { active: [], recent: [] }, 'GET /api/automation/relays': relays() }));
    renderApp();
    const att = await screen.findByRole('region', { name: 'Needs attention' });
    expect(await within(att).findByRole('link', { name: '0 alerts firing' })).toBeInTheDocument();
    expect(await within(att).findByText('No relay command pending or failed.')).toBeInTheDocument();
  });

  it('draws each channel’s last hour as a sparkline, and relays as chips with their mode', async () => {
    mockFetch(routes());
    renderApp();
    const spark = await screen.findByRole('img', { name: /Last hour of Inlet CO₂/ });
    expect(spark).toHaveAccessibleName('Last hour of Inlet CO₂: from 400 to 412, low 400, high 415');
    // oldest left, newest right; the highest value (415) at the top
    expect(spark.querySelector('polyline').getAttribute('points')).toBe('1.0,27.0 39.4,1.0 95.0,6.2');
    const table = screen.getByRole('table', { name: 'Live values' });
    const dust = within(table).getByRole('row', { name: /Dust PM/ });
    const outletDust = within(dust).getAllByRole('cell')[1]; // inlet, outlet side by side
    expect(within(outletDust).getByRole('img')).toHaveAccessibleName(/Outlet Dust PM: from 30 to 24/);
    expect(within(outletDust).getByText('24 µg/m³')).toBeInTheDocument();
    // a channel without points in the hour says so instead of drawing a line
    const ph = within(table).getByRole('row', { name: /Water pH/ });
    expect(within(within(ph).getAllByRole('cell')[0]).getByText('no trend')).toBeInTheDocument();

    const chips = await screen.findByRole('region', { name: 'Relays' });
    await waitFor(() => expect(chips.querySelector('[data-code="i4"]')).toHaveTextContent('PumpOFFsensor rulefailed'));
    expect(chips.querySelector('[data-code="i5"]')).toHaveTextContent('Relay 5OFFtime rule');
    expect(chips.querySelector('[data-code="i1"]')).toHaveTextContent('Relay 1ONmanual');
  });
});
