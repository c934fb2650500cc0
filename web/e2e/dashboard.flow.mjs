// Every page at a glance, run by tests/e2e/test_e2e_dashboard.py (not by `npm run e2e`: the name
// does not match node --test's *.test.mjs).
//
//   BASE_URL=http://127.0.0.1:8080 ADMIN_PASSWORD=... [CHROMIUM=/usr/bin/chromium] \
//   [ARTIFACTS_DIR=e2e-artifacts] node --test e2e/dashboard.flow.mjs
//
// In Chromium through nginx (issue 16): each page at 1280 px and 360 px, light and dark (the
// system's scheme, emulated), screenshot to ARTIFACTS_DIR, no horizontal scroll at 360 px, and
// axe-core with no serious or critical violation; the Impact report (relay hours too) prints; the header's theme
// toggle is remembered; the PWA manifest and service worker load, the worker caches no API data,
// and offline the console says it cannot be reached.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  ARTIFACTS,
  BASE_URL,
  PAGES,
  SCHEMES,
  VIEWPORTS,
  axeProblems,
  launchChromium,
  logIn,
  noHorizontalScroll,
  openPage,
  skipUnless,
} from './support.mjs';

const T = 15_000;
const skip = skipUnless();

/** A page, settled (support.mjs openPage), its charts drawn. */
async function open(page, id) {
  await openPage(page, id, T);
  await page.waitForTimeout(300); // charts draw after their data
  await page.evaluate(() => window.scrollTo(0, 0));
}

