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
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BASE, OUT, VIEWPORTS, browserSession, newContext, runAxe, watchPage } from './support.mjs';

const FRONTENDS = [
  { id: 'portal', zh: '办事门户' },
  { id: 'hall', zh: '政务大厅' },
  { id: 'office', zh: '审批办公' },
  { id: 'monitor', zh: '监察监督' },
  { id: 'admin', zh: '系统管理' },
];

// One browser, one context and one page for the whole file. Unlike the
// account pages, the landing page provokes no error answer: every console
// error, failed request or 4xx/5xx answer is a problem (support.mjs).
let context;
let page;
const { problems } = browserSession({
  async setUp(session) {
    context = await newContext(session.browser, session.problems);
    page = await context.newPage();
    watchPage(page, session.problems, { apiErrorsExpected: false });
  },
});

/* Open the landing page and wait until the status line has its answer. */
async function openLanding(query = '') {
  const res = await page.goto(new URL(`/${query}`, BASE).href, { waitUntil: 'load' });
  await page.locator('#status[data-health="ok"], #status[data-health="down"]').waitFor({ timeout: 10000 });
  return res;
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
      await runAxe(page, label);
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
    await runAxe(page, 'desktop en');

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
