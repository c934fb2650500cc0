// The chart as a PNG: uPlot draws on a canvas, so the image is that canvas under a title and a
// legend (which are HTML on the page), on the page's own background so dark charts stay legible.

const PAD = 16;
const LINE = 22;

/** Draw the title, legend and chart canvas onto a new canvas; resolves with a PNG Blob. */
export function chartToPng(chartCanvas, { title, legend = [], footer = '', background = '#ffffff', color = '#1f2933' }) {
  const ratio = chartCanvas.width / (chartCanvas.clientWidth || chartCanvas.width) || 1;
  const w = chartCanvas.width;
  const headH = Math.round((PAD + LINE * 2 + (footer ? LINE : 0)) * ratio);
  const out = document.createElement('canvas');
  out.width = w + Math.round(PAD * 2 * ratio);
  out.height = chartCanvas.height + headH + Math.round(PAD * ratio);
  const ctx = out.getContext('2d');
  if (!ctx) return Promise.reject(new Error('this browser cannot draw images'));
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.scale(ratio, ratio);
  ctx.fillStyle = color;
  ctx.textBaseline = 'middle';
  ctx.font = '600 15px system-ui, sans-serif';
  ctx.fillText(title, PAD, PAD + LINE / 2);
  ctx.font = '13px system-ui, sans-serif';
  let x = PAD;
  legend.forEach((item) => {
    ctx.fillStyle = item.color;
    ctx.fillRect(x, PAD + LINE + LINE / 2 - 5, 10, 10);
    ctx.fillStyle = color;
    ctx.fillText(item.label, x + 14, PAD + LINE * 1.5);
    x += 14 + ctx.measureText(item.label).width + 18;
  });
  if (footer) ctx.fillText(footer, PAD, PAD + LINE * 2.5);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.drawImage(chartCanvas, Math.round(PAD * ratio), headH);
  return new Promise((resolve, reject) => {
    out.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the chart could not be turned into a PNG'))), 'image/png');
  });
}

/** The first non-transparent background colour at or above `el` (the card the chart sits in). */
export function backgroundOf(el) {
  for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
    const bg = getComputedStyle(node).backgroundColor;
    if (bg && bg !== 'transparent' && !/^rgba\(.*,\s*0\)$/.test(bg)) return bg;
  }
  return '#ffffff';
}
