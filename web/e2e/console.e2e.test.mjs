// End-to-end test of the built dashboard behind nginx, against the device-cloud simulator.
//
//   BASE_URL=http://127.0.0.1:8080 ADMIN_PASSWORD=... [SIM_URL=...] [CHROMIUM=/usr/bin/chromium] \
//   [ARTIFACTS_DIR=e2e-artifacts] npm run e2e
//
// Uses Debian's Chromium through playwright-core (no browser download). Skips, saying why,
// when BASE_URL / ADMIN_PASSWORD / Chromium are missing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, BASE_URL, DEVICE, PASSWORD, REAL_PREFIX, SIM_URL, launchChromium, logIn, skipUnless } from './support.mjs';

const skip = skipUnless();

// history: a cold week/month is aggregated from the report CSV, which the simulator
// generates row by row (~10 s for a month, longer on a loaded 2-core CI machine).
const T = { short: 10_000, live: 20_000, command: 75_000, history: 120_000 };

/** Poll an async predicate until it returns a truthy value. */
async function until(fn, { timeout = T.short, interval = 200, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

function isoDate(d) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

describe('XtraO2 console end to end', { skip }, () => {
  let browser;
  let context;
  let page;
  const pageErrors = [];

  const shot = async (name) => {
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  };
  const noRealId = async (where) => {
    const html = await page.content();
    assert.ok(!html.includes(REAL_PREFIX), `${where}: the upstream device id leaked into the page`);
  };
  const goTo = async (name) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor({ timeout: T.short });
  };
  // a relay's row (issue 23: named by the relay's own name; its code only in the name's tooltip)
  const relayCard = (id, p = page) =>
    p.getByRole('list', { name: 'Relays' }).getByRole('listitem').filter({ has: p.locator(`h2[title="Code ${id}"]`) });
  // name, mode and rule are behind "Details" (compact rows on a phone)
  const openDetails = async (card) => {
    const details = card.getByRole('button', { name: /^Details/ });
    if (await details.count()) await details.click();
    await card.getByLabel('Mode').waitFor({ timeout: T.short });
  };
  const saveCard = async (card) => {
    await card.getByRole('button', { name: 'Save' }).click();
    await card.getByText('Saved.').waitFor({ timeout: T.short });
  };
  // a row is locked (aria-busy) while a manual command waits for the unit
  const waitUnlocked = async (card) =>
    until(async () => (await card.getAttribute('aria-busy')) !== 'true', {
      timeout: T.command,
      what: 'relay to be unlocked',
    });

  before(async () => {
    if (SIM_URL) {
      // Best effort: the simulator should be up before the console is exercised.
      await until(async () => (await fetch(SIM_URL).catch(() => null)) !== null, {
        timeout: T.live,
        what: `simulator at ${SIM_URL}`,
      });
    }
    browser = await launchChromium(['--disable-component-update', '--disable-sync']);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(String(err)));
  });

  after(async () => {
    await browser?.close();
  });

  it('logs in', async () => {
    await page.goto(`${BASE_URL}/`);
    const id = page.getByLabel('Device ID');
    assert.equal(await id.inputValue(), '', 'device id starts empty');
    await shot('01-login');
    await id.fill(DEVICE);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor({ timeout: T.short });
    assert.ok(await page.evaluate(() => !!sessionStorage.getItem('xo2.token')), 'token kept in sessionStorage');
  });

  it('overview shows live values that change', async () => {
    const table = page.getByRole('table', { name: 'Live values' });
    await table.waitFor({ timeout: T.short });
    const values = () => table.locator('td[data-code]').allInnerTexts();
    const first = await until(
      async () => {
        const v = await values();
        return v.length && v.some((x) => x !== '—') ? v : null;
      },
      { timeout: T.live, what: 'live values' },
    );
    await until(async () => JSON.stringify(await values()) !== JSON.stringify(first), {
      timeout: T.live,
      what: 'live values to change',
    });
    const banner = page.getByRole('region', { name: 'Device status' });
    await until(async () => /^Live\b/.test(await banner.innerText()), { timeout: T.live, what: 'Live banner' });
    assert.match(await banner.innerText(), /updated (just now|\d+ s ago)/);
    assert.ok((await page.content()).includes(DEVICE), 'the alias is shown');
    await noRealId('overview');
    await shot('02-overview');
  });

  it('impact lists each inlet/outlet pair', async () => {
    await goTo('Impact');
    const cards = page.getByRole('region', { name: / impact$/ });
    await until(async () => (await cards.count()) > 0, { what: 'impact cards' });
    await until(async () => !/Loading/.test(await cards.first().innerText()), { timeout: T.live, what: 'averages' });
    await noRealId('impact');
    await shot('03-impact');
  });

  it('toggles a manual relay: Sending…, then CONFIRMED', async () => {
    await goTo('Automation');
    const card = relayCard('i1');
    await card.waitFor({ timeout: T.short });
    await waitUnlocked(card);
    await openDetails(card);
    const mode = card.getByLabel('Mode');
    if ((await mode.inputValue()) !== 'manual') {
      await mode.selectOption('manual');
      await saveCard(card);
    }
    const sw = card.getByRole('switch');
    const before = await sw.getAttribute('aria-checked');
    await sw.click();
    await card.getByText(/Sending…|waiting for the unit to confirm/).first().waitFor({ timeout: T.short });
    assert.ok(await card.getByLabel('Name').isDisabled(), 'controls locked while pending');
    await card.getByText('CONFIRMED').waitFor({ timeout: T.command });
    assert.ok(await sw.isEnabled(), 'unlocked after confirmation');
    assert.notEqual(await sw.getAttribute('aria-checked'), before, 'switch shows the new state');
    await shot('04-automation-confirmed');
  });

  it('keeps a sensor rule and a time rule across a reload', async () => {
    const sensor = relayCard('i2');
    await waitUnlocked(sensor);
    await openDetails(sensor);
    await sensor.getByLabel('Mode').selectOption('sensor');
    await sensor.getByLabel('Sensor channel').selectOption('d9');
    await sensor.getByLabel(/^Low/).fill('20');
    await sensor.getByLabel(/^High/).fill('35');
    await sensor.getByLabel('State above high').selectOption('1');
    await saveCard(sensor);

    const timed = relayCard('i3');
    await waitUnlocked(timed);
    await openDetails(timed);
    await timed.getByLabel('Mode').selectOption('time');
    await timed.getByLabel('Window 1 from').fill('22:00');
    await timed.getByLabel('Window 1 to').fill('06:00');
    const days = timed.getByRole('group', { name: 'Window 1 days' });
    for (const d of ['Mon', 'Fri']) {
      const b = days.getByRole('button', { name: d });
      if ((await b.getAttribute('aria-pressed')) !== 'true') await b.click();
    }
    await timed.getByLabel('State inside windows').selectOption('1');
    await saveCard(timed);

    // a window with no weekday picked is saved as every day (the server used to refuse it)
    const everyDay = relayCard('i4');
    await waitUnlocked(everyDay);
    await openDetails(everyDay);
    await everyDay.getByLabel('Mode').selectOption('time');
    await everyDay.getByLabel('Window 1 from').fill('00:00');
    await everyDay.getByLabel('Window 1 to').fill('23:59');
    await saveCard(everyDay);

    await page.reload();
    await relayCard('i3').waitFor({ timeout: T.short });
    for (const id of ['i2', 'i3', 'i4']) await openDetails(relayCard(id));
    assert.equal(await relayCard('i2').getByLabel('Mode').inputValue(), 'sensor');
    assert.equal(await relayCard('i2').getByLabel('Sensor channel').inputValue(), 'd9');
    assert.equal(Number(await relayCard('i2').getByLabel(/^Low/).inputValue()), 20);
    assert.equal(Number(await relayCard('i2').getByLabel(/^High/).inputValue()), 35);
    assert.equal(await relayCard('i3').getByLabel('Mode').inputValue(), 'time');
    assert.equal(await relayCard('i3').getByLabel('Window 1 from').inputValue(), '22:00');
    assert.equal(await relayCard('i3').getByLabel('Window 1 to').inputValue(), '06:00');
    const days3 = relayCard('i3').getByRole('group', { name: 'Window 1 days' });
    assert.equal(await days3.getByRole('button', { name: 'Mon' }).getAttribute('aria-pressed'), 'true');
    assert.equal(await days3.getByRole('button', { name: 'Fri' }).getAttribute('aria-pressed'), 'true');
    assert.equal(await days3.getByRole('button', { name: 'Tue' }).getAttribute('aria-pressed'), 'false');
    const days4 = relayCard('i4').getByRole('group', { name: 'Window 1 days' });
    for (const d of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']) {
      assert.equal(await days4.getByRole('button', { name: d }).getAttribute('aria-pressed'), 'true', d);
    }
    await page.getByLabel('Display preview').waitFor({ timeout: T.short });
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await noRealId('automation');
    await shot('05-automation');
  });

  it('analytics draws week and month charts and measures the render', async () => {
    await goTo('Analytics');
    const figure = page.getByRole('figure');
    await figure.locator('canvas').first().waitFor({ timeout: T.history });
    await shot('06-analytics-week');

    await page.evaluate(() => {
      window.__xo2ChartRenderMs = undefined;
    });
    await page.getByRole('button', { name: 'Month' }).click();
    assert.equal(await page.getByRole('button', { name: 'Month' }).getAttribute('aria-pressed'), 'true');
    await figure.locator('canvas').first().waitFor({ timeout: T.history });
    const ms = await page.waitForFunction(() => window.__xo2ChartRenderMs, null, { timeout: T.history });
    const renderMs = await ms.jsonValue();
    assert.ok(renderMs > 0, 'chart-render measured');
    const measures = await page.evaluate(() => performance.getEntriesByName('chart-render').length);
    assert.ok(measures > 0, 'performance.measure("chart-render") recorded');
    fs.writeFileSync(
      path.join(ARTIFACTS, 'chart-render.json'),
      JSON.stringify({ view: 'month', ms: renderMs }, null, 2),
    );
    await noRealId('analytics');
    await shot('07-analytics-month');
  });

  it('downloads a CSV for a date range', async () => {
    const end = new Date();
    const start = new Date(end.getTime() - 6 * 86400_000);
    await page.getByLabel('Start date').fill(isoDate(start));
    await page.getByLabel('End date').fill(isoDate(end));
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: T.live }),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    // the browser's own download of a one-time link (GET /api/download/<id>), named by the server;
    // the people's CSV (SPEC 12), averaged at 5 min, is the first choice
    assert.match(download.suggestedFilename(), new RegExp(`^${DEVICE}_\\d{4}-\\d{2}-\\d{2}_\\d{4}-\\d{2}-\\d{2}_5min\\.csv$`));
    assert.match(download.url(), /\/api\/download\/[\w-]{20,}$/);
    const file = path.join(ARTIFACTS, download.suggestedFilename());
    await download.saveAs(file);
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, /^\ufeffTime \(IST\),/, "the people's CSV: the unit's times first, headed in words");
    assert.ok(!text.includes(REAL_PREFIX), 'CSV never carries the upstream id');
    await shot('08-csv');
  });

  it('fits a 375 px phone screen', async () => {
    const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
    const p = await phone.newPage();
    await logIn(p, T.short); // a fresh context has a fresh sessionStorage: log in again
    await p.getByRole('table', { name: 'Live values' }).waitFor({ timeout: T.short });
    // a phone's nav says the short names (Relays, Charts) it shows
    for (const [link, name] of [['Overview', 'Overview'], ['Impact', 'Impact'], ['Relays', 'Automation'], ['Charts', 'Analytics']]) {
      await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).click();
      await p.getByRole('heading', { level: 1, name }).waitFor({ timeout: T.short });
      await p.waitForTimeout(500);
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `${name} overflows a 375 px screen by ${overflow}px`);
      await p.screenshot({ path: path.join(ARTIFACTS, `phone-${name.toLowerCase()}.png`), fullPage: true });
    }
    await phone.close();
  });

  it('logs out and had no page errors', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('xo2.token')), null);
    assert.deepEqual(pageErrors, []);
  });
});
