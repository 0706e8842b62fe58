// catalog.test.mjs - the service catalogue in real Chromium: the portal's
// search, item list and guide page (/items/{code}), and the administrator's
// 事项管理, against a real `tongban serve` (scripts/test-web.sh).
//
// Checks:
//   (1) portal: searching 食品 on the portal home lists 食品经营许可; its
//       guide shows the materials table, the 下载 PDF link (guide.pdf) and
//       the QR image (qr.svg); an unknown code gets the "not found" notice;
//   (2) admin: sysadmin opens 事项管理, edits 食品经营许可 (承诺时限), saves
//       with a reason and publishes; the version history shows the new
//       version with that reason, and the public guide shows the new limit;
//       a 承诺时限 above the 法定时限 is refused and the server's message
//       shows next to the 承诺时限 field and in the list at the top;
//   (3) axe-core: no serious/critical finding on the home page, the item
//       list, the guide and the admin items page (desktop and phone);
//   (4) at 390×844 the guide is no wider than the screen.
// Screenshots go to tests/e2e/out/catalog-*.png for a human to look at.
//
// 食品经营许可 comes from the demo catalogue (data/demo/catalog.json, which
// `tongban init --demo` loads); the admin test publishes a new version of it
// in the throw-away data directory of scripts/test-web.sh.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { request } from 'playwright-core';
import { BASE, DEMO_PASSWORD, OUT, browserSession, lookAndAxe, loginThrough, url } from './support.mjs';

const FOOD = '食品经营许可';
const PHONE = { width: 390, height: 844 };
let foodCode = null;

const session = browserSession({ setUp: findFood });
const { problems } = session;

/* ------------------------------------------------------------- set-up */

/* The impl code of 食品经营许可 from the demo catalogue (data/demo/catalog.json). */
async function findFood() {
  const api = await request.newContext({ baseURL: BASE });
  try {
    const found = await (await api.get(`/api/v1/items?q=${encodeURIComponent('食品')}`)).json();
    const hit = (found.items || []).find((i) => i.name === FOOD);
    assert.ok(hit, `the demo catalogue has no ${FOOD} (tongban init --demo loads data/demo/catalog.json)`);
    foodCode = hit.impl_code;
  } finally {
    await api.dispose();
  }
}

/* ------------------------------------------------------------- helpers */

async function openGuide(page, code) {
  await page.goto(url(`/items/${encodeURIComponent(code)}`));
  await page.locator('#guide:not([hidden])').waitFor({ timeout: 10000 });
}

async function openAdminItems(page) {
  await loginThrough(page, '/admin/login.html', 'sysadmin', DEMO_PASSWORD);
  const section = page.locator('section#catalog');
  await section.waitFor({ state: 'visible' });
  await page.locator('#admin-tabs a[href="#catalog"]').click();
  await page.locator(`#ci-table tbody tr[data-code="${foodCode}"]`).waitFor();
  return section;
}

/* ------------------------------------------------------------- tests */

