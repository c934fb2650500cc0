import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { defaultRoutes, installFakeWebSocket, mockFetch, renderApp } from '../../../test/utils.jsx';
import { BADGE_POLL_MS } from '../api/alerts.js';

// The page is a lazy chunk (and react-hook-form): its first import can take a while on a busy CI box.
configure({ asyncUtilTimeout: 5000 });

const alert = (id, state) => ({
  id,
  rule_id: 'r1',
  name: `Alert ${id}`,
  severity: 'warning',
  state,
  since: 1764236703,
  resolved_at: null,
  value: 1,
  message: '',
  acked_by: state === 'acknowledged' ? 'admin' : null,
  notified: [],
});

describe('header alerts badge', () => {
  beforeEach(() => {
    installFakeWebSocket();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts firing (unacknowledged) alerts on every page and links to the Alerts page', async () => {
    mockFetch(
      defaultRoutes({
        'GET /api/automation/alerts': {
          active: [alert('a1', 'firing'), alert('a2', 'acknowledged'), alert('a3', 'firing')],
          recent: [],
        },
        'GET /api/automation/alert-rules': { rules: [] },
        'GET /api/automation/notify': {},
      }),
    );
    const user = userEvent.setup();
    renderApp({ route: '#/impact' });
    const link = await screen.findByRole('link', { name: '2 firing alerts, open the Alerts page' });
    expect(link).toHaveTextContent('2');
    expect(link).toHaveAttribute('href', '#/alerts');
    expect(link).toHaveClass('firing');
    await user.click(link);
    expect(await screen.findByRole('heading', { level: 1, name: 'Alerts' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Alerts' })).toHaveAttribute('aria-current', 'page'); // the nav entry
  });

  it('refreshes by itself within 10 s', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let active = [];
    const fetch = mockFetch(defaultRoutes({ 'GET /api/automation/alerts': () => ({ active, recent: active }) }));
    renderApp({ route: '#/overview' });
    const link = await screen.findByRole('link', { name: '0 firing alerts, open the Alerts page' });
    expect(link).toHaveTextContent('0');
    expect(link).not.toHaveClass('firing');
    expect(within(screen.getByRole('banner')).getByRole('status')).toHaveTextContent(/^$/); // nothing new yet

    expect(BADGE_POLL_MS).toBeLessThanOrEqual(10_000);
    active = [alert('a1', 'firing')];
    const before = fetch.mock.calls.filter(([u]) => u === '/api/automation/alerts').length;
    await act(() => vi.advanceTimersByTimeAsync(BADGE_POLL_MS));
    await waitFor(() =>
      expect(screen.getByRole('link', { name: /firing alert/ })).toHaveAccessibleName(
        '1 firing alert, open the Alerts page',
      ),
    );
    expect(fetch.mock.calls.filter(([u]) => u === '/api/automation/alerts').length).toBe(before + 1);
    // and says so to screen readers, in the header's live region
    expect(within(screen.getByRole('banner')).getByRole('status')).toHaveTextContent('Alert firing: 1 now firing');
  });

  it('shows no count while the alerts cannot be read', async () => {
    mockFetch(defaultRoutes({ 'GET /api/automation/alerts': { status: 502, body: { error: 'down' } } }));
    renderApp({ route: '#/overview' });
    await screen.findByRole('table', { name: 'Live values' });
    const link = await screen.findByRole('link', { name: 'Alerts unknown, open the Alerts page' });
    expect(link).toHaveAttribute('href', '#/alerts');
    expect(link).toHaveTextContent(/^$/);
  });

  it('opens the Alerts page from the link in an alert message (/alerts, no hash)', async () => {
    mockFetch(defaultRoutes({ 'GET /api/automation/alerts': { active: [], recent: [] } }));
    window.history.pushState({}, '', '/alerts');
    try {
      renderApp({ route: '' });
      expect(await screen.findByRole('heading', { level: 1, name: 'Alerts' })).toBeInTheDocument();
    } finally {
      window.history.pushState({}, '', '/');
    }
  });
});
