// End-to-end flow of the notification centre, run by tests/e2e/test_e2e_alerts.py (not by
// `npm run e2e`: the name does not match node --test's *.test.mjs) against its own stack and a
// real SMTP server (aiosmtpd) on loopback that the Python test starts and reads.
//
//   BASE_URL=… ADMIN_PASSWORD=… SIM_URL=… SMTP_PORT=… [CHROMIUM=…] [ARTIFACTS_DIR=…] \
//   node --test e2e/alerts.notify.flow.mjs
//
// In Chromium through nginx: set up email on the Alerts page (a bad host refused beside its
// field, recipients as a list), send a test (the Python side checks the mail arrived), see the
// environment's webhook read-only, silence one rule and see its alert fire marked silenced, end
// the silence early (the alert, still firing, then goes out and shows "Email sent"), schedule the
// monthly report and send one now. Screenshots: notify-*.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS, BASE_URL, SIM_URL, apiGet, eventually, launchChromium, logIn, newPage, pinDust, skipUnless } from './support.mjs';

const SMTP_PORT = process.env.SMTP_PORT || '';
export const RECIPIENTS = ['ops@plant.example', 'shift@plant.example'];
export const REPORT_TO = 'gm@plant.example';
const RULE = 'E2E silenced dust';
// report: the gateway may first fetch the month from the cloud; nginx answers within 60 s whatever happens
const T = { short: 10_000, alert: 30_000, send: 60_000, report: 90_000, backfill: 240_000 };
const ZONE = '(IST|GMT\\+5:30)';

const skip = skipUnless(['SIM_URL', SIM_URL], ['SMTP_PORT', SMTP_PORT]);

