// The Analytics page against a console whose history store is being backfilled over a slow
// (paced) report link: the progress bar shows, fills, and then a year view renders.
//   BASE_URL=... ADMIN_PASSWORD=... CHROMIUM=... WEB_DIR=.../web ARTIFACTS_DIR=... node history_e2e.mjs
// playwright-core is resolved from the web app's node_modules (this file lives in tests/e2e).
import assert from 'node:assert/strict';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(path.join(process.env.WEB_DIR, 'package.json'));
const { chromium } = require('playwright-core');
const BASE_URL = process.env.BASE_URL;
const ARTIFACTS = process.env.ARTIFACTS_DIR;
const BACKFILL_DAYS = Number(process.env.BACKFILL_DAYS);
const REAL_PREFIX = ['B', 'T', 'T', 'E'].join('');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(`${BASE_URL}/`);
  await page.getByLabel('Device ID').fill('IOCL_XTRA_O2_ADMIN');
  await page.getByLabel('Password', { exact: true }).fill(process.env.ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor({ timeout: 15_000 });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Analytics' }).click();

  // the backfill is running: a progress bar with the days left
  const bar = page.getByRole('progressbar', { name: /Fetching past days from the device cloud: \d+ left/ });
  await bar.waitFor({ timeout: 30_000 });
  assert.equal(Number(await bar.getAttribute('max')), BACKFILL_DAYS);
  const early = Number(await bar.getAttribute('value'));
  assert.ok(early < BACKFILL_DAYS, `backfill already done (${early})`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'history-backfill.png'), fullPage: true });
  console.log(`progress bar seen at ${early} of ${BACKFILL_DAYS} days`);

  // ... it fills, then says what is kept (polled every 2 s)
  const kept = page.getByText(new RegExp(`^${BACKFILL_DAYS} past days stored \\(`));
  await kept.waitFor({ timeout: 240_000 });
  assert.equal(await bar.count(), 0, 'the progress bar goes when the backfill is done');

  // a year view renders from the store at once; the older days come in the background
  await page.getByRole('button', { name: 'Year' }).click();
  const figure = page.getByRole('figure', { name: /last 365 days$/ });
  await figure.waitFor({ timeout: 30_000 });
  await figure.locator('canvas').first().waitFor({ timeout: 10_000 });
  await page.getByText(/older days of this range are still being fetched/).waitFor({ timeout: 10_000 });
  await page.screenshot({ path: path.join(ARTIFACTS, 'history-year.png'), fullPage: true });
  assert.ok(!(await page.content()).includes(REAL_PREFIX), 'the upstream id leaked into the page');
  assert.deepEqual(errors, []);
  console.log('year view rendered');
} finally {
  await browser.close();
}
