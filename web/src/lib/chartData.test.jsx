// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { historyToChartData } from './chartData.js';

const history = {
  deviceId: 'IOCL_XTRA_O2_ADMIN',
  start: '2025-11-01',
  end: '2025-11-07',
  bucket_s: 3600,
  t: [1000, 4600, 8200],
  series: {
    d1: { min: [400, null, 390.0], mean: [410, null, 400], max: [420, null, 415] },
    d8: { min: [300, 310, 305], mean: [320, 330, 325], max: [340, 350, 345] },
  },
};
const d1 = { code: 'd1', label: 'Inlet CO₂', unit: 'ppm', precision: 0 };
const d8 = { code: 'd8', label: 'Outlet CO₂', unit: 'ppm', precision: 0 };

describe('historyToChartData', () => {
  it('builds mean + min/max columns and a band for one channel', () => {
    const c = historyToChartData(history, [d1]);
    expect(c.data).toEqual([
      [1000, 4600, 8200],
      [410, null, 400],
      [400, null, 390],
      [420, null, 415],
    ]);
    expect(c.series.map((s) => s.kind)).toEqual(['mean', 'min', 'max']);
    // band fills between max (uPlot series 3) and min (series 2)
    expect(c.bands).toEqual([{ series: [3, 2], fill: expect.any(String) }]);
    expect(c.points).toBe(3);
    expect(c.hasData).toBe(true);
  });

  it('overlays an inlet/outlet pair with one band each', () => {
    const c = historyToChartData(history, [d1, d8]);
    expect(c.data).toHaveLength(7);
    expect(c.data[4]).toEqual([320, 330, 325]);
    expect(c.bands.map((b) => b.series)).toEqual([
      [3, 2],
      [6, 5],
    ]);
    expect(c.series[3]).toMatchObject({ code: 'd8', kind: 'mean', label: 'Outlet CO₂' });
    expect(c.series[0].color).not.toBe(c.series[3].color);
  });

  it('pads missing or short series with nulls and drops bad timestamps', () => {
    const c = historyToChartData({ t: [1, null, 3], series: { d1: { mean: [5] } } }, [d1]);
    expect(c.data[0]).toEqual([1, 3]);
    expect(c.data[1]).toEqual([5, null]);
    expect(c.data[2]).toEqual([null, null]);
    expect(historyToChartData({ t: [], series: {} }, [d1]).hasData).toBe(false);
    expect(historyToChartData(null, [d1]).points).toBe(0);
  });
});
