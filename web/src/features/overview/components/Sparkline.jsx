import { sparkPoints } from '../utils/glance.js';

const W = 96;
const H = 28;

/** A last-hour trend line as a tiny inline SVG (no chart library on the first screen). */
export function Sparkline({ pts, label }) {
  const points = sparkPoints(pts, W, H);
  if (!points) return <span className="sparkline-empty muted small">no trend</span>;
  return (
    <svg className="sparkline" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={label}>
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
    </svg>
  );
}
