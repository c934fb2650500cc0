import { beforeEach, describe, expect, it } from 'vitest';
import { configure, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { defaultRoutes, installFakeWebSocket, jsonResponse, mockFetch, renderApp } from '../../../test/utils.jsx';

async function fillAndSubmit(user, id = 'IOCL_XTRA_O2_ADMIN', pw = 'secret-pw-123') {
  await user.type(await screen.findByLabelText('Device ID'), id);
  await user.type(screen.getByLabelText('Password'), pw);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

// The page is a lazy chunk (with react-hook-form): its first import can take a while on a busy box.
configure({ asyncUtilTimeout: 5000 });

describe('login page', () => {
  beforeEach(() => {
    installFakeWebSocket();
  });

  it('starts with an empty device id and logs in', async () => {
    let release;
    const gate = new Promise((r) => (release = r));
    const fetch = mockFetch(
      defaultRoutes({
        'POST /api/auth/login': async () => {
          await gate;
          return { access_token: 'jwt-abc', token_type: 'Bearer', expires_in: 3600, deviceId: 'IOCL_XTRA_O2_ADMIN' };
        },
      }),
    );
    const user = userEvent.setup();
    renderApp({ token: null, route: '' });
    expect(await screen.findByLabelText('Device ID')).toHaveValue('');
    await fillAndSubmit(user);

    // disabled while submitting
    expect(screen.getByRole('button', { name: 'Signing in…' })).toBeDisabled();
    release();

    expect(await screen.findByRole('heading', { name: 'Overview' })).toBeInTheDocument();
    expect(sessionStorage.getItem('xo2.token')).toBe('jwt-abc');
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('/api/auth/login');
    expect(JSON.parse(init.body)).toEqual({ deviceId: 'IOCL_XTRA_O2_ADMIN', password: 'secret-pw-123' });
    // later requests carry the bearer token
    await waitFor(() => {
      const live = fetch.mock.calls.find(([u]) => u === '/api/live');
      expect(live[1].headers.Authorization).toBe('Bearer jwt-abc');
    });
    // the log-out button clears the token
    await user.click(screen.getByRole('button', { name: 'Log out' }));
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(sessionStorage.getItem('xo2.token')).toBeNull();
  });

  it('says so on a wrong id or password', async () => {
    mockFetch({ 'POST /api/auth/login': { status: 401, body: { error: 'invalid credentials' } } });
    const user = userEvent.setup();
    renderApp({ token: null });
    await fillAndSubmit(user, 'IOCL_XTRA_O2_ADMIN', 'wrongpass');
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong device ID or password.');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
    expect(sessionStorage.getItem('xo2.token')).toBeNull();
  });

  it("shows the server's text on 429", async () => {
    mockFetch({
      'POST /api/auth/login': () => jsonResponse(429, { error: 'Too many login attempts; try again in 60 s' }),
    });
    const user = userEvent.setup();
    renderApp({ token: null });
    await fillAndSubmit(user);
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many login attempts; try again in 60 s');
  });

  it('asks for both fields before calling the server', async () => {
    const fetch = mockFetch({});
    const user = userEvent.setup();
    renderApp({ token: null });
    await user.click(await screen.findByRole('button', { name: 'Sign in' }));
    // one sentence per empty field, beside it (the one validation style; no browser bubble)
    const alerts = await screen.findAllByRole('alert');
    expect(alerts.map((a) => a.textContent)).toEqual(['Enter the device ID.', 'Enter the password.']);
    expect(screen.getByLabelText('Device ID')).toHaveAccessibleDescription('Enter the device ID.');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('a 401 after login drops the token and returns to login with a message', async () => {
    mockFetch(defaultRoutes({ 'GET /api/live': { status: 401, body: { error: 'token expired' } } }));
    renderApp({ token: 'old' });
    expect(await screen.findByText('Session expired, please log in again')).toBeInTheDocument();
    expect(screen.getByLabelText('Device ID')).toBeInTheDocument();
    expect(sessionStorage.getItem('xo2.token')).toBeNull();
  });
});
