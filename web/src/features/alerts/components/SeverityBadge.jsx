/** CRITICAL / WARNING / INFO, coloured by severity (the word is there for colour-blind eyes). */
export function SeverityBadge({ severity }) {
  const s = ['info', 'warning', 'critical'].includes(severity) ? severity : 'info';
  return <span className={`badge sev-${s}`}>{s.toUpperCase()}</span>;
}
