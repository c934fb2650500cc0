// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { healthProblems } from './health.js';

const ok = {
  status: 'ok',
  upstream: { socket_connected: true, last_frame_age_s: 3 },
  state_file: { ok: true, error: null, kept_aside: null, file: 'state.json', writable: true },
  commands: { pending: 0, queued: 0, last_cloud_error: null },
};

describe('automation health', () => {
  it('says nothing when ok (or unknown)', () => {
    expect(healthProblems(ok)).toEqual([]);
    expect(healthProblems(undefined)).toEqual([]);
  });

  it('names each problem in plain words', () => {
    expect(healthProblems({ ...ok, status: 'degraded', upstream: { socket_connected: false } })).toEqual([
      expect.stringMatching(/^Automation has no live connection to the device cloud/),
    ]);
    expect(
      healthProblems({ ...ok, status: 'degraded', upstream: { socket_connected: true, last_frame_age_s: null } }),
    ).toEqual([expect.stringMatching(/^Automation has not received any data from the unit yet/)]);
    const [file] = healthProblems({
      ...ok,
      status: 'degraded',
      state_file: { ...ok.state_file, ok: false, error: 'save failed: No space left on device', writable: false },
    });
    expect(file).toBe(
      'The automation state file has a problem (save failed: No space left on device). Saving is disabled, so ' +
        'changes will be lost on a restart.',
    );
    expect(
      healthProblems({ ...ok, status: 'degraded', commands: { ...ok.commands, last_cloud_error: 'timed out' } }),
    ).toEqual([expect.stringMatching(/^Commands to the unit are failing: the device cloud answered “timed out”/)]);
  });

  it('blames old data when degraded for no other reason', () => {
    expect(
      healthProblems({ ...ok, status: 'degraded', upstream: { socket_connected: true, last_frame_age_s: 185 } }),
    ).toEqual([expect.stringMatching(/^Automation’s latest data from the unit arrived 3 min ago/)]);
    expect(healthProblems({ status: 'degraded' })).toEqual(['The automation service reports a problem.']);
  });
});
