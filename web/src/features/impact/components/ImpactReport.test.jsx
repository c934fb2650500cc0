import { beforeEach, describe, expect, it, vi } from 'vitest';
import { configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { defaultRoutes, installFakeWebSocket, mockFetch, renderApp } from '../../../test/utils.jsx';
import { todayIn } from '../../../lib/dates.js';

// The page is a lazy chunk (with the chart library): its first import can take a while on a busy box.
configure({ asyncUtilTimeout: 5000 });

// jsdom has no canvas: replace uPlot with a recorder of what each chart was given.
const plots = vi.hoisted(() => []);
vi.mock('uplot', () => ({
  default: class FakePlot {
    static tzDate(date) {
      return date;
    }
    constructor(opts, data, el) {
      this.opts = opts;
      this.data = data;
      this.width = opts.width;
      this.scales = { x: { min: data[0][0], max: data[0][data[0].length - 1] } };
      el.appendChild(document.createElement('canvas'));
      plots.push(this);
    }
    setSize() {}
    destroy() {}
  },
}));

const now = Math.floor(Date.now() / 1000);
// Four 3-hour buckets: the last one not begun yet; one begun bucket without any reading.
const history = {
  bucket_s: 10800,
  t: [now - 30000, now - 19200, now - 8400, now + 2400],
  series: {
    d1: { mean: [500, null, 420, null], min: [480, null, 400, null], max: [520, null, 440, null] },
    d8: { mean: [400, null, 380, null], min: [390, null, 370, null], max: [410, null, 390, null] },
    d2: { mean: [100, null, 80, null] },
    d9: { mean: [20, null, 30, null] },
  },
};

function routes(historyHandler) {
  return defaultRoutes({
    'GET /api/graph/day': { data: [] },
    'GET /api/graph/week': { data: [] },
    'GET /api/history': historyHandler,
  });
}

async function report() {
  return screen.findByRole('region', { name: /^Impact report/ });
}

describe('impact report', () => {
  beforeEach(() => {
    installFakeWebSocket();
    plots.length = 0;
  });

  it('summarises each pair over the last 7 days of the unit’s calendar, with data completeness', async () => {
    const fetch = mockFetch(routes(() => history));
    renderApp({ route: '#/impact' });
    const r = await report();
    expect(r).toHaveAccessibleName('Impact report: last 7 days');
    const co2 = await within(r).findByRole('row', { name: /CO₂/ });
    // inlet (500 + 420) / 2 = 460, outlet (400 + 380) / 2 = 390: −15.2%, lower is better
    expect(co2).toHaveTextContent('CO₂460 ppm390 ppm−15% Improved');
    expect(within(r).getByRole('row', { name: /Dust PM/ })).toHaveTextContent('90 µg/m³25 µg/m³−72% Improved');
    expect(within(r).getByRole('row', { name: /Water pH/ })).toHaveTextContent('Water pH——');
    expect(r).toHaveTextContent('Data completeness: 67% (2 of 3 3-hour periods so far hold readings).');
    const url = fetch.mock.calls.map(([u]) => String(u)).find((u) => u.startsWith('/api/history'));
    const today = todayIn('Asia/Kolkata');
    expect(url).toMatch(new RegExp(`^/api/history\\?start=\\d{4}-\\d{2}-\\d{2}&end=${today}&buckets=56$`));
    // a chart per pair with readings; a pair without says so
    expect(within(r).getByRole('region', { name: 'CO₂: inlet vs outlet' })).not.toHaveTextContent('No readings');
    expect(within(r).getByRole('region', { name: 'Water pH: inlet vs outlet' })).toHaveTextContent('No readings in this range.');
    // the store keeps no relay series here: no relay table rather than zeros
    expect(within(r).queryByRole('table', { name: 'Hours each relay was on' })).toBeNull();
    const co2Plot = plots.find((p) => p.opts.series.some((x) => x.label === 'Inlet CO₂'));
    expect(co2Plot.opts.series.filter((x) => x.width === 2).map((x) => x.label)).toEqual(['Inlet CO₂', 'Outlet CO₂']);
    expect(co2Plot.data[1]).toEqual([500, null, 420, null]); // inlet means
    expect(co2Plot.data[4]).toEqual([400, null, 380, null]); // outlet means
  });

  it('prints as the plant reads it: site name, headline reductions, AQI days per category, relay names, no codes', async () => {
    // two days at the unit, a 24 h bucket each: outlet PM 20 (Good) then 45 (Satisfactory), inlet 100 and 80
    const day0 = Date.UTC(2026, 11, 4, 18, 30) / 1000; // 05 Dec 00:00 IST
    const daily = {
      bucket_s: 86400,
      t: [day0, day0 + 86400],
      series: {
        d1: { mean: [500, 420] },
        d8: { mean: [400, 380] },
        d2: { mean: [100, 80] },
        d9: { mean: [20, 45] },
        i1: { mean: [0.5, 0.25] },
      },
    };
    mockFetch({
      ...routes(() => daily),
      'GET /api/config': { deviceId: 'IOCL_XTRA_O2_ADMIN', timezone: 'Asia/Kolkata', siteName: 'Panipat refinery gate 2' },
      'GET /api/automation/relays': { relays: [{ id: 'i1', name: 'Blower', mode: 'manual', actual: 1, command: null }] },
      'GET /api/automation/display': { enabled: true, standard: 'cpcb', pm_size: 'pm25', last: null },
    });
    renderApp({ route: '#/impact' });
    const r = await report();
    await within(r).findByRole('table', { name: /Air quality index/ });
    expect(r.querySelector('.print-only')).toHaveTextContent(/^Panipat refinery gate 2: XtraO2 impact report, \d\d [A-Z][a-z]{2} \d{4} to \d\d [A-Z][a-z]{2} \d{4}; printed \d\d [A-Z][a-z]{2} \d{4}, \d\d:\d\d IST\.$/);
    // headline: (100+80)/2=90 -> (20+45)/2=32.5, 64% lower; CO₂ 460 -> 390, 15% lower
    expect(within(r).getByText(/^At the outlet:/)).toHaveTextContent('At the outlet: CO₂ 15% lower · Dust PM 64% lower');
    const aqi = within(r).getByRole('table', { name: /Air quality index, India NAQI \(CPCB\) from PM2\.5/ });
    // daily AQI outlet: 20 µg/m³ -> 33, 45 -> 75: average 54 (Satisfactory); inlet 100 -> 232 (Poor), 80 -> 166: 199
    expect(within(aqi).getByRole('row', { name: /Average AQI/ })).toHaveTextContent('Average AQI199 (Moderately polluted)54 (Satisfactory)');
    expect(within(aqi).getByRole('row', { name: /^Good/ })).toHaveTextContent('Good01');
    expect(within(aqi).getByRole('row', { name: /^Satisfactory/ })).toHaveTextContent('Satisfactory01');
    expect(within(aqi).getByRole('row', { name: /^Poor/ })).toHaveTextContent('Poor10');
    // relay hours by the relay's own name: 0.5 × 24 + 0.25 × 24 = 18 h
    const hours = within(r).getByRole('table', { name: 'Hours each relay was on' });
    expect(within(hours).getByRole('row', { name: /Blower/ })).toHaveTextContent('Blower18.0 h');
    // the pair cards above name quantities, not codes
    expect(screen.getByRole('region', { name: 'CO₂ impact' }).querySelector('h2')).toHaveTextContent(/^CO₂$/);
    expect(document.querySelector('main').textContent).not.toMatch(/\b[di]\d+\b/);
    // every chart's y axis carries its unit, the time axis the zone
    const co2Plot = plots.find((p) => p.opts.series.some((x) => x.label === 'Inlet CO₂'));
    expect(co2Plot.opts.axes.map((a) => a.label)).toEqual(['Time (IST)', 'ppm']);
  });

  it('shows the hours each relay was on when the history holds relay series', async () => {
    const withRelays = {
      ...history,
      series: { ...history.series, i1: { mean: [1, null, 0.5, null] }, i2: { mean: [0, null, 0, null] } },
    };
    mockFetch(routes(() => withRelays));
    renderApp({ route: '#/impact' });
    const table = await within(await report()).findByRole('table', { name: 'Hours each relay was on' });
    // 3 h buckets: fully on, then half on
    expect(within(table).getByRole('row', { name: /Relay 1/ })).toHaveTextContent('Relay 14.5 h');
    expect(within(table).getByRole('row', { name: /Relay 2/ })).toHaveTextContent('Relay 20.0 h');
    expect(within(table).queryByRole('row', { name: /Relay 3/ })).toBeNull();
  });

  it('adds up relay hours from a history shaped as the gateway serves it (every channel, relays as 0..1 shares)', async () => {
    // 7 days in 56 buckets of 3 h, as /api/history?buckets=56 answers: min/max 0 or 1, mean the share ON
    // in hundredths; the last 6 buckets have not begun yet (null)
    const buckets = 56;
    const start = now - 50 * 10800;
    const t = Array.from({ length: buckets }, (_, k) => start + k * 10800);
    const past = (v) => t.map((ts) => (ts <= now ? v : null));
    const relay = (share) => ({ min: past(share < 1 ? 0 : 1), mean: past(share), max: past(share > 0 ? 1 : 0) });
    const series = {};
    for (const code of ['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7', 'd8', 'd9', 'd10', 'd11', 'd12', 'd13', 'd14', 'd15', 'd16', 'd38']) {
      series[code] = { min: past(400), mean: past(420.5), max: past(440) };
    }
    Object.assign(series, {
      i1: relay(1),
      i2: relay(0.25),
      i3: relay(0),
      i4: { min: past(null), mean: past(null), max: past(null) }, // no reading at all: left out
      i5: relay(1),
      i6: relay(1),
      i7: relay(1),
      i8: relay(0),
    });
    series.i3.mean[0] = 0.5; // one bucket half on: 1.5 h
    series.i3.max[0] = 1;
    const body = { deviceId: 'XO2-0001', bucket_s: 10800, t, series, rows: 30600, stale: false };
    mockFetch(routes(() => body));
    renderApp({ route: '#/impact' });
    const table = await within(await report()).findByRole('table', { name: 'Hours each relay was on' });
    const rows = within(table).getAllByRole('row').slice(1).map((r) => r.textContent);
    // 51 begun buckets of 3 h = 153 h
    expect(rows).toEqual([
      'Relay 1153.0 h',
      'Relay 238.3 h', // 51 x 3 h x 0.25
      'Relay 31.5 h',
      'Relay 5153.0 h',
      'Relay 6153.0 h',
      'Relay 7153.0 h',
      'Relay 80.0 h',
    ]);
  });

  it('takes a calendar month and prints', async () => {
    const fetch = mockFetch(routes(() => history));
    const print = vi.fn();
    vi.stubGlobal('print', print);
    const user = userEvent.setup();
    renderApp({ route: '#/impact' });
    const r = await report();
    await user.click(within(r).getByRole('button', { name: 'Calendar month' }));
    const month = within(r).getByLabelText('Month');
    expect(month).toHaveValue(todayIn('Asia/Kolkata').slice(0, 7));
    fireEvent.change(month, { target: { value: '2025-02' } }); // a month picker's pick
    await waitFor(() => expect(r).toHaveAccessibleName('Impact report: February 2025'));
    await waitFor(() =>
      expect(fetch.mock.calls.map(([u]) => String(u))).toContain('/api/history?start=2025-02-01&end=2025-02-28&buckets=224'),
    );
    await user.click(within(r).getByRole('button', { name: 'Print report' }));
    expect(print).toHaveBeenCalledTimes(1);
  });

  it('shows a retryable error when the history cannot be read', async () => {
    let calls = 0;
    mockFetch(routes(() => (++calls === 1 ? { status: 503, body: { error: 'store busy' } } : history)));
    renderApp({ route: '#/impact' });
    const r = await report();
    const alert = await within(r).findByRole('alert');
    expect(alert).toHaveTextContent("Could not load the report's history: store busy");
    await userEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await within(r).findByRole('row', { name: /CO₂/ })).toHaveTextContent('460 ppm');
  });
});
