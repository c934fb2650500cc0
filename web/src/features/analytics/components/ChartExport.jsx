import { useState } from 'react';
import { chartToPng, backgroundOf } from '../utils/chartPng.js';
import { seriesToCsv } from '../utils/seriesCsv.js';
import { fileName, saveBlob } from '../../../lib/download.js';

/**
 * Save what the chart shows, made in this browser (nothing more is fetched): the chart as a PNG
 * (uPlot's canvas under its title and legend) and its aggregated series as a CSV.
 */
export function ChartExport({ chartBox, history, channels, title, legend, view, timeZone }) {
  const [error, setError] = useState(null);
  const base = ['xtrao2', channels.map((c) => c.code).join('-'), view.start, view.end];

  const savePng = async () => {
    setError(null);
    const canvas = chartBox.current?.querySelector('.chart-canvas canvas');
    if (!canvas) {
      setError('The chart is not drawn yet.');
      return;
    }
    try {
      const figure = canvas.closest('figure') || canvas;
      const blob = await chartToPng(canvas, {
        title,
        legend,
        footer: `Times at the unit (${timeZone || 'UTC'}); lines: mean, shaded: min–max per bucket.`,
        background: backgroundOf(figure),
        color: getComputedStyle(figure).color || '#1f2933',
      });
      saveBlob(blob, fileName(base, 'png'));
    } catch (err) {
      setError(`Could not save the chart: ${err.message}`);
    }
  };

  const saveCsv = () => {
    setError(null);
    const text = seriesToCsv(history, channels, timeZone);
    saveBlob(new Blob([text], { type: 'text/csv;charset=utf-8' }), fileName(base, 'csv'));
  };

  return (
    <div className="chart-export">
      <button type="button" onClick={savePng}>
        Save chart as PNG
      </button>
      <button type="button" onClick={saveCsv}>
        Save data as CSV
      </button>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
