// portal-cases.test.mjs - the applicant's side of cases (办件) in real
// Chromium against a real `tongban serve` (scripts/test-web.sh):
// 在线申报 (web/portal/apply.html), 我的办件 (cases.html) and 办件进度查询
// (progress.html), docs/cases.md being the contract.
//
// Checks:
//   (1) the guide of 个体工商户登记 offers 在线申报; a visitor goes to the
//       login page and, logged in as zhangsan, comes back to the form, which
//       the platform has prefilled (张三); the licence material needs
//       nothing; a file is uploaded (data/demo/files/sample.pdf) for one
//       material and chosen from the library for the other; 保存草稿 makes a
//       draft whose address resumes it with everything kept; a phone number
//       the server refuses shows its message at the field; 提交申请 shows
//       the case number and the query code (shown once);
//   (2) 我的办件 lists the case as 已提交; its detail shows the progress
//       line, the materials with the uploaded file and the history; a
//       draft made for the purpose is withdrawn through the confirmation
//       dialog;
//   (3) 办件进度查询 finds the case by number and code without logging in;
//       a wrong code gives "办件编号或查询码不正确";
//   (4) axe-core finds nothing serious on the three pages, none is wider
//       than a 375 px phone; the portal home links both pages.
// Screenshots go to tests/e2e/out/portal-cases-*.png.
//
// The sample values come from data/demo/applications.json (zhangsan's
// application for 个体工商户登记), the same file the demo's 填入示例数据 uses.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD, OUT, browserSession, lookAndAxe, url } from './support.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ITEM = '11500107MB020007X3010130031000'; // 个体工商户登记: text, address, textarea, money; materials 0 and 2 from the applicant, 1 a licence
const ITEM_NAME = '个体工商户登记';
const SAMPLE = JSON.parse(readFileSync(join(ROOT, 'data/demo/applications.json'), 'utf8')).applications.find(
  (a) => a.impl_code === ITEM && a.applicant === 'zhangsan',
);
const SAMPLE_PDF = join(ROOT, 'data/demo/files/sample.pdf');
const CASE_NO = /^TB\d{17}$/;
const QUERY_CODE = /^[2-9A-HJKMNP-Z]{8}$/;

const session = browserSession();
const { problems } = session;
const made = { id: null, caseNo: null, code: null };

/* ------------------------------------------------------------- helpers */

async function login(page, next) {
  await page.goto(url(`/portal/login.html${next ? `?next=${encodeURIComponent(next)}` : ''}`));
  await page.fill('#login-username', 'zhangsan');
  await page.fill('#login-password', DEMO_PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/login.html')), page.click('#login-form button[type="submit"]')]);
}

/* Fill the form with the sample's values (money in fen typed as yuan). */
async function fillSample(page) {
  for (const [key, value] of Object.entries(SAMPLE.values)) {
    const input = page.locator(`#f-${key}`);
    const tag = await input.evaluate((n) => n.tagName.toLowerCase());
    if (tag === 'select') await input.selectOption(String(value));
    else if (key.endsWith('_fen')) await input.fill(String(value / 100));
    else await input.fill(String(value));
  }
}

/* A draft made through the API as the page would (for the withdraw test). */
async function makeDraft(page) {
  return page.evaluate(async (item) => {
    const res = await fetch('/api/v1/cases', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID(), 'X-CSRF-Token': sessionStorage.getItem('tb.csrf') },
      body: JSON.stringify({ item, values: {}, materials: [], submit: false }),
    });
    return { status: res.status, body: await res.json() };
  }, ITEM);
}

/* ------------------------------------------------------------- tests */

