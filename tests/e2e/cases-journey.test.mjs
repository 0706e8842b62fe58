// cases-journey.test.mjs - the staff front ends of cases (办件) in real
// Chromium against a real `tongban serve` with the demo data
// (scripts/test-web.sh): the hall (web/hall/, 综合窗口) and the office
// (web/office/, 审批办公). The applicant's part goes through the API (the
// portal's pages are tested by portal-cases.test.mjs).
//
// Checks (docs/cases.md):
//   (1) the journey of an online application: hengxin applies (API) for an
//       item of 示范市行政审批局 with the steps 受理(1)/审查(2)/决定(3);
//       window01 in the hall finds it in 预审队列 and asks for corrections
//       in one notice (a fault about a material and a general one); the
//       applicant supplies the material (API); window01 accepts and the
//       受理通知书 is listed (a PDF); reviewer01 in the office finds it in
//       我的待办 and reviews; the decision is not reviewer01's to take: the
//       page offers no 决定 and says which level the step needs, and the
//       server refuses the attempt with 审批权限级别不足; decider01 approves
//       and the case shows 已出证 with the 准予行政许可决定书; window01
//       finds it in 待出件 and delivers it;
//   (2) 窗口代录 and 容缺受理: window01 enters an application for hengxin
//       at the counter, paper originals checked except a material that
//       allows 容缺, gets the case number and query code, and accepts with
//       that material missing: 容缺受理承诺书, the material marked 容缺后补
//       with its due date;
//   (3) a refusal with its reason, after a stale page: the case changes
//       behind window01's back, the refusal gets 412, the page reloads and
//       says so; the second try refuses, with 不予受理通知书, the reason in
//       the history and the 否定报备 flag;
//   (4) axe-core finds no serious or critical problem on the hall's and
//       the office's pages (login, queues, case page with and without an
//       open dialog, window entry, statistics), at 1280 and 375 px, none
//       of which is wider than the screen; 窗口统计 shows the window's rates;
//       no console errors, page errors or CSP violations anywhere.
// Screenshots go to tests/e2e/out/cases-*.png for a human to look at.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { request } from 'playwright-core';
import { BASE, DEMO_PASSWORD, OUT, browserSession, lookAndAxe, loginThrough, url } from './support.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const DEMO = join(HERE, '../../data/demo');
const APPLICATIONS = JSON.parse(readFileSync(join(DEMO, 'applications.json'), 'utf8')).applications;
const SAMPLE_PDF = readFileSync(join(DEMO, 'files/sample.pdf'));
const SAMPLE_PNG = readFileSync(join(DEMO, 'files/sample.png'));
const CITY_BUREAU = 'DEMO-CITY-XZSPJ';

const fixture = {
  app: null, // the sample application used (applications.json)
  item: null, // its item document
  missingIndex: null, // a material that allows 容缺
  journey: null, // {id, case_no}
  refusal: null,
};

const session = browserSession({ setUp: prepare });
const { problems } = session;

/* ------------------------------------------------------------- the API */

/* An API session of a demo account: {ctx, csrf}. */
async function apiLogin(username) {
  const ctx = await request.newContext({ baseURL: BASE });
  const res = await ctx.post('/api/v1/sessions', { data: { username, password: DEMO_PASSWORD } });
  assert.ok(res.ok(), `login ${username}: ${res.status()}`);
  const { csrf_token: csrf } = await res.json();
  return { ctx, csrf };
}

async function apiCall(s, method, path, { data, headers = {} } = {}) {
  const res = await s.ctx.fetch(path, { method, data, headers: { 'X-CSRF-Token': s.csrf, ...headers } });
  const text = await res.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status(), body };
}

