import { vi } from 'vitest';
import { render } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import App from '../app/App.jsx';
import { reloadSession } from '../lib/auth.js';
import { channelMap, liveResponse } from './fixtures.js';

export { FakeWebSocket, installFakeWebSocket } from './fakeWebSocket.js';

export function jsonResponse(status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    ok: status >= 200 && status < 300,
    status,
    headers: new Headers({ 'Content-Type': 'application/json', ...headers }),
    json: async () => JSON.parse(text),
    text: async () => text,
    blob: async () => new Blob([text]),
  };
}

/**
 * Stub global fetch with a route table: {"GET /api/live": handler | value}.
 * A handler gets (init, url) and returns a value ({status, body}) or a response.
 * Unknown routes answer 404. Returns the vi.fn (calls are recorded).
 */
export function mockFetch(routes) {
  const fn = vi.fn(async (url, init = {}) => {
    const method = (init.method || 'GET').toUpperCase();
    const path = String(url).split('?')[0];
    const key = `${method} ${path}`;
    let route = routes[key] ?? routes[`${method} ${url}`];
    if (route === undefined) return jsonResponse(404, { error: `no route ${key}` });
    if (typeof route === 'function') route = await route(init, String(url));
    if (route && typeof route.ok === 'boolean') return route;
    if (route && typeof route.status === 'number' && 'body' in route) return jsonResponse(route.status, route.body);
    return jsonResponse(200, route);
  });
  vi.stubGlobal('fetch', fn);
  return fn;
}

export function defaultRoutes(extra = {}) {
  return {
    'GET /api/config': { deviceId: 'IOCL_XTRA_O2_ADMIN', timezone: 'Asia/Kolkata' },
    'GET /api/channels': channelMap(),
    'GET /api/live': liveResponse(),
    'GET /api/health': { status: 'ok', upstream: { socket_connected: true, last_frame_age_s: 1 } },
    'POST /api/ws-ticket': { ticket: 'tkt', expires_in: 30 },
    ...extra,
  };
}

export function testQueryClient() {
  return new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } },
  });
}

/** Render the whole app, logged in (token) or not, at a hash route. */
export function renderApp({ token = 'test-token', route = '#/overview', client = testClient() } = {}) {
  window.location.hash = route;
  if (token) {
    sessionStorage.setItem('xo2.token', token);
    sessionStorage.setItem('xo2.deviceId', 'IOCL_XTRA_O2_ADMIN');
  }
  reloadSession();
  const utils = render(
    <QueryClientProvider client={client}>
      <App />
    </QueryClientProvider>,
  );
  return { ...utils, client };
}

function testClient() {
  return testQueryClient();
}
