import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { jsonResponse, mockFetch } from '../../../test/utils.jsx';
import { TZ, callsTo, renderWithClient } from '../test/render.jsx';
import { AT } from '../test/notifyFixtures.js';
import { Silences } from './Silences.jsx';

configure({ asyncUtilTimeout: 5000 });
// Long form flows: 20 s per test leaves room for a loaded CI box (alone each takes 1-4 s).
const NOW = AT + 3600; // 07 Dec 2026, 11:02 IST
const PATH = '/api/automation/silences';
const rules = [
  { id: 'r1', name: 'Outlet dust high' },
  { id: 'r2', name: 'Unit offline' },
  { id: 'r3', name: 'Relay command failed' },
];
const rulesById = new Map(rules.map((r) => [r.id, r]));

beforeAll(() => vi.useFakeTimers({ toFake: ['Date'], now: NOW * 1000 }));
afterAll(() => vi.useRealTimers());

function setup(initial = [], extra = {}) {
  let list = initial;
  const fetch = mockFetch({
    [`GET ${PATH}`]: () => ({ silences: list }),
    [`POST ${PATH}`]: (init) => {
      const body = JSON.parse(init.body);
      if (!body.reason) return jsonResponse(400, { error: 'Say why the alerts are silenced', field: 'reason' });
      const s = { id: `s${list.length + 1}`, ...body };
      list = [...list, s];
      return jsonResponse(201, s);
    },
    ...extra,
  });
  renderWithClient(<Silences rules={rules} rulesById={rulesById} tz={TZ} />);
  return { fetch, setList: (l) => (list = l) };
}

