// Session store: the JWT lives in sessionStorage (kept for this browser session only).
// React reads it through useSyncExternalStore (useSession in features/auth/hooks/useSession.js).

const TOKEN_KEY = 'xo2.token';
const DEVICE_KEY = 'xo2.deviceId';

export const SESSION_EXPIRED = 'Session expired, please log in again';

const listeners = new Set();
let snapshot = read(null);

function storage() {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

function read(notice) {
  const s = storage();
  return {
    token: s?.getItem(TOKEN_KEY) || null,
    deviceId: s?.getItem(DEVICE_KEY) || null,
    notice,
  };
}

function emit(notice) {
  snapshot = read(notice);
  listeners.forEach((fn) => fn());
}

export function getSession() {
  return snapshot;
}

export function getToken() {
  return snapshot.token;
}

export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function saveSession(token, deviceId) {
  const s = storage();
  s?.setItem(TOKEN_KEY, token);
  if (deviceId) s?.setItem(DEVICE_KEY, deviceId);
  else s?.removeItem(DEVICE_KEY);
  emit(null);
}

/** Drop the token; `notice` is shown on the login page (e.g. SESSION_EXPIRED). */
export function clearSession(notice = null) {
  const s = storage();
  s?.removeItem(TOKEN_KEY);
  s?.removeItem(DEVICE_KEY);
  emit(notice);
}

/** A 401 (or a WebSocket closed for auth) anywhere after login. */
export function expireSession() {
  if (snapshot.token) clearSession(SESSION_EXPIRED);
}

/** Re-read storage (tests and other tabs). */
export function reloadSession() {
  emit(null);
}
