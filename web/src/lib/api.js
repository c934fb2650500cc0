// The one fetch wrapper for the browser-facing HTTP contract (SPEC section 8).
import { expireSession, getToken } from './auth.js';

export class ApiError extends Error {
  constructor(status, message, field = null, body = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.field = field;
    this.body = body;
  }
}

async function errorFrom(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON (e.g. an nginx error page) */
  }
  const message =
    (body && typeof body.error === 'string' && body.error) ||
    (res.status >= 500 ? `Server error (${res.status})` : `Request failed (${res.status})`);
  return new ApiError(res.status, message, body?.field ?? null, body);
}

/**
 * fetch + bearer token + JSON. Throws ApiError (status 0 for a network failure).
 * `auth: false` for login/health; `raw: true` returns the Response.
 */
export async function apiFetch(path, { method = 'GET', body, auth = true, raw = false, signal } = {}) {
  const headers = { Accept: raw ? '*/*' : 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (auth) {
    const token = getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
  }
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (err?.name === 'AbortError') throw err;
    throw new ApiError(0, 'Cannot reach the server. Check the network and try again.');
  }
  if (!res.ok) {
    const err = await errorFrom(res);
    if (res.status === 401 && auth) expireSession();
    throw err;
  }
  if (raw) return res;
  if (res.status === 204) return null;
  try {
    return await res.json();
  } catch {
    throw new ApiError(res.status, 'The server sent an unreadable response.');
  }
}

export const api = {
  login: (deviceId, password) =>
    apiFetch('/api/auth/login', { method: 'POST', body: { deviceId, password }, auth: false }),
  health: () => apiFetch('/api/health', { auth: false }),
  config: () => apiFetch('/api/config'),
  channels: () => apiFetch('/api/channels'),
  live: () => apiFetch('/api/live'),
  wsTicket: () => apiFetch('/api/ws-ticket', { method: 'POST' }),
  graph: (period) => apiFetch(`/api/graph/${period}`),
  history: (start, end, buckets) =>
    apiFetch(`/api/history?start=${start}&end=${end}${buckets ? `&buckets=${buckets}` : ''}`),
  historyStatus: () => apiFetch('/api/history/status'),
  reportLink: (startDate, endDate) =>
    apiFetch(`/api/report-link?startDate=${startDate}&endDate=${endDate}`, { method: 'POST' }),
  relays: () => apiFetch('/api/automation/relays'),
  saveRelay: (id, body) => apiFetch(`/api/automation/relays/${id}`, { method: 'PUT', body }),
  commandRelay: (id, state) => apiFetch(`/api/automation/relays/${id}/command`, { method: 'POST', body: { state } }),
  display: () => apiFetch('/api/automation/display'),
  saveDisplay: (body) => apiFetch('/api/automation/display', { method: 'PUT', body }),
  automationHealth: () => apiFetch('/api/automation/health', { auth: false }),
  audit: (limit = 50) => apiFetch(`/api/automation/audit?limit=${limit}`),
};

/** Don't retry client errors (4xx); retry network/5xx a few times. */
export function shouldRetry(failureCount, error) {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 3;
}
