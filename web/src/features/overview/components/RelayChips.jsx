import { memo } from 'react';
import { num, relayText } from '../../../lib/format.js';

const MODE_NAMES = { manual: 'manual', sensor: 'sensor rule', time: 'time rule' };

/** Relays as chips: name, ON/OFF from the frame (greyed when not live), and the mode automation runs it in. */
export const RelayChips = memo(function RelayChips({ channels, frame, relays, status }) {
  const byId = new Map((relays.data?.relays || []).map((r) => [r.id, r]));
  const list = channels.filter((c) => c.group === 'relay');
  return (
    <section aria-labelledby="relay-chips-title" className="relay-chips-section">
      <h2 id="relay-chips-title">Relays</h2>
      <ul className={`relay-chips${status && !status.live ? ' not-live' : ''}`}>
        {list.map((ch) => {
          const r = byId.get(ch.code);
          const state = relayText(frame?.[ch.code]);
          const on = num(frame?.[ch.code]) >= 0.5;
          const mode = r ? MODE_NAMES[r.mode] || r.mode : null;
          return (
            <li
              key={ch.code}
              className={`chip relay-chip ${state ? (on ? 'chip-on' : 'chip-off') : ''}`}
              data-code={ch.code}
              title={`Code ${ch.code}`}
            >
              <span className="chip-name">{r?.name || ch.label}</span>
              <span className={`pill ${on ? 'pill-on' : 'pill-off'}`}>{state ?? '—'}</span>
              {mode && <span className="chip-mode">{mode}</span>}
              {r?.command?.state === 'pending' && <span className="chip-mode">pending</span>}
              {r?.command?.state === 'failed' && <span className="chip-mode bad">failed</span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
});
