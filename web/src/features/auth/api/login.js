// The login endpoint (POST /api/auth/login, no bearer token) as a mutation.
import { useMutation } from '@tanstack/react-query';
import { apiFetch } from '../../../lib/api.js';

export const authApi = {
  login: (deviceId, password) =>
    apiFetch('/api/auth/login', { method: 'POST', body: { deviceId, password }, auth: false }),
};

/** Resolves to {access_token, deviceId}; `options` adds the page's onSuccess. */
export function useLogin(options = {}) {
  return useMutation({ mutationFn: ({ id, pw }) => authApi.login(id, pw), ...options });
}
