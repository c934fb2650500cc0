// Every time on screen is in the unit's zone (GET /api/config), named, whatever the browser's
// zone: the browser here runs in New York (UTC-5 in December), the unit in India (UTC+5:30).
process.env.TZ = 'America/New_York';

import { beforeEach, describe, expect, it } from 'vitest';
import { configure, fireEvent, screen, within } from '@testing-library/react';
import { relays } from '../../../test/fixtures.js';
import { defaultRoutes, installFakeWebSocket, mockFetch, renderApp } from '../../../test/utils.jsx';
import { formatDateTime, formatInZone, zoneName } from '../../../lib/format.js';
import { unitTimeText } from '../utils/relays.js';

// The page is a lazy chunk (and react-hook-form): its first import can take a while on a busy CI box.
configure({ asyncUtilTimeout: 5000 });

// 2025-12-06 17:48:08 in Asia/Kolkata = 12:18:08 UTC = 07:18:08 in New York.
const AT = Date.UTC(2025, 11, 6, 12, 18, 8) / 1000;

describe('times in the unit zone', () => {
  it('runs with a browser zone other than the unit zone', () => {
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe('America/New_York');
    expect(new Date(AT * 1000).getHours()).toBe(7);
  });

  it('names zones by abbreviation where English has one', () => {
    expect(zoneName('Asia/Kolkata')).toBe('IST');
    expect(zoneName('Europe/Berlin', new Date(AT * 1000))).toBe('CET');
    expect(zoneName('America/New_York', new Date(AT * 1000))).toBe('EST');
    expect(zoneName('UTC')).toBe('UTC');
    expect(zoneName('Etc/GMT-4')).toBe('GMT+4'); // no abbreviation: the offset stands
    expect(zoneName('Not/AZone')).toBeNull();
  });

  it('formats in the unit zone with its name, Indian style, not the browser zone', () => {
    expect(formatDateTime(AT, 'Asia/Kolkata')).toBe('06 Dec 2025, 17:48 IST');
    expect(formatInZone(AT, 'Asia/Kolkata')).toBe('06 Dec 2025, 17:48:08 IST');
  });

  it('crosses the date line as the unit does', () => {
    // 20:00 UTC on Dec 1 is 15:00 Dec 1 in New York but 01:30 Dec 2 at the unit.
    expect(formatDateTime(Date.UTC(2025, 11, 1, 20, 0) / 1000, 'Asia/Kolkata')).toBe('02 Dec 2025, 01:30 IST');
  });

  it('without a known zone falls back to the browser zone, still named', () => {
    expect(formatDateTime(AT)).toBe('06 Dec 2025, 07:18 EST');
    expect(formatDateTime(AT, 'Not/AZone')).toBe('06 Dec 2025, 07:18 EST');
    expect(formatDateTime(null, 'Asia/Kolkata')).toBe('—');
  });

  it('says which zone the time rules run in', () => {
    expect(unitTimeText('Asia/Kolkata')).toBe('Unit time (IST, Asia/Kolkata)');
    expect(unitTimeText(undefined)).toBe('Unit-local time');
  });
});

describe('automation page in the unit zone', () => {
  beforeEach(() => {
    installFakeWebSocket();
  });

  it('shows audit and display times in IST while the browser is in New York', async () => {
    const timeRelay = {
      mode: 'time',
      time: { windows: [{ start: '22:00', end: '06:00', days: [0, 1, 2, 3, 4, 5, 6] }], inside: 1 },
    };
    mockFetch(
      defaultRoutes({
        'GET /api/automation/relays': relays({ i3: timeRelay }),
        'GET /api/automation/display': {
          enabled: true,
          interval_s: 10,
          standard: 'cpcb',
          last: { at: AT, values: null, text: 'AQI: 51', skipped_reason: null },
        },
        'GET /api/automation/audit': {
          entries: [{ at: AT, who: 'admin', what: 'i1 -> ON', why: 'manual', result: 'confirmed', latency_s: 2 }],
        },
        'GET /api/automation/health': {
          status: 'ok',
          upstream: { socket_connected: true, last_frame_age_s: 1 },
          state_file: { ok: true },
          display: { enabled: true },
          commands: { pending: 0, queued: 0, last_cloud_error: null },
        },
      }),
    );
    renderApp({ route: '#/automation' });
    const table = await screen.findByRole('table', { name: 'Audit log' });
    const cell = await within(table).findByText(/IST$/);
    expect(cell.textContent).toMatch(/:48:08/);
    expect(table.textContent).not.toMatch(/:18:08/);
    expect(await screen.findByText(/\(06 Dec 2025, 17:48 IST\)/)).toBeInTheDocument();
    const row = await screen.findByRole('region', { name: 'Relay 3' });
    fireEvent.click(within(row).getByRole('button', { name: /^Details/ }));
    expect(await screen.findByText(/Unit time \(IST, Asia\/Kolkata\)/)).toBeInTheDocument();
  });
});
