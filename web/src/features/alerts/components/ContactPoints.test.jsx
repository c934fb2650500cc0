import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { jsonResponse, mockFetch } from '../../../test/utils.jsx';
import { TZ, callsTo, renderWithClient } from '../test/render.jsx';
import { AT, allOff, email, off, webhookFromEnv } from '../test/notifyFixtures.js';
import { ContactPoints } from './ContactPoints.jsx';
import { NoContactBanner } from './NoContactBanner.jsx';

configure({ asyncUtilTimeout: 5000 });
// Long form flows: 20 s per test leaves room for a loaded CI box (alone each takes 1-4 s).
const NOTIFY = '/api/automation/notify';

function setup(status, extra = {}) {
  let current = status;
  const fetch = mockFetch({
    [`GET ${NOTIFY}`]: () => current,
    'GET /api/automation/dead-letters': { dead_letters: [] },
    ...extra,
  });
  renderWithClient(<ContactPoints tz={TZ} />);
  return { fetch, set: (s) => (current = s) };
}
const card = (name) => screen.findByRole('article', { name });

// "Today" is the unit's day at 11:02 IST: a time of today shows as "10:02 IST", of another day with its date.
beforeAll(() => vi.useFakeTimers({ toFake: ['Date'], now: (AT + 3600) * 1000 }));
afterAll(() => vi.useRealTimers());

describe('contact points: states', { timeout: 20_000 }, () => {
  it('a working channel is "Configured" with where it sends; a failing one says since when and why, never "Configured"', async () => {
    setup({
      email: email(),
      webhook: webhookFromEnv({ last_error: 'connection refused', failing_since: AT }),
      telegram: off('telegram'),
    });
    const mail = await card('Email');
    expect(within(mail).getByText('Configured')).toHaveClass('pill-on');
    expect(mail).toHaveTextContent('Last delivered 09:02 IST');
    expect(mail).toHaveTextContent('Sends to mail.example.org:587 to ops@example.org, shift@example.org');

    const hook = await card('Webhook');
    expect(within(hook).queryByText('Configured')).toBeNull();
    expect(within(hook).getByText('Failing')).toHaveClass('pill-bad');
    expect(hook).toHaveTextContent('Failing since 10:02 IST: connection refused');

    const tg = await card('Telegram');
    expect(tg).toHaveTextContent('Not set up');
    expect(within(tg).queryByText('Configured')).toBeNull();
    expect(tg).toHaveTextContent('Not set up: alerts do not go out by telegram.');
    expect(within(tg).queryByRole('button', { name: /Send test/ })).toBeNull();
    expect(screen.queryByText(/XO2_TELEGRAM/)).toBeNull(); // no variable names as the way to set it up
  });

  it('a failure from another day shows its date', async () => {
    setup({
      email: email({ last_error: 'timed out after 10 s', failing_since: AT - 86400, last_ok_at: AT - 90000 }),
      webhook: off('webhook'),
      telegram: off('telegram'),
    });
    const mail = await card('Email');
    expect(mail).toHaveTextContent('Failing since 06 Dec 2026, 10:02 IST: timed out after 10 s');
  });

  it('a channel from the environment is read-only and says where it comes from', async () => {
    setup({ email: off('email'), webhook: webhookFromEnv(), telegram: off('telegram') });
    const hook = await card('Webhook');
    expect(hook).toHaveTextContent('Sends to https://hooks.example.org/… (signed)');
    expect(hook).toHaveTextContent(/Set by the server’s environment \(XO2_ALERT_WEBHOOK_URL…\): shown here read-only/);
    expect(within(hook).queryByRole('button', { name: /Change|Set up|Remove/ })).toBeNull();
    expect(within(hook).getByRole('button', { name: 'Send test Webhook' })).toBeEnabled();
  });

  it('the banner says alerts reach nobody only when no channel is set up', async () => {
    mockFetch({ [`GET ${NOTIFY}`]: allOff() });
    const { unmount } = renderWithClient(<NoContactBanner />);
    const banner = await screen.findByRole('alert');
    expect(banner).toHaveTextContent('Alerts reach nobody: set up a contact point.');
    // on another page it leads to the Alerts page; there, to the contact points
    expect(within(banner).getByRole('link', { name: 'Set one up on the Alerts page' })).toHaveAttribute('href', '#/alerts');
    unmount();
    const again = renderWithClient(<NoContactBanner onAlertsPage />);
    expect(within(await screen.findByRole('alert')).getByRole('button', { name: 'Set one up below' })).toBeInTheDocument();
    again.unmount();
    mockFetch({ [`GET ${NOTIFY}`]: { ...allOff(), webhook: webhookFromEnv() } });
    renderWithClient(<NoContactBanner />);
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
  });
});

