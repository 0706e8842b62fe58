// landing.test.mjs - the landing page in real Chromium.
//
// Run by scripts/test-web.sh with TB_BASE_URL pointing at a running
// `tongban serve --web web`. Drives Debian's /usr/bin/chromium through
// playwright-core (never a downloaded browser) and checks: the CSP header,
// the platform name, the five front-end cards, the live status line against
// what the API itself answers, the language switch, no console errors or CSP
// violations, and no serious/critical axe-core findings at desktop and phone
// sizes. Screenshots go to tests/e2e/out/ for a human to look at.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, 'out');
const BASE = process.env.TB_BASE_URL;
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

const FRONTENDS = [
  { id: 'portal', zh: '办事门户' },
  { id: 'hall', zh: '政务大厅' },
  { id: 'office', zh: '审批办公' },
  { id: 'monitor', zh: '监察监督' },
  { id: 'admin', zh: '系统管理' },
];

const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 375, height: 740 },
};

let browser;
let context;
let page;
const problems = []; // console errors, page errors, CSP violations, failed requests

before(async () => {
  assert.ok(BASE, 'TB_BASE_URL is not set (run scripts/test-web.sh)');
  mkdirSync(OUT, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  context = await browser.newContext({ viewport: VIEWPORTS.desktop, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  // Runs before any page script, outside the page's CSP: report violations.
  await context.exposeBinding('__tbReportCsp', (_src, text) => problems.push(`CSP violation: ${text}`));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__tbReportCsp(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  page = await context.newPage();
  page.on('console', (msg) => {
    const text = msg.text();
    if (msg.type() === 'error' || /Content Security Policy/i.test(text)) problems.push(`console ${msg.type()}: ${text}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
});

after(async () => {
  await browser?.close();
});

/* Open the landing page and wait until the status line has its answer. */
async function openLanding(query = '') {
  const res = await page.goto(new URL(`/${query}`, BASE).href, { waitUntil: 'load' });
  await page.locator('#status[data-health="ok"], #status[data-health="down"]').waitFor({ timeout: 10000 });
  return res;
}

async function runAxe(label) {
  // The page's CSP forbids injected <script> text; evaluating through the
  // DevTools protocol is not subject to it, so no bypassCSP is needed.
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }),
  );
  console.log(`# axe ${label}: ${result.passes?.length ?? 0} rules passed, ${result.violations.length} violated`);
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of result.violations) {
    const where = v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(' | ');
    console.log(`# axe ${label}: ${v.impact} ${v.id}: ${v.help} [${where}]`);
  }
  assert.deepEqual(
    bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length} nodes: ${v.nodes[0]?.failureSummary})`),
    [],
    `axe found serious/critical issues at ${label}`,
  );
}

describe('landing page', () => {
  test('is served with the content security policy', async () => {
    const res = await openLanding();
    assert.equal(res.status(), 200);
    const csp = res.headers()['content-security-policy'] || '';
    assert.match(csp, /default-src 'self'/, `CSP header missing or wrong: "${csp}"`);
    assert.match(csp, /frame-ancestors 'none'/, `CSP header missing frame-ancestors: "${csp}"`);
  });

  test('shows the platform name in Chinese by default', async () => {
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.match(await page.title(), /一网通办/);
    assert.equal((await page.locator('h1').textContent()).trim(), '一网通办');
    assert.match(await page.locator('header.site-header').textContent(), /一网通办/);
    assert.equal(await page.locator('a.skip-link[href="#main"]').count(), 1);
    for (const tag of ['header', 'nav', 'main', 'footer']) {
      assert.ok((await page.locator(tag).count()) >= 1, `no <${tag}>`);
    }
  });

  test('lists the five front ends; unavailable ones are not links', async () => {
    const cards = page.locator('#frontends > li > .fe-card');
    assert.equal(await cards.count(), 5);
    for (const [i, fe] of FRONTENDS.entries()) {
      const card = cards.nth(i);
      assert.equal(await card.getAttribute('data-frontend'), fe.id);
      assert.match(await card.locator('.fe-name').textContent(), new RegExp(fe.zh));
      const tag = await card.evaluate((n) => n.tagName);
      if (tag === 'A') {
        // An available front end must really be there.
        const href = await card.getAttribute('href');
        const r = await page.request.get(new URL(href, page.url()).href);
        assert.equal(r.status(), 200, `${fe.id} is marked available but ${href} answers ${r.status()}`);
      } else {
        assert.match(await card.textContent(), /建设中/, `${fe.id} card is neither a link nor 建设中`);
        assert.equal(await card.locator('a').count(), 0);
      }
    }
  });

  test('status line says whether today is a working day', async () => {
    const today = await page.evaluate(() =>
      new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date()),
    );
    const health = await page.request.get(new URL('/healthz', BASE).href);
    assert.equal(health.status(), 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const r = await page.request.get(new URL(`/api/v1/calendar/days/${today}`, BASE).href);
    assert.equal(r.status(), 200);
    const day = await r.json();
    assert.equal(day.date, today);
    assert.equal(typeof day.workday, 'boolean');

    const status = page.locator('#status');
    assert.equal(await status.getAttribute('data-health'), 'ok');
    const text = await status.textContent();
    assert.match(text, /系统运行正常/);
    assert.match(text, day.workday ? /工作日/ : /休息日/, `status line: "${text}"`);
    if (day.name) assert.ok(text.includes(day.name), `holiday name ${day.name} not shown: "${text}"`);
  });

  test('screenshots and accessibility at desktop and phone sizes', async () => {
    for (const [label, size] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(size);
      await openLanding();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${label}: page is ${overflow}px wider than the screen`);
      await page.screenshot({ path: join(OUT, `landing-${label}.png`), fullPage: true });
      await runAxe(label);
    }
    await page.setViewportSize(VIEWPORTS.desktop);
  });

  test('switching to English changes the heading and <html lang>, and sticks', async () => {
    await openLanding();
    await page.locator('button.lang-switch').click();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    const h1 = (await page.locator('h1').textContent()).trim();
    assert.notEqual(h1, '一网通办');
    assert.match(h1, /One-Stop Government Services/);
    assert.match(await page.title(), /tongban/);
    assert.match(await page.locator('#frontends').textContent(), /Service Portal/);
    assert.match(await page.locator('#status').textContent(), /working day|rest day/);
    assert.equal((await page.locator('button.lang-switch').textContent()).trim(), '中文');
    await page.screenshot({ path: join(OUT, 'landing-desktop-en.png'), fullPage: true });
    await runAxe('desktop en');

    await openLanding(); // kept in localStorage
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await openLanding('?lang=zh-CN'); // the address wins
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.equal((await page.locator('h1').textContent()).trim(), '一网通办');
    await openLanding('?lang=en');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.locator('button.lang-switch').click();
    assert.equal(new URL(page.url()).searchParams.get('lang'), 'zh-CN');
  });

  test('no console errors, page errors or CSP violations', async () => {
    assert.deepEqual([...new Set(problems)], []);
  });
});
