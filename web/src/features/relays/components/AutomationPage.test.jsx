import { beforeEach, describe, expect, it } from 'vitest';
import { act, configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { frame, liveResponse, relay, relays } from '../../../test/fixtures.js';
import {
  FakeWebSocket,
  defaultRoutes,
  installFakeWebSocket,
  jsonResponse,
  mockFetch,
  renderApp,
} from '../../../test/utils.jsx';
import { relayKeys } from '../api/relays.js';

// The page is a lazy chunk (and react-hook-form): its first import can take a while on a busy CI box.
configure({ asyncUtilTimeout: 5000 });

const display = () => ({
  enabled: true,
  interval_s: 10,
  standard: 'cpcb',
  max_age_s: 60,
  last: {
    at: Math.floor(Date.now() / 1000) - 4,
    values: { i11: 51, i12: 32, i13: 67, i14: 12, i15: 45, i16: 27, i17: 11, i18: 25 },
    text: 'AQI: 51  TEMP: 32  HUMIDITY:67%  12:45  27/11/25',
    skipped_reason: null,
  },
});
const audit = {
  entries: [
    { at: 1764949464, who: 'admin', what: 'i1 -> ON', why: 'manual', result: 'confirmed', latency_s: 2.4 },
    { at: 1764949400, who: 'rule', what: 'i2 -> OFF', why: 'd9 below 20', result: 'failed', latency_s: null },
    { at: 1764949300, who: 'admin', what: 'login', why: 'from 10.0.0.7 (web)', result: 'wrong id or password', count: 5 },
  ],
};

const healthOk = {
  status: 'ok',
  upstream: { socket_connected: true, last_frame_age_s: 4.2 },
  state_file: { ok: true, error: null, kept_aside: null, file: 'state.json', writable: true, last_saved_at: 1 },
  display: { enabled: true, last_at: 1, skipped_reason: null, error: null },
  commands: { pending: 0, queued: 0, last_cloud_error: null },
};

function routes(extra) {
  return defaultRoutes({
    'GET /api/automation/display': display,
    'GET /api/automation/audit': audit,
    'GET /api/automation/health': healthOk,
    ...extra,
  });
}

/** A relay's row, by the relay's name (its code is only in a tooltip). */
async function card(id) {
  return screen.findByRole('region', { name: `Relay ${id.slice(1)}` });
}

/** Open the row's details (name, mode, rule). */
async function details(user, c) {
  const toggle = within(c).getByRole('button', { name: /^Details/ });
  await user.click(toggle);
  expect(toggle).toHaveAttribute('aria-expanded', 'true');
}

function actual(c) {
  return c.querySelector('.pill').textContent;
}

function controls(c) {
  return [within(c).getByLabelText('Name'), within(c).getByLabelText('Mode'), within(c).getByRole('switch')];
}

describe('automation page', () => {
  beforeEach(() => {
    installFakeWebSocket();
  });

  it('a manual tap shows PENDING and locks the relay until the command is confirmed', async () => {
    let state = relays();
    let polls = 0;
    const fetch = mockFetch(
      routes({
        'GET /api/live': liveResponse(frame({ i1: 0 })),
        'GET /api/automation/relays': () => {
          polls += 1;
          return state;
        },
        'POST /api/automation/relays/i1/command': (init) => {
          const { state: desired } = JSON.parse(init.body);
          const pending = relay('i1', { command: { state: 'pending', desired, since: 1, reason: null } });
          state = { relays: state.relays.map((r) => (r.id === 'i1' ? pending : r)) };
          // the unit confirms after the next poll (a newer frame shows the new state)
          setTimeout(() => {
            act(() =>
              FakeWebSocket.last().emit({
                type: 'deviceData',
                deviceId: 'IOCL_XTRA_O2_ADMIN',
                data: frame({ ts: Math.floor(Date.now() / 1000), i1: 1 }),
              }),
            );
            state = {
              relays: state.relays.map((r) =>
                r.id === 'i1'
                  ? { ...r, actual: 1, command: { state: 'confirmed', desired: 1, since: 2, reason: null } }
                  : r,
              ),
            };
          }, 300);
          return jsonResponse(202, { relay: pending });
        },
      }),
    );
    const user = userEvent.setup();
    renderApp({ route: '#/automation' });

    const c = await card('i1');
    const sw = within(c).getByRole('switch', { name: 'Relay 1 power' });
    expect(sw).toHaveAttribute('aria-checked', 'false');
    expect(actual(c)).toBe('OFF');
    await user.click(sw);

    expect(await within(c).findByText('PENDING')).toBeInTheDocument();
    await details(user, c);
    for (const el of controls(c)) expect(el).toBeDisabled();
    expect(sw).toHaveAttribute('aria-checked', 'true'); // shows the requested state while pending
    const post = fetch.mock.calls.find(([u]) => u === '/api/automation/relays/i1/command');
    expect(JSON.parse(post[1].body)).toEqual({ state: 1 });
    // other relays stay usable
    expect(within(await card('i2')).getByRole('switch')).toBeEnabled();

    // polling picks up the confirmation and unlocks
    expect(await within(c).findByText('CONFIRMED', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(within(c).queryByText('PENDING')).toBeNull();
    expect(actual(c)).toBe('ON');
    expect(within(c).getByRole('switch')).toBeEnabled();
    expect(within(c).getByLabelText('Name')).toBeEnabled();
    expect(polls).toBeGreaterThan(1);
  }, 10_000);

  it('a failed command offers Retry, which sends the command again', async () => {
    const failed = relay('i3', {
      command: { state: 'failed', desired: 1, since: 1, reason: 'no confirmation within 60 s' },
    });
    let state = relays({ i3: failed });
    const fetch = mockFetch(
      routes({
        'GET /api/automation/relays': () => state,
        'POST /api/automation/relays/i3/command': () => {
          const pending = { ...failed, command: { state: 'pending', desired: 1, since: 2 } };
          state = relays({ i3: pending });
          return jsonResponse(202, { relay: pending });
        },
      }),
    );
    const user = userEvent.setup();
    renderApp({ route: '#/automation' });
    const c = await card('i3');
    expect(within(c).getByText('FAILED')).toBeInTheDocument();
    expect(within(c).getByText(/no confirmation within 60 s/)).toBeInTheDocument();
    expect(within(c).getByRole('switch')).toBeEnabled();
    await user.click(within(c).getByRole('button', { name: 'Retry' }));
    expect(await within(c).findByText('PENDING')).toBeInTheDocument();
    const post = fetch.mock.calls.find(([u]) => u === '/api/automation/relays/i3/command');
    expect(JSON.parse(post[1].body)).toEqual({ state: 1 });
  });

  it('shows a 409 conflict message', async () => {
    mockFetch(
      routes({
        'GET /api/automation/relays': relays(),
        'POST /api/automation/relays/i4/command': {
          status: 409,
          body: { error: 'a command for i4 is already pending' },
        },
      }),
    );
    const user = userEvent.setup();
    renderApp({ route: '#/automation' });
    const c = await card('i4');
    await user.click(within(c).getByRole('switch'));
    expect(await within(c).findByRole('alert')).toHaveTextContent('a command for i4 is already pending');
  });

  it('a sensor rule: typing Low says nothing about a High not yet filled, so Save stays where it is', async () => {
    const puts = [];
    mockFetch(
      routes({
        'GET /api/automation/relays': relays(),
        'PUT /api/automation/relays/i2': (init) => {
          puts.push(JSON.parse(init.body));
          return jsonResponse(200, { ...relay('i2'), ...JSON.parse(init.body) });
        },
      }),
    );
    const user = userEvent.setup();
    renderApp({ route: '#/automation' });
    const c = await card('i2');
    await details(user, c);
    await user.selectOptions(within(c).getByLabelText('Mode'), 'sensor');
    await user.selectOptions(within(c).getByLabelText('Sensor channel'), 'd9');
    await user.type(within(c).getByLabelText(/^Low/), '20');
    const high = within(c).getByLabelText(/^High/);
    expect(high).not.toHaveAccessibleDescription(/Enter high/);
    await user.type(high, '35');
    expect(high).not.toHaveAccessibleDescription(/Enter high/);
    // once High has been left, a new Low checks it again
    const low = within(c).getByLabelText(/^Low/);
    await user.clear(low);
    await user.type(low, '40');
    await waitFor(() => expect(high).toHaveAccessibleDescription('High must be greater than Low (40 µg/m³).'));
    await user.clear(low);
    await user.type(low, '20');
    await waitFor(() => expect(high).not.toHaveAccessibleDescription(/High must/));
    await user.click(within(c).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(puts).toEqual([{ name: 'Relay 2', mode: 'sensor', sensor: { channel: 'd9', low: 20, high: 35, above: 1 } }]));
  });

  it('saves a sensor rule: ranges from the channel map in sentences, a 400 at its field', async () => {
    const puts = [];
    mockFetch(
      routes({
        'GET /api/automation/relays': relays(),
        'PUT /api/automation/relays/i2': (init) => {
          const body = JSON.parse(init.body);
          puts.push(body);
          if (body.sensor.low === 40) {
            return jsonResponse(400, { error: 'Low must leave a dead band of 5 µg/m³', field: 'sensor.low' });
          }
          return jsonResponse(200, { ...relay('i2'), ...body });
        },
      }),
    );
    const user = userEvent.setup();
    renderApp({ route: '#/automation' });
    const c = await card('i2');
    await details(user, c);
    expect(within(c).queryByRole('button', { name: 'Save' })).toBeNull(); // nothing changed yet
    await user.selectOptions(within(c).getByLabelText('Mode'), 'sensor');
    expect(within(c).getByRole('button', { name: 'Save' })).toBeEnabled();

    // sensor channels come from the map by label, without relays and without versions
    const channel = within(c).getByLabelText('Sensor channel');
    expect(within(channel).getByRole('option', { name: 'Outlet Dust PM' })).toBeInTheDocument();
    expect(within(channel).queryByRole('option', { name: /Relay/ })).toBeNull();
    expect(within(channel).queryByRole('option', { name: /version/ })).toBeNull();
    expect(channel.textContent).not.toMatch(/\bd\d+\b/);

    // out of the channel's range: refused in the browser, with the range and unit named
    await user.selectOptions(channel, 'd4');
    await user.type(within(c).getByLabelText('Low (%)'), '150');
    await user.type(within(c).getByLabelText('High (%)'), '160');
    await user.click(within(c).getByRole('button', { name: 'Save' }));
    const low = within(c).getByLabelText(/^Low/);
    await waitFor(() => expect(low).toHaveAccessibleDescription('Low must be between 0 and 100 % for Inlet Humidity.'));
    expect(within(c).getByLabelText(/^High/)).toHaveAccessibleDescription(
      'High must be between 0 and 100 % for Inlet Humidity.',
    );
    expect(puts).toHaveLength(0);

    await user.selectOptions(channel, 'd9');
    expect(within(c).getByLabelText('Low (µg/m³)')).toBeInTheDocument();
    await user.clear(within(c).getByLabelText(/^Low/));
    await user.type(within(c).getByLabelText(/^Low/), '-50');
    await user.clear(within(c).getByLabelText(/^High/));
    await user.type(within(c).getByLabelText(/^High/), '30');
    await user.click(within(c).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(low).toHaveAccessibleDescription('Low must be at least 0 µg/m³ for Outlet Dust PM.'));
    await user.clear(low);
    await user.type(low, '40');
    await user.click(within(c).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(within(c).getByLabelText(/^High/)).toHaveAccessibleDescription('High must be greater than Low (40 µg/m³).'),
    );
    expect(puts).toHaveLength(0);

    await user.clear(within(c).getByLabelText(/^High/));
    await user.type(within(c).getByLabelText(/^High/), '50');
    await user.selectOptions(within(c).getByLabelText('State above high'), '0');
    expect(
      within(c).getByText(/Above high → OFF; below low → ON; in between the relay keeps its state/),
    ).toBeInTheDocument();
    await user.click(within(c).getByRole('button', { name: 'Save' }));

    // the server's 400 beside the field it names, in its own words
    await waitFor(() => expect(low).toHaveAttribute('aria-invalid', 'true'));
    expect(low).toHaveAccessibleDescription('Low must leave a dead band of 5 µg/m³');
    expect(within(low.closest('.field')).getByRole('alert')).toHaveTextContent('Low must leave a dead band of 5 µg/m³');
    expect(within(c).getByLabelText(/^High/)).not.toHaveAttribute('aria-invalid');
    expect(puts[0]).toEqual({
      name: 'Relay 2',
      mode: 'sensor',
      sensor: { channel: 'd9', low: 40, high: 50, above: 0 },
    });

    // fix it and save again
    await user.clear(within(c).getByLabelText(/^Low/));
    await user.type(within(c).getByLabelText(/^Low/), '20');
    await user.click(within(c).getByRole('button', { name: 'Save' }));
    expect(await within(c).findByText('Saved.')).toBeInTheDocument();
    expect(within(c).queryByRole('alert')).toBeNull();
    expect(puts[1].sensor).toEqual({ channel: 'd9', low: 20, high: 50, above: 0 });
    expect(within(c).queryByRole('button', { name: 'Save' })).toBeNull(); // saved: nothing to save
  }, 20_000);

  it('refuses a name over 40 characters with a counter and a sentence, never cutting it', async () => {
    const puts = [];
    mockFetch(
      routes({
        'GET /api/automation/relays': relays(),
        'PUT /api/automation/relays/i3': (init) => {
          puts.push(JSON.parse(init.body));
          return jsonResponse(200, { ...relay('i3'), ...JSON.parse(init.body) });
        },
      }),
    );
    const user = userEvent.setup();
    renderApp({ route: '#/automation' });
    const c = await card('i3');
    await details(user, c);
    const name = within(c).getByLabelText('Name');
    await user.clear(name);
    const long = 'Exhaust fan over the north loading dock bay 3'; // 45 characters
    await user.type(name, long);
    expect(name).toHaveValue(long);
    expect(within(c).getByText('45 of 40 characters')).toBeInTheDocument();
    await user.click(within(c).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(name).toHaveAccessibleDescription('The name is 45 characters; use at most 40.'));
    expect(puts).toHaveLength(0);
    await user.clear(name);
    await user.click(within(c).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(name).toHaveAccessibleDescription('Enter the name.'));
    await user.type(name, 'Exhaust fan');
    await user.click(within(c).getByRole('button', { name: 'Save' }));
    expect(await within(c).findByText('Saved.')).toBeInTheDocument();
    expect(puts).toEqual([{ name: 'Exhaust fan', mode: 'manual' }]);
  });

  it('says "Sending…" at once on a tap, then counts down to the confirmation', async () => {
    const now = Date.now() / 1000;
    let release;
    let state = relays();
    mockFetch(
      routes({
        'GET /api/automation/relays': () => state,
        'GET /api/automation/health': { ...healthOk, commands: { ...healthOk.commands, timeout_s: 20 } },
        'POST /api/automation/relays/i4/command': () =>
          new Promise((resolve) => {
            release = () => {
              const pending = relay('i4', { command: { state: 'pending', desired: 1, since: now, reason: null } });
              state = relays({ i4: pending });
              resolve(jsonResponse(202, { relay: pending }));
            };
          }),
      }),
    );
    const user = userEvent.setup();
    renderApp({ route: '#/automation' });
    const c = await card('i4');
    await user.click(within(c).getByRole('switch'));
    expect(within(c).getByRole('status')).toHaveTextContent('Sending… switching ON');
    expect(within(c).getByRole('switch')).toHaveAttribute('aria-checked', 'true');
    act(() => release());
    const status = await within(c).findByText(/waiting for the unit to confirm/);
    expect(status).toHaveTextContent(/\(up to (1\d|20) s more\)/);
  });

  it('edits time windows with weekday toggles', async () => {
    const puts = [];
    mockFetch(
      routes({
        'GET /api/automation/relays': relays(),
        'PUT /api/automation/relays/i5': (init) => {
          const body = JSON.parse(init.body);
          puts.push(body);
          if (body.time.windows[1]?.start === '') {
            return jsonResponse(400, { error: 'start must be HH:MM', field: 'time.windows[1].start' });
          }
          return jsonResponse(200, { ...relay('i5'), ...body });
        },
      }),
    );
    const user = userEvent.setup();
    renderApp({ route: '#/automation' });
    const c = await card('i5');
    await details(user, c);
    await user.selectOptions(within(c).getByLabelText('Mode'), 'time');
    const from = within(c).getByLabelText('Window 1 from');
    await user.clear(from);
    await user.type(from, '22:00');
    const to = within(c).getByLabelText('Window 1 to');
    await user.clear(to);
    await user.type(to, '06:00');
    const days = within(c).getByRole('group', { name: 'Window 1 days' });
    await user.click(within(days).getByRole('button', { name: 'Mon' }));
    await user.click(within(days).getByRole('button', { name: 'Fri' }));
    expect(within(days).getByRole('button', { name: 'Fri' })).toHaveAttribute('aria-pressed', 'true');
    await user.click(within(c).getByRole('button', { name: '+ Add window' }));
    await user.clear(within(c).getByLabelText('Window 2 from'));
    await user.selectOptions(within(c).getByLabelText('State inside windows'), '0');
    await user.click(within(c).getByRole('button', { name: 'Save' }));

    const start2 = within(c).getByLabelText('Window 2 from');
    await waitFor(() => expect(start2).toHaveAccessibleDescription('start must be HH:MM'));
    expect(puts[0]).toEqual({
      name: 'Relay 5',
      mode: 'time',
      time: {
        windows: [
          { start: '22:00', end: '06:00', days: [0, 4] },
          { start: '', end: '18:00', days: [] },
        ],
        inside: 0,
      },
    });
    await user.click(within(c).getByRole('button', { name: 'Remove window 2' }));
    await user.click(within(c).getByRole('button', { name: 'Save' }));
    expect(await within(c).findByText('Saved.')).toBeInTheDocument();
    expect(puts[1].time.windows).toHaveLength(1);
  });

  it('shows the display preview, pauses it, and lists the audit log', async () => {
    const puts = [];
    mockFetch(
      routes({
        'GET /api/automation/relays': relays(),
        'PUT /api/automation/display': (init) => {
          const body = JSON.parse(init.body);
          puts.push(body);
          return { ...display(), ...body };
        },
      }),
    );
    const user = userEvent.setup();
    renderApp({ route: '#/automation' });
    const lcd = await screen.findByLabelText('Display preview');
    expect(lcd).toHaveTextContent('AQI: 51 TEMP: 32 HUMIDITY:67% 12:45 27/11/25');
    expect(screen.getByText(/Pushed \d+ s ago/)).toBeInTheDocument();
    const toggle = screen.getByRole('switch', { name: 'Display updates' });
    expect(toggle).toHaveAttribute('aria-checked', 'true');
    await user.click(toggle);
    await waitFor(() => expect(puts).toEqual([{ enabled: false }]));
    await user.selectOptions(screen.getByLabelText('AQI standard'), 'epa');
    await waitFor(() => expect(puts[1]).toEqual({ standard: 'epa' }));

    const table = screen.getByRole('table', { name: 'Audit log' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(4);
    // relays and channels by name, times at the unit
    expect(rows[1]).toHaveTextContent('Relay 1 → ON');
    expect(rows[1]).toHaveTextContent('2.4 s');
    expect(rows[1]).toHaveTextContent(/\d\d [A-Z][a-z]{2} \d{4}, \d\d:\d\d:\d\d IST/);
    expect(rows[2]).toHaveTextContent('Outlet Dust PM below 20');
    expect(rows[1]).not.toHaveTextContent('times');
    expect(rows[3]).toHaveTextContent('wrong id or password (5 times)'); // failed logins: one entry a minute
    expect(table.textContent).not.toMatch(/\b[di]\d+\b/);
  });

  it('a sensor relay with a pending automation command stays editable and shows PENDING', async () => {
    const sensorRule = { channel: 'd9', low: 20, high: 35, above: 1 };
    const puts = [];
    mockFetch(
      routes({
        'GET /api/automation/relays': relays({
          i6: {
            mode: 'sensor',
            sensor: sensorRule,
            command: { state: 'pending', desired: 1, since: 1, reason: 'd9 above 35' },
          },
          i7: { command: { state: 'pending', desired: 1, since: 1, reason: null } }, // a manual tap
        }),
        'PUT /api/automation/relays/i6': (init) => {
          const body = JSON.parse(init.body);
          puts.push(body);
          return jsonResponse(200, { relay: relay('i6', { ...body, command: { state: 'pending', desired: 1 } }) });
        },
      }),
    );
    const user = userEvent.setup();
    renderApp({ route: '#/automation' });

    // manual relay: the tap locks the whole row
    const manual = await card('i7');
    expect(within(manual).getByText('PENDING')).toBeInTheDocument();
    await details(user, manual);
    for (const el of controls(manual)) expect(el).toBeDisabled();

    // sensor relay: the automation's command is shown, but the rule stays editable
    const c = await card('i6');
    expect(within(c).getByText('PENDING')).toBeInTheDocument();
    expect(c.closest('li')).toHaveAttribute('aria-busy', 'false');
    await details(user, c);
    const name = within(c).getByLabelText('Name');
    const high = within(c).getByLabelText(/^High/);
    for (const el of [name, within(c).getByLabelText('Mode'), within(c).getByLabelText('Sensor channel'), high]) {
      expect(el).toBeEnabled();
    }
    await user.clear(high);
    await user.type(high, '40');
    await user.click(within(c).getByRole('button', { name: 'Save' }));
    expect(await within(c).findByText('Saved.')).toBeInTheDocument();
    expect(puts[0]).toEqual({ name: 'Relay 6', mode: 'sensor', sensor: { ...sensorRule, high: 40 } });

    // and the admin can switch it back to manual while the command is still pending
    await user.selectOptions(within(c).getByLabelText('Mode'), 'manual');
    await user.click(within(c).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(puts[1]).toEqual({ name: 'Relay 6', mode: 'manual' }));
  });

  it('the relay switch follows the newest live frame, else the relay list', async () => {
    mockFetch(
      routes({
        'GET /api/live': liveResponse(frame({ i2: 0, i8: undefined })),
        'GET /api/automation/relays': relays({ i2: { actual: 0 }, i8: { actual: 1 } }),
      }),
    );
    renderApp({ route: '#/automation' });
    const c = await card('i2');
    expect(actual(c)).toBe('OFF');
    // no live value for i8: the relay list's actual is used
    expect(actual(await card('i8'))).toBe('ON');

    // a newer frame shows i2 ON: the card follows at once, before the relay list is polled again
    act(() => FakeWebSocket.last().open());
    act(() =>
      FakeWebSocket.last().emit({
        type: 'deviceData',
        deviceId: 'IOCL_XTRA_O2_ADMIN',
        data: frame({ ts: Math.floor(Date.now() / 1000), i2: 1 }),
      }),
    );
    await waitFor(() => expect(actual(c)).toBe('ON'));
    expect(within(c).getByRole('switch', { name: 'Relay 2 power' })).toHaveAttribute('aria-checked', 'true');
  });

  it('shows a failing display push: the error and how many pushes failed in a row', async () => {
    const ok = display();
    let last = { ...ok.last, pushes: 40, failures: 2, failures_in_row: 0, error: null };
    mockFetch(
      routes({ 'GET /api/automation/relays': relays(), 'GET /api/automation/display': () => ({ ...ok, last }) }),
    );
    const { client } = renderApp({ route: '#/automation' });
    expect(await screen.findByText(/^Pushed \d+ s ago/)).toBeInTheDocument();
    expect(screen.queryByText(/Last push failed/)).toBeNull();

    // three pushes fail (the server counts the run since the last successful push)
    last = { ...last, failures: 5, failures_in_row: 3, error: 'device cloud answered 503.' };
    await act(() => client.refetchQueries({ queryKey: relayKeys.display }));
    expect(
      await screen.findByText('Last push failed: device cloud answered 503. 3 pushes failed in a row.'),
    ).toBeInTheDocument();
    expect(screen.getByText(/^Last successful push \d+ s ago/)).toBeInTheDocument();

    // a push goes through: the notice goes away
    last = { ...last, pushes: 41, failures_in_row: 0, error: null, at: Math.floor(Date.now() / 1000) };
    await act(() => client.refetchQueries({ queryKey: relayKeys.display }));
    await waitFor(() => expect(screen.queryByText(/Last push failed/)).toBeNull());
    expect(screen.getByText(/^Pushed (just now|\d+ s ago)/)).toBeInTheDocument();
  });

  it('polls the automation health and says in plain words what is wrong when degraded', async () => {
    let health = {
      ...healthOk,
      status: 'degraded',
      upstream: { socket_connected: false, last_frame_age_s: 312 },
      state_file: {
        ...healthOk.state_file,
        ok: false,
        error: 'state file is not valid JSON (Expecting value)',
        kept_aside: 'state.json.corrupt-20251127T101500Z',
      },
      commands: { pending: 1, queued: 0, last_cloud_error: 'HTTP 502 from the device cloud' },
    };
    const fetch = mockFetch(
      routes({ 'GET /api/automation/relays': relays(), 'GET /api/automation/health': () => health }),
    );
    const { client } = renderApp({ route: '#/automation' });

    const notice = await screen.findByText('Automation is degraded.');
    const box = notice.closest('.notice');
    expect(box).toHaveAttribute('role', 'status');
    expect(box).toHaveTextContent('no live connection to the device cloud, so it gets no data from the unit');
    expect(box).toHaveTextContent(
      'The automation state file has a problem (state file is not valid JSON (Expecting value)). ' +
        'The damaged file was kept as state.json.corrupt-20251127T101500Z',
    );
    expect(box).toHaveTextContent(
      'Commands to the unit are failing: the device cloud answered “HTTP 502 from the device cloud”',
    );
    expect(fetch.mock.calls.some(([u]) => u === '/api/automation/health')).toBe(true);

    // it polls: once healthy again the notice goes away
    health = healthOk;
    await act(() => client.refetchQueries({ queryKey: relayKeys.automationHealth }));
    await waitFor(() => expect(screen.queryByText('Automation is degraded.')).toBeNull());
    expect(await card('i1')).toBeInTheDocument();
  });
});
