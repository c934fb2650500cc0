// Shared by the browser flows in this folder: the stack they are pointed at (environment), the
// browser, logging in, opening a page settled, the checks every page gets (axe, sideways scroll),
// reading the API as the logged-in page does, steering the simulator, and waiting for a condition
// that needs the server. (Not a test file: node --test runs only *.test.mjs from a folder.)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const trimSlash = (url) => (url || '').replace(/\/+$/, '');
export const BASE_URL = trimSlash(process.env.BASE_URL);
export const PASSWORD = process.env.ADMIN_PASSWORD || '';
export const SIM_URL = trimSlash(process.env.SIM_URL);
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(process.env.ARTIFACTS_DIR || 'e2e-artifacts');
export const DEVICE = 'IOCL_XTRA_O2_ADMIN';
// The upstream id prefix must never reach the browser; built so no file here contains it.
export const REAL_PREFIX = ['B', 'T', 'T', 'E'].join('');

/** Every page of the console, by its route, and its heading. */
export const PAGES = { overview: 'Overview', impact: 'Impact', automation: 'Automation', analytics: 'Analytics', alerts: 'Alerts' };
export const VIEWPORTS = [
  { width: 1280, height: 900 },
  { width: 360, height: 780 },
];
export const SCHEMES = ['light', 'dark'];

/**
 * `{ skip }` for describe(): false when the flow has what it needs (BASE_URL and ADMIN_PASSWORD,
 * a Chromium, and `more`: [name, value] pairs such as ['SIM_URL', SIM_URL]), else why not.
 */
export function skipUnless(...more) {
  const missing = [
    !BASE_URL && 'BASE_URL',
    !PASSWORD && 'ADMIN_PASSWORD',
    ...more.map(([name, value]) => !value && name),
    !fs.existsSync(CHROMIUM) && `a Chromium at ${CHROMIUM}`,
  ].filter(Boolean);
  return missing.length ? `needs ${missing.join(', ')}` : false;
}

/** Debian's Chromium, headless, quiet (no background traffic); `args` add to its flags. */
export function launchChromium(args = []) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', ...args],
  });
}

/** A page in a fresh context (1280 px unless `options` say otherwise); its errors go to `errors`. */
export async function newPage(browser, errors, options = { viewport: VIEWPORTS[0] }) {
  const page = await (await browser.newContext(options)).newPage();
  page.on('pageerror', (err) => errors.push(String(err)));
  return page;
}

export async function logIn(page, timeout) {
  await page.goto(`${BASE_URL}/`);
  await page.getByLabel('Device ID').fill(DEVICE);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor({ timeout });
}

/** A page settled: its heading shown, no "Loading…" left (charts may still be drawing). */
export async function openPage(page, id, timeout) {
  await page.goto(`${BASE_URL}/#/${id}`);
  await page.getByRole('heading', { level: 1, name: PAGES[id] }).waitFor({ timeout });
  await page.waitForFunction(() => !document.querySelector('.loading, .spinner'), null, { timeout });
}

/** Serious and critical axe violations, one line each (rule, impact, first targets); `nameMismatch`
 * also runs label-content-name-mismatch, which axe runs only on request. */
export async function axeProblems(page, { nameMismatch = false } = {}) {
  let builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
  if (nameMismatch) builder = builder.options({ rules: { 'label-content-name-mismatch': { enabled: true } } });
  const result = await builder.analyze();
  assert.ok(result.passes.length > 3, 'axe checked the page'); // ran, not silently empty
  const where = (nodes) => nodes.slice(0, 3).map((n) => `${n.target.join(' ')}${n.any?.[0]?.message ? ` ${n.any[0].message}` : ''}`);
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${where(v.nodes).join(' | ')}`);
}

/** Whether the page scrolls sideways, and the first elements that stick out. */
export async function noHorizontalScroll(page) {
  return page.evaluate(() => {
    const doc = document.documentElement;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1)
      .slice(0, 3)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
    return { ok: doc.scrollWidth <= doc.clientWidth, scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, wide };
  });
}

/** POST to the simulator's test switches (e.g. '/__sim/values', { d9: 400 }); it must answer 200. */
export async function sim(pathname, body) {
  const res = await fetch(`${SIM_URL}${pathname}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, `${pathname} ${JSON.stringify(body)}: ${await res.text()}`);
}

/** Hold (or with null release) outlet dust PM (d9) in the simulator's live frames. */
export const pinDust = (value) => sim('/__sim/values', { d9: value });

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