async function upload(s, bytes, name) {
  const r = await apiCall(s, 'POST', '/api/v1/uploads', {
    data: bytes,
    headers: { 'Content-Type': 'application/octet-stream', 'X-File-Name': encodeURIComponent(name) },
  });
  assert.ok(r.status === 201 || r.status === 200, `upload ${name}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id;
}

/* The applicant hands in the sample application online: the case {id, case_no}. */
async function applyOnline(s) {
  const up = await upload(s, SAMPLE_PDF, '申请材料.pdf');
  const r = await apiCall(s, 'POST', '/api/v1/cases', {
    data: {
      item: fixture.app.impl_code,
      values: fixture.app.values,
      materials: fixture.app.materials.map((m) => ({ index: m.index, upload: up })),
      submit: true,
    },
    headers: { 'Idempotency-Key': `e2e-${Date.now()}-${Math.random().toString(16).slice(2)}` },
  });
  assert.equal(r.status, 201, `apply: ${r.status} ${JSON.stringify(r.body)}`);
  assert.equal(r.body.state, 'submitted');
  return r.body;
}

/*
 * A sample application of hengxin for an item of 示范市行政审批局 whose
 * procedure is 受理(1) / 审查(2) / 决定(3), of class B with a required
 * material that allows 容缺 (for (2)).
 */
async function prepare() {
  const api = await request.newContext({ baseURL: BASE });
  try {
    for (const app of APPLICATIONS.filter((a) => a.applicant === 'hengxin')) {
      const res = await api.get(`/api/v1/items/${encodeURIComponent(app.impl_code)}`);
      if (res.status() !== 200) continue;
      const { item, org } = await res.json();
      const steps = item.steps.map((s) => `${s.name}${s.authority_level}`).join('/');
      const missing = item.materials.findIndex((m) => m.allows_missing && m.is_required && m.source === 'applicant');
      if ((org?.code || item.org) !== CITY_BUREAU || steps !== '受理1/审查2/决定3' || item.item_class !== 'B' || missing < 0) continue;
      fixture.app = app;
      fixture.item = item;
      fixture.missingIndex = missing;
      break;
    }
  } finally {
    await api.dispose();
  }
  assert.ok(fixture.app, 'data/demo/applications.json has a class B item of DEMO-CITY-XZSPJ with 受理/审查/决定 and a 容缺 material');
}

/* ------------------------------------------------------------- the pages */

/* The case page has rendered (the given state when asked). */
async function caseShown(page, state) {
  const sel = state ? `#case-view[data-state="${state}"]` : '#case-view[data-state]';
  await page.locator(sel).waitFor({ timeout: 15000 });
}

/* Click an action, fill its dialog with fill(dialog), send; returns the transition's answer. */
async function act(page, action, fill) {
  await page.locator(`#case-actions button[data-action="${action}"]`).click();
  const dialog = page.locator('dialog#cw-dialog[open]');
  await dialog.waitFor();
  if (fill) await fill(dialog);
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/transitions') && r.request().method() === 'POST'),
    dialog.locator('button[type="submit"]').click(),
  ]);
  return res;
}

async function noticeKinds(page) {
  return page.locator('#case-notices li[data-kind]').evaluateAll((lis) => lis.map((li) => li.dataset.kind));
}

/* The notice link answers a PDF for this browser's session. */
async function assertNoticePdf(page, kind) {
  const href = await page.locator(`#case-notices li[data-kind="${kind}"] a`).getAttribute('href');
  assert.match(href, /^\/api\/v1\/cases\/[^/]+\/notices\/[^/]+$/);
  const res = await page.request.get(url(href));
  assert.equal(res.status(), 200, `${kind} notice: ${res.status()}`);
  assert.match(res.headers()['content-type'] || '', /application\/pdf/);
}

async function openFromQueue(page, path, id) {
  await page.goto(url(path));
  const row = page.locator(`#queue-host tr[data-case="${id}"]`);
  await row.waitFor({ timeout: 15000 });
  await Promise.all([page.waitForURL(/case\.html\?id=/), row.locator('a').first().click()]);
  await caseShown(page);
  return row;
}

/* ------------------------------------------------------------- tests */

