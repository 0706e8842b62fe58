// delivery.test.mjs - 统一窗口出件, 一邮送达 and 跑动次数 in real Chromium
// against a real server (scripts/test-web.sh; docs/cases.md "Delivery and
// trips").
//
// Checks:
//   (1) pickup at the window: hengxin applies on 在线申报 with the demo's
//       sample and chooses 窗口领取 (post would ask for an address); the
//       case is accepted, reviewed and approved (API, as in
//       cases-journey.test.mjs); 我的办件 lists it as 待领取 and its page
//       shows the 8-digit pickup code with how to use it; window01 on 取件
//       first types a wrong code (取件码无效), then the right one, sees the
//       case and confirms (deliver with method window and the code,
//       If-Match); the case is closed, and the applicant's page shows
//       已送达 with 跑动次数 1;
//   (2) post: a case applied for with 窗口领取 is changed on 我的办件 to
//       邮寄送达 with an address (PUT .../delivery); once approved, the
//       hall's 待出件 shows 邮寄送达 · 待寄出; window01 records the carrier
//       and the tracking number on the case page (dispatch), then the
//       receipt (deliver by post); the applicant sees the tracking number
//       and 已送达;
//   (3) axe-core finds nothing serious on the pages changed (apply, my
//       cases, the case page, 取件, the hall case with its dialogs) at 1280
//       and 375 px; no console errors, page errors or CSP violations.
// Screenshots: tests/e2e/out/delivery-*.png.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { apiLogin, applyOnline, getCase, takeThrough } from './case-api.mjs';
import { DEMO_PASSWORD, OUT, browserSession, lookAndAxe, loginThrough, url } from './support.mjs';

const ITEM = '11500100MB01000285010112001000'; // 人力资源服务许可 (示范市行政审批局): 受理/审查/决定, window, post or electronic

const session = browserSession();
const { problems } = session;

async function applicantPage() {
  const user = await session.newUser();
  await loginThrough(user.page, '/portal/login.html', 'hengxin', DEMO_PASSWORD);
  return user;
}

async function windowPage() {
  const user = await session.newUser();
  await loginThrough(user.page, '/hall/login.html', 'window01', DEMO_PASSWORD);
  return user;
}

async function portalCase(page, id) {
  await page.goto(url(`/portal/cases.html?id=${id}`));
  await page.locator('#detail:not([hidden]) #case-head').waitFor({ timeout: 15000 });
}

/* Click an action on the staff case page, fill its dialog, send; the transition's answer. */
async function act(page, action, fill, shot) {
  await page.locator(`#case-actions button[data-action="${action}"]`).click();
  const dialog = page.locator('dialog#cw-dialog[open]');
  await dialog.waitFor();
  if (fill) await fill(dialog);
  if (shot) await lookAndAxe(page, shot);
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/transitions') && r.request().method() === 'POST'),
    dialog.locator('button[type="submit"]').click(),
  ]);
  return res;
}