describe('(1) 在线申报', () => {
  test('guide -> login -> prefilled form; upload, draft, resume, a refused value, submit', async () => {
    assert.ok(SAMPLE, `data/demo/applications.json has no application of zhangsan for ${ITEM}`);
    const { context, page } = await session.newUser();
    try {
      await page.goto(url(`/items/${ITEM}`));
      const apply = page.locator('#guide-apply');
      await apply.waitFor();
      assert.equal((await apply.textContent()).trim(), '在线申报');
      await Promise.all([page.waitForURL(/\/portal\/login\.html\?next=/), apply.click()]);
      assert.equal(new URL(page.url()).searchParams.get('next'), `/portal/apply.html?item=${ITEM}`);
      await page.fill('#login-username', 'zhangsan');
      await page.fill('#login-password', DEMO_PASSWORD);
      await Promise.all([page.waitForURL(/\/portal\/apply\.html\?item=/), page.click('#login-form button[type="submit"]')]);

      const form = page.locator('#apply-form');
      await form.waitFor({ state: 'visible' });
      assert.equal((await page.locator('h1').textContent()).trim(), ITEM_NAME);
      assert.equal(await page.inputValue('#f-applicant_name'), '张三', 'the name comes from the account');
      assert.match(await page.locator('label[for="f-shop_name"]').textContent(), /\*/, 'required fields are marked');
      assert.match(await page.locator('#mat-1').textContent(), /已从电子证照库获取/, 'the licence material comes from the licence library');
      assert.equal(await page.locator('#mat-1 input[type="file"]').count(), 0);

      await fillSample(page);
      // material 0: a new file; material 2: the same file from the library
      await page.setInputFiles('#mat-0-file', SAMPLE_PDF);
      await page.locator('#mat-0-status', { hasText: '已上传' }).waitFor();
      const uploadId = await page.inputValue('#mat-0-lib');
      assert.ok(uploadId, 'the uploaded file is chosen');
      assert.match(await page.locator('#mat-0 .pick-current').textContent(), /sample\.pdf/);
      await page.selectOption('#mat-2-lib', uploadId);
      assert.match(await page.locator('#mat-2 .pick-current').textContent(), /sample\.pdf/);

      await lookAndAxe(page, 'portal-cases-apply');

      // 保存草稿: a draft, and an address that resumes it
      await page.click('#apply-save');
      await page.locator('#draft-note:not([hidden])').waitFor();
      assert.match(await page.locator('#save-status').textContent(), /草稿已保存/);
      const resume = new URL(page.url());
      assert.equal(resume.pathname, '/portal/apply.html');
      const caseId = resume.searchParams.get('case');
      assert.ok(caseId, 'the address names the draft');
      await page.goto(url(`/portal/apply.html?case=${encodeURIComponent(caseId)}`));
      await form.waitFor({ state: 'visible' });
      assert.equal(await page.inputValue('#f-shop_name'), SAMPLE.values.shop_name, 'the draft kept its values');
      assert.equal(await page.inputValue('#mat-0-lib'), uploadId, 'the draft kept its materials');
      assert.equal(await page.inputValue('#mat-2-lib'), uploadId);
      assert.match(await page.locator('#draft-note').textContent(), /草稿/);

      // a value the server refuses: its message at the field
      await page.fill('#f-phone', '12345');
      await page.click('#apply-submit');
      const phoneError = page.locator('#f-phone-error');
      await phoneError.waitFor();
      assert.equal(await page.getAttribute('#f-phone', 'aria-invalid'), 'true');
      assert.ok((await phoneError.textContent()).trim().length > 2, 'the fault has a message');
      assert.equal(await page.locator('#apply-form .form-alert').isVisible(), true);

      // 提交申请
      await page.fill('#f-phone', SAMPLE.values.phone);
      await page.click('#apply-submit');
      const done = page.locator('#apply-done');
      await done.waitFor({ state: 'visible' });
      made.id = caseId;
      made.caseNo = (await page.locator('#done-case-no').textContent()).trim();
      made.code = (await page.locator('#done-code').textContent()).trim();
      assert.match(made.caseNo, CASE_NO);
      assert.match(made.code, QUERY_CODE);
      assert.match(await done.textContent(), /请记下查询码，并妥善保管/);
      assert.equal(await page.getAttribute('#done-case-link', 'href'), `cases.html?id=${encodeURIComponent(caseId)}`);
      assert.equal(await page.locator('#apply-form').isVisible(), false);
      await lookAndAxe(page, 'portal-cases-applied');

      // the submitted case no longer opens as a draft
      await page.goto(url(`/portal/apply.html?case=${encodeURIComponent(caseId)}`));
      await page.waitForURL(/\/portal\/cases\.html\?id=/);
    } finally {
      await context.close();
    }
  });
});