describe('(1) online application: correction, acceptance, review, decision, delivery', () => {
  test('window01, the applicant, reviewer01 and decider01 take the case to its result', async () => {
    const applicant = await apiLogin('hengxin');
    const created = await applyOnline(applicant);
    fixture.journey = created;
    const { id } = created;

    // ---- window01 in the hall: 预审队列, then 一次性告知补正
    const hall = await session.newUser();
    const page = hall.page;
    try {
      await loginThrough(page, '/hall/login.html', 'window01', DEMO_PASSWORD);
      assert.equal(new URL(page.url()).pathname, '/hall/', 'after login the hall opens');
      await page.goto(url('/hall/'));
      const row = page.locator(`#queue-host tr[data-case="${id}"]`);
      await row.waitFor();
      assert.match(await row.textContent(), new RegExp(created.case_no));
      assert.match(await row.textContent(), new RegExp(fixture.item.name));
      await lookAndAxe(page, 'cases-hall-queue');
      await Promise.all([page.waitForURL(/case\.html\?id=/), row.locator('a').first().click()]);
      await caseShown(page, 'submitted');

      assert.equal((await page.locator('#case-heading').textContent()).trim(), created.case_no);
      const masked = await page.locator('[data-role="applicant-id"]').textContent();
      assert.match(masked, /\*{4,}/, `the applicant's number is masked: ${masked}`);
      assert.ok(!masked.includes('91350100M000100Y43'), 'never the whole credit code');
      const values = await page.locator('#case-values').textContent();
      assert.ok(values.includes(Object.values(fixture.app.values).find((v) => typeof v === 'string' && v.length > 4)), 'form values shown');
      const download = page.locator('#case-materials a.cw-file').first();
      assert.match(await download.getAttribute('href'), /^\/api\/v1\/uploads\/[0-9a-f]+$/);
      const buttons = await page.locator('#case-actions button[data-action]').evaluateAll((b) => b.map((x) => x.dataset.action));
      for (const a of ['pre_review', 'accept', 'refuse', 'request_correction']) assert.ok(buttons.includes(a), `${a} offered: ${buttons}`);
      await lookAndAxe(page, 'cases-hall-case');

      const faultMaterial = fixture.app.materials[1].index;
      const res = await act(page, 'request_correction', async (dialog) => {
        assert.equal(await dialog.locator('input[name="days"]').inputValue(), '5', 'five working days by default');
        await dialog.locator('select[name="fault_material"]').first().selectOption(String(faultMaterial));
        await dialog.locator('textarea[name="fault_problem"]').first().fill('章程未经全体股东签署');
        await dialog.locator('[data-role="add-fault"]').click();
        await dialog.locator('textarea[name="fault_problem"]').nth(1).fill('申请书未填写联系人电话');
        await lookAndAxe(page, 'cases-hall-dialog-correction');
      });
      assert.equal(res.status(), 200, `request_correction: ${res.status()}`);
      const sent = JSON.parse(res.request().postData());
      assert.deepEqual(sent.faults, [
        { material: faultMaterial, problem: '章程未经全体股东签署' },
        { material: null, problem: '申请书未填写联系人电话' },
      ]);
      assert.equal(sent.days, 5);
      assert.match(res.request().headers()['if-match'], /^"\d+"$/, 'If-Match sent');
      await caseShown(page, 'awaiting_correction');
      assert.match(await page.locator('#case-actions [data-role="message"]').textContent(), /一次性告知补正.*待补正/);
      assert.ok((await noticeKinds(page)).includes('correction'), '补正材料通知书 listed');
      await assertNoticePdf(page, 'correction');

      // ---- the applicant supplies the material (API)
      const before = await apiCall(applicant, 'GET', `/api/v1/cases/${id}`);
      assert.ok(before.body.actions.includes('supplement'), 'the applicant may supplement');
      const newUpload = await upload(applicant, SAMPLE_PNG, '公司章程（已签署）.png');
      const sup = await apiCall(applicant, 'POST', `/api/v1/cases/${id}/transitions`, {
        data: { action: 'supplement', materials: [{ index: faultMaterial, upload: newUpload }] },
        headers: { 'If-Match': `"${before.body.etag}"` },
      });
      assert.equal(sup.status, 200, `supplement: ${JSON.stringify(sup.body)}`);
      assert.equal(sup.body.state, 'submitted');

      // ---- window01 refreshes and accepts
      await page.locator('#case-actions .cw-reload').click();
      await caseShown(page, 'submitted');
      const accepted = await act(page, 'accept');
      assert.equal(accepted.status(), 200);
      await caseShown(page, 'accepted');
      assert.ok((await noticeKinds(page)).includes('acceptance'), '受理通知书 listed');
      assert.match(await page.locator('#case-notices').textContent(), /受理通知书/);
      await assertNoticePdf(page, 'acceptance');
      assert.match(await page.locator('[data-role="promised"]').textContent(), /\d{4}-\d{2}-\d{2}/, 'promised date set');
      assert.match(await page.locator('#case-events').textContent(), /一次性告知补正[\s\S]*补正材料[\s\S]*受理/);
      await page.screenshot({ path: join(OUT, 'cases-hall-accepted-desktop.png'), fullPage: true });
    } finally {
      await hall.context.close();
    }

    // ---- reviewer01 in the office: 我的待办, 审查, and no decision
    const rev = await session.newUser();
    try {
      const p = rev.page;
      await loginThrough(p, '/office/login.html', 'reviewer01', DEMO_PASSWORD);
      assert.equal(new URL(p.url()).pathname, '/office/');
      const row = p.locator(`#queue-host tr[data-case="${id}"]`);
      await row.waitFor();
      const rowText = await row.textContent();
      assert.match(rowText, /审查/, 'next step shown');
      assert.match(rowText, /2 级/, 'with its authority level');
      assert.match(rowText, /\d{4}-\d{2}-\d{2}/, 'promised date shown');
      assert.equal(await row.locator('.cw-warning').count(), 1, 'warning badge shown');
      await lookAndAxe(p, 'cases-office-queue');
      await Promise.all([p.waitForURL(/case\.html\?id=/), row.locator('a').first().click()]);
      await caseShown(p, 'accepted');
      assert.equal(await p.locator('#case-steps li.is-current').getAttribute('data-index'), '1');
      assert.match(await p.locator('#case-steps').textContent(), /审查\s*2 级[\s\S]*决定\s*3 级/);
      await lookAndAxe(p, 'cases-office-case');

      const reviewed = await act(p, 'review', (d) => d.locator('textarea[name="opinion"]').fill('经审查，申请材料齐全，符合法定条件。'));
      assert.equal(reviewed.status(), 200);
      await caseShown(p, 'in_review');
      assert.match(await p.locator('[data-role="next-step"]').textContent(), /决定/);

      // The decision needs level 3: not offered, and the page says why.
      assert.equal(await p.locator('#case-actions button[data-action="decide"]').count(), 0, 'no 决定 for a level-2 reviewer');
      const why = p.locator('#case-actions [data-role="authority"]');
      await why.waitFor();
      assert.match(await why.textContent(), /决定.*3 级.*2 级/);
      // An attempt anyway (the page's own transition call, with its session) is refused by the server.
      const attempt = await p.evaluate(async (caseId) => {
        const m = await import('/common/case-view.js');
        const c = await m.getCase(caseId);
        try {
          await m.sendTransition(c, 'decide', { decision: 'approve', opinion: '越级决定' });
          return null;
        } catch (e) {
          return { status: e.status, title: e.title, detail: e.detail };
        }
      }, id);
      assert.ok(attempt, 'the server refuses a level-2 decision');
      assert.equal(attempt.status, 403);
      assert.match(attempt.detail, /审批权限级别不足/);
      await p.screenshot({ path: join(OUT, 'cases-office-reviewer-desktop.png'), fullPage: true });
    } finally {
      await rev.context.close();
    }

    // ---- decider01 approves
    const dec = await session.newUser();
    try {
      const p = dec.page;
      await loginThrough(p, '/office/login.html', 'decider01', DEMO_PASSWORD);
      await openFromQueue(p, '/office/', id);
      await caseShown(p, 'in_review');
      const decided = await act(p, 'decide', async (d) => {
        await d.locator('input[name="decision"][value="approve"]').check();
        await d.locator('textarea[name="opinion"]').fill('同意准予许可。');
        await lookAndAxe(p, 'cases-office-dialog-decide');
      });
      assert.equal(decided.status(), 200, `decide: ${decided.status()}`);
      await caseShown(p, 'result_issued');
      assert.match(await p.locator('#case-lead').textContent(), /已出证/);
      assert.ok((await noticeKinds(p)).includes('approval'), '准予行政许可决定书 listed');
      await assertNoticePdf(p, 'approval');
      assert.equal(await p.locator('#case-steps li.is-done').count(), 3, 'every step done');
      await p.screenshot({ path: join(OUT, 'cases-office-decided-desktop.png'), fullPage: true });
    } finally {
      await dec.context.close();
    }

    // ---- window01 hands the result out: 待出件, 送达
    const out = await session.newUser();
    try {
      const p = out.page;
      await loginThrough(p, '/hall/login.html', 'window01', DEMO_PASSWORD);
      await openFromQueue(p, '/hall/?queue=delivery', id);
      await caseShown(p, 'result_issued');
      // The applicant chose the item's first method (窗口领取): the pickup code they show.
      const code = (await apiCall(applicant, 'GET', `/api/v1/cases/${id}`)).body.delivery.pickup_code;
      assert.match(code, /^\d{8}$/, 'the applicant has a pickup code');
      const delivered = await act(p, 'deliver', (d) => d.locator('input[name="pickup_code"]').fill(code));
      assert.equal(delivered.status(), 200);
      await p.locator('#case-view:is([data-state="delivered"], [data-state="closed"])').waitFor();
    } finally {
      await out.context.close();
    }
    await applicant.ctx.dispose();
  });
});

