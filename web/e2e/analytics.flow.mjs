// Analytics end to end, run by tests/e2e/test_e2e_analytics.py (not by `npm run e2e`: the name does
// not match node --test's *.test.mjs).
//
//   BASE_URL=http://127.0.0.1:8080 ADMIN_PASSWORD=... [CHROMIUM=/usr/bin/chromium] \
//   [ARTIFACTS_DIR=e2e-artifacts] node --test e2e/analytics.flow.mjs
//
// In Chromium through nginx (issue 16): a free range of the unit's days (a bad one refused with a
// message, a good one charted), channel compare across two units, the chart saved as a PNG and its
// series as a CSV (Playwright download events; the files are checked and kept in ARTIFACTS_DIR),
// then the same view at 360 px, light and dark: no sideways scroll, no serious axe violation.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, BASE_URL, axeProblems, launchChromium, logIn, noHorizontalScroll, skipUnless } from './support.mjs';

const UNIT_TZ = 'Asia/Kolkata'; // the stack's XO2_TIMEZONE default
const T = 20_000;

const skip = skipUnless();

/** "YYYY-MM-DD" at the unit, `offset` days from its today. */
function unitDay(offset = 0) {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: UNIT_TZ }).format(new Date());
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-12-05" as the page says it (SPEC 12, Indian dates): "05 Dec 2026". */
function dayText(iso) {
  const [y, m, d] = iso.split('-');
  return `${d} ${MONTHS[Number(m) - 1]} ${y}`;
}

/** Analytics with a 3-day range ending today at the unit and CO₂ in/out + Inlet Temperature. */
async function rangeAndCompare(page, from, to) {
  await page.goto(`${BASE_URL}/#/analytics`);
  await page.getByRole('heading', { level: 1, name: 'Analytics' }).waitFor({ timeout: T });
  await page.getByRole('button', { name: 'Range', exact: true }).click();
  const form = page.getByRole('form', { name: 'Chart range' });
  await form.getByLabel('From').fill(from);
  await form.getByLabel('To').fill(to);
  await form.getByRole('button', { name: 'Show' }).click();
  const range = `${dayText(from)} to ${dayText(to)}`;
  await page.getByRole('figure', { name: `CO₂: inlet vs outlet, ${range}` }).waitFor({ timeout: T });
  await page.locator('#chart-compare').selectOption('d3');
  const figure = page.getByRole('figure', { name: `Inlet CO₂ vs Outlet CO₂ vs Inlet Temperature, ${range}` });
  await figure.waitFor({ timeout: T });
  await figure.locator('canvas').waitFor({ timeout: T });
  return figure;
}

