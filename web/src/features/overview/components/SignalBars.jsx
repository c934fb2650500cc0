import { signalBars } from '../utils/glance.js';

/** GSM signal as four bars, with the word and the raw CSQ beside them. */
export function SignalBars({ csq }) {
  const s = signalBars(csq);
  const text = s.known ? `${s.word}, CSQ ${Math.round(Number(csq))}` : 'Unknown';
  return (
    <span className="signal">
      <svg className="signal-bars" viewBox="0 0 20 16" width="20" height="16" aria-hidden="true">
        {[0, 1, 2, 3].map((i) => (
          <rect key={i} x={i * 5} y={12 - i * 4} width="3.5" height={4 + i * 4} rx="0.5" className={i < s.bars ? 'on' : 'off'} />
        ))}
      </svg>
      <span className="signal-text">{text}</span>
    </span>
  );
}