describe('(2) 窗口代录 and 容缺受理', () => {
  test('window01 enters an application at the counter and accepts it with a material missing', async () => {
    const { context, page } = await session.newUser();
    try {
      await loginThrough(page, '/hall/login.html', 'window01', DEMO_PASSWORD);
      await page.goto(url('/hall/entry.html'));
      await page.fill('#item-q', fixture.item.name);
      await page.click('#item-search button[type="submit"]');
      const pick = page.locator(`#item-results li[data-code="${fixture.app.impl_code}"] button`);
      await pick.waitFor();
      await pick.click();
      await page.locator('#entry-form:not([hidden])').waitFor();
      await page.fill('#entry-applicant', 'hengxin');
      const fields = fixture.item.form.fields;
      for (const [key, v] of Object.entries(fixture.app.values)) {
        const f = fields.find((x) => x.key === key);
        const control = page.locator(`[data-path="values.${key}"]`);
        if (f.type === 'select') await control.selectOption(String(v));
        else if (f.type === 'checkbox') await control.setChecked(Boolean(v));
        else if (f.type === 'money_fen') await control.fill(String(v / 100));
        else await control.fill(String(v));
      }
      // Originals checked for every material the applicant gives except the 容缺 one.
      for (const m of fixture.app.materials) {
        if (m.index !== fixture.missingIndex) await page.check(`#em-${m.index}`);
      }
      await lookAndAxe(page, 'cases-hall-entry');
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/cases') && r.request().method() === 'POST'),
        page.click('#entry-form button[type="submit"]'),
      ]);
      assert.equal(res.status(), 201, `window entry: ${res.status()} ${await res.text()}`);
      const req = res.request();
      assert.ok(req.headers()['idempotency-key'], 'Idempotency-Key sent');
      const body = JSON.parse(req.postData());
      assert.equal(body.channel, 'window');
      assert.equal(body.applicant, 'hengxin');
      assert.equal(body.values.registered_capital_fen, fixture.app.values.registered_capital_fen ?? body.values.registered_capital_fen);
      assert.ok(body.materials.every((m) => m.paper === true && m.index !== fixture.missingIndex));
      const result = page.locator('#entry-result:not([hidden])');
      await result.waitFor();
      assert.match(await result.locator('[data-role="case-no"]').textContent(), /^TB\d{17}$/);
      assert.match(await result.locator('[data-role="query-code"]').textContent(), /^[0-9A-Z]{8}$/);
      await page.screenshot({ path: join(OUT, 'cases-hall-entry-done-desktop.png'), fullPage: true });

      await Promise.all([page.waitForURL(/case\.html\?id=/), result.locator('[data-role="open"]').click()]);
      await caseShown(page, 'submitted');
      assert.match(await page.locator('#case-facts').textContent(), /窗口申报/);
      const res2 = await act(page, 'accept_with_missing', async (d) => {
        assert.equal(await d.locator('input[name="days"]').inputValue(), '10', 'ten working days by default');
        await d.locator(`input[name="missing"][value="${fixture.missingIndex}"]`).check();
      });
      assert.equal(res2.status(), 200, `accept_with_missing: ${res2.status()} ${await res2.text()}`);
      assert.deepEqual(JSON.parse(res2.request().postData()).missing, [fixture.missingIndex]);
      await caseShown(page, 'accepted');
      assert.ok((await noticeKinds(page)).includes('missing'), '容缺受理承诺书 listed');
      const row = page.locator(`#case-materials tr[data-index="${fixture.missingIndex}"]`);
      assert.equal(await row.getAttribute('data-provision'), 'missing');
      assert.match(await row.textContent(), /容缺后补[\s\S]*补交期限 \d{4}-\d{2}-\d{2}/);
      await lookAndAxe(page, 'cases-hall-missing');
    } finally {
      await context.close();
    }
  });
});

