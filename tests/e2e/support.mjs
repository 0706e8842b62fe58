// support.mjs - what the browser tests (*.test.mjs here) share: Debian's
// chromium launched through playwright-core, pages that collect console
// errors, page errors, CSP violations and failed requests, the axe-core run,
// screenshots at desktop and phone sizes, and logging in through a login
// page. scripts/test-web.sh sets TB_BASE_URL; screenshots go to out/.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
export const OUT = join(HERE, 'out');
export const BASE = process.env.TB_BASE_URL;
const CHROMIUM = process.env.TB_CHROMIUM || '/usr/bin/chromium';
const AXE_SOURCE = readFileSync(join(HERE, 'node_modules/axe-core/axe.min.js'), 'utf8');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 375, height: 740 },
};

export const DEMO_PASSWORD = 'Demo-Pass-2026'; // data/demo/README.md

export function url(path) {
  return new URL(path, BASE).href;
}

/*
 * One browser for the test file: launched before its tests, closed after.
 * session.browser is set once the before hook has run; session.problems
 * collects console errors, page errors, CSP violations and failed requests
 * of every page opened through it (a file's last test asserts it is empty);
 * session.newUser() opens a fresh user (see newUser below). setUp(session),
 * if given, runs in the same before hook once the browser is there (hooks of
 * the file's top level do not wait for one another).
 */
export function browserSession({ setUp } = {}) {
  const session = {
    browser: undefined,
    problems: [],
    newUser: () => newUser(session.browser, session.problems),
  };
  before(async () => {
    assert.ok(BASE, 'TB_BASE_URL is not set (run scripts/test-web.sh)');
    mkdirSync(OUT, { recursive: true });
    session.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    if (setUp) await setUp(session);
  });
  after(async () => {
    await session.browser?.close();
  });
  return session;
}

/* A browser context (its own cookies and sessionStorage) that reports CSP violations to problems. */
export async function newContext(browser, problems) {
  const context = await browser.newContext({ viewport: VIEWPORTS.desktop, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  // Runs before any page script, outside the page's CSP: report violations.
  await context.exposeBinding('__tbReportCsp', (_src, text) => problems.push(`CSP violation: ${text}`));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__tbReportCsp(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  return context;
}

/*
 * Report the page's console errors, page errors, failed requests and error
 * answers to problems. With apiErrorsExpected, API answers of 4xx are the
 * expected answers of the tests (401 before login, 422 for a bad number, 429
 * when locked), so they, and the console line Chromium writes for them, are
 * not problems, nor is a load cut short because the page moved on (after a
 * login, or a redirect to the login page); a 4xx for a page, script or style,
 * or any 5xx, still is. Without it, every one of these is a problem.
 */
export function watchPage(page, problems, { apiErrorsExpected }) {
  page.on('console', (msg) => {
    const text = msg.text();
    if (!apiErrorsExpected) {
      if (msg.type() === 'error' || /Content Security Policy/i.test(text)) problems.push(`console ${msg.type()}: ${text}`);
      return;
    }
    const where = msg.location()?.url || '';
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(text) && where.includes('/api/')) return;
    if (msg.type() === 'error' || /Content Security Policy/i.test(text)) problems.push(`console ${msg.type()}: ${text} (${where})`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    const aborted = req.failure()?.errorText === 'net::ERR_ABORTED';
    if (apiErrorsExpected && aborted) return;
    // A navigation cancels the page's images and styles still loading (seen
    // under load: globe.svg while the landing page reloads); a file that is
    // really missing answers 404, which the response handler reports.
    if (aborted && !new URL(req.url()).pathname.startsWith('/api/')) return;
    problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`);
  });
  page.on('response', (res) => {
    if (!apiErrorsExpected) {
      if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
      return;
    }
    const isApi = new URL(res.url()).pathname.startsWith('/api/');
    if (res.status() >= 500 || (res.status() >= 400 && !isApi)) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
}

/* A fresh browser context (one user) and a page that reports problems, API 4xx excepted. */
export async function newUser(browser, problems) {
  const context = await newContext(browser, problems);
  const page = await context.newPage();
  watchPage(page, problems, { apiErrorsExpected: true });
  return { context, page };
}

/* axe-core on the page; fails on any serious or critical finding. */
export async function runAxe(page, label) {
  // The page's CSP forbids injected <script> text; evaluating through the
  // DevTools protocol is not subject to it, so no bypassCSP is needed.
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }),
  );
  console.log(`# axe ${label}: ${result.passes?.length ?? 0} rules passed, ${result.violations.length} violated`);
  for (const v of result.violations) {
    const where = v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(' | ');
    console.log(`# axe ${label}: ${v.impact} ${v.id}: ${v.help} [${where}]`);
  }
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length} nodes: ${v.nodes[0]?.failureSummary})`),
    [],
    `axe found serious/critical issues at ${label}`,
  );
}

/* Elements whose text is still their i18n key: a key missing from the tables. */
export async function untranslated(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-i18n]')].filter((n) => n.textContent.trim() === n.dataset.i18n).map((n) => n.dataset.i18n),
  );
}

/* Screenshot and axe at both sizes; the page must not be wider than a phone. */
export async function lookAndAxe(page, name, ready) {
  assert.deepEqual(await untranslated(page), [], `${name}: text without a translation`);
  for (const [label, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    if (ready) await ready();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name} ${label}: page is ${overflow}px wider than the screen`);
    await page.screenshot({ path: join(OUT, `${name}-${label}.png`), fullPage: true });
    await runAxe(page, `${name} ${label}`);
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

/* Log in through a login page; resolves when the browser has left it. */
export async function loginThrough(page, loginPath, username, password) {
  await page.goto(url(loginPath));
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/login.html')), page.click('#login-form button[type="submit"]')]);
}
