import { healthProblems } from '../utils/health.js';
import { useAutomationHealth } from '../api/relays.js';

/** A notice when GET /api/automation/health says degraded, saying what is wrong; nothing when ok. */
export function AutomationHealth() {
  const health = useAutomationHealth();
  const problems = healthProblems(health.data);
  if (problems.length === 0) return null;
  return (
    <div className="notice health-notice" role="status">
      <strong>Automation is degraded.</strong>
      <ul>
        {problems.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </div>
  );
}
