import { aqiCategory, pmAqi } from '../../../lib/aqi.js';

/** One big AQI figure with its category name on the category's colour. */
/** Not live (`when` is the reading's time): greyed, without the category's colour, and dated. */
export function AqiFigure({ title, pm, standard, size, big = false, when = null }) {
  const index = pmAqi(pm, standard, size);
  const cat = aqiCategory(index, standard);
  const old = when !== null;
  return (
    <div className={`aqi-figure${big ? ' aqi-big' : ''}${old ? ' not-live' : ''}`}>
      <p className="aqi-title">{title}</p>
      <p className="aqi-value">{index ?? '—'}</p>
      {cat ? (
        <p className="aqi-cat" style={old ? undefined : { background: cat.color, color: cat.ink }}>
          {cat.name}
        </p>
      ) : (
        <p className="aqi-cat muted">No reading</p>
      )}
      {old && index !== null && <p className="aqi-when small">at {when}</p>}
    </div>
  );
}