describe('(1) portal: search and guide', () => {
  test('searching 食品 on the home page finds 食品经营许可 and opens its guide', async () => {
    const { context, page } = await session.newUser();
    try {
      await page.goto(url('/portal/'));
      await page.locator('#home-q').fill('食品');
      await Promise.all([page.waitForURL(/\/portal\/items\.html\?/), page.locator('#home-q').press('Enter')]);
      assert.equal(new URL(page.url()).searchParams.get('q'), '食品', 'the query is in the address');
      const hit = page.locator('#results .result', { hasText: FOOD }).first();
      await hit.waitFor();
      assert.match(await page.locator('#results-status').textContent(), /共找到 \d+ 项/);
      assert.match(await hit.textContent(), /承诺时限/);
      assert.match(await hit.textContent(), /法定时限/);
      await Promise.all([page.waitForURL(/\/items\//), hit.locator('h3 a').click()]);
      assert.equal(new URL(page.url()).pathname, `/items/${foodCode}`);
      await page.locator('#guide:not([hidden])').waitFor();

      assert.equal((await page.locator('h1').textContent()).trim(), FOOD);
      assert.match(await page.title(), /食品经营许可/);
      const rows = page.locator('#materials table tbody tr');
      assert.ok((await rows.count()) >= 1, 'the guide lists materials');
      assert.match(await page.locator('#materials thead').textContent(), /必要性.*份数.*材料形式.*来源渠道.*容缺.*告知承诺/);
      for (const s of ['basic', 'basis', 'conditions', 'steps', 'limits', 'fee', 'result', 'ways', 'delivery', 'contacts', 'version', 'history']) {
        assert.equal(await page.locator(`section#${s}`).count(), 1, `guide section ${s}`);
      }
      assert.match(await page.locator('#basic').textContent(), /行政许可/, 'codes are shown by name');
      const pdf = page.locator('a#guide-pdf');
      assert.equal(await pdf.getAttribute('href'), `/api/v1/items/${foodCode}/guide.pdf`);
      assert.match(await pdf.textContent(), /下载 PDF/);
      const qr = page.locator('img#guide-qr');
      assert.equal(await qr.count(), 1, 'QR image present');
      assert.equal(await qr.getAttribute('src'), `/api/v1/items/${foodCode}/qr.svg`);
      assert.ok(await qr.getAttribute('alt'), 'QR image has a text alternative');
      assert.match(await page.locator('#print-guide').textContent(), /打印/);
      await page.screenshot({ path: join(OUT, 'catalog-guide-desktop.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  test('list tabs and filters keep the query in the address', async () => {
    const { context, page } = await session.newUser();
    try {
      await page.goto(url('/portal/items.html?q=食品&list=zuiduo_paoyici'));
      await page.locator('#results-status:not([data-i18n])').waitFor();
      assert.equal(await page.locator('#list-tabs a[aria-current="page"]').textContent(), '最多跑一次');
      assert.equal(await page.inputValue('#f-q'), '食品');
      const tabs = await page.locator('#list-tabs a').allTextContents();
      assert.deepEqual(tabs, ['全部', '最多跑一次', '全程网办', '网上办', '马上办', '就近办', '一次办', '即办件']);
    } finally {
      await context.close();
    }
  });

  test('an unknown item says so', async () => {
    const { context, page } = await session.newUser();
    try {
      await page.goto(url('/items/NO-SUCH-ITEM-000'));
      const status = page.locator('#guide-status.notfound');
      await status.waitFor();
      assert.match(await status.textContent(), /不存在/);
      assert.equal((await page.locator('h1').textContent()).trim(), '未找到该事项');
    } finally {
      await context.close();
    }
  });
});

describe('(2) admin: 事项管理', () => {
  test('edit, publish with a reason, see the version; a bad limit is refused in place', async () => {
    const { context, page } = await session.newUser();
    try {
      const section = await openAdminItems(page);
      await page.fill('#ci-q', '食品');
      await page.click('#ci-filter button[type="submit"]');
      const row = page.locator(`#ci-table tbody tr[data-code="${foodCode}"]`);
      await row.waitFor();
      await row.locator('button', { hasText: '编辑' }).click();
      const form = section.locator('#ci-form');
      await form.waitFor({ state: 'visible' });
      assert.equal(await page.inputValue('#ie-name'), FOOD);
      const versionsBefore = await page.locator('#ci-history-table tbody tr').count();

      // (a) a valid change, published with a reason
      const legal = Number(await page.inputValue('#ie-legal'));
      const promised = Number(await page.inputValue('#ie-promised'));
      assert.ok(promised >= 2, `承诺时限 ${promised} leaves room to shorten`);
      const reason = `压缩承诺时限 e2e ${Date.now()}`;
      await page.fill('#ie-promised', String(promised - 1));
      await page.fill('#ie-reason', reason);
      const [put] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith(`/api/v1/items/${foodCode}`)),
        page.click('#ci-publish'),
      ]);
      assert.equal(put.status(), 200, `publish answered ${put.status()}`);
      await page.locator('#ci-editor-status', { hasText: '已发布' }).waitFor();
      const history = page.locator('#ci-history-table tbody tr');
      assert.equal(await history.count(), versionsBefore + 1, 'one more version');
      const newest = await history.first().textContent();
      assert.ok(newest.includes(reason), `newest version shows the reason: ${newest}`);
      assert.match(newest, /已发布/);
      assert.match(newest, /承诺时限/, 'the changed field is named');
      assert.equal(await page.inputValue('#ie-promised'), String(promised - 1));
      await page.screenshot({ path: join(OUT, 'catalog-admin-edit-desktop.png'), fullPage: true });

      // the public guide shows the new limit and the reason in its history
      const guide = await context.newPage();
      await openGuide(guide, foodCode);
      assert.match(await guide.locator('.key-promised').textContent(), new RegExp(`${promised - 1} 个工作日`));
      assert.ok((await guide.locator('#history-table').textContent()).includes(reason));
      await guide.close();

      // (b) 承诺时限 above 法定时限: the server's refusal, next to the field
      await page.fill('#ie-promised', String(legal + 5));
      await page.fill('#ie-reason', 'e2e 非法时限');
      const [bad] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith(`/api/v1/items/${foodCode}`)),
        page.click('#ci-save'),
      ]);
      assert.equal(bad.status(), 422);
      const errors = (await bad.json()).errors || [];
      const mine = errors.find((e) => e.path === 'promised_limit_days');
      assert.ok(mine, `the server names promised_limit_days: ${JSON.stringify(errors)}`);
      const promisedInput = page.locator('#ie-promised');
      assert.equal(await promisedInput.getAttribute('aria-invalid'), 'true');
      const inPlace = page.locator('#ie-promised').locator('xpath=ancestor::div[contains(@class,"field")][1]').locator('.field-error');
      await inPlace.first().waitFor();
      assert.ok((await inPlace.allTextContents()).join(' ').includes(mine.zh), 'the message is under the field');
      const alert = form.locator('.form-alert');
      assert.ok(await alert.isVisible());
      assert.ok((await alert.textContent()).includes(mine.zh), 'and in the list at the top');
      assert.equal(await page.locator('#ci-history-table tbody tr').count(), versionsBefore + 1, 'nothing saved');
      await page.screenshot({ path: join(OUT, 'catalog-admin-error-desktop.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});

describe('(3) accessibility and (4) phone layout', () => {
  test('home, item list, guide: axe and screenshots', async () => {
    const { context, page } = await session.newUser();
    try {
      await page.goto(url('/portal/'));
      await page.locator('#topics li, #topics-status:not(:empty)').first().waitFor();
      await lookAndAxe(page, 'catalog-home');
      await page.goto(url('/portal/items.html?q=食品'));
      await page.locator('#results .result').first().waitFor();
      await lookAndAxe(page, 'catalog-items');
      await openGuide(page, foodCode);
      await lookAndAxe(page, 'catalog-guide');
      await page.goto(url('/portal/lists.html'));
      await page.locator('#kpis [data-role="status"]:not([data-i18n])').waitFor({ state: 'attached' });
      await lookAndAxe(page, 'catalog-lists');
    } finally {
      await context.close();
    }
  });

  test('admin items page and editor: axe', async () => {
    const { context, page } = await session.newUser();
    try {
      await openAdminItems(page);
      await lookAndAxe(page, 'catalog-admin-list');
      await page.locator(`#ci-table tbody tr[data-code="${foodCode}"] button`, { hasText: '编辑' }).click();
      await page.locator('#ci-form').waitFor({ state: 'visible' });
      await lookAndAxe(page, 'catalog-admin-editor');
    } finally {
      await context.close();
    }
  });

  test('the guide fits a 390×844 phone', async () => {
    const { context, page } = await session.newUser();
    try {
      await page.setViewportSize(PHONE);
      await openGuide(page, foodCode);
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth }));
      assert.ok(scrollWidth <= innerWidth, `guide is ${scrollWidth}px wide on a ${innerWidth}px screen`);
      await page.screenshot({ path: join(OUT, 'catalog-guide-phone390.png'), fullPage: true });
      await page.goto(url('/portal/items.html?q=食品'));
      await page.locator('#results .result').first().waitFor();
      const w = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
      assert.ok(w <= 0, `item list is ${w}px too wide`);
      await page.screenshot({ path: join(OUT, 'catalog-items-phone390.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  test('no console errors, page errors or CSP violations', () => {
    assert.deepEqual([...new Set(problems)], []);
  });
});
