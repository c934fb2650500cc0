import { afterEach, describe, expect, it, vi } from 'vitest';
import { backgroundOf, chartToPng } from './chartPng.js';

// jsdom draws nothing: record the 2D calls and hand back a PNG Blob from toBlob.
function fakeContext() {
  const calls = [];
  const ctx = new Proxy(
    { calls, measureText: (t) => ({ width: t.length * 7 }) },
    {
      get(target, key) {
        if (key in target) return target[key];
        return (...args) => calls.push([key, ...args]);
      },
      set(target, key, value) {
        calls.push([`set ${String(key)}`, value]);
        return true;
      },
    },
  );
  return { ctx, calls };
}

describe('the chart as a PNG', () => {
  afterEach(() => vi.restoreAllMocks());

  it('draws title, legend and uPlot’s canvas on the page background, then encodes a PNG', async () => {
    const { ctx, calls } = fakeContext();
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(ctx);
    const toBlob = vi.spyOn(HTMLCanvasElement.prototype, 'toBlob').mockImplementation(function (cb, type) {
      cb(new Blob([`${this.width}x${this.height}`], { type }));
    });
    const chart = document.createElement('canvas');
    chart.width = 1200; // uPlot's canvas at devicePixelRatio 2
    chart.height = 600;
    Object.defineProperty(chart, 'clientWidth', { value: 600 });

    const blob = await chartToPng(chart, {
      title: 'CO₂: inlet vs outlet, last 30 days',
      legend: [{ label: 'Inlet CO₂', color: '#0b6e99' }, { label: 'Outlet CO₂', color: '#c2410c' }],
      footer: 'Times at the unit',
      background: 'rgb(24, 33, 42)',
      color: 'rgb(228, 233, 238)',
    });
    expect(blob.type).toBe('image/png');
    expect(toBlob.mock.calls[0][1]).toBe('image/png');
    // the new canvas: the chart plus a 16 px margin each side and a 3-line head, at ratio 2
    expect(await blob.text()).toBe(`${1200 + 64}x${600 + 2 * (16 + 66) + 32}`);
    expect(calls[0]).toEqual(['set fillStyle', 'rgb(24, 33, 42)']);
    expect(calls).toContainEqual(['scale', 2, 2]);
    const texts = calls.filter((c) => c[0] === 'fillText').map((c) => c[1]);
    expect(texts).toEqual(['CO₂: inlet vs outlet, last 30 days', 'Inlet CO₂', 'Outlet CO₂', 'Times at the unit']);
    expect(calls).toContainEqual(['set fillStyle', '#c2410c']);
    const draw = calls.find((c) => c[0] === 'drawImage');
    expect(draw[1]).toBe(chart);
    expect(draw.slice(2)).toEqual([32, 164]);
  });

  it('fails with a clear message when the browser cannot draw', async () => {
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    await expect(chartToPng(document.createElement('canvas'), { title: 'x' })).rejects.toThrow(
      'this browser cannot draw images',
    );
  });

  it('takes the first non-transparent background up the tree', () => {
    const card = document.createElement('section');
    card.style.backgroundColor = 'rgb(1, 2, 3)';
    const inner = document.createElement('div');
    card.appendChild(inner);
    document.body.appendChild(card);
    expect(backgroundOf(inner)).toBe('rgb(1, 2, 3)');
    card.remove();
  });
});
