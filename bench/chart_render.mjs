// Month chart render time in headless Chromium, for bench_web.py.
//
//   BASE_URL=http://127.0.0.1:PORT ADMIN_PASSWORD=... [RUNS=5] [CHROMIUM=/usr/bin/chromium] \
//   node bench/chart_render.mjs
//
// playwright-core comes from web/node_modules (no browser download: Debian's Chromium).
// Each run is a fresh browser context (cold page): log in, open Analytics, choose Month and
// read the app's own Performance API measure ("chart-render": from the chart effect's start
// mark to uPlot's first draw, also on window.__xo2ChartRender). Then every inlet/outlet pair
// is drawn once more in the month view (re-renders). Prints one JSON line.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'web', 'package.json'));
const { chromium } = require('playwright-core');

const BASE_URL = (process.env.BASE_URL || '').replace(/\/+$/, '');
const PASSWORD = process.env.ADMIN_PASSWORD || '';
const RUNS = Number(process.env.RUNS || 5);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const T = 60_000;

async function measured(page, tag) {
  const handle = await page.waitForFunction(
    (t) => window.__xo2ChartRender && window.__xo2ChartRender.tag === t && window.__xo2ChartRender,
    tag,
    { timeout: T, polling: 20 },
  );
  const r = await handle.jsonValue();
  await page.evaluate(() => {
    window.__xo2ChartRender = undefined;
  });
  return r;
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const out = { first: [], rerender: [], points: null, measures: 0 };
try {
  for (let run = 0; run < RUNS; run += 1) {
    // Unit-local time zone, so the page asks for the same 30 days as the report covers.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'Asia/Kolkata' });
    const page = await context.newPage();
    await page.goto(`${BASE_URL}/`);
    await page.getByLabel('Device ID').fill('IOCL_XTRA_O2_ADMIN');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor({ timeout: T });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Analytics' }).click();
    await page.getByRole('heading', { level: 1, name: 'Analytics' }).waitFor({ timeout: T });
    await measured(page, 'week');
    await page.getByRole('button', { name: 'Month' }).click();
    const first = await measured(page, 'month');
    out.first.push(first.ms);
    out.points = first.points;
    if (run === 0) {
      const values = await page.locator('#chart-channel option').evaluateAll(
        (opts) => opts.map((o) => o.value).filter((v) => v.startsWith('pair:')),
      );
      for (const v of values.slice(1)) {
        await page.locator('#chart-channel').selectOption(v);
        out.rerender.push((await measured(page, 'month')).ms);
      }
      out.measures = await page.evaluate(() => performance.getEntriesByName('chart-render').length);
    }
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
