// End-to-end flow of alerts, run by tests/e2e/test_e2e_alerts.py (not by `npm run e2e`: the file
// name does not match node --test's *.test.mjs, because it steers the simulator's values).
//
//   BASE_URL=http://127.0.0.1:8080 ADMIN_PASSWORD=... SIM_URL=http://127.0.0.1:8300 \
//   [CHROMIUM=/usr/bin/chromium] [ARTIFACTS_DIR=e2e-artifacts] node --test e2e/alerts.flow.mjs
//
// In Chromium through nginx: create a threshold rule in the UI, pin the simulator's outlet dust
// (d9) above it, see the header badge and the Alerts page show it firing, acknowledge it, move
// the value back below `clear` and see it resolved. Screenshots go to ARTIFACTS_DIR.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  ARTIFACTS,
  BASE_URL,
  REAL_PREFIX,
  SIM_URL,
  apiGet,
  eventually,
  launchChromium,
  logIn,
  newPage,
  pinDust,
  skipUnless,
} from './support.mjs';

const RULE = 'E2E outlet dust spike';
// Badge polls every 10 s, the page every 5 s; frames come every 0.5 s in the e2e stack.
const T = { short: 10_000, alert: 30_000 };

const skip = skipUnless(['SIM_URL', SIM_URL]);

