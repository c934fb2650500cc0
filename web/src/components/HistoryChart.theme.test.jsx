import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, render } from '@testing-library/react';
import { HistoryChart, buildOptions } from './HistoryChart.jsx';
import { historyToChartData } from '../lib/chartData.js';

// jsdom has no canvas: record what each uPlot was built with.
const plots = vi.hoisted(() => []);
vi.mock('uplot', () => ({
  default: class FakePlot {
    constructor(opts, data, el) {
      this.opts = opts;
      this.data = data;
      this.width = opts.width;
      el.appendChild(document.createElement('canvas'));
      plots.push(this);
    }
    setSize() {}
    destroy() {
      this.destroyed = true;
    }
  },
}));

const channel = { code: 'd1', label: 'Inlet CO₂', unit: 'ppm', precision: 0 };
const chart = historyToChartData({ t: [0, 3600], series: { d1: { mean: [400, 410], min: [390, 400], max: [420, 430] } } }, [channel]);

describe('chart colours follow the theme', () => {
  afterEach(() => {
    delete document.documentElement.dataset.theme;
    plots.length = 0;
  });

  it('gives the axes and grid the theme’s colours', () => {
    const light = buildOptions(chart, { width: 300, height: 200 });
    const dark = buildOptions(chart, { width: 300, height: 200, theme: 'dark' });
    expect(light.axes.map((a) => [a.stroke, a.grid.stroke])).toEqual([['#52606d', '#e4e7eb'], ['#52606d', '#e4e7eb']]);
    expect(dark.axes.map((a) => [a.stroke, a.grid.stroke])).toEqual([['#a3b0bd', '#33414e'], ['#a3b0bd', '#33414e']]);
  });

  it('redraws in the new colours when the theme switches', async () => {
    render(<HistoryChart chart={chart} unit="ppm" precision={0} title="CO₂" />);
    expect(plots).toHaveLength(1);
    expect(plots[0].opts.axes[0].stroke).toBe('#52606d');
    await act(async () => {
      document.documentElement.dataset.theme = 'dark';
      await new Promise((r) => setTimeout(r, 0)); // MutationObserver callbacks are microtasks
    });
    expect(plots).toHaveLength(2);
    expect(plots[0].destroyed).toBe(true);
    expect(plots[1].opts.axes[0].stroke).toBe('#a3b0bd');
  });
});
