// The HTTP client of the browser-facing contract (SPEC section 8): fetch + bearer token + JSON and
// the error shape. Endpoints and query keys live with the feature that owns them
// (features/<f>/api/); the reads several features share are in lib/queries.js.
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

/** Don't retry client errors (4xx); retry network/5xx a few times. */
export function shouldRetry(failureCount, error) {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 3;
}