describe('dashboard pages, themes and PWA', { skip }, () => {
  let browser;
  const report = { axe: {}, scroll: {} };

  before(async () => {
    browser = await launchChromium();
  });

  after(async () => {
    fs.writeFileSync(path.join(ARTIFACTS, 'dashboard-report.json'), JSON.stringify(report, null, 2));
    await browser?.close();
  });

  for (const scheme of SCHEMES) {
    for (const viewport of VIEWPORTS) {
      it(`every page at ${viewport.width} px, ${scheme}: screenshot, no sideways scroll, no serious axe violation`, async () => {
        const context = await browser.newContext({ viewport, colorScheme: scheme });
        const page = await context.newPage();
        const errors = [];
        page.on('pageerror', (err) => errors.push(String(err)));
        try {
          await logIn(page, T);
          // the system's scheme is followed with no pick made
          assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), scheme);
          const problems = [];
          for (const id of Object.keys(PAGES)) {
            await open(page, id);
            const key = `${id}-${viewport.width}-${scheme}`;
            await page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${key}.png`), fullPage: true });
            const scroll = await noHorizontalScroll(page);
            report.scroll[key] = scroll;
            if (!scroll.ok) problems.push(`${key}: scrolls sideways (${scroll.scrollWidth} > ${scroll.clientWidth}): ${scroll.wide.join(', ')}`);
            const axe = await axeProblems(page);
            report.axe[key] = axe;
            problems.push(...axe.map((p) => `${key}: ${p}`));
          }
          assert.deepEqual(problems, [], problems.join('\n'));
          assert.deepEqual(errors, []);
        } finally {
          await context.close();
        }
      });
    }
  }

  it('the login page passes axe and fits 360 px', async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS[1] });
    const page = await context.newPage();
    try {
      await page.goto(`${BASE_URL}/`);
      await page.getByLabel('Device ID').waitFor({ timeout: T });
      await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-login-360-light.png'), fullPage: true });
      assert.equal((await noHorizontalScroll(page)).ok, true);
      assert.deepEqual(await axeProblems(page), []);
    } finally {
      await context.close();
    }
  });

  it('the overview answers at a glance: AQI with its category, reductions, health, relays', async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS[0] });
    const page = await context.newPage();
    try {
      await logIn(page, T);
      const aqi = page.getByRole('region', { name: 'Air quality index' });
      await page.waitForFunction(() => /^\d+$/.test(document.querySelector('.aqi-big .aqi-value')?.textContent || ''), null, { timeout: T });
      assert.match(await aqi.innerText(), /Outlet\s*\d+\s*(Good|Satisfactory|Moderately polluted|Poor|Very poor|Severe)/i);
      assert.match(await aqi.innerText(), /India NAQI \(CPCB\), PM2\.5/);
      const health = page.getByRole('region', { name: 'Unit health' });
      await page.waitForFunction(() => /CSQ \d+/.test(document.querySelector('.glance-health')?.textContent || ''), null, { timeout: T });
      assert.match(await health.innerText(), /State\s+Live\b/); // SPEC 12: live / late / offline in words
      assert.match(await page.getByRole('region', { name: 'Outlet vs inlet' }).innerText(), /Dust PM\s+\d+% (lower|higher)|no change/);
      // the last hour's sparklines come from /api/graph/hour
      await page.locator('svg.sparkline').first().waitFor({ timeout: T });
      assert.ok((await page.locator('svg.sparkline').count()) >= 10);
      const chips = page.getByRole('region', { name: 'Relays' }).getByRole('listitem');
      assert.equal(await chips.count(), 8);
      assert.match(await chips.first().innerText(), /(ON|OFF)\s*(manual|sensor rule|time rule)/);
    } finally {
      await context.close();
    }
  });

  it('the Impact page charts inlet vs outlet over a range and prints as a report', async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS[0] });
    const page = await context.newPage();
    try {
      await logIn(page, T);
      await open(page, 'impact');
      const report = page.getByRole('region', { name: /^Impact report/ });
      await report.getByRole('button', { name: 'Calendar month' }).click();
      await report.getByLabel('Month').waitFor();
      await page.waitForFunction(() => /Impact report: \w+ \d{4}/.test(document.querySelector('#impact-report-title')?.textContent || ''));
      const co2 = report.getByRole('row', { name: /CO₂/ });
      await co2.waitFor({ timeout: 60_000 }); // days still coming from the cloud show as they arrive
      assert.match(await co2.innerText(), /\d+ ppm\s+\d+ ppm/);
      await report.getByText(/Data completeness: \d+%/).waitFor();
      // the gateway's history now holds relays i1..i8: hours on for each of the 8
      const relayHours = report.getByRole('table', { name: 'Hours each relay was on' });
      await relayHours.waitFor({ timeout: T });
      const relayRows = await relayHours.locator('tbody tr').allInnerTexts();
      assert.equal(relayRows.length, 8, relayRows.join(' | '));
      relayRows.forEach((row, k) => assert.match(row, new RegExp(`^Relay ${k + 1}\\s+[\\d,]+\\.\\d h$`)));
      await report.getByRole('region', { name: 'CO₂: inlet vs outlet' }).locator('canvas').first().waitFor({ timeout: T });
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.locator('header.topbar').isVisible(), false, 'no app chrome on paper');
      assert.equal(await report.getByRole('button', { name: 'Print report' }).isVisible(), false);
      assert.equal(await report.locator('.print-only').isVisible(), true);
      await page.pdf({ path: path.join(ARTIFACTS, 'dashboard-impact-report.pdf'), format: 'A4' });
      await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-impact-print.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('the header toggle switches the theme, and the pick survives a reload', async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS[1], colorScheme: 'light' });
    const page = await context.newPage();
    try {
      await logIn(page, T);
      const toggle = page.getByRole('button', { name: 'Dark theme' });
      assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
      // keyboard reachable from the top of the page, with a visible focus ring
      for (let k = 0; k < 20 && !(await toggle.evaluate((el) => el === document.activeElement)); k += 1) {
        await page.keyboard.press('Tab');
      }
      assert.equal(await toggle.evaluate((el) => el === document.activeElement), true, 'Tab reaches the toggle');
      const outline = await toggle.evaluate((el) => getComputedStyle(el).outlineStyle);
      assert.notEqual(outline, 'none');
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bg, 'rgb(16, 22, 28)');
      await page.reload();
      await page.getByRole('heading', { level: 1 }).waitFor({ timeout: T });
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
      assert.equal(await page.getByRole('button', { name: 'Dark theme' }).getAttribute('aria-pressed'), 'true');
    } finally {
      await context.close();
    }
  });

  it('is an installable PWA: manifest, service worker, shell cached without API data, offline page', async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS[0] });
    const page = await context.newPage();
    try {
      const manifest = await page.request.get(`${BASE_URL}/manifest.webmanifest`);
      assert.equal(manifest.status(), 200);
      assert.match(manifest.headers()['content-type'], /^application\/manifest\+json/);
      const m = await manifest.json();
      assert.equal(m.name, 'XtraO2 Console');
      assert.equal(m.display, 'standalone');
      for (const icon of m.icons) {
        const res = await page.request.get(`${BASE_URL}${icon.src}`);
        assert.equal(res.status(), 200, icon.src);
        assert.equal(res.headers()['content-type'], 'image/png');
      }
      const sw = await page.request.get(`${BASE_URL}/sw.js`);
      assert.equal(sw.status(), 200);
      assert.match(sw.headers()['content-type'], /javascript/);
      assert.equal(sw.headers()['cache-control'], 'no-cache'); // a new worker is found at once

      await logIn(page, T);
      assert.equal(await page.locator('link[rel="manifest"]').getAttribute('href'), '/manifest.webmanifest');
      const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
      assert.equal(scope, `${BASE_URL}/`);
      await page.waitForFunction(async () => (await caches.keys()).length > 0, null, { timeout: T });
      // let the app call the API a while, then look at everything the worker keeps
      await open(page, 'impact');
      await open(page, 'overview');
      const cached = await page.evaluate(async () => {
        const urls = [];
        for (const name of await caches.keys()) {
          for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
        }
        return urls;
      });
      assert.ok(cached.some((u) => /^\/assets\/index-.*\.js$/.test(u)), `shell script cached: ${cached}`);
      assert.ok(cached.includes('/offline.html'));
      assert.deepEqual(cached.filter((u) => u.startsWith('/api/')), [], 'no API response is cached');

      await context.setOffline(true);
      await page.reload().catch(() => {}); // the worker answers: the network is gone
      await page.getByRole('heading', { level: 1, name: 'The console cannot be reached' }).waitFor({ timeout: T });
      await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-offline-1280.png') });
      assert.deepEqual(await axeProblems(page), []);
      await context.setOffline(false);
      await page.getByRole('link', { name: 'Try again' }).click();
      await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor({ timeout: T });
    } finally {
      await context.close();
    }
  });
});
