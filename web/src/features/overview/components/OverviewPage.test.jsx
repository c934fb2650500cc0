import { beforeEach, describe, expect, it } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import { channelMap, frame, liveResponse } from '../../../test/fixtures.js';
import { FakeWebSocket, defaultRoutes, installFakeWebSocket, mockFetch, renderApp } from '../../../test/utils.jsx';

async function banner() {
  return within(await screen.findByRole('region', { name: 'Device status' })).getByRole('status');
}

function row(label) {
  return screen.getByRole('row', { name: new RegExp(label) });
}

function chip(code) {
  return document.querySelector(`.relay-chip[data-code="${code}"]`);
}

describe('overview page', () => {
  beforeEach(() => {
    installFakeWebSocket();
  });

  it('renders labels, units and precision from the channel map, then updates from the WebSocket', async () => {
    const map = channelMap().map((c) =>
      c.code === 'd1' ? { ...c, label: 'Intake carbon dioxide', unit: 'ppmv', precision: 1 } : c,
    );
    mockFetch(defaultRoutes({ 'GET /api/channels': map }));
    renderApp({ token: 'tok' });

    const d1 = await screen.findByRole('row', { name: /Intake carbon dioxide/ });
    expect(within(d1).getByText('d1')).toBeInTheDocument();
    expect(within(d1).getByText('412.0 ppmv')).toBeInTheDocument();
    expect(within(row('Outlet Temperature')).getByText('27.5°C')).toBeInTheDocument();
    expect(within(row('Inlet Water pH')).getByText('7.42 pH')).toBeInTheDocument();
    expect(chip('i1')).toHaveTextContent('Relay 1ON');
    expect(chip('i2')).toHaveTextContent('Relay 2OFF');
    expect(await banner()).toHaveTextContent('Online');
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
    const cell = await within(row('Intake carbon dioxide')).findByText('455.3 ppmv');
    expect(cell).toHaveClass('flash'); // briefly marked as changed
    expect(chip('i2')).toHaveTextContent('Relay 2ON');
    expect(screen.getByText(/updated (just now|\d s ago)/)).toBeInTheDocument();
  });

  it('shows offline when the frame says offline or the upstream socket drops', async () => {
    mockFetch(defaultRoutes({ 'GET /api/live': liveResponse(frame({ offline: 1.0 })) }));
    renderApp();
    expect(await banner()).toHaveTextContent('Offline');
    expect(screen.getByText(/reports itself offline/)).toBeInTheDocument();
  });

  it('goes offline on an upstream status message and back online', async () => {
    mockFetch(defaultRoutes());
    renderApp();
    expect(await banner()).toHaveTextContent('Online');
    const ws = FakeWebSocket.last();
    act(() => ws.open());
    act(() => ws.emit({ type: 'status', upstream: { socket_connected: false, last_frame_age_s: 5 } }));
    await waitFor(async () => expect(await banner()).toHaveTextContent('Offline'));
    expect(screen.getByText(/device cloud is down/)).toBeInTheDocument();
    act(() => ws.emit({ type: 'status', upstream: { socket_connected: true, last_frame_age_s: 1 } }));
    await waitFor(async () => expect(await banner()).toHaveTextContent('Online'));
  });

  it('shows stale when no frame came for over a minute', async () => {
    const old = frame({ ts: Math.floor(Date.now() / 1000) - 330 });
    mockFetch(defaultRoutes({ 'GET /api/live': { ...liveResponse(old), age_s: 330, stale: true } }));
    renderApp();
    expect(await banner()).toHaveTextContent('Stale');
    expect(screen.getByText('updated 5 min ago')).toBeInTheDocument();
  });

  it("uses the server's stale/online flags, not a fixed age", async () => {
    const now = Math.floor(Date.now() / 1000);
    // The server's threshold is longer than a minute: 90 s old is still fresh there.
    mockFetch(defaultRoutes({ 'GET /api/live': { ...liveResponse(frame({ ts: now - 90 })), age_s: 90 } }));
    renderApp();
    expect(await banner()).toHaveTextContent('Online');
    expect(screen.getByText('updated 1 min ago')).toBeInTheDocument();
  });

  it('shows stale when the server says so, until a newer frame comes over the socket', async () => {
    const now = Math.floor(Date.now() / 1000);
    const old = frame({ ts: now - 20 });
    // A server with a 15 s threshold: 20 s is stale there.
    const fetch = mockFetch(
      defaultRoutes({ 'GET /api/live': { ...liveResponse(old), age_s: 20, stale: true, online: false } }),
    );
    renderApp();
    expect(await banner()).toHaveTextContent('Stale');
    expect(screen.getByText(/^updated (19|20|21) s ago$/)).toBeInTheDocument();

    const ws = FakeWebSocket.last();
    act(() => ws.open());
    await waitFor(() => expect(fetch.mock.calls.filter(([u]) => u === '/api/live').length).toBeGreaterThan(1));
    // on connect the socket re-sends the newest frame it has: not news, still stale
    act(() => ws.emit({ type: 'deviceData', deviceId: 'IOCL_XTRA_O2_ADMIN', data: old }));
    expect(await banner()).toHaveTextContent('Stale');
    // a newer frame has just come from the unit: fresh
    act(() => ws.emit({ type: 'deviceData', deviceId: 'IOCL_XTRA_O2_ADMIN', data: frame({ ts: now, d1: 500 }) }));
    await waitFor(async () => expect(await banner()).toHaveTextContent('Online'));
    expect(within(row('Inlet CO₂')).getByText('500 ppm')).toBeInTheDocument();
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
    expect(await screen.findByRole('row', { name: /Inlet CO₂/ })).toBeInTheDocument();
  });
});
