import { aqiCategory, pmAqi } from '../utils/aqi.js';

/** One big AQI figure with its category name on the category's colour. */
export function AqiFigure({ title, pm, standard, size, big = false }) {
  const index = pmAqi(pm, standard, size);
  const cat = aqiCategory(index, standard);
  return (
    <div className={`aqi-figure${big ? ' aqi-big' : ''}`}>
      <p className="aqi-title">{title}</p>
      <p className="aqi-value">{index ?? '—'}</p>
      {cat ? (
        <p className="aqi-cat" style={{ background: cat.color, color: cat.ink }}>
          {cat.name}
        </p>
      ) : (
        <p className="aqi-cat muted">No reading</p>
      )}
    </div>
  );
}
