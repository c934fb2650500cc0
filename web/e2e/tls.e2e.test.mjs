// The console over HTTPS in a real Chromium (run by tests/e2e/test_e2e_tls.py against
// `Stack(tls=True)`): plain HTTP redirects, the page and its live socket work over TLS.
//
//   BASE_URL=https://127.0.0.1:8443 HTTP_URL=http://127.0.0.1:8080 ADMIN_PASSWORD=... \
//   SPKI_SHA256=<base64> [CHROMIUM=/usr/bin/chromium] node --test e2e/tls.e2e.test.mjs
//
// Chromium trusts exactly the stack's self-signed key (--ignore-certificate-errors-spki-list),
// not every certificate. Skips, saying why, unless BASE_URL is https (the plain-HTTP e2e run).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launchChromium, logIn, skipUnless } from './support.mjs';

const HTTP_URL = (process.env.HTTP_URL || '').replace(/\/+$/, '');
const SPKI = process.env.SPKI_SHA256 || '';
const skip = skipUnless(['an https BASE_URL', BASE_URL.startsWith('https://')], ['HTTP_URL', HTTP_URL], ['SPKI_SHA256', SPKI]);

describe('XtraO2 console over HTTPS', { skip }, () => {
  let browser;
  let page;
  const pageErrors = [];

  before(async () => {
    browser = await launchChromium(['--disable-component-update', '--disable-sync', `--ignore-certificate-errors-spki-list=${SPKI}`]);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(String(err)));
  });

  after(async () => {
    await browser?.close();
  });

  it('plain HTTP redirects the browser to HTTPS', async () => {
    const response = await page.goto(`${HTTP_URL}/`);
    assert.equal(new URL(page.url()).origin, new URL(BASE_URL).origin);
    assert.equal(response.status(), 200);
    const headers = await response.allHeaders();
    assert.match(headers['strict-transport-security'] || '', /max-age=\d+/);
    const chain = [];
    for (let r = response.request().redirectedFrom(); r; r = r.redirectedFrom()) chain.push(r.url());
    assert.ok(chain.some((u) => u.startsWith(`${HTTP_URL}/`)), `redirected from plain HTTP: ${chain}`);
  });

  it('logs in and shows live values over TLS', async () => {
    await logIn(page, 10_000);
    const table = page.getByRole('table', { name: 'Live values' });
    await table.waitFor({ timeout: 10_000 });
    const banner = page.getByRole('region', { name: 'Device status' });
    await banner.getByText('Live', { exact: true }).waitFor({ timeout: 20_000 }); // SPEC 12's words
    const cells = await table.locator('td[data-code]').allInnerTexts();
    assert.ok(cells.some((v) => v !== '—'), 'live values arrived (over wss)');
    assert.deepEqual(pageErrors, []);
  });
});
