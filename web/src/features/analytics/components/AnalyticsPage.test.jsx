import { beforeEach, describe, expect, it, vi } from 'vitest';
import { configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { defaultRoutes, installFakeWebSocket, jsonResponse, mockFetch, renderApp } from '../../../test/utils.jsx';
import { addDays, lastDays, todayIn } from '../../../lib/dates.js';
import { isoDateText } from '../../../lib/time.js';
import { calendarMonth } from '../utils/range.js';

// The page is a lazy chunk (with the chart library): its first import can take a while on a busy box.
configure({ asyncUtilTimeout: 5000 });

// jsdom has no canvas: replace uPlot with a recorder.
const plots = vi.hoisted(() => []);
vi.mock('uplot', () => ({
  default: class FakePlot {
    // as uPlot.tzDate: a Date whose local fields read as the wall time in tz
    static tzDate(date, tz) {
      return new Date(date.toLocaleString('en-US', { timeZone: tz }));
    }
    constructor(opts, data, el) {
      this.opts = opts;
      this.data = data;
      this.width = opts.width;
      this.scales = { x: { min: data[0][0], max: data[0][data[0].length - 1] } };
      const canvas = document.createElement('canvas');
      el.appendChild(canvas);
      this.canvas = canvas;
      plots.push(this);
      queueMicrotask(() => opts.hooks?.draw?.forEach((fn) => fn(this)));
    }
    setScale(key, { min, max }) {
      this.scales[key] = { min, max };
      this.opts.hooks?.setScale?.forEach((fn) => fn(this, key));
    }
    setSize() {}
    destroy() {
      this.canvas.remove();
    }
  },
}));

function history(start, end) {
  return {
    deviceId: 'IOCL_XTRA_O2_ADMIN',
    start,
    end,
    bucket_s: 3600,
    t: [1000, 4600, 8200],
    series: {
      d1: { min: [400, 401, 402], mean: [410, 411, 412], max: [420, 421, 422] },
      d8: { min: [300, 301, 302], mean: [310, 311, 312], max: [320, 321, 322] },
      d3: { min: [20, null, 22], mean: [21, null, 23], max: [22, null, 24] },
    },
  };
}

describe('analytics page', () => {
  beforeEach(() => {
    installFakeWebSocket();
    plots.length = 0;
  });

  it('charts an inlet/outlet pair with mean lines and min–max bands, week and month', async () => {
    const fetch = mockFetch(
      defaultRoutes({
        'GET /api/history': (init, url) => {
          const q = new URL(url, 'http://x').searchParams;
          return history(q.get('start'), q.get('end'));
        },
      }),
    );
    const user = userEvent.setup();
    renderApp({ route: '#/analytics' });

    const select = await screen.findByLabelText('Channel');
    expect(select).toHaveDisplayValue('CO₂: inlet vs outlet');
    await waitFor(() => expect(plots).toHaveLength(1));
    const week = lastDays(7, todayIn('Asia/Kolkata'));
    expect(fetch.mock.calls.some(([u]) => u === `/api/history?start=${week.start}&end=${week.end}&buckets=168`)).toBe(
      true,
    );
    const p = plots[0];
    expect(p.data).toHaveLength(7); // t + 2 × (mean, min, max)
    expect(p.data[1]).toEqual([410, 411, 412]);
    expect(p.data[4]).toEqual([310, 311, 312]);
    expect(p.opts.bands.map((b) => b.series)).toEqual([
      [3, 2],
      [6, 5],
    ]);
    expect(p.opts.series.map((s) => s.label)).toEqual([
      'Time',
      'Inlet CO₂',
      'Inlet CO₂ min',
      'Inlet CO₂ max',
      'Outlet CO₂',
      'Outlet CO₂ min',
      'Outlet CO₂ max',
    ]);
    expect(p.opts.cursor.drag).toMatchObject({ x: true, setScale: true });
    await waitFor(() => expect(window.__xo2ChartRenderMs).toBeGreaterThanOrEqual(0));

    // zoom + reset
    const reset = screen.getByRole('button', { name: 'Reset zoom' });
    expect(reset).toBeDisabled();
    p.setScale('x', { min: 2000, max: 5000 });
    await waitFor(() => expect(reset).toBeEnabled());
    await user.click(reset);
    expect(p.scales.x).toEqual({ min: 1000, max: 8200 });

    // a single channel
    await user.selectOptions(select, 'ch:d3');
    await waitFor(() => expect(plots.at(-1).data).toHaveLength(4));
    expect(plots.at(-1).data[1]).toEqual([21, null, 23]);

    // month
    await user.click(screen.getByRole('button', { name: 'Month' }));
    expect(screen.getByRole('button', { name: 'Month' })).toHaveAttribute('aria-pressed', 'true');
    const month = lastDays(30, todayIn('Asia/Kolkata'));
    await waitFor(() =>
      expect(
        fetch.mock.calls.some(([u]) => u === `/api/history?start=${month.start}&end=${month.end}&buckets=180`),
      ).toBe(true),
    );
    expect(screen.getByRole('figure', { name: 'Inlet Temperature (°C), last 30 days' })).toBeInTheDocument();
  });

  it('validates the CSV range client-side, then lets the browser download a one-time link', async () => {
    const file = 'IOCL_XTRA_O2_ADMIN_2025-11-01_2025-12-01.csv';
    const fetch = mockFetch(
      defaultRoutes({
        'GET /api/history': history('a', 'b'),
        'POST /api/report-link': { url: '/api/download/one-time-id', filename: file, expires_in: 60 },
      }),
    );
    const clicks = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function () {
      clicks.push([this.getAttribute('href'), this.download]);
    });
    const user = userEvent.setup();
    renderApp({ route: '#/analytics' });

    const start = await screen.findByLabelText('Start date');
    const end = screen.getByLabelText('End date');
    const button = screen.getByRole('button', { name: 'Download CSV' });

    fireEvent.change(start, { target: { value: '2024-10-01' } });
    fireEvent.change(end, { target: { value: '2025-11-15' } });
    await user.click(button);
    expect(await screen.findByRole('alert')).toHaveTextContent('The range is 411 days; choose at most 366 days.');
    expect(end).toHaveAccessibleDescription(/The range is 411 days/);

    fireEvent.change(start, { target: { value: '2025-11-20' } });
    await user.click(button);
    await waitFor(() =>
      expect(screen.getByRole('alert')).toHaveTextContent('The start date must be on or before the end date.'),
    );
    expect(fetch.mock.calls.some(([u]) => u.startsWith('/api/report'))).toBe(false);

    fireEvent.change(start, { target: { value: '2025-11-01' } });
    fireEvent.change(end, { target: { value: '2025-12-01' } });
    await user.click(button);
    const region = screen.getByRole('region', { name: 'Download CSV' });
    expect(await within(region).findByRole('status')).toHaveTextContent(`Downloading ${file}`);
    expect(within(region).queryByRole('alert')).toBeNull();
    const call = fetch.mock.calls.find(([u]) => u.startsWith('/api/report-link'));
    // people's CSV first: averaged at 5 minutes (SPEC 12), the raw rows on request
    expect(call[0]).toBe('/api/report-link?startDate=2025-11-01&endDate=2025-12-01&every=300');
    const kinds = screen.getByLabelText('Rows');
    expect([...kinds.options].map((o) => o.textContent)).toEqual([
      'averaged (5 min, for spreadsheets)',
      'raw (every frame)',
    ]);
    expect(call[1].method).toBe('POST');
    expect(call[1].headers.Authorization).toBe('Bearer test-token');
    expect(clicks).toEqual([['/api/download/one-time-id', file]]);   // the browser fetches it, not the page
    await user.selectOptions(kinds, 'raw (every frame)');
    await user.click(button);
    await waitFor(() => expect(fetch.mock.calls.filter(([u]) => u.startsWith('/api/report-link'))).toHaveLength(2));
    expect(fetch.mock.calls.filter(([u]) => u.startsWith('/api/report-link'))[1][0]).toBe(
      '/api/report-link?startDate=2025-11-01&endDate=2025-12-01',
    );
    click.mockRestore();
  });

  it('shows the cloud error when the report cannot be made, and starts no download', async () => {
    mockFetch(
      defaultRoutes({
        'GET /api/history': history('a', 'b'),
        'POST /api/report-link': jsonResponse(502, { error: 'device cloud returned 500 (report)' }),
      }),
    );
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const user = userEvent.setup();
    renderApp({ route: '#/analytics' });
    await user.click(await screen.findByRole('button', { name: 'Download CSV' }));
    const region = screen.getByRole('region', { name: 'Download CSV' });
    expect(await within(region).findByRole('alert')).toHaveTextContent(
      'Download failed: device cloud returned 500 (report)',
    );
    expect(click).not.toHaveBeenCalled();
    click.mockRestore();
  });

  it("asks for the unit's days and shows its hours, whatever the browser's zone", async () => {
    // 20:00 UTC on Dec 1 is already Dec 2, 01:30 at the unit (Asia/Kolkata)
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-12-01T20:00:00Z'));
    try {
      const fetch = mockFetch(defaultRoutes({ 'GET /api/history': history('2025-11-26', '2025-12-02') }));
      renderApp({ route: '#/analytics' });
      await waitFor(() =>
        expect(fetch.mock.calls.some(([u]) => u === '/api/history?start=2025-11-26&end=2025-12-02&buckets=168')).toBe(
          true,
        ),
      );
      await waitFor(() => expect(plots.length).toBeGreaterThan(0));
      const tzDate = plots.at(-1).opts.tzDate;
      expect(tzDate(Date.UTC(2025, 11, 1, 20, 0) / 1000).getHours()).toBe(1); // 01:30 at the unit
      expect(await screen.findByLabelText('End date')).toHaveValue('2025-12-02');
      expect(screen.getByLabelText('End date')).toHaveAttribute('max', '2025-12-02');
    } finally {
      vi.useRealTimers();
    }
  });

  it('flags history served from the cache because the device cloud failed', async () => {
    const week = lastDays(7, todayIn('Asia/Kolkata'));
    mockFetch(
      defaultRoutes({
        'GET /api/history': (init, url) => {
          const q = new URL(url, 'http://x').searchParams;
          const stale = q.get('start') === week.start; // the week is cached, the month fresh
          const body = { ...history(q.get('start'), q.get('end')), stale };
          return jsonResponse(200, body, { 'X-Cache': stale ? 'stale' : 'miss' });
        },
      }),
    );
    const user = userEvent.setup();
    renderApp({ route: '#/analytics' });

    const notice = await screen.findByText(/This history comes from the cache: the device cloud is not answering/);
    expect(notice).toHaveAttribute('role', 'status');
    await waitFor(() => expect(plots).toHaveLength(1)); // the cached data is still charted

    await user.click(screen.getByRole('button', { name: 'Month' }));
    expect(await screen.findByRole('figure', { name: /last 30 days/ })).toBeInTheDocument();
    expect(screen.queryByText(/This history comes from the cache/)).toBeNull();
  });

  it('charts the last year and a free range of up to 366 days', async () => {
    const fetch = mockFetch(
      defaultRoutes({
        'GET /api/history': (init, url) => {
          const q = new URL(url, 'http://x').searchParams;
          return { ...history(q.get('start'), q.get('end')), days_pending: q.get('buckets') === '365' ? 200 : 0 };
        },
      }),
    );
    const user = userEvent.setup();
    renderApp({ route: '#/analytics' });
    await screen.findByLabelText('Channel');

    await user.click(screen.getByRole('button', { name: 'Year' }));
    const year = lastDays(365, todayIn('Asia/Kolkata'));
    await waitFor(() =>
      expect(fetch.mock.calls.some(([u]) => u === `/api/history?start=${year.start}&end=${year.end}&buckets=365`)).toBe(
        true,
      ),
    );
    expect(await screen.findByRole('figure', { name: 'CO₂: inlet vs outlet, last 365 days' })).toBeInTheDocument();
    expect(screen.getByText(/200 older days of this range are still being fetched/)).toHaveAttribute('role', 'status');

    await user.click(screen.getByRole('button', { name: 'Range' }));
    const form = screen.getByRole('form', { name: 'Chart range' });
    fireEvent.change(within(form).getByLabelText('From'), { target: { value: '2024-01-01' } });
    fireEvent.change(within(form).getByLabelText('To'), { target: { value: '2025-01-01' } });
    await user.click(within(form).getByRole('button', { name: 'Show' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent('The range is 367 days; choose at most 366 days.');
    expect(fetch.mock.calls.some(([u]) => u.includes('start=2024-01-01'))).toBe(false);
    expect(within(form).getByLabelText('To')).toHaveAttribute('aria-invalid', 'true');

    // the unit's calendar: no day after its today
    const today = todayIn('Asia/Kolkata');
    fireEvent.change(within(form).getByLabelText('From'), { target: { value: today } });
    fireEvent.change(within(form).getByLabelText('To'), { target: { value: addDays(today, 1) } });
    await user.click(within(form).getByRole('button', { name: 'Show' }));
    const day = isoDateText(today);
    await waitFor(() =>
      expect(within(form).getByRole('alert')).toHaveTextContent(
        `The end date is after today at the unit (${day}); choose ${day} or earlier.`,
      ),
    );
    expect(within(form).getByText(`Days at the unit (today there is ${day}), both included, up to 366 days.`)).toBeInTheDocument();

    // a quick fill: the whole previous calendar month, charted at once
    await user.click(within(form).getByRole('button', { name: 'Previous month' }));
    const prev = calendarMonth(today, -1);
    await waitFor(() =>
      expect(fetch.mock.calls.some(([u]) => u.startsWith(`/api/history?start=${prev.start}&end=${prev.end}&buckets=`))).toBe(true),
    );
    expect(within(form).getByLabelText('From')).toHaveValue(prev.start);

    fireEvent.change(within(form).getByLabelText('From'), { target: { value: '2024-01-01' } });
    fireEvent.change(within(form).getByLabelText('To'), { target: { value: '2024-01-03' } });
    await user.click(within(form).getByRole('button', { name: 'Show' }));
    await waitFor(() =>
      expect(fetch.mock.calls.some(([u]) => u === '/api/history?start=2024-01-01&end=2024-01-03&buckets=72')).toBe(true),
    );
    expect(await screen.findByRole('figure', { name: 'CO₂: inlet vs outlet, 01 Jan 2024 to 03 Jan 2024' })).toBeInTheDocument();
    expect(within(form).queryByRole('alert')).toBeNull();
  });

  it('shows the history store: backfill progress, then the days kept', async () => {
    const states = [
      { days_stored: 20, oldest: '2025-11-01', newest: '2025-11-20', bytes: 21e6, error: null,
        backfill: { pending: 11, running: true, last_error: null } },
      { days_stored: 31, oldest: '2025-10-31', newest: '2025-11-30', bytes: 33e6, error: null,
        backfill: { pending: 0, running: false, last_error: null } },
    ];
    let calls = 0;
    mockFetch(
      defaultRoutes({
        'GET /api/history': history('a', 'b'),
        'GET /api/history/status': () => states[Math.min(calls++, states.length - 1)],
      }),
    );
    renderApp({ route: '#/analytics' });
    const bar = await screen.findByRole('progressbar', { name: /Fetching past days from the device cloud: 11 left/ });
    expect(bar).toHaveAttribute('max', '31');
    expect(bar).toHaveAttribute('value', '20');
    // polled every 2 s while it runs
    expect(
      await screen.findByText(/31 past days stored \(31 Oct 2025 to 30 Nov 2025\), 33 MB/, {}, { timeout: 4000 }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('says so when the history store cannot write (disk full)', async () => {
    mockFetch(
      defaultRoutes({
        'GET /api/history': history('a', 'b'),
        'GET /api/history/status': {
          days_stored: 3, oldest: '2025-11-01', newest: '2025-11-03', bytes: 3e6,
          error: "the history store's disk is full (XO2_HISTORY_DIR): free some space",
          backfill: { pending: 2, running: false, last_error: '2025-10-31: device cloud returned 500 (report)' },
        },
      }),
    );
    renderApp({ route: '#/analytics' });
    expect(await screen.findByText(/History store: the history store's disk is full/)).toHaveAttribute('role', 'alert');
    expect(screen.getByText(/Last fetch problem: 2025-10-31: device cloud returned 500/)).toBeInTheDocument();
  });

  it('compares any channels on one chart: a second unit gets its own axis, a third is refused', async () => {
    mockFetch(
      defaultRoutes({
        'GET /api/history': (init, url) => {
          const q = new URL(url, 'http://x').searchParams;
          return history(q.get('start'), q.get('end'));
        },
      }),
    );
    const user = userEvent.setup();
    renderApp({ route: '#/analytics' });
    const add = await screen.findByLabelText('Compare with');
    await waitFor(() => expect(plots).toHaveLength(1));
    expect(plots[0].opts.axes).toHaveLength(2); // one unit: x and one y axis

    await user.selectOptions(add, 'd3'); // Inlet Temperature, °C, beside CO₂ in ppm
    await waitFor(() => expect(plots.at(-1).data).toHaveLength(10));
    const p = plots.at(-1);
    expect(p.data[7]).toEqual([21, null, 23]);
    expect(p.opts.axes.map((a) => [a.scale, a.side, a.label])).toEqual([
      [undefined, undefined, 'Time (IST)'],
      ['y', 3, 'ppm'],
      ['y2', 1, '°C'],
    ]);
    expect(p.opts.series.slice(1).map((s) => s.scale)).toEqual(['y', 'y', 'y', 'y', 'y', 'y', 'y2', 'y2', 'y2']);
    expect(p.opts.series[7].value(p, 21.04)).toBe('21.0°C');
    expect(p.opts.series[1].value(p, 410)).toBe('410 ppm');
    expect(screen.getByText('Two units: ppm on the left axis, °C on the right.')).toBeInTheDocument();
    expect(screen.getByLabelText('Channel')).toHaveDisplayValue('Comparison of 3');
    expect(
      screen.getByRole('figure', { name: 'Inlet CO₂ vs Outlet CO₂ vs Inlet Temperature, last 7 days' }),
    ).toBeInTheDocument();
    const chips = within(screen.getByRole('list', { name: 'Channels on the chart' })).getAllByRole('listitem');
    expect(chips.map((c) => c.textContent)).toEqual(['Inlet CO₂ (ppm)×', 'Outlet CO₂ (ppm)×', 'Inlet Temperature (°C)×']);

    // a third unit cannot join; the option says why
    const humidity = within(add).getByRole('option', { name: /Inlet Humidity/ });
    expect(humidity).toBeDisabled();
    expect(humidity).toHaveTextContent('not possible: a third unit (the chart has two axes: ppm, °C)');

    // remove both CO₂ lines: back to one unit, one axis
    await user.click(screen.getByRole('button', { name: 'Remove Inlet CO₂ from the chart' }));
    await user.click(screen.getByRole('button', { name: 'Remove Outlet CO₂ from the chart' }));
    await waitFor(() => expect(plots.at(-1).data).toHaveLength(4));
    expect(plots.at(-1).opts.axes).toHaveLength(2);
    expect(screen.getByLabelText('Channel')).toHaveDisplayValue('Inlet Temperature (°C)');
    expect(screen.getByRole('button', { name: 'Remove Inlet Temperature from the chart' })).toBeDisabled();
  });

  it('saves the chart as a PNG and its series as a CSV, both made in the browser', async () => {
    const fetch = mockFetch(
      defaultRoutes({
        'GET /api/history': (init, url) => {
          const q = new URL(url, 'http://x').searchParams;
          return history(q.get('start'), q.get('end'));
        },
      }),
    );
    const saved = [];
    const blobs = new Map();
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      const url = `blob:test/${blobs.size}`;
      blobs.set(url, blob);
      return url;
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function () {
      saved.push({ name: this.download, blob: blobs.get(this.getAttribute('href')) });
    });
    const drawn = [];
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(() => ({
      fillRect() {},
      scale() {},
      setTransform() {},
      fillText: (t) => drawn.push(t),
      measureText: (t) => ({ width: t.length * 7 }),
      drawImage: (img) => drawn.push(img),
    }));
    vi.spyOn(HTMLCanvasElement.prototype, 'toBlob').mockImplementation((cb, type) => cb(new Blob(['png'], { type })));
    try {
      const user = userEvent.setup();
      renderApp({ route: '#/analytics' });
      await waitFor(() => expect(plots).toHaveLength(1));
      const week = lastDays(7, todayIn('Asia/Kolkata'));
      const calls = fetch.mock.calls.length;

      await user.click(screen.getByRole('button', { name: 'Save chart as PNG' }));
      await waitFor(() => expect(saved).toHaveLength(1));
      expect(saved[0].name).toBe(`xtrao2_d1-d8_${week.start}_${week.end}.png`);
      expect(saved[0].blob.type).toBe('image/png');
      expect(drawn).toContain(`CO₂: inlet vs outlet, last 7 days`);
      expect(drawn).toContain('Inlet CO₂');
      expect(drawn).toContain(plots[0].canvas); // uPlot's own canvas is what is drawn

      await user.click(screen.getByRole('button', { name: 'Save data as CSV' }));
      expect(saved).toHaveLength(2);
      expect(saved[1].name).toBe(`xtrao2_d1-d8_${week.start}_${week.end}.csv`);
      expect(saved[1].blob.type).toBe('text/csv;charset=utf-8');
      const head = new Uint8Array(await saved[1].blob.slice(0, 3).arrayBuffer());
      expect([...head]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 with a BOM (text() drops it)
      const lines = (await saved[1].blob.text()).split('\r\n');
      expect(lines[0]).toBe(
        'time (Asia/Kolkata),Inlet CO₂ [ppm] min,Inlet CO₂ [ppm] mean,Inlet CO₂ [ppm] max,' +
          'Outlet CO₂ [ppm] min,Outlet CO₂ [ppm] mean,Outlet CO₂ [ppm] max',
      );
      expect(lines[1]).toBe('1970-01-01 05:46,400,410,420,300,310,320'); // t=1000 s at UTC+5:30
      expect(lines).toHaveLength(5);
      expect(fetch.mock.calls.length).toBe(calls); // nothing more was fetched for either file
      expect(screen.queryByRole('alert')).toBeNull();
    } finally {
      vi.restoreAllMocks();
    }
  });
});
