// deadlines.test.mjs - 限时办结 and 分级预警 on the staff pages, with the
// test clock of the tongban-test binary (scripts/test-web.sh runs
// build/tongban-test when it exists; docs/cases.md "Deadlines and warnings").
//
// Checks:
//   (1) two cases of 示范市行政审批局 in review (API: hengxin applies,
//       window01 accepts, reviewer01 reviews): 企业注销登记 (promised in 3
//       working days) and 巡游出租汽车经营许可 (10). In decider01's 我的待办
//       both are green (正常, 剩余 n 个工作日). The clock moves to the first
//       case's yellow day (deadlines.yellow_on, or its promised date: on
//       the due date a case is yellow whatever its limit) and the sweep
//       runs: its row turns yellow (预警) and the warning filter finds it;
//       the clock moves past the promised date: red (超期, 超期 n 个工作日),
//       listed before the green one (the API sorts by warning level); its
//       case page shows the red summary, both due dates and each step's
//       due date and warning;
//   (2) a suspension moves both dates: on a third case decider01 starts
//       the item's special procedure (公示) on the case page; the ledger
//       shows it running and the clock stopped; the clock moves two weeks;
//       恢复办理 ends it: the ledger shows its working days, the promised
//       and legal dates are later by them, with the original dates shown;
//   (3) axe-core finds nothing serious on the queue and case pages at 1280
//       and 375 px; no console errors, page errors or CSP violations.
// The clock is set back to the real date at the end. Screenshots:
// tests/e2e/out/deadlines-*.png.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { addDays, apiLogin, applyOnline, realToday, setClock, sweep, takeThrough } from './case-api.mjs';
import { DEMO_PASSWORD, OUT, browserSession, lookAndAxe, loginThrough, url } from './support.mjs';

const SHORT = '11500100MB01000285010130004000'; // 企业注销登记: promised 3 working days, special procedure 公示 (publication)
const LONG = '11500100MB01000285010116001000'; // 巡游出租汽车经营许可: promised 10 working days

const session = browserSession();
const { problems } = session;
const made = { short: null, long: null, suspended: null };

after(async () => {
  await setClock(realToday());
});

/* ------------------------------------------------------------- helpers */

async function decider() {
  const user = await session.newUser();
  await loginThrough(user.page, '/office/login.html', 'decider01', DEMO_PASSWORD);
  return user;
}

/* The 我的待办 row of case id after a fresh load (with ?warning= when given). */
async function queueRow(page, id, warning = null) {
  await page.goto(url(warning ? `/office/?warning=${warning}` : '/office/'));
  await page.locator('#queue-host p.section-status:not(:empty)').waitFor();
  return page.locator(`#queue-host tr[data-case="${id}"]`);
}

async function caseShown(page, state) {
  await page.locator(state ? `#case-view[data-state="${state}"]` : '#case-view[data-state]').waitFor({ timeout: 15000 });
}

/* Click an action on the case page, fill its dialog, send; the transition's answer. */
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

/* ------------------------------------------------------------- tests */

describe('(1) a case turns yellow, then red, with the test clock', () => {
  test('我的待办 shows the warning level, the working days left and sorts by level', async () => {
    await setClock(realToday());
    const applicant = await apiLogin('hengxin');
    try {
      made.short = await applyOnline(applicant, SHORT);
      made.long = await applyOnline(applicant, LONG);
    } finally {
      await applicant.ctx.dispose();
    }
    const short = await takeThrough(made.short.id);
    await takeThrough(made.long.id);
    assert.equal(short.state, 'in_review');
    const dl = short.deadlines;
    assert.ok(dl && dl.promised_due && dl.legal_due, `deadlines in the case view: ${JSON.stringify(dl)}`);
    assert.equal(dl.warning, 'green');
    await sweep();

    const { context, page } = await decider();
    try {
      // ---- green
      let row = await queueRow(page, made.short.id);
      assert.equal(await row.getAttribute('data-warning'), 'green');
      assert.match(await row.locator('.cw-warning').textContent(), /正常/);
      assert.match(await row.textContent(), /剩余 \d+ 个工作日/);
      assert.match(await row.textContent(), new RegExp(dl.promised_due));
      await lookAndAxe(page, 'deadlines-office-queue-green');

      // ---- yellow: the first day the case is in its last working days
      const yellowDay = dl.yellow_on || dl.promised_due;
      await setClock(yellowDay);
      await sweep();
      row = await queueRow(page, made.short.id);
      assert.equal(await row.getAttribute('data-warning'), 'yellow', `yellow on ${yellowDay}`);
      assert.match(await row.locator('.cw-warning').textContent(), /预警/);
      assert.match(await row.textContent(), /剩余 \d+ 个工作日|今日到期/);
      await page.screenshot({ path: join(OUT, 'deadlines-office-queue-yellow-desktop.png'), fullPage: true });
      // the filter: yellow finds it, green does not
      await page.selectOption('#queue-host select[name="warning"]', 'yellow');
      await Promise.all([page.waitForResponse((r) => r.url().includes('/api/v1/cases?') && r.url().includes('warning=yellow')), page.click('#queue-host button[type="submit"]')]);
      await page.locator(`#queue-host tr[data-case="${made.short.id}"]`).waitFor();
      assert.equal(await page.locator('#queue-host tr[data-warning]:not([data-warning="yellow"])').count(), 0, 'only yellow rows');
      row = await queueRow(page, made.short.id, 'green');
      assert.equal(await row.count(), 0, 'not among the green ones');

      // ---- red: the day after the promised date
      const redDay = addDays(dl.promised_due, 1);
      await setClock(redDay);
      await sweep();
      row = await queueRow(page, made.short.id);
      assert.equal(await row.getAttribute('data-warning'), 'red', `red on ${redDay}`);
      assert.match(await row.locator('.cw-warning').textContent(), /超期/);
      const order = await page.locator('#queue-host tr[data-case]').evaluateAll((rows) => rows.map((r) => r.dataset.case));
      assert.ok(order.indexOf(made.short.id) < order.indexOf(made.long.id), `the red case comes before the green one: ${order}`);
      assert.equal(await page.locator(`#queue-host tr[data-case="${made.long.id}"]`).getAttribute('data-warning'), 'green');
      await lookAndAxe(page, 'deadlines-office-queue-red');

      // ---- its case page: the red summary, both dates, the steps' due dates
      await Promise.all([page.waitForURL(/case\.html\?id=/), row.locator('a').first().click()]);
      await caseShown(page, 'in_review');
      const summary = page.locator('#case-deadlines [data-role="deadline-summary"]');
      assert.equal(await summary.getAttribute('data-warning'), 'red');
      assert.match(await summary.textContent(), /超期/);
      assert.equal((await page.locator('#case-deadlines [data-role="promised"]').textContent()).trim(), dl.promised_due);
      assert.equal((await page.locator('#case-deadlines [data-role="legal"]').textContent()).trim(), dl.legal_due);
      const text = await page.locator('#case-deadlines').textContent();
      assert.match(text, /承诺时限\s*3 个工作日/);
      assert.match(text, /次日起算|当日起算/);
      const steps = page.locator('#case-deadlines [data-role="step-deadlines"] tbody tr');
      assert.ok((await steps.count()) >= 2, 'a row per step');
      const current = page.locator('#case-deadlines [data-role="step-deadlines"] tr[data-warning]');
      assert.ok((await current.count()) >= 1, 'the open step has its warning');
      await lookAndAxe(page, 'deadlines-office-case-red');
    } finally {
      await context.close();
    }
  });
});