describe('(3) a refusal with its reason, after a stale page', () => {
  test('412 reloads the page and says so; the refusal then issues its notice', async () => {
    const applicant = await apiLogin('hengxin');
    const created = await applyOnline(applicant);
    await applicant.ctx.dispose();
    fixture.refusal = created;
    const { context, page } = await session.newUser();
    const other = await apiLogin('window01'); // the same clerk at another desk
    try {
      await loginThrough(page, '/hall/login.html', 'window01', DEMO_PASSWORD);
      await page.goto(url(`/hall/case.html?id=${created.id}`));
      await caseShown(page, 'submitted');
      const etagBefore = await page.locator('#case-view').getAttribute('data-etag');

      // Someone records a pre-check meanwhile: the page's etag is stale.
      const now = await apiCall(other, 'GET', `/api/v1/cases/${created.id}`);
      const pre = await apiCall(other, 'POST', `/api/v1/cases/${created.id}/transitions`, {
        data: { action: 'pre_review', opinion: '网上预审：申请事项不属于本机关职权范围' },
        headers: { 'If-Match': `"${now.body.etag}"` },
      });
      assert.equal(pre.status, 200);

      const reason = '申请事项依法不需要取得行政许可（e2e）';
      const stale = await act(page, 'refuse', (d) => d.locator('textarea[name="reason"]').fill(reason));
      assert.equal(stale.status(), 412);
      const msg = page.locator('#case-actions [data-role="message"]');
      await msg.waitFor();
      await page.locator(`#case-view:not([data-etag="${etagBefore}"])`).waitFor();
      assert.match(await msg.textContent(), /已被他人办理或修改/);
      assert.equal(await page.locator('#case-view').getAttribute('data-state'), 'submitted', 'nothing refused yet');
      assert.match(await page.locator('#case-events').textContent(), /网上预审/, 'the other change is shown');

      // An empty reason is caught before sending.
      await page.locator('#case-actions button[data-action="refuse"]').click();
      const dialog = page.locator('dialog#cw-dialog[open]');
      await dialog.locator('button[type="submit"]').click();
      await dialog.locator('.field-error').waitFor();
      await dialog.locator('[data-role="cancel"]').click();

      const res = await act(page, 'refuse', (d) => d.locator('textarea[name="reason"]').fill(reason));
      assert.equal(res.status(), 200, `refuse: ${res.status()}`);
      await caseShown(page, 'refused');
      assert.ok((await noticeKinds(page)).includes('refusal'), '不予受理通知书 listed');
      await assertNoticePdf(page, 'refusal');
      assert.ok((await page.locator('#case-events').textContent()).includes(reason), 'the reason is in the history');
      assert.match(await page.locator('#case-flags').textContent(), /否定报备/);
      assert.equal(await page.locator('#case-actions button[data-action]').count(), 0, 'nothing left to do');
      await lookAndAxe(page, 'cases-hall-refused');
    } finally {
      await other.ctx.dispose();
      await context.close();
    }
  });
});

