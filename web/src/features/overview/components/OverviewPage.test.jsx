import { beforeEach, describe, expect, it } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import { channelMap, frame, legacyLiveResponse, liveResponse } from '../../../test/fixtures.js';
import { FakeWebSocket, defaultRoutes, installFakeWebSocket, mockFetch, renderApp } from '../../../test/utils.jsx';

async function banner() {
  return within(await screen.findByRole('region', { name: 'Device status' })).getByRole('status');
}

function row(label) {
  return within(screen.getByRole('table', { name: 'Live values' })).getByRole('row', { name: new RegExp(label) });
}

function chip(code) {
  return document.querySelector(`.relay-chip[data-code="${code}"]`);
}

/** "HH:MM IST" of epoch seconds at the unit (Asia/Kolkata), computed apart from the app's formatter. */
function istClock(epochS) {
  const hm = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Kolkata',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(epochS * 1000));
  return `${hm} IST`;
}

describe('overview page', () => {
  beforeEach(() => {
    installFakeWebSocket();
  });

  it('shows inlet and outlet side by side with labels, units and precision from the channel map, no codes; updates from the WebSocket', async () => {
    const map = channelMap().map((c) =>
      ['d1', 'd8'].includes(c.code) ? { ...c, quantity: 'Carbon dioxide', unit: 'ppmv', precision: 1 } : c,
    );
    mockFetch(defaultRoutes({ 'GET /api/channels': map }));
    renderApp({ token: 'tok' });

    await screen.findByRole('table', { name: 'Live values' });
    const co2 = await waitFor(() => row('Carbon dioxide'));
    const [inlet, outlet] = within(co2).getAllByRole('cell');
    expect(inlet).toHaveTextContent('412.0 ppmv');
    expect(outlet).toHaveTextContent('380.0 ppmv');
    expect(within(row('Temperature')).getByText('27.5°C')).toBeInTheDocument();
    expect(within(row('Water pH')).getByText('7.42 pH')).toBeInTheDocument();
    // codes only in a tooltip, never in the text
    const table = screen.getByRole('table', { name: 'Live values' });
    expect(table.textContent).not.toMatch(/\b[di]\d+\b/);
    expect(within(co2).getByRole('rowheader')).toHaveAttribute('title', 'Codes d1 (inlet), d8 (outlet)');
    expect(screen.queryByRole('columnheader', { name: 'Code' })).toBeNull();
    expect(chip('i1')).toHaveTextContent('Relay 1ON');
    expect(chip('i2')).toHaveTextContent('Relay 2OFF');
    expect(await banner()).toHaveTextContent(/^Live$/);
    expect(screen.getByText(/updated \d+ s ago/)).toBeInTheDocument();

    // The socket connects with a one-time ticket (never the token), same origin.
    await waitFor(() => expect(FakeWebSocket.last()).toBeDefined());
    const ws = FakeWebSocket.last();
    expect(ws.url).toBe(`ws://${window.location.host}/api/ws?ticket=tkt`);
    act(() => ws.open());
    act(() =>
      ws.emit({
        type: 'deviceData',
        deviceId: 'IOCL_XTRA_O2_ADMIN',
        data: frame({ ts: Math.floor(Date.now() / 1000), d1: 455.25, i2: 1.0 }),
      }),
    );
    const cell = await within(row('Carbon dioxide')).findByText('455.3 ppmv');
    expect(cell.closest('td')).toHaveClass('flash'); // briefly marked as changed
    expect(chip('i2')).toHaveTextContent('Relay 2ON');
    expect(screen.getByText(/updated (just now|\d s ago)/)).toBeInTheDocument();
  });

  it('banner "Live": the server says live; values are not greyed', async () => {
    mockFetch(defaultRoutes({ 'GET /api/live': liveResponse(frame(), { state: 'live', ageS: 4 }) }));
    renderApp();
    expect(await banner()).toHaveTextContent(/^Live$/);
    expect(document.querySelector('.not-live')).toBeNull();
    expect(screen.queryByText(/^Not live/)).toBeNull();
  });

  it('banner "Late: last data HH:MM IST": the server says late; values greyed with their time, the AQI too', async () => {
    const live = liveResponse(frame(), { state: 'late', ageS: 40 });
    mockFetch(defaultRoutes({ 'GET /api/live': live }));
    renderApp();
    const when = istClock(live.last_frame_at);
    expect(await banner()).toHaveTextContent(`Late: last data ${when}`);
    expect(await screen.findByText(`Not live: the values below are from ${when}.`)).toBeInTheDocument();
    expect(row('CO₂').querySelector('td.value')).toHaveClass('not-live');
    const aqi = document.querySelector('.aqi-big');
    expect(aqi).toHaveClass('not-live');
    expect(aqi).toHaveTextContent(`at ${when}`);
  });

  it('banner "Offline since HH:MM IST": the server says offline, and why', async () => {
    const live = liveResponse(frame({ offline: 1.0 }), { state: 'offline', ageS: 200 });
    mockFetch(defaultRoutes({ 'GET /api/live': live }));
    renderApp();
    expect(await banner()).toHaveTextContent(`Offline since ${istClock(live.last_frame_at)}`);
    expect(screen.getByText(/reports itself offline/)).toBeInTheDocument();
    expect(row('CO₂').querySelector('td.value')).toHaveClass('not-live');
  });

  it('a live frame ages into late and offline on the browser clock, without a new message', async () => {
    // shown as live, but 130 s old already by the time it is drawn: past offline_after_s (120)
    const live = liveResponse(frame(), { state: 'live', ageS: 130 });
    mockFetch(defaultRoutes({ 'GET /api/live': live }));
    renderApp();
    expect(await banner()).toHaveTextContent(`Offline since ${istClock(live.last_frame_at)}`);
  });

  it('follows the status messages: offline while the cloud socket is down, live again with a new frame', async () => {
    const fetch = mockFetch(defaultRoutes());
    renderApp();
    expect(await banner()).toHaveTextContent(/^Live$/);
    const ws = FakeWebSocket.last();
    act(() => ws.open());
    // (re)connected: /api/live is read again first
    await waitFor(() => expect(fetch.mock.calls.filter(([u]) => u === '/api/live').length).toBeGreaterThan(1));
    await waitFor(() => expect(screen.getByText(/updated/)).toBeInTheDocument());
    const at = Date.now() / 1000 - 5;
    act(() =>
      ws.emit({
        type: 'status',
        upstream: { socket_connected: false, last_frame_age_s: 5, state: 'offline', last_frame_at: at },
      }),
    );
    await waitFor(async () => expect(await banner()).toHaveTextContent(`Offline since ${istClock(at)}`));
    expect(screen.getByText(/device cloud is down/)).toBeInTheDocument();
    act(() => ws.emit({ type: 'status', upstream: { socket_connected: true, last_frame_age_s: 6, state: 'late', last_frame_at: at } }));
    await waitFor(async () => expect(await banner()).toHaveTextContent(`Late: last data ${istClock(at)}`));
    act(() => ws.emit({ type: 'deviceData', deviceId: 'IOCL_XTRA_O2_ADMIN', data: frame({ ts: Math.floor(Date.now() / 1000) + 5, d1: 500 }) }));
    await waitFor(async () => expect(await banner()).toHaveTextContent(/^Live$/));
    expect(within(row('CO₂')).getByText('500 ppm')).toBeInTheDocument();
  });

  it('banner while /api/live is pending: its place is held (no state said yet), so the page does not jump', async () => {
    let answer;
    mockFetch(defaultRoutes({ 'GET /api/live': () => new Promise((resolve) => (answer = resolve)) }));
    renderApp();
    await screen.findByRole('heading', { level: 1, name: 'Overview' });
    const held = await waitFor(() => {
      const el = document.querySelector('.banner.banner-pending');
      expect(el).not.toBeNull();
      return el;
    });
    expect(held).toHaveAttribute('aria-hidden', 'true');
    expect(screen.queryByRole('region', { name: 'Device status' })).toBeNull();
    act(() => answer(liveResponse(frame(), { state: 'live', ageS: 2 })));
    expect(await banner()).toHaveTextContent(/^Live$/);
    expect(document.querySelector('.banner-pending')).toBeNull();
  });

  it('banner: "Live link reconnecting…" once a connected socket drops, not while it first connects', async () => {
    mockFetch(defaultRoutes());
    renderApp();
    expect(await banner()).toHaveTextContent(/^Live$/);
    await waitFor(() => expect(FakeWebSocket.last()).toBeDefined());
    const region = screen.getByRole('region', { name: 'Device status' });
    expect(region).not.toHaveTextContent(/reconnecting/); // the first connection: /api/live covers it
    act(() => FakeWebSocket.last().open());
    expect(region).not.toHaveTextContent(/reconnecting/);
    act(() => FakeWebSocket.last().serverClose(1006));
    await waitFor(() => expect(region).toHaveTextContent('Live link reconnecting…'));
  });

  it('an older gateway (no state): its stale flag reads as late with the time, offline flags as offline', async () => {
    const old = frame({ ts: Math.floor(Date.now() / 1000) - 330 });
    mockFetch(defaultRoutes({ 'GET /api/live': legacyLiveResponse(old, { ageS: 30, stale: true, online: false }) }));
    renderApp();
    expect(await banner()).toHaveTextContent(/^Late: last data \d\d:\d\d IST$/);
  });

  it('an older gateway: the upstream socket down is offline', async () => {
    mockFetch(
      defaultRoutes({
        'GET /api/live': legacyLiveResponse(frame()),
        'GET /api/health': { status: 'degraded', upstream: { socket_connected: false, last_frame_age_s: 3 } },
      }),
    );
    renderApp();
    await waitFor(async () => expect(await banner()).toHaveTextContent(/^Offline since \d\d:\d\d IST$/));
  });

  it('offers a retry when the channel map cannot be loaded', async () => {
    let calls = 0;
    mockFetch(
      defaultRoutes({
        'GET /api/channels': () => (++calls === 1 ? { status: 503, body: { error: 'gateway down' } } : channelMap()),
      }),
    );
    renderApp();
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load channels: gateway down');
    act(() => within(alert).getByRole('button', { name: 'Retry' }).click());
    await screen.findByRole('table', { name: 'Live values' });
    expect(row('CO₂')).toBeInTheDocument();
  });
});
