// messages.test.mjs - 我的消息 in real Chromium against a real `tongban
// serve` (scripts/test-web.sh), docs/cases.md "Notifications" being the
// contract.
//
// Checks:
//   (1) zhangsan submits two applications (出生登记, through the API as
//       the apply page would); the portal menu of another page shows 我的消息
//       with an unread count; 我的消息 lists the message first, marked
//       未读, naming the case number and 已提交, with a link to the case;
//   (2) 只看未读 filters; 标为已读 marks one (the badge counts down);
//       全部标为已读 marks the rest: no 未读 left, no badge, the button off;
//   (3) axe-core finds no violation at all at desktop and 375 px, and the
//       page is never wider than the phone;
//   (4) the case link leads to 我的办件's case page.
// Screenshots go to tests/e2e/out/messages-*.png.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD, VIEWPORTS, browserSession, lookAndAxe, loginThrough, url } from './support.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ITEM = '11500107MB0200109K070106002000'; // 出生登记: zhangsan's sample, no materials
const SAMPLE = JSON.parse(readFileSync(join(ROOT, 'data/demo/applications.json'), 'utf8')).applications.find(
  (a) => a.impl_code === ITEM && a.applicant === 'zhangsan',
);
const AXE_SOURCE = readFileSync(join(ROOT, 'tests/e2e/node_modules/axe-core/axe.min.js'), 'utf8');

const session = browserSession();
const { problems } = session;
const made = { caseNo: null, caseId: null };
let user; // one logged-in zhangsan for the file's tests

/* Submit the sample through the API with the page's session. */
async function submitSample(page) {
  return page.evaluate(async (sample) => {
    const res = await fetch('/api/v1/cases', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID(), 'X-CSRF-Token': sessionStorage.getItem('tb.csrf') },
      body: JSON.stringify({ item: sample.impl_code, values: sample.values, materials: [] }),
    });
    return { status: res.status, body: await res.json() };
  }, SAMPLE);
}

/* The unread count the menu badge shows (0 without a badge). */
async function badgeCount(page) {
  const badge = page.locator('.page-tabs a[href="messages.html"] .msg-count');
  if ((await badge.count()) === 0) return 0;
  return Number(await badge.textContent());
}

/* Every axe finding, of any impact, at the current size. */
async function axeAll(page) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }),
  );
  return result.violations.map((v) => `${v.impact} ${v.id}: ${v.help} [${v.nodes.map((n) => n.target.join(' ')).join(' | ')}]`);
}

