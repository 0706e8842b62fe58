// licences.test.mjs - electronic licences and the one seal (docs/licences.md)
// in real Chromium against a real server (scripts/test-web.sh).
//
// Checks:
//   (1) 证照类型: the system administrator sees the type of 营业执照 with the
//       items that issue it; when the demo data lacks it the editor creates
//       it (POST, face fields added as rows); the editor then saves it
//       unchanged (PUT with If-Match: "<version>");
//   (2) 电子印章: the security administrator (secadmin) sees the seals; if
//       the issuing organisation (示范市行政审批局) has no active seal, 制作印章
//       makes one; its row shows the seal image (GET
//       /api/v1/seals/{id}/image.png, really loaded), 启用, the fingerprint,
//       and 使用记录 opens the use log;
//   (3) issue: hengxin applies for 企业设立登记 (result 营业执照) with
//       delivery electronic, and window01 / reviewer01 / decider01 take it
//       through to approval (API, case-api.mjs): the licence is in
//       hengxin's wallet at once;
//   (4) 我的证照: the card shows type, number, issuer, dates, 有效 and the
//       trust level; 下载 PDF gives a file starting %PDF, 下载证照文件 the
//       signed document (tongban-licence/1); 分享核验链接 shows the
//       verify_url made absolute; the details show the face fields, the
//       case number and the history (签发);
//   (5) the shared link, opened in a fresh browser that never logged in,
//       says 证照有效 with the holder masked; a wrong check code typed into
//       the form says 未找到该证照或核验码不正确; the seal's use log lists
//       the licence;
//   (6) reuse: 在线申报 of 人力资源服务许可, whose material 营业执照 comes
//       from the licence library, shows 已从电子证照库获取 with the number
//       and issuer and no upload control; submitted, the applicant's case
//       page says 电子证照 and the window's (common/case-view.js) also the
//       number;
//   (7) revoked by the issuer (decider01, API), the shared link says
//       证照已注销 with the time and reason, and the wallet card 已注销;
//   (8) axe-core finds nothing serious on the wallet, the verification page,
//       the apply form and the two admin sections at 1280 and 375 px; no
//       console errors, page errors or CSP violations.
// Screenshots: tests/e2e/out/licences-*.png.
//
// 食品经营许可 (the example of docs/licences.md) is decided by 示范区行政审批局,
// which has no window or decider among the demo accounts; 企业设立登记 is the
// city bureau's, whose staff the case tests already use.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { apiCall, apiLogin, APPLICATIONS, getCase, SAMPLE_PDF, takeThrough } from './case-api.mjs';
import { DEMO_PASSWORD, OUT, browserSession, lookAndAxe, loginThrough, url } from './support.mjs';

const ISSUING = '11500100MB01000285010130001000'; // 企业设立登记 (示范市行政审批局): result 营业执照, delivery electronic
const REUSING = '11500100MB01000285010112001000'; // 人力资源服务许可 (示范市行政审批局): material 1 营业执照 from the licence library
const ISSUER_ORG = 'DEMO-CITY-XZSPJ';
const CATALOG = JSON.parse(readFileSync(new URL('../../data/demo/catalog.json', import.meta.url), 'utf8'));
const ITEM = CATALOG.items.find((i) => i.impl_code === ISSUING);
const LICENCE_TYPE = ITEM.result.licence_type;
const REUSE_ITEM = CATALOG.items.find((i) => i.impl_code === REUSING);
const REUSE_INDEX = REUSE_ITEM.materials.findIndex((m) => m.source === 'licence' && m.licence_type === LICENCE_TYPE);
const LICENCE_NO = /^1\.2\.156\.3005\.2\.[0-9A-Z]{21}\.[0-9A-Z]{18}\.[0-9A-Z]{12}\.\d{3}\.[0-9A-Z*]$/;

const session = browserSession();
const { problems } = session;
const state = { licence: null, caseNo: null, shared: null };

/* ------------------------------------------------------------- helpers */

async function applicantPage() {
  const user = await session.newUser();
  await loginThrough(user.page, '/portal/login.html', 'hengxin', DEMO_PASSWORD);
  return user;
}

async function adminPage(username) {
  const user = await session.newUser();
  await loginThrough(user.page, '/admin/login.html', username, DEMO_PASSWORD);
  return user;
}

