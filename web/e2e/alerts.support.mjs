// Shared by the alerts flows (alerts.flow.mjs, alerts.notify.flow.mjs): logging in, reading the
// API as the logged-in page does, and waiting for a condition that needs the server.
import assert from 'node:assert/strict';

export const DEVICE = 'IOCL_XTRA_O2_ADMIN';

/**
 * Poll `check` (async; true when met, anything else says what it saw) every `interval` ms until
 * it holds or `timeout` ms pass, then fail naming `what` and the last thing seen. (Playwright's
 * waitForFunction does not await an async predicate: its Promise is truthy at once.)
 */
export async function eventually(check, { timeout, interval = 500, what }) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    last = await check();
    if (last === true) return;
    if (Date.now() >= end) assert.fail(`${what}: not met within ${timeout / 1000} s (last seen: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** GET an API path with the page's own session token; the parsed JSON, or null on an error. */
export function apiGet(page, apiPath) {
  return page.evaluate(async (p) => {
    const res = await fetch(p, { headers: { Authorization: `Bearer ${sessionStorage.getItem('xo2.token')}` } });
    return res.ok ? res.json() : null;
  }, apiPath);
}

export async function logIn(page, baseUrl, password, timeout) {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('Device ID').fill(DEVICE);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor({ timeout });
}
