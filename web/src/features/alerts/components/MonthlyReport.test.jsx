import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { jsonResponse, mockFetch } from '../../../test/utils.jsx';
import { TZ, callsTo, renderWithClient } from '../test/render.jsx';
import { AT } from '../test/notifyFixtures.js';
import { MonthlyReport } from './MonthlyReport.jsx';

configure({ asyncUtilTimeout: 5000 });
// Long form flows: 20 s per test leaves room for a loaded CI box (alone each takes 1-4 s).
const PATH = '/api/automation/report-schedule';
const NEXT = Date.UTC(2027, 0, 1, 2, 30) / 1000; // 01 Jan 2027, 08:00 IST

beforeAll(() => vi.useFakeTimers({ toFake: ['Date'], now: (AT + 3600) * 1000 }));
afterAll(() => vi.useRealTimers());

const schedule = (over = {}) => ({
  enabled: false,
  to: [],
  day: 1,
  time: '08:00',
  timezone: TZ,
  next_at: null,
  last_month: null,
  last_queued_at: null,
  last_error: null,
  ...over,
});

describe('monthly report', { timeout: 20_000 }, () => {
  it('schedules it: day 1-28, HH:MM in IST, recipients; checks before sending, a 400 beside its field', async () => {
    let current = schedule();
    const fetch = mockFetch({
      [`GET ${PATH}`]: () => current,
      [`PUT ${PATH}`]: (init) => {
        const body = JSON.parse(init.body);
        if (body.to.includes('ceo@blocked.example')) {
          return jsonResponse(400, { error: 'Recipient 2 is not one email address such as manager@example.com', field: 'to' });
        }
        current = schedule({ ...body, next_at: NEXT });
        return current;
      },
    });
    renderWithClient(<MonthlyReport tz={TZ} />);
    const user = userEvent.setup({ delay: null });
    const form = await screen.findByRole('form', { name: 'Monthly report schedule' });
    expect(within(form).getByLabelText('On day')).toHaveValue('1');
    expect(within(within(form).getByLabelText('On day')).getAllByRole('option')).toHaveLength(28);
    expect(within(form).getByLabelText('On day')).toHaveDisplayValue('1st');

    await user.click(within(form).getByLabelText('Email the report every month'));
    const time = within(form).getByLabelText('At (HH:MM, 24-hour, IST)');
    await user.clear(time);
    await user.type(time, '7:30 pm');
    await user.click(within(form).getByRole('button', { name: 'Save schedule' }));
    await waitFor(() => expect(time).toHaveAccessibleDescription('Enter the time as HH:MM, 24-hour, such as 08:00 or 18:30.'));
    const list = within(form).getByRole('group', { name: 'Send the report to' });
    expect(list).toHaveAccessibleDescription('Add at least one recipient to send the report to.');
    expect(callsTo(fetch, 'PUT', PATH)).toHaveLength(0);

    await user.clear(time);
    await user.type(time, '19:30');
    await user.selectOptions(within(form).getByLabelText('On day'), '28th');
    await user.type(within(list).getByLabelText('Send the report to: address 1'), 'gm@plant.example');
    await user.click(within(list).getByRole('button', { name: '+ Add recipient' }));
    await user.type(within(list).getByLabelText('Send the report to: address 2'), 'ceo@blocked.example');
    await user.click(within(form).getByRole('button', { name: 'Save schedule' }));
    await waitFor(() =>
      expect(list).toHaveAccessibleDescription('Recipient 2 is not one email address such as manager@example.com'),
    );
    await user.click(within(list).getByRole('button', { name: 'Remove address 2' }));
    await user.click(within(form).getByRole('button', { name: 'Save schedule' }));
    expect(await within(form).findByRole('status')).toHaveTextContent('Schedule saved.');
    expect(callsTo(fetch, 'PUT', PATH)).toEqual([
      { enabled: true, day: 28, time: '19:30', to: ['gm@plant.example', 'ceo@blocked.example'] },
      { enabled: true, day: 28, time: '19:30', to: ['gm@plant.example'] },
    ]);
    expect(form).toHaveTextContent('Next report: 01 Jan 2027, 08:00 IST.');
  });

  it('shows what the schedule last did, and why it has not sent yet', async () => {
    mockFetch({
      [`GET ${PATH}`]: schedule({
        enabled: true,
        to: ['gm@plant.example'],
        last_month: '2026-10',
        last_queued_at: Date.UTC(2026, 10, 1, 2, 30) / 1000,
        last_error: 'email is not set up: add an email contact point on the Alerts page',
      }),
    });
    renderWithClient(<MonthlyReport tz={TZ} />);
    const form = await screen.findByRole('form', { name: 'Monthly report schedule' });
    expect(within(form).getByLabelText('Email the report every month')).toBeChecked();
    expect(form).toHaveTextContent('Last sent by the schedule: October 2026, on 01 Nov 2026, 08:00 IST.');
    expect(form).toHaveTextContent('Not sent yet: email is not set up');
  });

  it('sends a chosen month now and says what happened, in words', async () => {
    const answers = [
      { month: '2026-11', sent: true, to: ['gm@plant.example'] },
      jsonResponse(502, { error: 'report not sent: the mail server did not answer within 25 s' }),
      jsonResponse(409, { error: 'the monthly report needs the gateway: automation runs alone here' }),
    ];
    const fetch = mockFetch({ [`GET ${PATH}`]: schedule(), [`POST ${PATH}/send`]: () => answers.shift() });
    renderWithClient(<MonthlyReport tz={TZ} />);
    const user = userEvent.setup({ delay: null });
    const form = await screen.findByRole('form', { name: 'Send a report now' });
    const month = within(form).getByLabelText('Month');
    expect(month).toHaveDisplayValue('November 2026'); // the last whole month, in the unit's calendar
    expect(within(month).getAllByRole('option')).toHaveLength(12);
    await user.click(within(form).getByRole('button', { name: 'Send now' }));
    expect(await within(form).findByRole('status')).toHaveTextContent(
      'The November 2026 report was sent to gm@plant.example.',
    );
    await user.selectOptions(month, 'October 2026');
    await user.click(within(form).getByRole('button', { name: 'Send now' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent(
      'The October 2026 report was not sent: report not sent: the mail server did not answer within 25 s',
    );
    await user.click(within(form).getByRole('button', { name: 'Send now' }));
    await waitFor(() => expect(within(form).getByRole('alert')).toHaveTextContent('needs the gateway'));
    expect(callsTo(fetch, 'POST', `${PATH}/send`)).toEqual([{ month: '2026-11' }, { month: '2026-10' }, { month: '2026-10' }]);
  });
});