describe('(4) the other pages: login, statistics, phone', () => {
  test('login pages, 窗口统计, 全部办件 and a case at 375 px', async () => {
    const { context, page } = await session.newUser();
    try {
      await page.goto(url('/hall/login.html'));
      await lookAndAxe(page, 'cases-hall-login');
      await page.goto(url('/office/login.html'));
      await lookAndAxe(page, 'cases-office-login');

      await loginThrough(page, '/hall/login.html', 'window01', DEMO_PASSWORD);
      await page.goto(url('/hall/stats.html'));
      const w01 = page.locator('#stats-table tr[data-hall="HALL-CITY"][data-window="W01"]');
      await w01.waitFor();
      const received = Number(await w01.locator('td').nth(1).textContent());
      assert.ok(received >= 2, `W01 received the cases of this file: ${received}`);
      assert.match(await w01.locator('[data-rate="acceptance_rate"]').textContent(), /\d+(\.\d)?%/);
      await lookAndAxe(page, 'cases-hall-stats');

      await page.setViewportSize({ width: 375, height: 740 });
      await page.goto(url(`/hall/case.html?id=${fixture.journey.id}`));
      await caseShown(page);
      const w = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(w <= 0, `case page is ${w}px too wide at 375 px`);
      await page.screenshot({ path: join(OUT, 'cases-hall-case-phone375.png'), fullPage: true });
    } finally {
      await context.close();
    }
    const office = await session.newUser();
    try {
      await loginThrough(office.page, '/office/login.html', 'decider01', DEMO_PASSWORD);
      await office.page.goto(url('/office/?queue=all'));
      await office.page.locator(`#queue-host tr[data-case="${fixture.journey.id}"]`).waitFor();
      await lookAndAxe(office.page, 'cases-office-all');
    } finally {
      await office.context.close();
    }
  });

  test('no console errors, page errors or CSP violations', () => {
    assert.deepEqual([...new Set(problems)], []);
  });
});
