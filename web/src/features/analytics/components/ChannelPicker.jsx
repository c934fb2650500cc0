import { MAX_COMPARE, cannotAdd, matchChoice, unitsOf } from '../utils/compare.js';

/**
 * What the chart shows: a preset ("Channel": an inlet/outlet pair or one channel), to which more
 * channels can be added ("Compare with") and removed (the chips), in at most two units.
 */
export function ChannelPicker({ channels, choices, codes, onChange }) {
  const byCode = new Map(channels.map((c) => [c.code, c]));
  const selected = codes.map((c) => byCode.get(c)).filter(Boolean);
  const match = matchChoice(choices, codes);
  const candidates = channels.filter((c) => c.group !== 'relay' && !codes.includes(c.code));
  const units = unitsOf(selected);
  return (
    <div className="channel-picker">
      <div className="field">
        <label htmlFor="chart-channel">Channel</label>
        <select
          id="chart-channel"
          value={match?.value || 'custom'}
          onChange={(e) => onChange(choices.all.find((c) => c.value === e.target.value).codes)}
        >
          {!match && (
            <option value="custom" disabled>
              Comparison of {selected.length}
            </option>
          )}
          <optgroup label="Inlet vs outlet">
            {choices.pairs.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </optgroup>
          <optgroup label="Single channel">
            {choices.singles.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </optgroup>
        </select>
      </div>
      <div className="field">
        <label htmlFor="chart-compare">Compare with</label>
        <select
          id="chart-compare"
          value=""
          onChange={(e) => e.target.value && onChange([...codes, e.target.value])}
          aria-describedby="compare-help"
        >
          <option value="">Add a channel…</option>
          {candidates.map((c) => {
            const why = cannotAdd(selected, c);
            return (
              <option key={c.code} value={c.code} disabled={!!why}>
                {c.label}
                {c.unit ? ` (${c.unit})` : ''}
                {why ? ` — not possible: ${why}` : ''}
              </option>
            );
          })}
        </select>
      </div>
      <ul className="compare-chips" aria-label="Channels on the chart">
        {selected.map((c) => (
          <li key={c.code} className="chip">
            {c.label}
            {c.unit ? ` (${c.unit})` : ''}
            <button
              type="button"
              className="chip-remove"
              aria-label={`Remove ${c.label} from the chart`}
              disabled={selected.length < 2}
              onClick={() => onChange(codes.filter((x) => x !== c.code))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <p id="compare-help" className="small muted compare-help">
        {units.length > 1
          ? `Two units: ${units[0] || 'no unit'} on the left axis, ${units[1] || 'no unit'} on the right.`
          : `Up to ${MAX_COMPARE} channels in at most two units (one per axis).`}
      </p>
    </div>
  );
}