describe('我的消息', () => {
  test('(1) a submission gives a message; the menu counts it', async () => {
    assert.ok(SAMPLE, `data/demo/applications.json has no application of zhangsan for ${ITEM}`);
    user = await session.newUser();
    const { page } = user;
    await loginThrough(page, '/portal/login.html', 'zhangsan', DEMO_PASSWORD);
    // two applications: two messages, so that both ways of marking have work
    const earlier = await submitSample(page);
    assert.equal(earlier.status, 201, JSON.stringify(earlier.body));
    const answer = await submitSample(page);
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    made.caseNo = answer.body.case_no;
    made.caseId = answer.body.id;

    // Another portal page: 我的消息 in its menu, with the count.
    await page.goto(url('/portal/sessions.html'));
    const link = page.locator('.page-tabs a[href="messages.html"]');
    await link.waitFor();
    await page.locator('.page-tabs a[href="messages.html"] .msg-count').waitFor();
    assert.ok((await badgeCount(page)) >= 1);
    assert.match(await link.textContent(), /^我的消息/);
    assert.match(await link.textContent(), /条未读/, 'the count is spoken, not only shown');

    await Promise.all([page.waitForURL(/\/portal\/messages\.html$/), link.click()]);
    const first = page.locator('#msg-list > li').first();
    await first.waitFor();
    assert.equal(await page.locator('h1').textContent(), '我的消息');
    assert.equal(await page.getAttribute('.page-tabs a[href="messages.html"]', 'aria-current'), 'page');
    assert.match(await first.locator('.msg-title').textContent(), /已提交/);
    assert.ok((await first.locator('.msg-body').textContent()).includes(made.caseNo), 'the message names the case number');
    assert.equal((await first.locator('.msg-unread').textContent()).trim(), '未读');
    assert.match(await first.getAttribute('class'), /is-unread/);
    const caseLink = first.locator('a', { hasText: made.caseNo });
    assert.equal(await caseLink.getAttribute('href'), `cases.html?id=${made.caseId}`);
    assert.match(await page.locator('#msg-status').textContent(), /条未读/);
    await lookAndAxe(page, 'messages-unread');
  });

  test('(2) only unread; mark one; mark all', async () => {
    const { page } = user;
    const before = await badgeCount(page);
    assert.ok(before >= 2);
    await page.check('#msg-only-unread');
    await page.locator('#msg-status', { hasText: `共 ${before} 条未读消息` }).waitFor();
    assert.equal(await page.locator('#msg-list > li').count(), Math.min(before, 20));
    assert.equal(await page.locator('#msg-list > li:not(.is-unread)').count(), 0);

    // 标为已读 on the newest: the badge counts down, focus stays in the list.
    const first = page.locator('#msg-list > li').first();
    const id = await first.getAttribute('data-id');
    await first.getByRole('button', { name: /标为已读/ }).click();
    await page.locator('#msg-status', { hasText: '已标为已读' }).waitFor();
    assert.equal(await badgeCount(page), before - 1);
    assert.equal(await page.locator(`#msg-list > li[data-id="${id}"]`).count(), 0, 'gone from the unread list');
    assert.ok(await page.evaluate(() => document.activeElement && document.activeElement.closest('#msg-list, #msg-only-unread') !== null));

    // 全部标为已读
    await page.uncheck('#msg-only-unread');
    await page.locator('#msg-status', { hasText: '共 ' }).waitFor();
    await page.click('#msg-read-all');
    await page.locator('#msg-status', { hasText: `已将 ${before - 1} 条消息标为已读` }).waitFor();
    assert.equal(await page.locator('#msg-list > li.is-unread').count(), 0);
    assert.equal(await page.locator('#msg-list .msg-unread').count(), 0);
    assert.equal(await badgeCount(page), 0);
    assert.equal(await page.isDisabled('#msg-read-all'), true);
    assert.equal(await page.locator('#msg-list > li').first().locator('.msg-body').textContent().then((s) => s.includes(made.caseNo)), true);
    const read = await page.evaluate(async () => (await (await fetch('/api/v1/me/notifications?unread=true')).json()).unread);
    assert.equal(read, 0, 'the server agrees');
  });

  test('(3) axe finds nothing at all; 375 px fits', async () => {
    const { page } = user;
    await lookAndAxe(page, 'messages-read');
    for (const [label, size] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(size);
      assert.deepEqual(await axeAll(page), [], `axe at ${label}`);
    }
    await page.setViewportSize({ width: 375, height: 740 });
    const overflow = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than 375 px`);
    await page.setViewportSize(VIEWPORTS.desktop);
    // English too
    await page.click('.lang-switch');
    await page.locator('h1', { hasText: 'Messages' }).waitFor();
    assert.match(await page.locator('#msg-read-all').textContent(), /Mark all as read/);
    assert.deepEqual(await axeAll(page), [], 'axe in English');
    await page.click('.lang-switch');
    await page.locator('h1', { hasText: '我的消息' }).waitFor();
  });

  test('(4) the case link opens the case', async () => {
    const { page, context } = user;
    const link = page.locator('#msg-list > li').first().locator('a', { hasText: made.caseNo });
    await Promise.all([page.waitForURL(/\/portal\/cases\.html\?id=/), link.click()]);
    await page.locator('#detail:not([hidden])').waitFor();
    assert.ok((await page.locator('#detail-body').textContent()).includes(made.caseNo));
    await context.close();
    assert.deepEqual([...new Set(problems)], []);
  });
});