describe('notification centre end to end', { skip }, () => {
  let browser;
  let page;
  const pageErrors = [];
  const shot = async (name) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(ARTIFACTS, `notify-${name}.png`), fullPage: true });
  };
  const points = () => page.getByRole('region', { name: 'Contact points' });
  const emailCard = () => points().getByRole('article', { name: 'Email' });
  const silences = () => page.getByRole('region', { name: 'Silences' });

  before(async () => {
    await pinDust(null);
    browser = await launchChromium();
    page = await newPage(browser, pageErrors);
  });

  after(async () => {
    await pinDust(null).catch(() => {});
    await browser?.close();
  });

  it('logs in; the environment’s webhook is read-only, email is not set up', async () => {
    await logIn(page, T.short);
    await page.goto(`${BASE_URL}/#/alerts`);
    await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor({ timeout: T.short });
    const hook = points().getByRole('article', { name: 'Webhook' });
    await hook.getByText(/Set by the server’s environment/).waitFor({ timeout: T.short });
    assert.equal(await hook.getByRole('button', { name: /^(Change|Set up|Remove)/ }).count(), 0);
    await emailCard().getByText('Not set up', { exact: true }).waitFor();
    await shot('01-contact-points');
  });

  it('sets up email on the page: a bad host is refused beside its field, then saved at once', async () => {
    await emailCard().getByRole('button', { name: 'Set up Email' }).click();
    const form = emailCard().getByRole('form', { name: 'Set up email' });
    await form.getByLabel('Mail server').fill('127.0.0.1:25'); // the port belongs in its own field
    await form.getByLabel('Port').fill(SMTP_PORT);
    await form.getByLabel('Security').selectOption('none');
    await form.getByLabel('Sender address').fill('console@plant.example');
    const list = form.getByRole('group', { name: 'Send alerts to' });
    await list.getByLabel('Send alerts to: address 1').fill(RECIPIENTS[0]);
    await list.getByRole('button', { name: '+ Add recipient' }).click();
    await list.getByLabel('Send alerts to: address 2').fill(RECIPIENTS[1]);
    await form.getByRole('button', { name: 'Save email' }).click();
    const host = form.getByLabel('Mail server');
    await page.waitForFunction((el) => el.getAttribute('aria-invalid') === 'true', await host.elementHandle(), {
      timeout: T.short,
    });
    const why = await host.evaluate((el) => document.getElementById(el.getAttribute('aria-describedby'))?.textContent);
    assert.ok(why && why.length > 10, `a sentence beside the host, got ${why}`);
    await shot('02-email-error');

    await host.fill('127.0.0.1');
    await form.getByRole('button', { name: 'Save email' }).click();
    await emailCard().getByText(/^Email saved/).waitFor({ timeout: T.short });
    await emailCard().getByText('Configured', { exact: true }).waitFor({ timeout: T.short });
    const text = await emailCard().innerText();
    assert.match(text, new RegExp(`Sends to 127\\.0\\.0\\.1:${SMTP_PORT} to ${RECIPIENTS.join(', ')}`));
    // no banner: a channel is set up
    assert.equal(await page.getByText('Alerts reach nobody').count(), 0);
  });

  it('sends a test email and says it was delivered', async () => {
    await emailCard().getByRole('button', { name: 'Send test Email' }).click();
    const ok = emailCard().getByRole('status').filter({ hasText: /^Test message delivered/ });
    await ok.waitFor({ timeout: T.send });
    assert.match(await ok.innerText(), new RegExp(`^Test message delivered at \\d\\d:\\d\\d ${ZONE}\\.$`));
    await shot('03-test-delivered');
  });

  it('silences one rule: its alert fires marked silenced; the silence ends early', async () => {
    // a rule of its own, notifying by email, that the simulator's pinned dust fires at once
    const rules = page.getByRole('region', { name: 'Alert rules' });
    await rules.getByRole('button', { name: '+ New rule' }).click();
    const form = rules.getByRole('form', { name: 'New alert rule' });
    await form.getByLabel('Name').fill(RULE);
    await form.getByLabel('Channel').selectOption('d9');
    await form.getByLabel('Value (µg/m³)').fill('75');
    await form.getByLabel('Clears below (µg/m³)').fill('70');
    await form.getByLabel('Only after it holds for (s)').fill('0');
    const notifyBy = form.getByRole('group', { name: 'Notify by' });
    await notifyBy.getByLabel('Webhook').uncheck();
    await notifyBy.getByLabel('Telegram').uncheck();
    await form.getByRole('button', { name: 'Create rule' }).click();
    await rules.getByRole('article', { name: RULE }).waitFor({ timeout: T.short });
    assert.match(await rules.getByRole('article', { name: RULE }).innerText(), /Notifies by Email/);

    await silences().getByRole('button', { name: '+ New silence' }).click();
    const sf = silences().getByRole('form', { name: 'New silence' });
    await sf.getByLabel('Reason').fill('E2E filter change');
    await sf.getByLabel('Chosen rules').check();
    await sf.getByRole('group', { name: 'Rules to mute' }).getByLabel(RULE).check();
    await sf.getByLabel('For').selectOption({ label: '2 hours' });
    await sf.getByRole('button', { name: 'Start silence' }).click();
    const item = silences().getByRole('article', { name: RULE });
    await item.waitFor({ timeout: T.short });
    assert.match(await item.innerText(), new RegExp(`Until \\d\\d:\\d\\d ${ZONE}|Until \\d\\d \\w{3} \\d{4}, \\d\\d:\\d\\d ${ZONE}`));
    assert.match(await item.innerText(), /Why: E2E filter change/);

    await pinDust(90);
    const alert = page.getByRole('region', { name: 'Active alerts' }).getByRole('article', { name: RULE });
    await alert.waitFor({ timeout: T.alert });
    await alert.getByText('SILENCED', { exact: true }).waitFor({ timeout: T.short });
    await alert.getByText('Silenced: nothing sent').waitFor();
    await shot('04-silenced');

    await item.getByRole('button', { name: `End silence: ${RULE}` }).click();
    await item.waitFor({ state: 'detached', timeout: T.short });
    await silences().getByText('No silence now: alerts are sent.').waitFor({ timeout: T.short });
    // still firing when its silence ends: it goes out now, and the alert shows the delivery
    const sent = alert.getByRole('list', { name: 'Notified' }).getByText(new RegExp(`^Email sent \\d\\d:\\d\\d ${ZONE}$`));
    await sent.waitFor({ timeout: T.send });
    await shot('05-silence-ended-sent');
    await pinDust(60); // clear is 70: it resolves
    await alert.waitFor({ state: 'detached', timeout: T.alert });
  });

  it('schedules the monthly report and sends one now', async () => {
    const sched = page.getByRole('form', { name: 'Monthly report schedule' });
    await sched.getByLabel('Email the report every month').check();
    await sched.getByLabel('On day').selectOption({ label: '2nd' });
    await sched.getByLabel(/^At \(HH:MM, 24-hour/).fill('07:30');
    await sched.getByRole('group', { name: 'Send the report to' }).getByLabel('Send the report to: address 1').fill(REPORT_TO);
    await sched.getByRole('button', { name: 'Save schedule' }).click();
    await sched.getByText(/^Schedule saved/).waitFor({ timeout: T.short });
    await sched.getByText(new RegExp(`^Next report: 02 \\w{3} \\d{4}, 07:30 ${ZONE}\\.$`)).waitFor({ timeout: T.short });

    const now = page.getByRole('form', { name: 'Send a report now' });
    const monthValue = await now.getByLabel('Month').inputValue(); // "YYYY-MM", last month by default
    // The report reads that month from the gateway's history store: on this fresh stack, wait for
    // the backfill (the Python side sizes it to reach last month) to hold the whole month, as an
    // admin told "try again in a few minutes" would.
    const first = `${monthValue}-01`;
    await eventually(
      async () => {
        const st = await apiGet(page, '/api/history/status');
        return (!!st?.oldest && st.oldest <= first && st.backfill?.pending === 0 && !st.backfill?.running) || st;
      },
      { timeout: T.backfill, interval: 2000, what: `the history store holds ${monthValue}` },
    );
    const month = await now.getByLabel('Month').evaluate((el) => el.selectedOptions[0].textContent);
    await now.getByRole('button', { name: 'Send now' }).click();
    // the answer in words, whichever it is (a failure's reason shows in the assertion)
    const answer = now.locator('[role="status"], [role="alert"]');
    await answer.first().waitFor({ timeout: T.report });
    assert.equal(await answer.first().innerText(), `The ${month} report was sent to ${REPORT_TO}.`);
    await shot('06-report-sent');
  });

  it('had no page errors, and no real device id in the page', async () => {
    const html = await page.content();
    assert.ok(!html.includes(['B', 'T', 'T', 'E'].join('')), 'the upstream device id leaked into the page');
    assert.deepEqual(pageErrors, []);
  });
});