describe('(1) the applicant collects the result at the window with the pickup code', () => {
  test('apply choosing 窗口领取, approval, the code on 我的办件, 取件 at the hall', async () => {
    const applicant = await applicantPage();
    const ap = applicant.page;
    let id;
    try {
      // ---- 在线申报 with the delivery choice
      await ap.goto(url(`/portal/apply.html?item=${ITEM}`));
      await ap.locator('#apply-form:not([hidden])').waitFor();
      await ap.locator('#demo-box:not([hidden])').waitFor();
      await ap.click('#demo-fill');
      await ap.locator('#save-status', { hasText: '已填入示例数据' }).waitFor({ timeout: 20000 });
      const panel = ap.locator('#delivery-panel');
      assert.equal(await panel.isVisible(), true, 'the delivery choice is offered');
      const methods = await panel.locator('input[type="radio"]').evaluateAll((r) => r.map((x) => x.value));
      assert.deepEqual(methods, ['window', 'post', 'electronic']);
      assert.equal(await panel.locator('input[value="window"]').isChecked(), true, 'the item’s first method by default');
      assert.equal(await panel.locator('[data-role="post-fields"]').isHidden(), true);
      await panel.locator('input[value="post"]').check();
      assert.equal(await panel.locator('[data-role="post-fields"]').isVisible(), true, 'post asks for an address');
      assert.equal(await panel.locator('input[name="delivery.post.recipient"]').inputValue(), '示范恒信科技有限公司', 'the account’s name by default');
      await lookAndAxe(ap, 'delivery-apply-post');
      await panel.locator('input[value="window"]').check();
      const [res] = await Promise.all([
        ap.waitForResponse((r) => r.url().endsWith('/api/v1/cases') && r.request().method() === 'POST'),
        ap.click('#apply-submit'),
      ]);
      assert.equal(res.status(), 201, `apply: ${await res.text()}`);
      assert.deepEqual(JSON.parse(res.request().postData()).delivery, { method: 'window' });
      id = (await res.json()).id;
      await ap.locator('#apply-done:not([hidden])').waitFor();

      // ---- accepted, reviewed, approved (API)
      const decided = await takeThrough(id, { decide: true });
      assert.equal(decided.state, 'result_issued');

      // ---- 我的办件: 待领取, the pickup code
      await ap.goto(url('/portal/cases.html'));
      const row = ap.locator(`#cases-table tr[data-id="${id}"]`);
      await row.waitFor();
      assert.match(await row.locator('[data-role="delivery"]').textContent(), /窗口领取[\s\S]*待领取/);
      assert.match(await row.locator('[data-role="promised"]').textContent(), /^\d{4}-\d{2}-\d{2}$/, 'the expected completion date');
      await lookAndAxe(ap, 'delivery-portal-list');
      await portalCase(ap, id);
      const code = (await ap.locator('#case-delivery [data-role="pickup-code"]').textContent()).trim();
      assert.match(code, /^\d{8}$/);
      const s = await apiLogin('hengxin');
      try {
        assert.equal((await getCase(s, id)).delivery.pickup_code, code, 'the code the API gives the applicant');
      } finally {
        await s.ctx.dispose();
      }
      assert.match(await ap.locator('#case-delivery').textContent(), /凭取件码到窗口领取/);
      assert.match(await ap.locator('#case-delivery [data-role="delivery-status"]').textContent(), /待领取/);
      await lookAndAxe(ap, 'delivery-portal-code');

      // ---- window01: 取件
      const clerk = await windowPage();
      try {
        const wp = clerk.page;
        await wp.goto(url('/hall/'));
        await wp.click('.page-tabs a[href="pickup.html"]');
        await wp.waitForURL(/pickup\.html/);
        await wp.fill('#pickup-code', code === '00000000' ? '11111111' : '00000000');
        const [miss] = await Promise.all([wp.waitForResponse((r) => r.url().endsWith('/api/v1/pickups/lookup')), wp.click('#pickup-form button[type="submit"]')]);
        assert.equal(miss.status(), 404);
        await wp.locator('#pickup-form .field-error').waitFor();
        assert.match(await wp.locator('#pickup-form').textContent(), /取件码无效/);
        await lookAndAxe(wp, 'delivery-hall-pickup-wrong');

        await wp.fill('#pickup-code', code);
        const [hit] = await Promise.all([wp.waitForResponse((r) => r.url().endsWith('/api/v1/pickups/lookup')), wp.click('#pickup-form button[type="submit"]')]);
        assert.equal(hit.status(), 200);
        await wp.locator('#pickup-case:not([hidden])').waitFor();
        assert.equal((await wp.locator('#pickup-case [data-role="case-no"]').textContent()).trim(), decided.case_no);
        assert.match(await wp.locator('#pickup-case').textContent(), /已出证/);
        assert.equal(await wp.locator('#pickup-confirm [data-role="confirm"]').isEnabled(), true);
        await lookAndAxe(wp, 'delivery-hall-pickup-case');

        const [handed] = await Promise.all([
          wp.waitForResponse((r) => r.url().endsWith('/transitions') && r.request().method() === 'POST'),
          wp.click('#pickup-confirm [data-role="confirm"]'),
        ]);
        assert.equal(handed.status(), 200, `deliver: ${await handed.text()}`);
        assert.deepEqual(JSON.parse(handed.request().postData()), { action: 'deliver', method: 'window', pickup_code: code });
        assert.match(handed.request().headers()['if-match'], /^"\d+"$/);
        await wp.locator('#pickup-done:not([hidden])').waitFor();
        assert.match(await wp.locator('#pickup-done').textContent(), new RegExp(`${decided.case_no}[\\s\\S]*已办结`));
        await lookAndAxe(wp, 'delivery-hall-pickup-done');
      } finally {
        await clerk.context.close();
      }

      // ---- the applicant: 已送达, one trip
      await portalCase(ap, id);
      assert.match(await ap.locator('#case-head').textContent(), /已办结/);
      assert.match(await ap.locator('#case-delivery [data-role="delivery-status"]').textContent(), /已送达/);
      assert.equal(await ap.locator('#case-delivery [data-role="pickup-code"]').count(), 0, 'no code once collected');
      const trips = ap.locator('#case-delivery [data-role="trips"]');
      assert.equal(await trips.getAttribute('data-count'), '1', 'picking up is a trip');
      assert.match(await trips.textContent(), /1 次 \/ 承诺 零跑动/);
      // 人力资源服务许可 declares no trip: collecting at the window is one more than promised
      assert.equal(await trips.getAttribute('data-exceeded'), 'true');
      assert.match(await trips.textContent(), /超过承诺跑动次数/);
      await ap.screenshot({ path: join(OUT, 'delivery-portal-delivered-desktop.png'), fullPage: true });
    } finally {
      await applicant.context.close();
    }
  });
});