describe('(2) a suspension moves both due dates', () => {
  test('公示 started and ended on the case page; the ledger counts its working days', async () => {
    const today = realToday();
    await setClock(today);
    const applicant = await apiLogin('hengxin');
    try {
      made.suspended = await applyOnline(applicant, SHORT);
    } finally {
      await applicant.ctx.dispose();
    }
    const before = (await takeThrough(made.suspended.id)).deadlines;

    const { context, page } = await decider();
    try {
      await page.goto(url(`/office/case.html?id=${made.suspended.id}`));
      await caseShown(page, 'in_review');
      const started = await act(page, 'suspend', async (d) => {
        await d.locator('select[name="procedure"]').selectOption('publication');
        await d.locator('textarea[name="reason"]').fill('依法向社会公示注销申请，公示期 20 个工作日');
      });
      assert.equal(started.status(), 200, `suspend: ${await started.text()}`);
      assert.deepEqual(JSON.parse(started.request().postData()), { action: 'suspend', procedure: 'publication', reason: '依法向社会公示注销申请，公示期 20 个工作日' });
      await caseShown(page, 'suspended');
      const ledgerRow = page.locator('#case-suspensions tr[data-kind="publication"]');
      assert.equal(await ledgerRow.getAttribute('data-open'), 'true');
      assert.match(await ledgerRow.textContent(), /公示[\s\S]*进行中/);
      assert.equal(await page.locator('#case-deadlines [data-role="clock"]').getAttribute('data-running'), 'suspended');
      await page.screenshot({ path: join(OUT, 'deadlines-office-suspended-desktop.png'), fullPage: true });

      // Two weeks later the procedure ends.
      await setClock(addDays(today, 14));
      await page.locator('#case-actions .cw-reload').click();
      const resumed = await act(page, 'resume');
      assert.equal(resumed.status(), 200, `resume: ${await resumed.text()}`);
      await caseShown(page, 'in_review');

      const c = await page.evaluate(async (id) => (await fetch(`/api/v1/cases/${id}`)).json(), made.suspended.id);
      const after = c.deadlines;
      assert.ok(after.suspended_workdays > 0, `suspended working days counted: ${JSON.stringify(after)}`);
      assert.ok(after.promised_due > before.promised_due, `promised date moved: ${before.promised_due} → ${after.promised_due}`);
      assert.ok(after.legal_due > before.legal_due, `legal date moved: ${before.legal_due} → ${after.legal_due}`);
      assert.equal(after.promised_due_original, before.promised_due);
      assert.equal(after.legal_due_original, before.legal_due);

      // The page shows it: the new dates with the originals, the ledger's working days.
      assert.equal((await page.locator('#case-deadlines [data-role="promised"]').textContent()).trim(), after.promised_due);
      assert.match(await page.locator('#case-deadlines [data-role="promised-original"]').textContent(), new RegExp(`原定 ${before.promised_due}`));
      assert.equal((await page.locator('#case-deadlines [data-role="legal"]').textContent()).trim(), after.legal_due);
      assert.match(await page.locator('#case-deadlines [data-role="legal-original"]').textContent(), new RegExp(`原定 ${before.legal_due}`));
      assert.equal((await page.locator('#case-deadlines [data-role="dl-suspended"]').textContent()).trim(), `${after.suspended_workdays} 个工作日`);
      assert.equal(await ledgerRow.getAttribute('data-open'), null, 'the stop has ended');
      assert.equal((await ledgerRow.locator('[data-role="workdays"]').textContent()).trim(), `${after.suspended_workdays} 个工作日`);
      assert.match(await page.locator('#case-suspensions [data-role="suspended-total"]').textContent(), new RegExp(`合计中止 ${after.suspended_workdays} 个工作日`));
      await lookAndAxe(page, 'deadlines-office-case-resumed');
    } finally {
      await context.close();
    }
  });

  test('no console errors, page errors or CSP violations', () => {
    assert.deepEqual([...new Set(problems)], []);
  });
});
