// The plant's language (issue 23, SPEC 12), run by tests/e2e/test_e2e_plant_language.py:
//
//   BASE_URL=... ADMIN_PASSWORD=... SIM_URL=... [CHROMIUM=/usr/bin/chromium] [ARTIFACTS_DIR=e2e-artifacts] \
//   node --test e2e/plant.flow.mjs
//
// Every page at 1280 and 360 px, light and dark, as a person reads it: fails on a channel code
// (d1..d40) or a relay code (i1..i18) in the visible text (a code may only sit in a tooltip), on a
// date in M/D form (the page's text and the charts' canvas ticks), on a chart without the zone on
// its time axis or a unit on its y axis, and on any serious or critical axe violation (with
// label-content-name-mismatch, which axe runs only on request). Then the live state in words
// ("Offline since 10:58 IST") with the values greyed, and the Automation page's size on a phone.
// Screenshots: ARTIFACTS_DIR/plant-*.png; findings: plant-report.json.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  ARTIFACTS,
  PAGES,
  SCHEMES,
  SIM_URL,
  VIEWPORTS,
  axeProblems,
  launchChromium,
  logIn,
  openPage,
  sim,
  skipUnless,
} from './support.mjs';

const T = 20_000;

// What a person must never read: the API's codes, and month-first dates (12/1, 12/1/2026).
const CHANNEL_CODE = /\bd(?:[1-9]|[1-3]\d|40)\b/g;
const RELAY_CODE = /\bi(?:[1-9]|1[0-8])\b/g;
const MD_DATE = /\b(?:0?[1-9]|1[0-2])\/(?:0?[1-9]|[12]\d|3[01])(?:\/\d{2,4})?\b/g;

const skip = skipUnless(['SIM_URL', SIM_URL]);

// The header's alerts bell: its name must hold its visible count (lib/plain.js alertsBadgeName).
const BELL = '.alerts-badge';

/**
 * The text a person reads: the page's rendered text (tooltips and the replica of the unit's own
 * LCD, marked data-verbatim, left out) and, per chart, its canvas' tick and axis texts.
 */
async function readable(page) {
  return page.evaluate(() => {
    const verbatim = [...document.querySelectorAll('[data-verbatim]')];
    verbatim.forEach((el) => (el.style.display = 'none'));
    const text = document.body.innerText;
    verbatim.forEach((el) => (el.style.display = ''));
    const charts = [...document.querySelectorAll('.chart-canvas')].map((el) => ({
      ticks: el.dataset.timeTicks || '',
      axes: el.dataset.axisLabels || '',
    }));
    return { text, charts };
  });
}

function findings(key, { text, charts }) {
  const out = [];
  const context = (re) =>
    [...text.matchAll(new RegExp(re.source, 'g'))].slice(0, 3).map((m) => JSON.stringify(text.slice(Math.max(0, m.index - 30), m.index + 30)));
  // (each .test() on a fresh lastIndex: the patterns are global for matchAll)
  for (const re of [CHANNEL_CODE, RELAY_CODE, MD_DATE]) re.lastIndex = 0;
  if (CHANNEL_CODE.test(text)) out.push(`${key}: a channel code in the text: ${context(CHANNEL_CODE).join(', ')}`);
  if (RELAY_CODE.test(text)) out.push(`${key}: a relay code in the text: ${context(RELAY_CODE).join(', ')}`);
  if (MD_DATE.test(text)) out.push(`${key}: a M/D date in the text: ${context(MD_DATE).join(', ')}`);
  charts.forEach((c, k) => {
    MD_DATE.lastIndex = 0;
    if (!c.ticks) out.push(`${key}: chart ${k} drew no time ticks`);
    if (MD_DATE.test(c.ticks)) out.push(`${key}: chart ${k} ticks in M/D form: ${c.ticks}`);
    if (/\b(?:am|pm)\b/i.test(c.ticks)) out.push(`${key}: chart ${k} ticks in 12-hour form: ${c.ticks}`);
    const [time, ...ys] = c.axes.split(' | ');
    if (!/\bIST\b/.test(time)) out.push(`${key}: chart ${k} time axis without the zone: ${time}`);
    if (ys.length === 0 || ys.some((y) => !y || y === 'undefined')) out.push(`${key}: chart ${k} y axis without a unit: ${c.axes}`);
  });
  return out;
}

/** A page settled (support.mjs openPage), its charts drawn and its relays listed. */
async function open(page, id) {
  await openPage(page, id, T);
  if (id === 'impact' || id === 'analytics') {
    // charts draw after their data: wait for the first one's ticks
    await page.waitForFunction(() => document.querySelector('.chart-canvas')?.dataset.timeTicks, null, { timeout: 60_000 });
  }
  if (id === 'automation') await page.getByRole('list', { name: 'Relays' }).waitFor({ timeout: T });
  await page.waitForTimeout(300);
  await page.evaluate(() => window.scrollTo(0, 0));
}

