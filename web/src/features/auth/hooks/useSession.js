import { useSyncExternalStore } from 'react';
import { getSession, subscribe } from '../../../lib/auth.js';

/** {token, deviceId, notice} — re-renders on login, logout and session expiry. */
export function useSession() {
  return useSyncExternalStore(subscribe, getSession, getSession);
}
