import { beforeEach, describe, expect, it } from 'vitest';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { defaultRoutes, installFakeWebSocket, jsonResponse, mockFetch, renderApp } from '../../../test/utils.jsx';

// The page is a lazy chunk (and react-hook-form): its first import can take a while on a busy CI box.
configure({ asyncUtilTimeout: 5000 });
// The whole Alerts page (contact points, silences, report forms) per test: room for a loaded CI box.

const NOW = Math.floor(Date.now() / 1000);
const SINCE = 1764236703; // 09:45:03 UTC = 15:15:03 in Asia/Kolkata

const rules = () => [
  {
    id: 'r1',
    name: 'Outlet dust high',
    kind: 'threshold',
    channel: 'd9',
    op: 'above',
    value: 35,
    clear: 30,
    for_s: 60,
    severity: 'critical',
    notify: ['email', 'webhook'],
    repeat_s: 600,
    enabled: true,
  },
  {
    id: 'r2',
    name: 'Unit offline',
    kind: 'offline',
    channel: null,
    op: null,
    value: null,
    clear: null,
    for_s: 120,
    severity: 'critical',
    notify: [],
    repeat_s: 0,
    enabled: true,
  },
];

const firing = {
  id: 'a1',
  rule_id: 'r1',
  name: 'Outlet dust high',
  severity: 'critical',
  state: 'firing',
  since: SINCE,
  resolved_at: null,
  value: 41.26,
  message: 'Outlet Dust PM is 41 µg/m³, above 35',
  acked_by: null,
  notified: [
    { channel: 'email', at: SINCE + 1, ok: true, error: null },
    { channel: 'webhook', at: SINCE + 1, ok: false, error: 'connection refused' },
  ],
};
const resolved = {
  ...firing,
  id: 'a0',
  state: 'resolved',
  since: SINCE - 7200,
  resolved_at: SINCE - 3600,
  value: 38,
  notified: [],
};

const notify = {
  email: {
    configured: true,
    source: 'console',
    settings: { host: 'mail.example.org', port: 587, security: 'starttls', user: 'ops', from: null, to: ['ops@example.org'], password_set: true },
    last_ok_at: SINCE,
    last_error: null,
    failing_since: null,
  },
  webhook: {
    configured: true,
    source: 'env',
    settings: { url: 'http://127.0.0.1:9/…', secret_set: false },
    last_ok_at: null,
    last_error: 'connection refused',
    failing_since: SINCE + 60,
  },
  telegram: {
    configured: false,
    source: null,
    settings: { chat_id: null, api_url: 'https://api.telegram.org', token_set: false },
    last_ok_at: null,
    last_error: null,
    failing_since: null,
  },
};

function routes(extra = {}) {
  return defaultRoutes({
    'GET /api/automation/alerts': { active: [firing], recent: [firing, resolved] },
    'GET /api/automation/alert-rules': { rules: rules() },
    'GET /api/automation/notify': notify,
    'GET /api/automation/silences': { silences: [] },
    'GET /api/automation/dead-letters': { dead_letters: [] },
    'GET /api/automation/report-schedule': { enabled: false, to: [], day: 1, time: '08:00', next_at: null },
    ...extra,
  });
}

const section = (name) => screen.findByRole('region', { name });
const badge = () => screen.findByRole('link', { name: /firing alert/ });