describe('the plant language on every page', { skip }, () => {
  let browser;
  const report = { findings: {}, axe: {}, automationHeight: {} };

  before(async () => {
    browser = await launchChromium();
  });

  after(async () => {
    fs.writeFileSync(path.join(ARTIFACTS, 'plant-report.json'), JSON.stringify(report, null, 2));
    await browser?.close();
  });

  for (const scheme of SCHEMES) {
    for (const viewport of VIEWPORTS) {
      it(`every page at ${viewport.width} px, ${scheme}: no codes, no M/D dates, zone and units on charts, no serious axe violation`, async () => {
        // an en-US browser in New York: the pages must still speak Indian time at the unit
        const context = await browser.newContext({ viewport, colorScheme: scheme, locale: 'en-US', timezoneId: 'America/New_York' });
        const page = await context.newPage();
        const errors = [];
        page.on('pageerror', (err) => errors.push(String(err)));
        try {
          await logIn(page, T);
          const problems = [];
          for (const id of Object.keys(PAGES)) {
            await open(page, id);
            const key = `${id}-${viewport.width}-${scheme}`;
            await page.screenshot({ path: path.join(ARTIFACTS, `plant-${key}.png`), fullPage: true });
            const found = findings(key, await readable(page));
            const axe = (await axeProblems(page, { nameMismatch: true })).map((p) => `${key}: ${p}`);
            report.findings[key] = found;
            report.axe[key] = axe;
            problems.push(...found, ...axe);
            if (id === 'automation') {
              report.automationHeight[key] = await page.evaluate(() => document.documentElement.scrollHeight);
            }
          }
          assert.deepEqual(problems, [], problems.join('\n'));
          assert.deepEqual(errors, []);
        } finally {
          await context.close();
        }
      });
    }
  }

  it('the alerts bell: its name holds its visible count', async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS[0] });
    const page = await context.newPage();
    try {
      await logIn(page, T);
      await page.locator(`${BELL} .alerts-count`).waitFor({ timeout: T });
      const problems = await axeProblems(page, { nameMismatch: true });
      assert.deepEqual(problems.filter((p) => p.startsWith('label-content-name-mismatch ')), []);
    } finally {
      await context.close();
    }
  });

  it('says the live state in words with the time, and greys what is not live', async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS[1], locale: 'en-US', timezoneId: 'America/New_York' });
    const page = await context.newPage();
    const banner = page.getByRole('region', { name: 'Device status' }).getByRole('status');
    try {
      await logIn(page, T);
      await page.waitForFunction(() => /^\d+$/.test(document.querySelector('.aqi-big .aqi-value')?.textContent || ''), null, { timeout: T });
      assert.match(await banner.innerText(), /^Live$/);
      assert.equal(await page.locator('.aqi-big.not-live').count(), 0);
      await sim('/__sim/faults', { offline: true });
      // no frame comes: late first, with the last data's time at the unit
      await page.waitForFunction(
        () => /^(Late: last data|Offline since) (\d\d [A-Z][a-z]{2} \d{4}, )?\d\d:\d\d IST$/.test(document.querySelector('.banner-state')?.textContent || ''),
        null,
        { timeout: 30_000 },
      );
      await page.locator('.aqi-big.not-live').waitFor({ timeout: T });
      assert.match(await page.locator('.aqi-big').innerText(), /at \d\d:\d\d IST/);
      assert.match(await page.locator('.not-live-note').innerText(), /^Not live: the values below are from \d\d:\d\d IST\.$/);
      // a gateway that says its state (SPEC 12) turns offline after XO2_OFFLINE_AFTER_S (8 s here)
      const says = await page.evaluate(async () => {
        const res = await fetch('/api/live', { headers: { Authorization: `Bearer ${sessionStorage.getItem('xo2.token')}` } });
        return 'state' in (await res.json());
      });
      if (says) {
        await page.waitForFunction(
          () => /^Offline since \d\d:\d\d IST$/.test(document.querySelector('.banner-state')?.textContent || ''),
          null,
          { timeout: 30_000 },
        );
      }
      await page.screenshot({ path: path.join(ARTIFACTS, 'plant-overview-offline-360.png'), fullPage: true });
    } finally {
      await sim('/__sim/faults', { offline: false });
    }
    try {
      await page.waitForFunction(() => document.querySelector('.banner-state')?.textContent === 'Live', null, { timeout: 30_000 });
      assert.equal(await page.locator('.aqi-big.not-live').count(), 0);
    } finally {
      await context.close();
    }
  });

  it('runs the relays on a phone: compact rows, one tap, "Sending…" then confirmed; details on demand', async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS[1] });
    const page = await context.newPage();
    try {
      await logIn(page, T);
      await open(page, 'automation');
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      assert.ok(height < 2600, `the Automation page is ${height} px tall at 360 px`);
      const rows = page.getByRole('list', { name: 'Relays' }).getByRole('listitem');
      assert.equal(await rows.count(), 8);
      // the first manual relay: one tap
      const row = rows.filter({ has: page.getByRole('switch') }).first();
      const sw = row.getByRole('switch');
      const before = await sw.getAttribute('aria-checked');
      await sw.click();
      await row.getByText(/Sending…|waiting for the unit to confirm|CONFIRMED/).first().waitFor({ timeout: 5000 });
      await row.getByText('CONFIRMED').waitFor({ timeout: 30_000 });
      assert.notEqual(await row.getByRole('switch').getAttribute('aria-checked'), before);
      // no Save before an edit; details open on demand
      assert.equal(await row.getByRole('button', { name: 'Save' }).count(), 0);
      await row.getByRole('button', { name: /^Details/ }).click();
      await row.getByLabel('Name').waitFor();
      assert.equal(await row.getByRole('button', { name: 'Save' }).count(), 0);
      await row.getByLabel('Name').fill('x'.repeat(45));
      await row.getByText('45 of 40 characters').waitFor();
      await row.getByRole('button', { name: 'Save' }).click();
      await row.getByText('The name is 45 characters; use at most 40.').waitFor();
      await row.getByRole('button', { name: 'Cancel' }).click();
      await page.screenshot({ path: path.join(ARTIFACTS, 'plant-automation-row-360.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});