describe('analytics: free range, compare, PNG and CSV', { skip }, () => {
  let browser;
  let context;
  let page;
  const errors = [];
  const from = unitDay(-2);
  const to = unitDay(0);

  before(async () => {
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (err) => errors.push(String(err)));
    await logIn(page, T);
  });

  after(async () => {
    await context?.close();
    await browser?.close();
  });

  it('refuses a bad free range with a message naming the problem, and fetches nothing for it', async () => {
    await page.goto(`${BASE_URL}/#/analytics`);
    await page.getByRole('heading', { level: 1, name: 'Analytics' }).waitFor({ timeout: T });
    await page.getByRole('button', { name: 'Range', exact: true }).click();
    const form = page.getByRole('form', { name: 'Chart range' });
    const asked = [];
    const onRequest = (r) => r.url().includes('/api/history?') && asked.push(r.url());
    page.on('request', onRequest);
    await form.getByLabel('From').fill(to);
    await form.getByLabel('To').fill(from);
    await form.getByRole('button', { name: 'Show' }).click();
    await assert.doesNotReject(
      form.getByRole('alert').filter({ hasText: 'The start date must be on or before the end date.' }).waitFor({ timeout: T }),
    );
    await form.getByLabel('From').fill('2020-01-01');
    await form.getByLabel('To').fill(to);
    await form.getByRole('button', { name: 'Show' }).click();
    await form.getByRole('alert').filter({ hasText: /The range is \d+ days; choose at most 366 days\./ }).waitFor({ timeout: T });
    assert.equal(await form.getByLabel('To').getAttribute('max'), to, "the inputs stop at the unit's today");
    await page.screenshot({ path: path.join(ARTIFACTS, 'analytics-range-refused-1280.png'), fullPage: true });
    page.off('request', onRequest);
    assert.deepEqual(asked.filter((u) => u.includes('start=2020-01-01')), []);
  });

  it('charts a free range and compares channels in two units on two axes', async () => {
    const figure = await rangeAndCompare(page, from, to);
    const chips = await page.getByRole('list', { name: 'Channels on the chart' }).getByRole('listitem').allTextContents();
    assert.deepEqual(chips, ['Inlet CO₂ (ppm)×', 'Outlet CO₂ (ppm)×', 'Inlet Temperature (°C)×']);
    await page.getByText('Two units: ppm on the left axis, °C on the right.').waitFor({ timeout: T });
    assert.equal(await page.locator('#chart-compare option[value="d4"]').isDisabled(), true, 'a third unit is refused');
    const legend = await figure.locator('.legend li').allTextContents();
    assert.deepEqual(legend.slice(0, 3), ['Inlet CO₂ (ppm)', 'Outlet CO₂ (ppm)', 'Inlet Temperature (°C)']);
    assert.ok(Number(await figure.locator('[data-testid="chart"]').getAttribute('data-render-ms')) >= 0, 'drawn');
    await page.screenshot({ path: path.join(ARTIFACTS, 'analytics-compare-1280.png'), fullPage: true });
  });

  it('saves the chart as a PNG', async () => {
    const canvasWidth = await page.locator('.chart-canvas canvas').evaluate((c) => c.width);
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: T }),
      page.getByRole('button', { name: 'Save chart as PNG' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `xtrao2_d1-d8-d3_${from}_${to}.png`);
    const file = path.join(ARTIFACTS, 'analytics-chart.png');
    await download.saveAs(file);
    const png = fs.readFileSync(file);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    assert.ok(width > canvasWidth && height > 200, `the chart with margins (${width}x${height}, canvas ${canvasWidth})`);
    assert.ok(png.length > 5000, `an image with content (${png.length} bytes)`);
  });

  it("saves the chart's series as a CSV: the unit's times, min/mean/max per channel", async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: T }),
      page.getByRole('button', { name: 'Save data as CSV' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `xtrao2_d1-d8-d3_${from}_${to}.csv`);
    const file = path.join(ARTIFACTS, 'analytics-series.csv');
    await download.saveAs(file);
    const lines = fs.readFileSync(file, 'utf8').split('\r\n');
    assert.equal(
      lines[0],
      `\ufefftime (${UNIT_TZ}),Inlet CO₂ [ppm] min,Inlet CO₂ [ppm] mean,Inlet CO₂ [ppm] max,` +
        'Outlet CO₂ [ppm] min,Outlet CO₂ [ppm] mean,Outlet CO₂ [ppm] max,' +
        'Inlet Temperature [°C] min,Inlet Temperature [°C] mean,Inlet Temperature [°C] max',
    );
    const rows = lines.slice(1).filter(Boolean).map((l) => l.split(','));
    assert.equal(rows.length, 72, 'one row per bucket of the 3-day view (an hour each)');
    assert.ok(rows[0][0].startsWith(from), `the first bucket is on ${from} at the unit (${rows[0][0]})`);
    assert.ok(rows.at(-1)[0].startsWith(to), `the last bucket is on ${to} at the unit (${rows.at(-1)[0]})`);
    assert.ok(rows.every((r) => r.length === 10 && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(r[0])));
    const filled = rows.filter((r) => r.slice(1).every((c) => c !== '' && Number.isFinite(Number(c))));
    assert.ok(filled.length >= 1, "today's frames give at least one full bucket");
    for (const r of filled) {
      for (const k of [1, 4, 7]) assert.ok(Number(r[k]) <= Number(r[k + 1]) && Number(r[k + 1]) <= Number(r[k + 2]), r.join(','));
    }
  });

  for (const scheme of ['light', 'dark']) {
    it(`at 360 px, ${scheme}: range and compare usable, no sideways scroll, no serious axe violation`, async () => {
      const phone = await browser.newContext({ viewport: { width: 360, height: 780 }, colorScheme: scheme });
      const p = await phone.newPage();
      p.on('pageerror', (err) => errors.push(String(err)));
      try {
        await logIn(p, T);
        await rangeAndCompare(p, from, to);
        await p.evaluate(() => window.scrollTo(0, 0));
        await p.screenshot({ path: path.join(ARTIFACTS, `analytics-compare-360-${scheme}.png`), fullPage: true });
        const scroll = await noHorizontalScroll(p);
        assert.ok(scroll.ok, `scrolls sideways (${scroll.scrollWidth} px): ${scroll.wide.join(', ')}`);
        assert.deepEqual(await axeProblems(p), []);
        const save = p.getByRole('button', { name: 'Save chart as PNG' });
        const box = await save.boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= 360, 'the export buttons are on screen');
      } finally {
        await phone.close();
      }
    });
  }

  it('raised no page errors', () => {
    assert.deepEqual(errors, []);
  });
});