describe('alerts page', { timeout: 20_000 }, () => {
  beforeEach(() => {
    installFakeWebSocket();
  });

  it('lists the active alert with severity, since (unit zone), value and message, and the history', async () => {
    mockFetch(routes());
    renderApp({ route: '#/alerts' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Alerts' })).toBeInTheDocument();
    const active = await section('Active alerts');
    const item = await within(active).findByRole('article', { name: 'Outlet dust high' });
    expect(within(item).getByText('CRITICAL')).toBeInTheDocument();
    expect(within(item).getByText('FIRING')).toBeInTheDocument();
    expect(item).toHaveTextContent('Outlet Dust PM is 41 µg/m³, above 35');
    expect(item).toHaveTextContent('Since 27 Nov 2025, 15:15 IST');
    expect(item).toHaveTextContent('Value: 41 µg/m³'); // the d9 precision and unit from the channel map
    const sent = within(item).getByRole('list', { name: 'Notified' });
    expect(within(sent).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      '✓ Email sent 27 Nov 2025, 15:15 IST',
      '✗ Webhook failed 27 Nov 2025, 15:15 IST: connection refused',
    ]);
    expect(screen.getByText(/Times are the unit’s \(IST, Asia\/Kolkata\), 24-hour/)).toBeInTheDocument();

    const table = within(await section('Recent alerts')).getByRole('table');
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent('Firing');
    expect(rows[2]).toHaveTextContent('Resolved');
    expect(rows[2]).toHaveTextContent('38 µg/m³');
    expect(within(rows[2]).getAllByText(/IST/)).toHaveLength(2); // since and resolved
  });

  it('acknowledges an alert: POST ack, the alert says who, the badge drops to 0', async () => {
    let current = firing;
    const fetch = mockFetch(
      routes({
        'GET /api/automation/alerts': () => ({ active: [current], recent: [current] }),
        'POST /api/automation/alerts/a1/ack': () => {
          current = { ...firing, state: 'acknowledged', acked_by: 'IOCL_XTRA_O2_ADMIN' };
          return current;
        },
      }),
    );
    const user = userEvent.setup();
    renderApp({ route: '#/alerts' });
    expect(await badge()).toHaveAccessibleName('1 firing alert, open the Alerts page');
    const item = await within(await section('Active alerts')).findByRole('article', { name: 'Outlet dust high' });
    await user.click(within(item).getByRole('button', { name: 'Acknowledge Outlet dust high' }));

    expect(await within(item).findByText('ACKNOWLEDGED by IOCL_XTRA_O2_ADMIN')).toBeInTheDocument();
    const history = within(await section('Recent alerts')).getAllByRole('row');
    await waitFor(() => expect(history[1]).toHaveTextContent('Acknowledged by IOCL_XTRA_O2_ADMIN'));
    expect(history[1]).not.toHaveTextContent('(acknowledged by');
    expect(within(item).queryByRole('button', { name: /Acknowledge/ })).toBeNull();
    expect(item).toHaveFocus(); // not lost to <body> when the button goes
    await waitFor(async () => expect(await badge()).toHaveAccessibleName('0 firing alerts, open the Alerts page'));
    expect(
      fetch.mock.calls.filter(([u, i]) => u === '/api/automation/alerts/a1/ack' && i.method === 'POST'),
    ).toHaveLength(1);
  });

  it('a failed ack says why and keeps the button', async () => {
    mockFetch(
      routes({
        'POST /api/automation/alerts/a1/ack': { status: 404, body: { error: 'alert a1 is already resolved' } },
      }),
    );
    const user = userEvent.setup();
    renderApp({ route: '#/alerts' });
    const item = await within(await section('Active alerts')).findByRole('article', { name: 'Outlet dust high' });
    await user.click(within(item).getByRole('button', { name: /Acknowledge/ }));
    expect(await within(item).findByRole('alert')).toHaveTextContent('alert a1 is already resolved');
    expect(within(item).getByRole('button', { name: /Acknowledge/ })).toBeEnabled();
  });

  it('marks silenced alerts, shows retrying deliveries, and says when alerts reach nobody', async () => {
    const silenced = {
      ...firing,
      id: 'a2',
      silenced: true,
      notified: [],
    };
    const retrying = {
      ...resolved,
      id: 'a3',
      notified: [{ channel: 'webhook', at: SINCE, ok: false, error: 'timed out', state: 'retrying' }],
    };
    const none = { configured: false, source: null, settings: {}, last_ok_at: null, last_error: null, failing_since: null };
    mockFetch(
      routes({
        'GET /api/automation/alerts': { active: [silenced], recent: [silenced, retrying] },
        'GET /api/automation/notify': { email: none, webhook: none, telegram: none },
        'GET /api/automation/silences': {
          silences: [{ id: 's1', reason: 'Filter change', until: NOW + 7200, rule_ids: ['r1'] }],
        },
      }),
    );
    renderApp({ route: '#/alerts' });
    const banner = await screen.findByText('Alerts reach nobody: set up a contact point.');
    expect(banner.closest('[role="alert"]')).toBeInTheDocument();
    expect(screen.getAllByText('Alerts reach nobody: set up a contact point.')).toHaveLength(1); // once, from the shell
    const item = await within(await section('Active alerts')).findByRole('article', { name: 'Outlet dust high' });
    expect(within(item).getByText('SILENCED')).toBeInTheDocument();
    expect(item).toHaveTextContent('Silenced: nothing sent');
    const rows = within(within(await section('Recent alerts')).getByRole('table')).getAllByRole('row');
    expect(rows[0]).toHaveTextContent('Notified');
    expect(rows[1]).toHaveTextContent('Silenced');
    expect(rows[2]).toHaveTextContent('Webhook retrying 27 Nov 2025, 15:15 IST: timed out');
    // no channel is set up: every rule that notifies says it reaches nobody
    const rule = await within(await section('Alert rules')).findByRole('article', { name: 'Outlet dust high' });
    await waitFor(() => expect(rule).toHaveTextContent('Notifies nobody'));
    expect(within(rule).getByText(/^Silenced · Until \d\d:\d\d IST|^Silenced · Until \d\d \w{3} \d{4}/)).toBeInTheDocument();
    expect(await within(await section('Silences')).findByRole('article', { name: 'Outlet dust high' })).toHaveTextContent(
      'Why: Filter change',
    );
    expect(within(await section('Alert rules')).getByRole('article', { name: 'Unit offline' })).not.toHaveTextContent('Silenced');
    expect(rule).toHaveTextContent('Email and Webhook are not set up');
  });

  it('says so when nothing is active', async () => {
    mockFetch(routes({ 'GET /api/automation/alerts': { active: [], recent: [] } }));
    renderApp({ route: '#/alerts' });
    expect(await screen.findByText('Nothing needs attention: no active alerts.')).toBeInTheDocument();
    expect(await screen.findByText('No alerts yet.')).toBeInTheDocument();
  });
});

describe('alert rule editor', { timeout: 20_000 }, () => {
  beforeEach(() => {
    installFakeWebSocket();
  });

  it('creates a threshold rule from channel-map pickers and shows a 400 next to the named field', async () => {
    const posts = [];
    let list = rules();
    mockFetch(
      routes({
        'GET /api/automation/alert-rules': () => ({ rules: list }),
        'POST /api/automation/alert-rules': (init) => {
          const body = JSON.parse(init.body);
          posts.push(body);
          if (body.clear > body.value) {
            return jsonResponse(400, {
              error: "clear: for 'above', clear (60) must be at or below value (50)",
              field: 'clear',
            });
          }
          const rule = { id: 'r9', ...body };
          list = [...list, rule];
          return jsonResponse(201, rule);
        },
      }),
    );
    const user = userEvent.setup();
    renderApp({ route: '#/alerts' });
    const rulesBox = await section('Alert rules');
    await user.click(await within(rulesBox).findByRole('button', { name: '+ New rule' }));
    const form = within(rulesBox).getByRole('form', { name: 'New alert rule' });
    expect(within(form).getByLabelText('Name')).toHaveFocus();

    // threshold channels: sensors and GSM from the map, never versions or relays
    const channel = within(form).getByLabelText('Channel');
    const names = within(channel)
      .getAllByRole('option')
      .map((o) => o.textContent);
    expect(names).toContain('Outlet Dust PM (d9)');
    expect(names).toContain('GSM signal strength (d38)');
    expect(names.some((n) => /SW version|Relay/.test(n))).toBe(false);
    await user.selectOptions(channel, 'd9');
    expect(within(form).getByLabelText('Value (µg/m³)')).toBeInTheDocument();
    expect(within(form).getByLabelText('Clears below (µg/m³)')).toBeInTheDocument();
    await user.selectOptions(within(form).getByLabelText('Fires when'), 'below');
    expect(within(form).getByLabelText('Clears above (µg/m³)')).toBeInTheDocument();
    await user.selectOptions(within(form).getByLabelText('Fires when'), 'above');

    await user.type(within(form).getByLabelText('Name'), 'Dust spike');
    await user.type(within(form).getByLabelText(/^Value/), '50');
    await user.type(within(form).getByLabelText(/^Clears/), '60');
    const hold = within(form).getByLabelText('Only after it holds for (s)');
    await user.clear(hold);
    await user.type(hold, '30');
    await user.selectOptions(within(form).getByLabelText('Severity'), 'critical');
    const notifyBy = within(form).getByRole('group', { name: 'Notify by' });
    // every channel is ticked on a new rule (as the API's default); untick one
    for (const c of ['Email', 'Webhook', 'Telegram']) expect(within(notifyBy).getByLabelText(c)).toBeChecked();
    await user.click(within(notifyBy).getByLabelText('Webhook'));
    // ticking a channel that is not set up warns in the editor
    expect(notifyBy).toHaveTextContent('Telegram is not set up: nothing goes out by it until a contact point is set up.');
    await user.click(within(form).getByRole('button', { name: 'Create rule' }));

    const clear = within(form).getByLabelText(/^Clears/);
    await waitFor(() => expect(clear).toHaveAttribute('aria-invalid', 'true'));
    expect(clear).toHaveAccessibleDescription("for 'above', clear (60) must be at or below value (50)");
    expect(clear).toHaveFocus();
    expect(within(form).getByLabelText(/^Value/)).not.toHaveAttribute('aria-invalid');
    expect(posts[0]).toEqual({
      name: 'Dust spike',
      kind: 'threshold',
      channel: 'd9',
      op: 'above',
      value: 50,
      clear: 60,
      for_s: 30,
      severity: 'critical',
      notify: ['email', 'telegram'],
      repeat_s: 0,
      enabled: true,
    });

    await user.clear(clear);
    await user.type(clear, '45');
    await user.click(within(form).getByRole('button', { name: 'Create rule' }));
    expect(await within(rulesBox).findByText('Rule created.')).toBeInTheDocument();
    expect(within(rulesBox).queryByRole('form')).toBeNull();
    const created = await within(rulesBox).findByRole('article', { name: 'Dust spike' });
    expect(created).toHaveTextContent('Outlet Dust PM above 50 µg/m³ for 30 s, clears below 45 µg/m³');
    // only channels that are set up count; the rest are a warning (telegram is not set up here)
    expect(created).toHaveTextContent('Notifies by Email');
    expect(created).toHaveTextContent('Telegram is not set up: this rule’s alerts do not go out by it.');
    expect(posts[1].clear).toBe(45);
  });

  it('checks the name before sending and shows only the inputs of the kind', async () => {
    const fetch = mockFetch(routes());
    const user = userEvent.setup();
    renderApp({ route: '#/alerts' });
    const rulesBox = await section('Alert rules');
    await user.click(await within(rulesBox).findByRole('button', { name: '+ New rule' }));
    const form = within(rulesBox).getByRole('form', { name: 'New alert rule' });

    await user.selectOptions(within(form).getByLabelText('Kind'), 'impact');
    const pair = within(form).getByLabelText('Pair (outlet vs inlet)');
    expect(within(pair).getAllByRole('option')[1]).toHaveTextContent('Outlet Dust PM vs Inlet Dust PM');
    expect(within(form).queryByLabelText(/^Value/)).toBeNull();
    await user.selectOptions(within(form).getByLabelText('Kind'), 'relay_failed');
    expect(within(form).queryByLabelText(/Pair|Channel/)).toBeNull();
    const relay = within(form).getByLabelText('Relay');
    expect(relay).toHaveValue('');
    expect(
      within(relay)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Any relay', ...Array.from({ length: 8 }, (_, k) => `Relay ${k + 1} (i${k + 1})`)]);
    expect(within(form).queryByLabelText(/holds for/)).toBeNull();

    await user.click(within(form).getByRole('button', { name: 'Create rule' }));
    const name = within(form).getByLabelText('Name');
    await waitFor(() => expect(name).toHaveAccessibleDescription('Give the rule a name.'));
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(fetch.mock.calls.some(([u, i]) => u === '/api/automation/alert-rules' && i.method === 'POST')).toBe(false);

    await user.click(within(form).getByRole('button', { name: 'Cancel' }));
    expect(within(rulesBox).queryByRole('form')).toBeNull();
    expect(within(rulesBox).getByRole('button', { name: '+ New rule' })).toHaveFocus();
  });

  it('edits, disables and deletes a rule', async () => {
    let list = rules();
    const calls = [];
    mockFetch(
      routes({
        'GET /api/automation/alert-rules': () => ({ rules: list }),
        'PUT /api/automation/alert-rules/r1': (init) => {
          const body = JSON.parse(init.body);
          calls.push(['PUT', body]);
          if (body.for_s < 0) {
            return jsonResponse(400, { error: 'for_s: Input should be greater than or equal to 0', field: 'for_s' });
          }
          list = list.map((r) => (r.id === 'r1' ? { id: 'r1', ...body } : r));
          return list[0];
        },
        'DELETE /api/automation/alert-rules/r2': () => {
          calls.push(['DELETE']);
          list = list.filter((r) => r.id !== 'r2');
          return jsonResponse(204, '');
        },
      }),
    );
    const user = userEvent.setup();
    renderApp({ route: '#/alerts' });
    const rulesBox = await section('Alert rules');
    const r1 = await within(rulesBox).findByRole('article', { name: 'Outlet dust high' });

    // disable: the whole rule goes back with enabled false
    const sw = within(r1).getByRole('switch', { name: 'Outlet dust high enabled' });
    expect(sw).toHaveAttribute('aria-checked', 'true');
    await user.click(sw);
    const { id: _id, ...rest } = rules()[0];
    await waitFor(() => expect(calls[0]).toEqual(['PUT', { ...rest, enabled: false }]));
    await waitFor(() =>
      expect(
        within(within(rulesBox).getByRole('article', { name: 'Outlet dust high' })).getByRole('switch'),
      ).toHaveAttribute('aria-checked', 'false'),
    );

    // edit: the form starts from the rule; a server error lands on its field
    await user.click(within(rulesBox).getByRole('button', { name: 'Edit Outlet dust high' }));
    const form = within(rulesBox).getByRole('form', { name: 'Edit rule: Outlet dust high' });
    expect(within(form).getByLabelText('Channel')).toHaveValue('d9');
    expect(within(form).getByLabelText(/^Value/)).toHaveValue(35);
    expect(within(form).getByLabelText('Enabled')).not.toBeChecked();
    const hold = within(form).getByLabelText(/holds for/);
    await user.clear(hold);
    await user.type(hold, '-5');
    await user.click(within(form).getByRole('button', { name: 'Save rule' }));
    await waitFor(() => expect(hold).toHaveAccessibleDescription('Input should be greater than or equal to 0'));
    await user.clear(hold);
    await user.type(hold, '90');
    await user.click(within(form).getByRole('button', { name: 'Save rule' }));
    expect(await within(rulesBox).findByText('Rule saved.')).toBeInTheDocument();
    expect(calls[2]).toEqual(['PUT', { ...rest, for_s: 90, enabled: false }]);

    // delete asks first
    const r2 = within(rulesBox).getByRole('article', { name: 'Unit offline' });
    expect(r2).toHaveTextContent('No data from the unit for 120 s');
    await user.click(within(r2).getByRole('button', { name: 'Delete Unit offline' }));
    expect(calls).toHaveLength(3);
    await user.click(within(r2).getByRole('button', { name: 'Yes, delete' }));
    await waitFor(() => expect(within(rulesBox).queryByRole('article', { name: 'Unit offline' })).toBeNull());
    expect(calls[3]).toEqual(['DELETE']);
  });
});
