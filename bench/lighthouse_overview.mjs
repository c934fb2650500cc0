// Lighthouse (mobile preset: a mid-range phone on slow 4G, simulated throttling) on the
// logged-in Overview, for bench_lighthouse.py.
//
//   BASE_URL=http://127.0.0.1:PORT TOKEN=<jwt> [RUNS=3] [CHROMIUM=/usr/bin/chromium] [LHR_DIR=dir] node bench/lighthouse_overview.mjs
//
// Logged in the way the app is: the token in the tab's sessionStorage (xo2.token), seeded from a
// page of the same origin that loads none of the app (offline.html), so the audited load starts
// with an empty HTTP cache (cleared again just before) and no service worker. Debian's Chromium,
// headless, no background networking. Prints one JSON line: per run the performance score, total
// blocking time, LCP, FCP and the main-thread long tasks. LHR_DIR: each run's full report
// (lighthouse-<n>.json) is written there too, for finding where the time goes.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'web', 'package.json'));
const puppeteer = require('puppeteer-core');
const { default: lighthouse } = await import(require.resolve('lighthouse'));

const BASE_URL = (process.env.BASE_URL || '').replace(/\/+$/, '');
const TOKEN = process.env.TOKEN || '';
const RUNS = Number(process.env.RUNS || 3);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const LHR_DIR = process.env.LHR_DIR || '';
if (!BASE_URL || !TOKEN) throw new Error('needs BASE_URL and TOKEN');

const FLAGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-default-browser-check',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-default-apps', '--disable-extensions', '--mute-audio',
];

async function once(k) {
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  try {
    const page = await browser.newPage();
    await page.goto(`${BASE_URL}/offline.html`);
    await page.evaluate((token) => {
      sessionStorage.setItem('xo2.token', token);
      sessionStorage.setItem('xo2.deviceId', 'IOCL_XTRA_O2_ADMIN');
    }, TOKEN);
    const cdp = await page.createCDPSession();
    await cdp.send('Network.clearBrowserCache');
    // disableStorageReset keeps the tab's sessionStorage (the login); the cache is empty anyway
    const result = await lighthouse(
      `${BASE_URL}/#/overview`,
      { output: 'json', logLevel: 'error', onlyCategories: ['performance'], disableStorageReset: true },
      undefined,
      page,
    );
    const lhr = result.lhr;
    if (LHR_DIR) {
      fs.mkdirSync(LHR_DIR, { recursive: true });
      fs.writeFileSync(path.join(LHR_DIR, `lighthouse-${k + 1}.json`), JSON.stringify(lhr));
    }
    const a = lhr.audits;
    const landed = a['final-screenshot'] ? true : null;
    return {
      score: lhr.categories.performance.score,
      tbt_ms: Math.round(a['total-blocking-time'].numericValue),
      lcp_ms: Math.round(a['largest-contentful-paint'].numericValue),
      fcp_ms: Math.round(a['first-contentful-paint'].numericValue),
      cls: Number(a['cumulative-layout-shift'].numericValue.toFixed(3)),
      si_ms: Math.round(a['speed-index'].numericValue),
      long_tasks: (a['long-tasks']?.details?.items || []).map((t) => Math.round(t.duration)),
      // where the main thread's time went (for the next improvement, not a target)
      work: Object.fromEntries(
        (a['mainthread-work-breakdown']?.details?.items || []).map((i) => [i.group, Math.round(i.duration)]),
      ),
      scripts: (a['bootup-time']?.details?.items || []).map((i) => ({
        url: String(i.url).replace(BASE_URL, ''),
        total: Math.round(i.total),
        eval: Math.round(i.scripting),
      })),
      final_url: lhr.finalDisplayedUrl,
      warnings: lhr.runWarnings,
      // logged in: the Overview's heading, not the sign-in page, is what was measured
      title: await page.title(),
      landed,
    };
  } finally {
    await browser.close();
  }
}

const runs = [];
for (let k = 0; k < RUNS; k += 1) runs.push(await once(k));
console.log(JSON.stringify({ runs }));