/* Read a download started by clicking locator: its bytes. */
async function download(page, locator) {
  const [dl] = await Promise.all([page.waitForEvent('download'), locator.click()]);
  const path = await dl.path();
  assert.ok(path, `download ${dl.suggestedFilename()} failed: ${await dl.failure()}`);
  return { name: dl.suggestedFilename(), bytes: readFileSync(path) };
}

/*
 * s applies online for item with the sample application of
 * data/demo/applications.json: the sample's files, and a file for every
 * required material the licence library has nothing for (docs/licences.md
 * "Reuse": those are the applicant's to give). The created case.
 */
async function applyWith(s, item, extra = {}) {
  const app = APPLICATIONS.find((a) => a.impl_code === item && a.applicant === 'hengxin');
  assert.ok(app, `data/demo/applications.json has hengxin's application for ${item}`);
  const pre = await apiCall(s, 'GET', `/api/v1/cases/prefill?item=${item}`);
  assert.equal(pre.status, 200, `prefill: ${pre.status}`);
  const up = await apiCall(s, 'POST', '/api/v1/uploads', {
    data: SAMPLE_PDF,
    headers: { 'Content-Type': 'application/octet-stream', 'X-File-Name': encodeURIComponent('申请材料.pdf') },
  });
  assert.ok(up.status === 201 || up.status === 200, `upload: ${up.status}`);
  const doc = CATALOG.items.find((i) => i.impl_code === item);
  const indices = new Set(app.materials.map((m) => m.index));
  for (const m of pre.body.materials || []) {
    if (m.source === 'licence' && !m.licence && doc.materials[m.index].is_required) indices.add(m.index);
  }
  const r = await apiCall(s, 'POST', '/api/v1/cases', {
    data: { item, values: app.values, materials: [...indices].map((index) => ({ index, upload: up.body.id })), submit: true, ...extra },
    headers: { 'Idempotency-Key': `e2e-lic-${Date.now()}-${Math.random().toString(16).slice(2)}` },
  });
  assert.equal(r.status, 201, `apply for ${item}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/* An image in the page really loaded (not a broken-image box). */
async function imageLoaded(img) {
  await img.scrollIntoViewIfNeeded();
  await img.evaluate((node) =>
    node.complete
      ? null
      : new Promise((done) => {
          node.addEventListener('load', done, { once: true });
          node.addEventListener('error', done, { once: true });
        }),
  );
  return img.evaluate((node) => node.complete && node.naturalWidth > 0);
}

/* ------------------------------------------------------------- tests */

describe('electronic licences', () => {
  test('(1) sysadmin: 证照类型 lists the type with its items; the editor creates it when missing, else saves it (If-Match)', async () => {
    const { context, page } = await adminPage('sysadmin');
    try {
      await page.goto(url('/admin/#licence-types'));
      await page.locator('#lt-status:not(:empty)').waitFor();
      const row = page.locator(`#lt-table tbody tr[data-code="${LICENCE_TYPE}"]`);
      if ((await row.count()) === 0) {
        // not in the demo data: made here, through the editor (POST)
        await page.click('#lt-new');
        await page.locator('#lt-form').waitFor();
        await page.fill('#lt-code', LICENCE_TYPE);
        await page.fill('#lt-name', ITEM.result.name);
        await page.selectOption('#lt-holder', 'org');
        await page.fill('#lt-validity', '0');
        await page.check(`#lt-issuers input[value="${ISSUER_ORG}"]`);
        const face = [
          ['company_name', '名称', 'text'],
          ['domicile', '住所', 'text'],
          ['legal_rep_name', '法定代表人', 'text'],
          ['registered_capital_fen', '注册资本（分）', 'integer'],
          ['business_scope', '经营范围', 'text'],
        ];
        for (const [i, [key, label, type]] of face.entries()) {
          await page.click('#lt-add-field');
          await page.fill(`#lt-fields-${i}-key`, key);
          await page.fill(`#lt-fields-${i}-label`, label);
          await page.selectOption(`#lt-fields-${i}-type`, type);
        }
        await lookAndAxe(page, 'licences-admin-type-new');
        const [res] = await Promise.all([
          page.waitForResponse((r) => r.url().endsWith('/api/v1/licence-types') && r.request().method() === 'POST'),
          page.click('#lt-save'),
        ]);
        assert.equal(res.status(), 201, `POST: ${res.status()} ${await res.text()}`);
        await page.locator('#lt-editor-status', { hasText: '已创建' }).waitFor();
        await page.click('#lt-cancel');
      }
      await row.waitFor();
      assert.match(await row.textContent(), new RegExp(ITEM.name), 'the items that issue it');
      await lookAndAxe(page, 'licences-admin-types');
      await row.locator('button').click();
      await page.locator('#lt-form').waitFor();
      assert.equal(await page.inputValue('#lt-code'), LICENCE_TYPE);
      assert.ok((await page.locator('#lt-fields tr').count()) > 0, 'the face fields are in the table');
      const before = Number((await page.locator('#lt-version').textContent()).match(/\d+/)[0]);
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.url().includes(`/api/v1/licence-types/${LICENCE_TYPE}`) && r.request().method() === 'PUT'),
        page.click('#lt-save'),
      ]);
      assert.equal(res.status(), 200, `PUT: ${res.status()} ${await res.text()}`);
      assert.equal(res.request().headers()['if-match'], `"${before}"`);
      await page.locator('#lt-editor-status', { hasText: '已保存' }).waitFor();
      await lookAndAxe(page, 'licences-admin-type-editor');
    } finally {
      await context.close();
    }
  });

  test('(2) secadmin: the issuing organisation has an active seal, shown with its image', async () => {
    const { context, page } = await adminPage('secadmin');
    try {
      await page.goto(url('/admin/#seals'));
      await page.locator('#seals #sl-status:not(:empty)').waitFor();
      const active = page.locator(`#sl-table tbody tr[data-org="${ISSUER_ORG}"]:has([data-status="active"])`);
      if ((await active.count()) === 0) {
        await page.click('#sl-new');
        await page.selectOption('#sl-org', ISSUER_ORG);
        await Promise.all([
          page.waitForResponse((r) => r.url().endsWith('/api/v1/seals') && r.request().method() === 'POST'),
          page.click('#sl-create button[type="submit"]'),
        ]);
        await page.locator('#sl-status', { hasText: '已为' }).waitFor();
      }
      await active.first().waitFor();
      const row = active.first();
      assert.ok(await imageLoaded(row.locator('img.seal-img')), 'the seal image loads');
      assert.match(await row.locator('img.seal-img').getAttribute('alt'), /示范市行政审批局/);
      assert.match(await row.locator('.fingerprint').textContent(), /^[0-9a-f]{64}$/i, 'the SM3 fingerprint');
      assert.match(await row.textContent(), /启用/);
      await row.locator('button[data-role="uses"]').click();
      await page.locator('#sl-uses:not([hidden]) #sl-uses-title').waitFor();
      await lookAndAxe(page, 'licences-admin-seals');
    } finally {
      await context.close();
    }
  });

  test('(3) a case whose result is a licence, delivered electronically, puts it in the wallet', async () => {
    const s = await apiLogin('hengxin');
    try {
      const created = await applyWith(s, ISSUING, { delivery: { method: 'electronic' } });
      state.caseNo = created.case_no;
      await takeThrough(created.id, { decide: true });
      const wallet = await apiCall(s, 'GET', '/api/v1/me/licences');
      assert.equal(wallet.status, 200, `wallet: ${wallet.status} ${JSON.stringify(wallet.body)}`);
      const mine = wallet.body.licences.filter((l) => l.type && l.type.code === LICENCE_TYPE);
      assert.ok(mine.length >= 1, `a ${LICENCE_TYPE} licence in the wallet: ${JSON.stringify(wallet.body)}`);
      // the newest of them is this case's (a wallet may hold one from an earlier run of the suite)
      const details = await Promise.all(mine.map((l) => apiCall(s, 'GET', `/api/v1/licences/${encodeURIComponent(l.no)}`)));
      const hit = details.find((d) => d.status === 200 && d.body.case_no === created.case_no);
      assert.ok(hit, `the licence of case ${created.case_no}: ${JSON.stringify(details.map((d) => d.body))}`);
      state.licence = hit.body;
      assert.match(state.licence.no, LICENCE_NO);
      assert.equal(state.licence.status, 'valid');
      assert.match(state.licence.verify_url, /^\/verify\/\?no=.+&check=[2-9A-HJKMNP-Z]{8}$/);
    } finally {
      await s.ctx.dispose();
    }
  });

  test('(4) 我的证照: the card, PDF and licence file, the link to share, the details', async () => {
    assert.ok(state.licence, 'test (3) issued a licence');
    const lic = state.licence;
    const { context, page } = await applicantPage();
    try {
      await page.goto(url('/portal/licences.html'));
      // the portal menu links the wallet
      assert.equal(await page.locator('nav.page-tabs a[href="licences.html"]').count(), 1);
      const card = page.locator(`#licence-cards li[data-no="${lic.no}"]`);
      await card.waitFor();
      const text = await card.textContent();
      assert.match(text, new RegExp(lic.type.name));
      assert.match(text, /有效/);
      assert.match(text, /示范市行政审批局/);
      assert.ok(text.includes(lic.no), 'the number');
      assert.match(await card.locator('[data-key="valid_until"]').textContent(), lic.valid_until ? new RegExp(lic.valid_until) : /长期/);
      assert.match(await card.locator('[data-key="trust_level"]').textContent(), /^A 级/);

      const pdf = await download(page, card.locator('a[data-role="pdf"]'));
      assert.equal(pdf.bytes.subarray(0, 5).toString('latin1'), '%PDF-', `the PDF (${pdf.name}) starts with %PDF`);
      const file = await download(page, card.locator('a[data-role="json"]'));
      const doc = JSON.parse(file.bytes.toString('utf8'));
      assert.equal(doc.format, 'tongban-licence/1');
      assert.equal(doc.content.no, lic.no);
      assert.match(doc.signature, /^[0-9a-f]+$/i);

      await card.locator('button[data-role="share"]').click();
      const share = card.locator('input[data-role="share-url"]');
      await share.waitFor();
      const shared = await share.inputValue();
      assert.equal(shared, url(lic.verify_url), 'the verify_url made absolute');
      state.shared = shared;
      await lookAndAxe(page, 'licences-wallet');

      await card.locator('a[data-role="detail"]').click();
      await page.locator('#detail-panel:not([hidden]) #licence-facts').waitFor();
      const face = await page.locator('#licence-face').textContent();
      for (const f of lic.face || []) assert.ok(face.includes(f.label), `face field ${f.label}`);
      assert.ok((lic.face || []).length > 0, 'the licence has face fields');
      assert.match(await page.locator('#licence-history').textContent(), /签发/);
      assert.match(await page.locator('#licence-facts').textContent(), new RegExp(state.caseNo));
      await lookAndAxe(page, 'licences-wallet-detail');
    } finally {
      await context.close();
    }
  });

  test('(5) the shared link, opened without logging in, says 证照有效; a wrong code does not', async () => {
    assert.ok(state.shared, 'test (4) took the link');
    const { context, page } = await session.newUser();
    try {
      await page.goto(state.shared);
      const box = page.locator('#verify-status-box');
      await box.waitFor();
      assert.equal(await box.getAttribute('data-status'), 'valid');
      assert.equal((await page.locator('#verify-word').textContent()).trim(), '证照有效');
      const facts = await page.locator('#verify-facts').textContent();
      assert.ok(facts.includes(state.licence.no));
      assert.ok(facts.includes(state.licence.type.name));
      assert.ok(!facts.includes('示范恒信科技有限公司'), 'the holder is masked');
      assert.match(facts, /示范市行政审批局/);
      await lookAndAxe(page, 'licences-verify');

      // the same number with a wrong check code, typed by hand
      const check = new URL(state.shared).searchParams.get('check');
      const wrong = check.startsWith('2') ? `3${check.slice(1)}` : `2${check.slice(1)}`;
      await page.fill('#vf-check', wrong.toLowerCase());
      await Promise.all([page.waitForResponse((r) => r.url().includes('/api/v1/licences/verify')), page.click('#verify-form button[type="submit"]')]);
      await page.locator('#verify-status-box[data-status="missing"]').waitFor();
      assert.equal((await page.locator('#verify-word').textContent()).trim(), '未找到该证照或核验码不正确');
      assert.equal(new URL(page.url()).searchParams.get('check'), wrong, 'the address carries what was checked');
      await lookAndAxe(page, 'licences-verify-missing');
    } finally {
      await context.close();
    }

    // the seal that signed it logged the use
    const sec = await apiLogin('secadmin');
    try {
      const seals = await apiCall(sec, 'GET', '/api/v1/seals');
      assert.equal(seals.status, 200);
      const sealId = state.licence.seal && typeof state.licence.seal === 'object' ? state.licence.seal.id : state.licence.seal;
      const seal = seals.body.seals.find((x) => x.id === sealId);
      assert.ok(seal, `the seal ${sealId} is listed`);
      const uses = await apiCall(sec, 'GET', `/api/v1/seals/${encodeURIComponent(seal.id)}/uses`);
      assert.ok(uses.body.uses.some((u) => u.licence_no === state.licence.no && u.kind === 'issue'), 'the use log names the licence');
    } finally {
      await sec.ctx.dispose();
    }
  });

  test('(6) 在线申报 takes the licence from the library; the case shows 电子证照 and its number', async () => {
    assert.ok(state.licence, 'test (3) issued a licence');
    assert.ok(REUSE_INDEX >= 0, `${REUSING} has a material of type ${LICENCE_TYPE}`);
    const { context, page } = await applicantPage();
    try {
      await page.goto(url(`/portal/apply.html?item=${REUSING}`));
      await page.locator('#apply-form:not([hidden])').waitFor();
      const block = page.locator(`#mat-${REUSE_INDEX}`);
      const text = await block.textContent();
      assert.match(text, /已从电子证照库获取/);
      assert.ok(text.includes(state.licence.no), 'the licence number');
      assert.match(text, /示范市行政审批局/, 'the issuer');
      assert.equal(await block.locator('input[type="file"], select').count(), 0, 'nothing to upload');
      await lookAndAxe(page, 'licences-apply-reuse');
    } finally {
      await context.close();
    }

    // submitted (API), the applicant's case view names the licence
    const s = await apiLogin('hengxin');
    let id;
    try {
      id = (await applyWith(s, REUSING)).id;
      const c = await getCase(s, id);
      const m = c.materials.find((x) => x.index === REUSE_INDEX);
      assert.equal(m.provision, 'licence');
      assert.equal(m.licence && m.licence.no, state.licence.no);
    } finally {
      await s.ctx.dispose();
    }
    // the applicant's case page says 电子证照; the window's (common/case-view.js) names the licence too
    const user = await applicantPage();
    try {
      await user.page.goto(url(`/portal/cases.html?id=${id}`));
      await user.page.locator('#case-materials').waitFor({ timeout: 15000 });
      assert.match(await user.page.locator('#case-materials').textContent(), /电子证照/);
    } finally {
      await user.context.close();
    }
    const clerk = await session.newUser();
    try {
      await loginThrough(clerk.page, '/hall/login.html', 'window01', DEMO_PASSWORD);
      await clerk.page.goto(url(`/hall/case.html?id=${id}`));
      const row = clerk.page.locator(`#case-materials tr[data-index="${REUSE_INDEX}"]`);
      await row.waitFor({ timeout: 15000 });
      const text = await row.textContent();
      assert.match(text, /电子证照/);
      assert.ok(text.includes(state.licence.no), 'the case view names the licence');
      await clerk.page.locator('#case-materials').screenshot({ path: join(OUT, 'licences-hall-case-materials.png') });
    } finally {
      await clerk.context.close();
    }
  });

  test('(7) revoked by the issuer: the link says 已注销 with time and reason; the wallet marks it', async () => {
    assert.ok(state.shared, 'test (4) took the link');
    const reason = '申请人申请注销（e2e）';
    const d = await apiLogin('decider01');
    try {
      const r = await apiCall(d, 'POST', `/api/v1/licences/${encodeURIComponent(state.licence.no)}/revoke`, { data: { reason } });
      assert.equal(r.status, 200, `revoke: ${r.status} ${JSON.stringify(r.body)}`);
    } finally {
      await d.ctx.dispose();
    }
    const { context, page } = await session.newUser();
    try {
      await page.goto(state.shared);
      await page.locator('#verify-status-box[data-status="revoked"]').waitFor();
      assert.equal((await page.locator('#verify-word').textContent()).trim(), '证照已注销');
      assert.ok((await page.locator('#verify-reason').textContent()).includes(reason), 'the reason');
      assert.match(await page.locator('#verify-facts [data-key="revoked_at"]').textContent(), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      await lookAndAxe(page, 'licences-verify-revoked');
    } finally {
      await context.close();
    }
    const user = await applicantPage();
    try {
      await user.page.goto(url('/portal/licences.html'));
      const card = user.page.locator(`#licence-cards li[data-no="${state.licence.no}"]`);
      await card.waitFor();
      assert.equal(await card.locator('.lic-card-head [data-status]').getAttribute('data-status'), 'revoked');
      assert.match(await card.locator('.lic-card-head').textContent(), /已注销/);
    } finally {
      await user.context.close();
    }
  });

  test('(8) no console errors, page errors or CSP violations', () => {
    assert.deepEqual(problems, []);
  });
});