describe('alerts end to end', { skip }, () => {
  let browser;
  let page;
  const pageErrors = [];
  const shot = async (name) => {
    await page.evaluate(() => window.scrollTo(0, 0)); // else the sticky header lands mid-page
    await page.screenshot({ path: path.join(ARTIFACTS, `alerts-${name}.png`), fullPage: true });
  };
  const badge = () => page.locator('header a.alerts-badge');
  /**
   * Wait until the header badge shows what the API says is firing right now, and whether our own
   * alert is among it: counted against the server, never as "before + 1", so alerts of other
   * rules (a default rule, another test) firing or ending meanwhile change nothing here.
   */
  const badgeAgrees = (ours, p = page, timeout = T.alert) =>
    eventually(
      async () => {
        const alerts = await apiGet(p, '/api/automation/alerts');
        const firing = (alerts?.active || []).filter((a) => a.state === 'firing').map((a) => a.name);
        const { label, count } = await p.evaluate(() => {
          const a = document.querySelector('header a.alerts-badge');
          return { label: a?.getAttribute('aria-label') || '', count: a?.querySelector('.alerts-count')?.textContent.trim() };
        });
        const m = /^(No|\d+) firing/.exec(label);
        const shown = m ? (m[1] === 'No' ? 0 : Number(m[1])) : -1;
        const ok = alerts && shown === firing.length && count === String(shown) && firing.includes(RULE) === ours;
        return ok || { label, count, firing };
      },
      { timeout, what: `the badge shows the API's firing alerts (${ours ? 'ours among them' : 'not ours'})` },
    );
  const active = () => page.getByRole('region', { name: 'Active alerts' });
  const ourAlert = () => active().getByRole('article', { name: RULE });
  const recentRow = () =>
    page.getByRole('region', { name: 'Recent alerts' }).getByRole('row').filter({ hasText: RULE });

  before(async () => {
    await pinDust(null);
    browser = await launchChromium();
    page = await newPage(browser, pageErrors);
  });

  after(async () => {
    await pinDust(null).catch(() => {});
    await browser?.close();
  });

  it('logs in and opens the Alerts page from the nav', async () => {
    await logIn(page, T.short);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor({ timeout: T.short });
    // the two default rules exist from the first start
    const rules = page.getByRole('region', { name: 'Alert rules' });
    await rules.getByRole('article', { name: 'Unit offline' }).waitFor({ timeout: T.short });
    await rules.getByRole('article', { name: 'Relay command failed' }).waitFor();
    await badgeAgrees(false, page, T.short);
  });

  it('creates a threshold rule in the editor', async () => {
    const rules = page.getByRole('region', { name: 'Alert rules' });
    await rules.getByRole('button', { name: '+ New rule' }).click();
    const form = rules.getByRole('form', { name: 'New alert rule' });
    // a 400 lands next to its field: clear above value for "above"
    await form.getByLabel('Name').fill(RULE);
    await form.getByLabel('Channel').selectOption('d9');
    await form.getByLabel('Fires when').selectOption('above');
    await form.getByLabel('Value (µg/m³)').fill('75');
    await form.getByLabel('Clears below (µg/m³)').fill('80');
    await form.getByLabel('Only after it holds for (s)').fill('0');
    await form.getByLabel('Severity').selectOption('critical');
    for (const c of ['Email', 'Webhook', 'Telegram'])
      await form.getByRole('group', { name: 'Notify by' }).getByLabel(c).uncheck();
    await form.getByRole('button', { name: 'Create rule' }).click();
    const clear = form.getByLabel('Clears below (µg/m³)');
    await page.waitForFunction((el) => el.getAttribute('aria-invalid') === 'true', await clear.elementHandle());
    const described = await clear.evaluate(
      (el) => document.getElementById(el.getAttribute('aria-describedby'))?.textContent,
    );
    assert.match(described, /clear/i);
    await shot('01-rule-error');

    await clear.fill('70');
    await form.getByRole('button', { name: 'Create rule' }).click();
    await rules.getByText('Rule created.').waitFor({ timeout: T.short });
    const rule = rules.getByRole('article', { name: RULE });
    await rule.waitFor();
    assert.match(await rule.innerText(), /Outlet Dust PM above 75 µg\/m³, clears below 70 µg\/m³/);
  });

  it('fires when the value crosses it: the badge and the Alerts page show it', async () => {
    await pinDust(90);
    await ourAlert().waitFor({ timeout: T.alert });
    const text = await ourAlert().innerText();
    assert.match(text, /CRITICAL/);
    assert.match(text, /FIRING/);
    assert.match(text, /Value: 90 µg\/m³/);
    assert.match(text, /Since .*(GMT|IST|UTC)/); // named in the unit's zone
    await badgeAgrees(true);
    await shot('02-firing');

    // the badge is on every page
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await badgeAgrees(true);
    await shot('03-badge-on-overview');
    await badge().click();
    await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
  });

  it('acknowledges it: the badge drops, the alert says who', async () => {
    await ourAlert()
      .getByRole('button', { name: `Acknowledge ${RULE}` })
      .click();
    await ourAlert()
      .getByText(/^ACKNOWLEDGED/)
      .waitFor({ timeout: T.short });
    assert.equal(
      await ourAlert()
        .getByRole('button', { name: /Acknowledge/ })
        .count(),
      0,
    );
    await badgeAgrees(false, page, T.short + 5_000); // the badge polls every 10 s; the ack updates it at once
    await shot('04-acknowledged');
  });

  it('resolves once the value is back below clear', async () => {
    await pinDust(60);
    await ourAlert().waitFor({ state: 'detached', timeout: T.alert });
    await recentRow().first().waitFor({ timeout: T.short });
    const row = await recentRow().first().innerText();
    assert.match(row, /Resolved/);
    assert.match(row, /acknowledged by/);
    await shot('05-resolved');
    const html = await page.content();
    assert.ok(!html.includes(REAL_PREFIX), 'the upstream device id leaked into the page');
  });

  it('a failed test send shows the real reason (the e2e webhook points at a closed port)', async () => {
    const webhook = page.getByRole('region', { name: 'Contact points' }).getByRole('article', { name: 'Webhook' });
    await webhook.getByText(/Set by the server’s environment/).waitFor({ timeout: T.short });
    await webhook.getByRole('button', { name: 'Send test Webhook' }).click();
    const error = webhook.getByRole('alert');
    await error.waitFor({ timeout: 60_000 });
    assert.match(await error.innerText(), /^Test not delivered: .*connection refused/);
    // its state now says so: "Failing since HH:MM IST: …", never "Configured" beside it
    await webhook.getByText(/^Failing since \d\d:\d\d (IST|GMT\+5:30): .*connection refused/).waitFor({ timeout: 30_000 });
    assert.equal(await webhook.getByText('Configured', { exact: true }).count(), 0);
    await shot('06-test-send-failed');
  });

  it("opens from an alert message's link (XO2_PUBLIC_URL/alerts)", async () => {
    await page.goto(`${BASE_URL}/alerts`);
    await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor({ timeout: T.short });
    await recentRow().first().waitFor({ timeout: T.short });
  });

  it('is usable on a 360 px phone', async () => {
    const phone = await browser.newContext({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true });
    const p = await phone.newPage();
    p.on('pageerror', (err) => pageErrors.push(String(err)));
    await logIn(p, T.short);
    await p.locator('header a.alerts-badge').click();
    await p.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor({ timeout: T.short });
    await p
      .getByRole('region', { name: 'Alert rules' })
      .getByRole('article', { name: RULE })
      .waitFor({ timeout: T.short });
    await p.getByRole('button', { name: '+ New rule' }).click();
    await p.waitForTimeout(300);
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the Alerts page overflows a 360 px screen by ${overflow}px`);
    await p.screenshot({ path: path.join(ARTIFACTS, 'alerts-07-phone.png'), fullPage: true });
    await phone.close();
  });

  it('had no page errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
