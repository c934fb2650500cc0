// Automation service status helpers (pure): GET /api/automation/health in plain words.
import { formatAge, num } from '../../../lib/format.js';

/**
 * What is wrong, in plain words, from GET /api/automation/health
 * (`{status: "ok"|"degraded", upstream, state_file, display, commands}`); [] when ok.
 */
export function healthProblems(health) {
  if (!health || health.status !== 'degraded') return [];
  const problems = [];
  const up = health.upstream || {};
  const file = health.state_file || {};
  const cloudError = health.commands?.last_cloud_error;

  if (up.socket_connected === false) {
    problems.push(
      'Automation has no live connection to the device cloud, so it gets no data from the unit: sensor rules ' +
        'cannot act and relay changes cannot be confirmed.',
    );
  } else if (up.socket_connected === true && num(up.last_frame_age_s) === null) {
    problems.push(
      'Automation has not received any data from the unit yet: sensor rules cannot act and relay changes ' +
        'cannot be confirmed.',
    );
  }
  if (file.ok === false) {
    let text = `The automation state file has a problem${file.error ? ` (${file.error})` : ''}.`;
    if (file.kept_aside) text += ` The damaged file was kept as ${file.kept_aside} and automation started on defaults.`;
    if (file.writable === false) text += ' Saving is disabled, so changes will be lost on a restart.';
    problems.push(text);
  }
  if (cloudError) {
    problems.push(
      `Commands to the unit are failing: the device cloud answered “${cloudError}”. Relay switches and ` +
        'display updates may not reach the unit.',
    );
  }
  // Degraded for none of the reasons above: the service's latest frame is older than its limit.
  const age = num(up.last_frame_age_s);
  if (problems.length === 0 && age !== null) {
    problems.push(
      `Automation’s latest data from the unit arrived ${formatAge(age)}: sensor rules wait for fresh data ` +
        'and relay changes cannot be confirmed.',
    );
  }
  if (problems.length === 0) problems.push('The automation service reports a problem.');
  return problems;
}