describe('silences', { timeout: 20_000 }, () => {
  it('lists only the active ones, soonest end first, and ends one early', async () => {
    const { fetch, setList } = setup(
      [
        { id: 's1', reason: 'Filter change', until: NOW + 86400, rule_ids: [] },
        { id: 's2', reason: 'Pump service', until: NOW + 1800, rule_ids: ['r1', 'gone'] },
        { id: 's3', reason: 'Yesterday', until: NOW - 60, rule_ids: [] },
      ],
      {
        [`DELETE ${PATH}/s2`]: () => {
          setList([{ id: 's1', reason: 'Filter change', until: NOW + 86400, rule_ids: [] }]);
          return jsonResponse(204, '');
        },
      },
    );
    const items = await screen.findAllByRole('article');
    expect(items.map((a) => a.textContent)).toEqual([
      expect.stringContaining('Outlet dust high, a deleted rule (gone)Until 11:32 IST'),
      expect.stringContaining('All rulesUntil 08 Dec 2026, 11:02 IST'),
    ]);
    expect(items[0]).toHaveTextContent('Why: Pump service');
    expect(screen.queryByText(/Yesterday/)).toBeNull();

    const user = userEvent.setup({ delay: null });
    await user.click(within(items[0]).getByRole('button', { name: 'End silence: Outlet dust high, a deleted rule (gone)' }));
    await waitFor(() => expect(screen.getAllByRole('article')).toHaveLength(1));
    expect(callsTo(fetch, 'DELETE', `${PATH}/s2`)).toHaveLength(1);
  });

  it('starts one for all rules for a while: reason required, until computed from now', async () => {
    const { fetch } = setup();
    expect(await screen.findByText('No silence now: alerts are sent.')).toBeInTheDocument();
    const user = userEvent.setup({ delay: null });
    await user.click(screen.getByRole('button', { name: '+ New silence' }));
    const form = screen.getByRole('form', { name: 'New silence' });
    expect(within(form).getByLabelText('Reason')).toHaveFocus();
    await user.selectOptions(within(form).getByLabelText('For'), '4 hours');
    expect(form).toHaveTextContent('Ends 07 Dec 2026, 15:02 IST (at most 7 days ahead).');
    await user.click(within(form).getByRole('button', { name: 'Start silence' }));
    const reason = within(form).getByLabelText('Reason');
    await waitFor(() => expect(reason).toHaveAccessibleDescription('Say why, so others know (e.g. maintenance).'));
    expect(callsTo(fetch, 'POST', PATH)).toHaveLength(0);

    await user.type(reason, 'Filter change');
    await user.click(within(form).getByRole('button', { name: 'Start silence' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Silence started');
    expect(callsTo(fetch, 'POST', PATH)).toEqual([{ reason: 'Filter change', until: NOW + 14400, rule_ids: [] }]);
    expect(await screen.findByRole('article', { name: 'All rules' })).toHaveTextContent('Until 15:02 IST');
    expect(screen.getByRole('button', { name: '+ New silence' })).toHaveFocus();
  });

  it('chosen rules until a date and time in the unit’s zone, never more than 7 days ahead', async () => {
    const { fetch } = setup([], {
      [`POST ${PATH}`]: (init) => {
        const body = JSON.parse(init.body);
        return body.rule_ids.includes('r3')
          ? jsonResponse(400, { error: 'That rule was deleted meanwhile', field: 'rule_ids' })
          : jsonResponse(201, { id: 's9', ...body });
      },
    });
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole('button', { name: '+ New silence' }));
    const form = screen.getByRole('form', { name: 'New silence' });
    await user.type(within(form).getByLabelText('Reason'), 'Line 2 shutdown');
    await user.click(within(form).getByLabelText('Chosen rules'));
    await user.click(within(form).getByRole('button', { name: 'Start silence' }));
    const group = within(form).getByRole('group', { name: 'Rules to mute' });
    await waitFor(() => expect(group).toHaveAccessibleDescription('Choose at least one rule, or mute all.'));
    await user.click(within(group).getByLabelText('Outlet dust high'));
    await user.click(within(group).getByLabelText('Relay command failed'));

    await user.selectOptions(within(form).getByLabelText('For'), 'Until a date and time…');
    const date = within(form).getByLabelText('End date');
    const time = within(form).getByLabelText('End time (HH:MM, 24-hour)');
    expect(date).toHaveValue('2026-12-07'); // two hours ahead, in IST
    expect(time).toHaveValue('13:02');
    await user.clear(date);
    await user.type(date, '2026-12-15');
    await user.clear(time);
    await user.type(time, '09:00');
    expect(form).toHaveTextContent('A silence lasts at most 7 days.');
    await user.click(within(form).getByRole('button', { name: 'Start silence' }));
    await waitFor(() => expect(time).toHaveAccessibleDescription('A silence can last at most 7 days: choose an earlier end.'));
    await user.clear(time);
    await user.type(time, '9 pm');
    await user.click(within(form).getByRole('button', { name: 'Start silence' }));
    await waitFor(() => expect(time).toHaveAccessibleDescription(/time as HH:MM \(24-hour\)/));
    await user.clear(date);
    await user.type(date, '2026-12-13');
    await user.clear(time);
    await user.type(time, '18:30');
    expect(form).toHaveTextContent('Ends 13 Dec 2026, 18:30 IST');
    expect(callsTo(fetch, 'POST', PATH)).toHaveLength(0);

    // the server's 400 goes beside the rules it names
    await user.click(within(form).getByRole('button', { name: 'Start silence' }));
    await waitFor(() => expect(group).toHaveAccessibleDescription('That rule was deleted meanwhile'));
    await user.click(within(group).getByLabelText('Relay command failed'));
    await user.click(within(form).getByRole('button', { name: 'Start silence' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Silence started');
    const until = Date.UTC(2026, 11, 13, 13, 0) / 1000; // 18:30 IST = 13:00 UTC
    expect(callsTo(fetch, 'POST', PATH)).toEqual([
      { reason: 'Line 2 shutdown', until, rule_ids: ['r1', 'r3'] },
      { reason: 'Line 2 shutdown', until, rule_ids: ['r1'] },
    ]);
  });
});