describe('(2) 我的办件', () => {
  test('the list shows the case; the detail its progress, materials and history', async () => {
    assert.ok(made.caseNo, 'test (1) made a case');
    const { context, page } = await session.newUser();
    try {
      await login(page, '/portal/cases.html');
      const row = page.locator('#cases-table tbody tr', { hasText: made.caseNo });
      await row.waitFor();
      assert.match(await row.textContent(), new RegExp(ITEM_NAME));
      assert.match(await row.textContent(), /已提交/);
      await lookAndAxe(page, 'portal-cases-list');

      await page.selectOption('#f-state', 'withdrawn');
      await Promise.all([page.waitForURL(/state=withdrawn/), page.click('#filter-form button[type="submit"]')]);
      await page.locator('#list-status:not(:empty)').waitFor();
      assert.equal(await page.locator('#cases-table tbody tr', { hasText: made.caseNo }).count(), 0, 'the filter applies');

      await page.goto(url(`/portal/cases.html?id=${encodeURIComponent(made.id)}`));
      await page.locator('#detail:not([hidden])').waitFor();
      assert.equal((await page.locator('#case-no').textContent()).trim(), made.caseNo);
      assert.match(await page.locator('#case-head').textContent(), /已提交/);
      const steps = page.locator('#case-head .progress-line li');
      assert.ok((await steps.count()) >= 3, 'the progress line has its steps');
      assert.match(await steps.first().textContent(), /提交申请/);
      assert.match(await page.locator('#case-materials').textContent(), /sample\.pdf/);
      assert.match(await page.locator('#case-materials').textContent(), /电子证照/, 'the licence material says how it is provided');
      assert.match(await page.locator('#case-events').textContent(), /提交申请/);
      assert.match(await page.locator('#case-values').textContent(), new RegExp(SAMPLE.values.shop_name));
      assert.equal(await page.locator('#act-withdraw').count(), 1, 'a submitted case can be withdrawn');
      await lookAndAxe(page, 'portal-cases-detail');
    } finally {
      await context.close();
    }
  });

  test('a draft is withdrawn after the confirmation', async () => {
    const { context, page } = await session.newUser();
    try {
      await login(page, '/portal/cases.html');
      await page.locator('#list-panel:not([hidden])').waitFor();
      const draft = await makeDraft(page);
      assert.equal(draft.status, 201, JSON.stringify(draft.body));
      assert.equal(draft.body.state, 'draft');
      await page.goto(url(`/portal/cases.html?id=${encodeURIComponent(draft.body.id)}`));
      await page.locator('#detail:not([hidden])').waitFor();
      assert.equal(await page.getAttribute('#act-continue', 'href'), `apply.html?case=${encodeURIComponent(draft.body.id)}`);
      await page.click('#act-withdraw');
      const dialog = page.locator('#withdraw-dialog');
      await dialog.waitFor({ state: 'visible' });
      assert.match(await dialog.textContent(), /不能恢复/);
      await page.click('#withdraw-cancel');
      await dialog.waitFor({ state: 'hidden' });
      await page.click('#act-withdraw');
      await page.fill('#withdraw-reason', '信息填错，重新申报');
      await page.click('#withdraw-confirm');
      await page.locator('#detail-msg:not([hidden])').waitFor();
      assert.match(await page.locator('#detail-msg').textContent(), /已撤回/);
      assert.match(await page.locator('#case-head').textContent(), /已撤回/);
      assert.equal(await page.locator('#act-withdraw').count(), 0, 'a withdrawn case offers no actions');
    } finally {
      await context.close();
    }
  });
});

describe('(3) 办件进度查询', () => {
  test('number and code show the progress without logging in; a wrong code does not', async () => {
    assert.ok(made.code, 'test (1) made a case');
    const { context, page } = await session.newUser();
    try {
      await page.goto(url(`/portal/progress.html?case_no=${made.caseNo}`));
      assert.equal(await page.inputValue('#pg-case-no'), made.caseNo, 'the number comes from the address');
      const wrong = made.code === 'AAAAAAAA' ? 'BBBBBBBB' : 'AAAAAAAA';
      await page.fill('#pg-code', wrong);
      await page.click('#progress-form button[type="submit"]');
      const alert = page.locator('#progress-form .form-alert');
      await alert.waitFor({ state: 'visible' });
      assert.match(await alert.textContent(), /办件编号或查询码不正确/);
      assert.equal(await page.locator('#progress-result').isVisible(), false);

      await page.fill('#pg-code', made.code.toLowerCase());
      await page.click('#progress-form button[type="submit"]');
      const result = page.locator('#progress-result');
      await result.waitFor({ state: 'visible' });
      assert.equal(await alert.isVisible(), false);
      const text = await result.textContent();
      assert.match(text, new RegExp(made.caseNo));
      assert.match(text, new RegExp(ITEM_NAME));
      assert.match(text, /已提交/);
      assert.doesNotMatch(text, /张三/, 'no personal data');
      assert.ok((await result.locator('.progress-line li').count()) >= 3);
      await lookAndAxe(page, 'portal-cases-progress');
    } finally {
      await context.close();
    }
  });
});

describe('(4) links and layout', () => {
  test('the portal home links 办件进度查询 for everyone and 我的办件 once logged in', async () => {
    const { context, page } = await session.newUser();
    try {
      await page.goto(url('/portal/'));
      await page.locator('#guest:not([hidden])').waitFor();
      assert.equal(await page.locator('a.link-card[href="progress.html"]').count(), 1);
      await login(page, '/portal/');
      await page.locator('#member:not([hidden])').waitFor();
      assert.equal(await page.locator('#member a.link-card[href="cases.html"]').isVisible(), true);
    } finally {
      await context.close();
    }
  });

  test('the application form fits a 375 px phone', async () => {
    const { context, page } = await session.newUser();
    try {
      await login(page, `/portal/apply.html?item=${ITEM}`);
      await page.locator('#apply-form').waitFor({ state: 'visible' });
      await page.setViewportSize({ width: 375, height: 740 });
      const w = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
      assert.ok(w <= 0, `the form is ${w}px wider than the phone`);
      await page.screenshot({ path: join(OUT, 'portal-cases-apply-phone375.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  test('no console errors, page errors or CSP violations', () => {
    assert.deepEqual([...new Set(problems)], []);
  });
});