describe('(2) post: change of method, dispatch with tracking, receipt', () => {
  test('the applicant switches to post; the hall posts and confirms receipt', async () => {
    const s = await apiLogin('hengxin');
    let created;
    try {
      created = await applyOnline(s, ITEM, { delivery: { method: 'window' } });
    } finally {
      await s.ctx.dispose();
    }
    await takeThrough(created.id, { review: false });

    const applicant = await applicantPage();
    const ap = applicant.page;
    try {
      // ---- 更改送达方式 on 我的办件
      await portalCase(ap, created.id);
      const change = ap.locator('#delivery-change');
      await change.locator('summary').click();
      await change.locator('input[value="post"]').check();
      await change.locator('input[name="delivery.post.recipient"]').fill('张恒信');
      await change.locator('input[name="delivery.post.phone"]').fill('13900139000');
      await change.locator('textarea[name="delivery.post.address"]').fill('示范市示范区滨江路 88 号 5 幢 301 室');
      await lookAndAxe(ap, 'delivery-portal-change');
      const [put] = await Promise.all([
        ap.waitForResponse((r) => r.url().endsWith(`/api/v1/cases/${created.id}/delivery`)),
        change.locator('button[type="submit"]').click(),
      ]);
      assert.equal(put.status(), 200, `PUT delivery: ${await put.text()}`);
      assert.deepEqual(JSON.parse(put.request().postData()), {
        method: 'post',
        post: { recipient: '张恒信', phone: '13900139000', address: '示范市示范区滨江路 88 号 5 幢 301 室' },
      });
      assert.match(put.request().headers()['if-match'], /^"\d+"$/);
      await ap.locator('#detail-msg:not([hidden])').waitFor();
      assert.equal(await ap.locator('#case-delivery [data-role="delivery-method"]').getAttribute('data-method'), 'post');

      await takeThrough(created.id, { accept: false, decide: true });

      // ---- the hall: 待出件, dispatch, receipt
      const clerk = await windowPage();
      try {
        const wp = clerk.page;
        await wp.goto(url('/hall/?queue=delivery'));
        const row = wp.locator(`#queue-host tr[data-case="${created.id}"]`);
        await row.waitFor();
        assert.match(await row.textContent(), /邮寄送达[\s\S]*待寄出/);
        await lookAndAxe(wp, 'delivery-hall-queue');
        await Promise.all([wp.waitForURL(/case\.html\?id=/), row.locator('a').first().click()]);
        await wp.locator('#case-view[data-state="result_issued"]').waitFor();
        assert.match(await wp.locator('#case-delivery').textContent(), /邮寄送达[\s\S]*张恒信/);

        const posted = await act(
          wp,
          'dispatch',
          async (d) => {
            await d.locator('select[name="carrier"]').selectOption('EMS');
            await d.locator('input[name="tracking_no"]').fill('ea 123456789 cn');
          },
          'delivery-hall-dialog-dispatch',
        );
        assert.equal(posted.status(), 200, `dispatch: ${await posted.text()}`);
        assert.deepEqual(JSON.parse(posted.request().postData()), { action: 'dispatch', carrier: 'EMS', tracking_no: 'EA123456789CN' });
        await wp.locator('#case-delivery [data-role="delivery-status"][data-status="dispatched"]').waitFor();
        assert.equal((await wp.locator('#case-delivery [data-role="tracking-no"]').textContent()).trim(), 'EA123456789CN');

        const received = await act(wp, 'deliver', null, 'delivery-hall-dialog-receipt');
        assert.equal(received.status(), 200, `deliver: ${await received.text()}`);
        assert.deepEqual(JSON.parse(received.request().postData()), { action: 'deliver', method: 'post' });
        await wp.locator('#case-view:is([data-state="delivered"], [data-state="closed"])').waitFor();
        await lookAndAxe(wp, 'delivery-hall-case-posted');
      } finally {
        await clerk.context.close();
      }

      // ---- the applicant: 已送达 with the tracking number
      await portalCase(ap, created.id);
      const box = ap.locator('#case-delivery');
      assert.match(await box.locator('[data-role="delivery-status"]').textContent(), /已送达/);
      assert.equal((await box.locator('[data-role="tracking-no"]').textContent()).trim(), 'EA123456789CN');
      await lookAndAxe(ap, 'delivery-portal-posted');
    } finally {
      await applicant.context.close();
    }
  });

  test('no console errors, page errors or CSP violations', () => {
    assert.deepEqual([...new Set(problems)], []);
  });
});
