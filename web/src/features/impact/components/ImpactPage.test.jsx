import { beforeEach, describe, expect, it } from 'vitest';
import { configure, screen, within } from '@testing-library/react';
import { frame, liveResponse } from '../../../test/fixtures.js';
import { defaultRoutes, installFakeWebSocket, mockFetch, renderApp } from '../../../test/utils.jsx';

// The page is a lazy chunk (with the chart library): its first import can take a while on a busy box.
configure({ asyncUtilTimeout: 5000 });

const graph = (period, data, extra = {}) => ({
  deviceId: 'IOCL_XTRA_O2_ADMIN',
  period,
  count: data.length,
  startTime: 1,
  endTime: 2,
  data,
  ...extra,
});

function periodRow(card, title) {
  return within(card).getByRole('row', { name: new RegExp(`^${title}`) });
}

describe('impact page', () => {
  beforeEach(() => {
    installFakeWebSocket();
  });

  it('computes change and improvement for a "lower" and a "target" channel', async () => {
    mockFetch(
      defaultRoutes({
        'GET /api/live': liveResponse(frame({ d1: 412, d8: 380, d4: 61, d11: 57 })),
        // 24 h: CO₂ weighted 425 -> 350 (better); humidity 50 -> 45 (further from 55: worse)
        'GET /api/graph/day': graph('day', [
          { d1: 400.0, d8: 300.0, d4: 50, d11: 45, sampleCount: 3.0 },
          { d1: 500.0, d8: 500.0, d4: 50, d11: 45, sampleCount: 1.0 },
        ]),
        // 7 d: CO₂ 400 -> 450 (worse); humidity 60 -> 56 (closer to 55: better)
        'GET /api/graph/week': graph('week', [{ d1: 400, d8: 450, d4: 60, d11: 56, sampleCount: 100 }], {
          stale: true,
        }),
      }),
    );
    renderApp({ route: '#/impact' });

    const co2 = await screen.findByRole('region', { name: 'CO₂ impact' });
    expect(within(co2).getByText('Improvement: lower is better.')).toBeInTheDocument();
    const now = periodRow(co2, 'Now');
    expect(now).toHaveTextContent('412 ppm');
    expect(now).toHaveTextContent('380 ppm');
    expect(now).toHaveTextContent('−32 ppm (−7.8%)');
    expect(within(now).getByText('Improved')).toBeInTheDocument();

    const day = await within(co2).findByRole('row', { name: /^24 h avg.*425 ppm/ });
    expect(day).toHaveTextContent('350 ppm');
    expect(day).toHaveTextContent('−75 ppm (−18%)');
    expect(within(day).getByText('Improved')).toBeInTheDocument();

    const week = await within(co2).findByRole('row', { name: /^7 d avg.*400 ppm/ });
    expect(week).toHaveTextContent('+50 ppm (+13%)');
    expect(within(week).getByText('Worse')).toBeInTheDocument();

    const hum = screen.getByRole('region', { name: 'Humidity impact' });
    expect(within(hum).getByText('Improvement: closer to 55% is better.')).toBeInTheDocument();
    const hNow = periodRow(hum, 'Now');
    expect(hNow).toHaveTextContent('−4% (−6.6%)');
    expect(within(hNow).getByText('Improved')).toBeInTheDocument(); // went down, but towards the target
    expect(within(periodRow(hum, '24 h avg')).getByText('Worse')).toBeInTheDocument();
    expect(within(periodRow(hum, '7 d avg')).getByText('Improved')).toBeInTheDocument();

    // the verdict is a word, not colour only; stale cache is flagged
    expect(screen.getByText(/7 day averages come from the cache/)).toBeInTheDocument();
  });

  it('shows a retryable error when the averages cannot be loaded', async () => {
    mockFetch(
      defaultRoutes({
        'GET /api/graph/day': { status: 502, body: { error: 'device cloud unavailable' } },
        'GET /api/graph/week': graph('week', []),
      }),
    );
    renderApp({ route: '#/impact' });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('24 h averages unavailable: device cloud unavailable');
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeInTheDocument();
    const co2 = screen.getByRole('region', { name: 'CO₂ impact' });
    expect(periodRow(co2, '24 h avg')).toHaveTextContent('Unavailable');
  });
});