describe('contact points: forms', { timeout: 20_000 }, () => {
  it('sets up email: every setting, recipients added and removed, a 400 beside its field, saved at once', async () => {
    const puts = [];
    const { set } = setup(allOff(), {
      [`PUT ${NOTIFY}/email`]: (init) => {
        const body = JSON.parse(init.body);
        puts.push(body);
        if (body.port === 25) return jsonResponse(400, { error: 'The mail server refused port 25 here.', field: 'port' });
        const view = email({ settings: { ...body, from: body.from, password_set: !!body.password }, last_ok_at: null });
        delete view.settings.password;
        set({ ...allOff(), email: view });
        return view;
      },
    });
    const user = userEvent.setup({ delay: null });
    const mail = await card('Email');
    await user.click(within(mail).getByRole('button', { name: 'Set up Email' }));
    const form = within(mail).getByRole('form', { name: 'Set up email' });
    expect(within(form).getByLabelText('Mail server')).toHaveFocus();

    // checked in the browser first: sentences beside the fields, nothing sent
    await user.click(within(form).getByRole('button', { name: 'Save email' }));
    expect(await within(form).findByText('Enter the mail server, such as smtp.example.com.')).toBeInTheDocument();
    expect(within(form).getByText('Add at least one recipient.')).toBeInTheDocument();
    expect(within(form).getByLabelText('Mail server')).toHaveAttribute('aria-invalid', 'true');
    expect(puts).toHaveLength(0);

    await user.type(within(form).getByLabelText('Mail server'), 'smtp.plant.example');
    const port = within(form).getByLabelText('Port');
    await user.clear(port);
    await user.type(port, '25');
    await user.selectOptions(within(form).getByLabelText('Security'), 'none');
    await user.type(within(form).getByLabelText(/User name/), 'plant');
    await user.type(within(form).getByLabelText('Password'), 's3cret-pass');
    await user.type(within(form).getByLabelText('Sender address'), 'console@plant.example');
    const list = within(form).getByRole('group', { name: 'Send alerts to' });
    await user.type(within(list).getByLabelText('Send alerts to: address 1'), 'not-an-address');
    await user.click(within(list).getByRole('button', { name: '+ Add recipient' }));
    expect(within(list).getByLabelText('Send alerts to: address 2')).toHaveFocus();
    await user.type(within(list).getByLabelText('Send alerts to: address 2'), 'ops@plant.example');
    await user.click(within(list).getByRole('button', { name: '+ Add recipient' }));
    await user.type(within(list).getByLabelText('Send alerts to: address 3'), 'boss@plant.example');
    await user.click(within(form).getByRole('button', { name: 'Save email' }));
    const first = within(list).getByLabelText('Send alerts to: address 1');
    await waitFor(() => expect(first).toHaveAccessibleDescription('This is not one email address, such as ops@example.com.'));
    await user.click(within(list).getByRole('button', { name: 'Remove address 1' }));

    // the server's 400 lands on the field it names
    await user.click(within(form).getByRole('button', { name: 'Save email' }));
    await waitFor(() => expect(port).toHaveAccessibleDescription('The mail server refused port 25 here.'));
    expect(port).toHaveFocus();
    expect(puts[0]).toEqual({
      host: 'smtp.plant.example',
      port: 25,
      security: 'none',
      user: 'plant',
      from: 'console@plant.example',
      to: ['ops@plant.example', 'boss@plant.example'],
      password: 's3cret-pass',
    });

    await user.clear(port);
    await user.type(port, '2525');
    await user.click(within(form).getByRole('button', { name: 'Save email' }));
    expect(await within(mail).findByRole('status')).toHaveTextContent('Email saved: it is used from now on.');
    expect(within(mail).queryByRole('form')).toBeNull();
    await waitFor(() => expect(within(mail).getByText('Configured')).toBeInTheDocument());
    expect(mail).toHaveTextContent('Sends to smtp.plant.example:2525 to ops@plant.example, boss@plant.example');
    expect(puts[1].port).toBe(2525);
  });

  it('a set password is never shown: kept by default, replaced, or removed ("" clears it)', async () => {
    const puts = [];
    setup(
      { ...allOff(), email: email() },
      {
        [`PUT ${NOTIFY}/email`]: (init) => {
          puts.push(JSON.parse(init.body));
          return email();
        },
      },
    );
    const user = userEvent.setup({ delay: null });
    const mail = await card('Email');
    const change = async () => {
      await user.click(within(mail).getByRole('button', { name: 'Change Email' }));
      return within(mail).getByRole('form', { name: 'Change email' });
    };
    let form = await change();
    expect(within(form).getByLabelText('Mail server')).toHaveValue('mail.example.org');
    expect(within(form).getByLabelText('Send alerts to: address 2')).toHaveValue('shift@example.org');
    const secret = within(form).getByRole('group', { name: 'Password' });
    expect(secret).toHaveTextContent('Set');
    expect(within(form).queryByLabelText('Password', { selector: 'input' })).toBeNull();
    await user.click(within(form).getByRole('button', { name: 'Save email' }));
    await waitFor(() => expect(puts).toHaveLength(1));
    expect(puts[0]).not.toHaveProperty('password'); // omitted = kept

    form = await change();
    await user.click(within(form).getByRole('button', { name: 'Replace password' }));
    await user.type(within(form).getByLabelText('New password'), 'n3w-pass');
    await user.click(within(form).getByRole('button', { name: 'Save email' }));
    await waitFor(() => expect(puts).toHaveLength(2));
    expect(puts[1].password).toBe('n3w-pass');

    form = await change();
    await user.click(within(form).getByRole('button', { name: 'Remove password' }));
    expect(within(form).getByText('The password will be removed when you save.')).toBeInTheDocument();
    await user.click(within(form).getByRole('button', { name: 'Save email' }));
    await waitFor(() => expect(puts).toHaveLength(3));
    expect(puts[2].password).toBe('');
  });

  it('webhook: a saved address is kept unless changed; Telegram needs its token', async () => {
    const puts = [];
    const hook = { ...webhookFromEnv(), source: 'console', settings: { url: 'https://hooks.example.org/…', secret_set: false } };
    setup(
      { email: off('email'), webhook: hook, telegram: off('telegram') },
      {
        [`PUT ${NOTIFY}/webhook`]: (init) => {
          puts.push(['webhook', JSON.parse(init.body)]);
          return hook;
        },
        [`PUT ${NOTIFY}/telegram`]: (init) => {
          const body = JSON.parse(init.body);
          puts.push(['telegram', body]);
          return jsonResponse(400, { error: 'The chat id must be a number such as -1001234567890', field: 'chat_id' });
        },
      },
    );
    const user = userEvent.setup({ delay: null });
    const wh = await card('Webhook');
    await user.click(within(wh).getByRole('button', { name: 'Change Webhook' }));
    let form = within(wh).getByRole('form', { name: 'Change webhook' });
    expect(within(form).getByRole('group', { name: 'Address' })).toHaveTextContent('https://hooks.example.org/…');
    await user.type(within(form).getByLabelText('Signing secret'), 'hmac-key');
    await user.click(within(form).getByRole('button', { name: 'Save webhook' }));
    await waitFor(() => expect(puts).toHaveLength(1));
    expect(puts[0]).toEqual(['webhook', { secret: 'hmac-key' }]);

    await user.click(within(wh).getByRole('button', { name: 'Change Webhook' }));
    form = within(wh).getByRole('form', { name: 'Change webhook' });
    await user.click(within(form).getByRole('button', { name: 'Change address' }));
    await user.type(within(form).getByLabelText('New address'), 'ftp://x');
    await user.click(within(form).getByRole('button', { name: 'Save webhook' }));
    expect(await within(form).findByText(/starting with https:\/\//)).toBeInTheDocument();
    await user.clear(within(form).getByLabelText('New address'));
    await user.type(within(form).getByLabelText('New address'), 'https://new.example.org/hook/abc');
    await user.click(within(form).getByRole('button', { name: 'Save webhook' }));
    await waitFor(() => expect(puts).toHaveLength(2));
    expect(puts[1]).toEqual(['webhook', { url: 'https://new.example.org/hook/abc' }]);

    const tg = await card('Telegram');
    await user.click(within(tg).getByRole('button', { name: 'Set up Telegram' }));
    form = within(tg).getByRole('form', { name: 'Set up telegram' });
    expect(within(form).getByLabelText('Bot API address')).toHaveValue('https://api.telegram.org');
    await user.type(within(form).getByLabelText('Chat id'), '-100123');
    await user.click(within(form).getByRole('button', { name: 'Save telegram' }));
    expect(await within(form).findByText('Enter the bot token.')).toBeInTheDocument();
    await user.type(within(form).getByLabelText('Bot token'), '123456:ABCDEFGHIJKLMN');
    await user.click(within(form).getByRole('button', { name: 'Save telegram' }));
    const chat = within(form).getByLabelText('Chat id');
    await waitFor(() => expect(chat).toHaveAccessibleDescription('The chat id must be a number such as -1001234567890'));
    expect(puts[2]).toEqual([
      'telegram',
      { chat_id: '-100123', api_url: 'https://api.telegram.org', token: '123456:ABCDEFGHIJKLMN' },
    ]);
  });

  it('an environment channel refused with 409 says so in the form', async () => {
    setup(allOff(), {
      [`PUT ${NOTIFY}/telegram`]: { status: 409, body: { error: 'telegram is set by the environment of the service' } },
    });
    const user = userEvent.setup({ delay: null });
    const tg = await card('Telegram');
    await user.click(within(tg).getByRole('button', { name: 'Set up Telegram' }));
    const form = within(tg).getByRole('form', { name: 'Set up telegram' });
    await user.type(within(form).getByLabelText('Chat id'), '@plant_alerts');
    await user.type(within(form).getByLabelText('Bot token'), '123456:ABCDEFGHIJKLMN');
    await user.click(within(form).getByRole('button', { name: 'Save telegram' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent('telegram is set by the environment of the service');
  });
});

describe('contact points: test and remove', { timeout: 20_000 }, () => {
  it('Send test says in words whether it was delivered, and why not', async () => {
    const { fetch } = setup(
      { email: email(), webhook: webhookFromEnv(), telegram: off('telegram') },
      {
        [`POST ${NOTIFY}/test`]: (init) =>
          JSON.parse(init.body).channel === 'email'
            ? jsonResponse(502, { error: 'email test not delivered: the mail server refused the login (535 5.7.8)' })
            : { channel: 'webhook', delivered: true },
      },
    );
    const user = userEvent.setup({ delay: null });
    const mail = await card('Email');
    await user.click(within(mail).getByRole('button', { name: 'Send test Email' }));
    expect(await within(mail).findByRole('alert')).toHaveTextContent(
      'Test not delivered: email test not delivered: the mail server refused the login (535 5.7.8)',
    );
    const hook = await card('Webhook');
    await user.click(within(hook).getByRole('button', { name: 'Send test Webhook' }));
    expect(await within(hook).findByRole('status')).toHaveTextContent(/^Test message delivered at \d\d:\d\d IST\.$/);
    expect(callsTo(fetch, 'POST', `${NOTIFY}/test`)).toEqual([{ channel: 'email' }, { channel: 'webhook' }]);
  });

  it('removes a console channel after asking', async () => {
    const { fetch, set } = setup(
      { email: email(), webhook: off('webhook'), telegram: off('telegram') },
      {
        [`DELETE ${NOTIFY}/email`]: () => {
          set(allOff());
          return jsonResponse(204, '');
        },
      },
    );
    const user = userEvent.setup({ delay: null });
    const mail = await card('Email');
    await user.click(within(mail).getByRole('button', { name: 'Remove Email' }));
    expect(callsTo(fetch, 'DELETE', `${NOTIFY}/email`)).toHaveLength(0);
    await user.click(within(mail).getByRole('button', { name: 'Yes, remove' }));
    expect(await within(mail).findByRole('status')).toHaveTextContent('Email removed');
    await waitFor(() => expect(mail).toHaveTextContent('Not set up'));
    expect(callsTo(fetch, 'DELETE', `${NOTIFY}/email`)).toHaveLength(1);
  });

  it('lists the messages set aside with their reason; tries one again, discards another', async () => {
    let letters = [
      { id: 8, channel: 'webhook', event: 'alert.resolved', subject: 'RESOLVED: Unit offline', alert_id: 'a2', attempts: 1, reason: 'the webhook answered 404 Not Found', at: AT - 86400 },
      { id: 7, channel: 'email', event: 'alert.firing', subject: 'FIRING: Outlet dust high', alert_id: 'a1', attempts: 2, reason: 'recipient refused (550 no such user)', at: AT },
    ];
    const { fetch } = setup(
      { email: email(), webhook: off('webhook'), telegram: off('telegram') },
      {
        'GET /api/automation/dead-letters': () => ({ dead_letters: letters }),
        'POST /api/automation/dead-letters/7/retry': () => {
          letters = letters.filter((d) => d.id !== 7);
          return { id: 7, channel: 'email', queued: true };
        },
        'DELETE /api/automation/dead-letters/8': () => {
          letters = letters.filter((d) => d.id !== 8);
          return jsonResponse(204, '');
        },
      },
    );
    const box = await screen.findByRole('region', { name: 'Not delivered' });
    const [hook, mail] = within(box).getAllByRole('article');
    expect(mail).toHaveTextContent('Email: FIRING: Outlet dust high');
    expect(mail).toHaveTextContent('Set aside 10:02 IST after 2 tries');
    expect(mail).toHaveTextContent('Why: recipient refused (550 no such user)');
    expect(hook).toHaveTextContent('Set aside 06 Dec 2026, 10:02 IST after 1 try');
    const user = userEvent.setup({ delay: null });
    await user.click(within(mail).getByRole('button', { name: 'Try again: Email, FIRING: Outlet dust high' }));
    await waitFor(() => expect(within(box).getAllByRole('article')).toHaveLength(1));
    await user.click(within(hook).getByRole('button', { name: 'Discard: Webhook, RESOLVED: Unit offline' }));
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Not delivered' })).toBeNull());
    expect(callsTo(fetch, 'POST', '/api/automation/dead-letters/7/retry')).toHaveLength(1);
    expect(callsTo(fetch, 'DELETE', '/api/automation/dead-letters/8')).toHaveLength(1);
  });
});
