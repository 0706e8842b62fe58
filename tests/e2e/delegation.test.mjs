// delegation.test.mjs - those who act for someone else, in real Chromium
// against a real `tongban serve` with the demo accounts (scripts/test-web.sh
// runs `tongban init --demo`; data/demo/README.md):
//   (e) the system administrator creates an API client (接口客户端) and sees
//       its secret once: in a marked box, with a working copy button; the
//       secret is the real one (it authenticates as Bearer); after a reload
//       it is nowhere on the page, while the list shows the client; then
//       disables it, and the secret no longer authenticates;
//   (f) zhangsan authorises lisi as agent (代办) until 30 days from today
//       (Beijing); an unknown agent name shows the server's message under the
//       field; lisi sees the grant under 我持有的授权; zhangsan revokes it
//       and both lists show it revoked;
//   (g) axe-core finds no serious/critical problem on the new section and
//       page at 1280 and 375 px, the pages read in English, and there are no
//       console errors, page errors or CSP violations anywhere.
// Screenshots go to tests/e2e/out/.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { request } from 'playwright-core';
import { BASE, DEMO_PASSWORD, OUT, browserSession, lookAndAxe, loginThrough, runAxe, untranslated, url } from './support.mjs';

/* ------------------------------------------------------------------ dates */

/* A day in Beijing as 'YYYY-MM-DD', days from today. */
function beijingDay(days = 0) {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const [y, m, d] = today.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) + days * 86400000).toISOString().slice(0, 10);
}

function beijingDayNextYear() {
  const [y, m, d] = beijingDay(0).split('-').map(Number);
  let date = new Date(Date.UTC(y + 1, m - 1, d));
  if (date.getUTCDate() !== d) date = new Date(Date.UTC(y + 1, m, 0));
  return date.toISOString().slice(0, 10);
}

test('the date helpers count in Beijing days', () => {
  assert.match(beijingDay(30), /^\d{4}-\d{2}-\d{2}$/);
  const span = (Date.parse(beijingDay(30)) - Date.parse(beijingDay(0))) / 86400000;
  assert.equal(span, 30);
  assert.ok([365, 366].includes((Date.parse(beijingDayNextYear()) - Date.parse(beijingDay(0))) / 86400000));
});

/* --------------------------------------------------------------- browser */

// One browser; problems collects console errors, page errors, CSP violations
// and failed requests; newUser() gives a fresh browser context (one user)
// whose page reports problems (support.mjs).
const { problems, newUser } = browserSession();

/* Is this Bearer credential accepted by the server? (GET /api/v1/me, no cookie.) */
async function bearerStatus(clientId, secret) {
  const ctx = await request.newContext({ baseURL: BASE });
  try {
    return (await ctx.get('/api/v1/me', { headers: { Authorization: `Bearer ${clientId}.${secret}` } })).status();
  } finally {
    await ctx.dispose();
  }
}

/* ------------------------------------------------------ (e) API clients */

describe('(e) API clients', () => {
  test('the sysadmin creates a client, sees the secret once, and disables it', async () => {
    const { context, page } = await newUser();
    try {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(BASE).origin });
      await loginThrough(page, '/admin/login.html', 'sysadmin', DEMO_PASSWORD);
      const section = page.locator('section#apiclients');
      await section.waitFor({ state: 'visible' });
      assert.match(await section.locator('h2').first().textContent(), /接口客户端/);
      assert.ok(await page.locator('#admin-tabs a[href="#apiclients"]').isVisible(), 'a tab leads to the section');
      await section.locator('[data-role="status"]').filter({ hasText: /\S/ }).waitFor();
      assert.ok((await page.locator('#ac-org option').count()) > 1, 'organisations are offered');

      // The form: three scopes, each with its label.
      await section.locator('[data-role="new"]').click();
      const form = page.locator('#ac-create');
      await form.waitFor({ state: 'visible' });
      for (const [scope, label] of [
        ['licence.query', '证照查询'],
        ['case.read', '办件查询'],
        ['case.push', '办件推送'],
      ]) {
        const box = form.locator(`input[name="scopes"][value="${scope}"]`);
        assert.equal(await box.count(), 1, scope);
        assert.match(await form.locator(`label[for="${await box.getAttribute('id')}"]`).textContent(), new RegExp(label));
      }
      const name = `E2E 证照接口 ${Date.now().toString(36)}`;
      await form.locator('#ac-name').fill(name);
      // No scope ticked: the hint shows at the scopes, nothing is sent.
      await form.locator('button[type="submit"]').click();
      await page.locator('#ac-scopes .field-error').waitFor({ state: 'visible' });
      await lookAndAxe(page, 'admin-apiclients-form');

      await form.locator('#ac-org').selectOption({ index: 1 });
      await form.locator('input[value="licence.query"]').check();
      await form.locator('input[value="case.read"]').check();
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/api-clients') && r.request().method() === 'POST'),
        form.locator('button[type="submit"]').click(),
      ]);
      assert.equal(res.status(), 201, `create answered ${res.status()}: ${await res.text()}`);
      const created = await res.json();
      assert.ok(created.client_id && created.secret, 'the answer carries client_id and secret');

      // The secret, once, in its marked box.
      const box = page.locator('#ac-secret');
      await box.waitFor({ state: 'visible' });
      assert.equal((await page.locator('#ac-secret-value').textContent()).trim(), created.secret);
      assert.equal((await box.locator('[data-role="secret-client-id"]').textContent()).trim(), created.client_id);
      assert.match(await box.textContent(), /只显示这一次/);
      assert.ok(await box.evaluate((n) => n.contains(document.activeElement)), 'focus moves to the secret box');
      assert.equal(await form.isVisible(), false, 'the form closes');
      await box.locator('[data-role="copy"]').click();
      await box.locator('[data-role="copy-status"]').filter({ hasText: /已复制/ }).waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), created.secret, 'the copy button copies the secret');

      // The list has it; the secret is the real one.
      const row = page.locator(`#ac-table tr[data-client="${created.client_id}"]`);
      await row.waitFor();
      const rowText = await row.textContent();
      assert.ok(rowText.includes(name));
      assert.match(rowText, /证照查询/);
      assert.match(rowText, /办件查询/);
      assert.doesNotMatch(rowText, /办件推送/);
      assert.match(rowText, /正常/);
      assert.ok(!(await page.locator('#ac-table').textContent()).includes(created.secret), 'the list never shows a secret');
      assert.equal(await bearerStatus(created.client_id, created.secret), 200, 'the shown secret authenticates');
      await lookAndAxe(page, 'admin-apiclients-secret');

      // Reload: the secret is gone for good; the client stays in the list.
      await page.reload();
      await page.locator(`#ac-table tr[data-client="${created.client_id}"]`).waitFor();
      assert.equal(await page.locator('#ac-secret').isVisible(), false);
      assert.ok(!(await page.content()).includes(created.secret), 'the secret is nowhere on the reloaded page');
      const listed = await (await page.request.get(url('/api/v1/api-clients'))).text();
      assert.ok(listed.includes(created.client_id) && !listed.includes(created.secret), 'the API lists the client, never the secret');

      // Disable: the row says so and the secret no longer works.
      const again = page.locator(`#ac-table tr[data-client="${created.client_id}"]`);
      const [patch] = await Promise.all([
        page.waitForResponse((r) => r.url().includes('/api/v1/api-clients/') && r.request().method() === 'PATCH'),
        again.getByRole('button', { name: /停用/ }).click(),
      ]);
      assert.equal(patch.status(), 200);
      await page.locator(`#ac-table tr[data-client="${created.client_id}"].is-disabled`).waitFor();
      assert.match(await again.textContent(), /已停用/);
      assert.ok(await again.getByRole('button', { name: /启用/ }).isVisible(), 'a disabled client can be enabled again');
      assert.match(await page.locator('#apiclients [data-role="status"]').textContent(), /已停用/);
      assert.notEqual(await bearerStatus(created.client_id, created.secret), 200, 'a disabled client is refused');
      await lookAndAxe(page, 'admin-apiclients');

      // And in English.
      await page.goto(url('/admin/?lang=en#apiclients'));
      await page.locator(`#ac-table tr[data-client="${created.client_id}"]`).waitFor();
      assert.match(await page.locator('#apiclients h2').first().textContent(), /API clients/);
      assert.match(await page.locator(`#ac-table tr[data-client="${created.client_id}"]`).textContent(), /Licence query.*Case query.*Disabled/s);
      assert.deepEqual(await untranslated(page), []);
      await page.screenshot({ path: join(OUT, 'admin-apiclients-desktop-en.png'), fullPage: true });
      await runAxe(page, 'admin apiclients en');
    } finally {
      await context.close();
    }
  });

  for (const admin of ['secadmin', 'auditadmin']) {
    test(`${admin} does not get the API clients section`, async () => {
      const { context, page } = await newUser();
      try {
        await loginThrough(page, '/admin/login.html', admin, DEMO_PASSWORD);
        await page.locator('section.admin-section').first().waitFor({ state: 'visible' });
        assert.equal(await page.locator('#apiclients').count(), 0);
        assert.equal(await page.locator('#admin-tabs a[href="#apiclients"]').count(), 0);
        assert.equal((await page.request.get(url('/api/v1/api-clients'))).status(), 403, 'the API agrees');
      } finally {
        await context.close();
      }
    });
  }
});

/* ----------------------------------------------------------- (f) agents */

describe('(f) agents (代办)', () => {
  const until = beijingDay(30);
  let zhang;
  let grantId = null;

  before(async () => {
    zhang = await newUser();
    await loginThrough(zhang.page, '/portal/login.html', 'zhangsan', DEMO_PASSWORD);
  });
  after(async () => {
    await zhang?.context.close();
  });

  test('the portal home and the profile page lead to the agents page', async () => {
    const { page } = zhang;
    await page.goto(url('/portal/'));
    const card = page.locator('#agents-link a');
    await card.waitFor({ state: 'visible' });
    assert.match(await card.textContent(), /代办授权/);
    await page.goto(url('/portal/profile.html'));
    await page.locator('#account-panel').waitFor({ state: 'visible' });
    const tab = page.locator('.page-tabs a[href="agents.html"]');
    assert.ok(await tab.isVisible(), 'the profile page has a link to 代办授权');
    await Promise.all([page.waitForURL(/\/portal\/agents\.html$/), tab.click()]);
    await page.locator('#grant-panel').waitFor({ state: 'visible' });
    assert.match(await page.locator('h1').textContent(), /代办授权/);
  });

  test('the date input allows tomorrow to one year', async () => {
    const { page } = zhang;
    assert.equal(await page.getAttribute('#ag-until', 'type'), 'date');
    assert.equal(await page.getAttribute('#ag-until', 'min'), beijingDay(1));
    assert.equal(await page.getAttribute('#ag-until', 'max'), beijingDayNextYear());
  });

  test('an unknown agent name shows the server message next to the field', async () => {
    const { page } = zhang;
    await page.fill('#ag-username', `nosuch${Date.now().toString(36)}`);
    await page.fill('#ag-until', until);
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/me/agents') && r.request().method() === 'POST'),
      page.click('#grant-form button[type="submit"]'),
    ]);
    assert.equal(res.status(), 422);
    const problem = await res.json();
    assert.equal(problem.field, 'agent_username', `server named ${problem.field}`);
    const error = page.locator('#ag-username-error');
    await error.waitFor({ state: 'visible' });
    assert.equal((await error.textContent()).replace(/^\s*!\s*/, '').trim(), problem.detail);
    assert.equal(await error.evaluate((n) => n.closest('.field').querySelector('input').id), 'ag-username');
    assert.equal(await page.getAttribute('#ag-username', 'aria-invalid'), 'true');
    assert.match(await page.getAttribute('#ag-username', 'aria-describedby'), /\bag-username-error\b/);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'ag-username', 'focus goes to the field');
    await lookAndAxe(page, 'agents-unknown');
  });

  test('zhangsan authorises lisi until 30 days from today', async () => {
    const { page } = zhang;
    await page.fill('#ag-username', 'lisi');
    await page.check('input[name="scope"][value="apply"]');
    await page.fill('#ag-until', until);
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/me/agents') && r.request().method() === 'POST'),
      page.click('#grant-form button[type="submit"]'),
    ]);
    assert.equal(res.status(), 201, `grant answered ${res.status()}: ${await res.text()}`);
    grantId = (await res.json()).id;
    assert.ok(grantId);
    await page.locator('#grant-done').waitFor({ state: 'visible' });
    assert.ok((await page.locator('#grant-done').textContent()).includes(until), 'the notice names the end date');
    assert.equal(await page.locator('#ag-username-error').count(), 0, 'the earlier error is gone');
    const row = page.locator(`#granted-table tr[data-grant="${grantId}"]`);
    await row.waitFor();
    const text = await row.textContent();
    assert.match(text, /李四/);
    assert.match(text, /lisi/);
    assert.match(text, /代为申请/);
    assert.ok(text.includes(`${beijingDay(0)} 至 ${until}`), `the period is today to ${until}: "${text}"`);
    assert.match(text, /有效/);
    await lookAndAxe(page, 'agents');
  });

  test('lisi sees the grant under 我持有的授权', async () => {
    assert.ok(grantId, 'the grant was made');
    const { context, page } = await newUser();
    try {
      await loginThrough(page, '/portal/login.html', 'lisi', DEMO_PASSWORD);
      await page.goto(url('/portal/agents.html'));
      const row = page.locator(`#held-table tr[data-grant="${grantId}"]`);
      await row.waitFor();
      const text = await row.textContent();
      assert.match(text, /张三/);
      assert.match(text, /代为申请/);
      assert.ok(text.includes(until));
      assert.ok(text.includes(grantId), 'the authorisation ID is shown (sent as X-On-Behalf-Of)');
      assert.equal(await row.getAttribute('data-state'), 'active');
      assert.ok(await row.getByRole('button', { name: /撤销/ }).isVisible(), 'the agent can revoke too');
      // lisi is also an applicant: the form and the granted list are there.
      assert.ok(await page.locator('#grant-panel').isVisible());
      assert.ok(await page.locator('#granted-panel').isVisible());
      await lookAndAxe(page, 'agents-held');
    } finally {
      await context.close();
    }
  });

  test('zhangsan revokes it, and both sides see it revoked', async () => {
    const { page } = zhang;
    const row = page.locator(`#granted-table tr[data-grant="${grantId}"]`);
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'DELETE' && r.url().includes('/api/v1/me/agents/')),
      row.getByRole('button', { name: /撤销/ }).click(),
    ]);
    assert.equal(res.status(), 204);
    await page.locator(`#granted-table tr[data-grant="${grantId}"][data-state="revoked"]`).waitFor();
    assert.match(await row.textContent(), /已撤销/);
    assert.equal(await row.locator('button').count(), 0, 'a revoked grant offers no button');
    assert.match(await page.locator('#granted-status').textContent(), /已撤销/);
    await page.screenshot({ path: join(OUT, 'agents-revoked-desktop.png'), fullPage: true });

    const { context, page: lisi } = await newUser();
    try {
      await loginThrough(lisi, '/portal/login.html', 'lisi', DEMO_PASSWORD);
      await lisi.goto(url('/portal/agents.html'));
      await lisi.locator('#held-panel').waitFor({ state: 'visible' });
      const held = lisi.locator(`#held-table tr[data-grant="${grantId}"]`);
      if ((await held.count()) > 0) {
        assert.equal(await held.getAttribute('data-state'), 'revoked');
        assert.match(await held.textContent(), /已撤销/);
      }
      const api = await (await lisi.request.get(url('/api/v1/me/agents'))).json();
      const g = api.held.find((x) => x.id === grantId);
      assert.ok(!g || g.revoked, 'the server has it revoked');
    } finally {
      await context.close();
    }
  });

  test('the agents page reads in English', async () => {
    const { page } = zhang;
    await page.goto(url('/portal/agents.html?lang=en'));
    await page.locator('#granted-panel').waitFor({ state: 'visible' });
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.match(await page.locator('h1').textContent(), /Agents/);
    assert.deepEqual(await untranslated(page), []);
    assert.match(await page.locator(`#granted-table tr[data-grant="${grantId}"]`).textContent(), /Revoked/);
    await page.screenshot({ path: join(OUT, 'agents-desktop-en.png'), fullPage: true });
    await runAxe(page, 'agents en');
    await page.goto(url('/portal/agents.html?lang=zh-CN'));
  });
});

/* ------------------------------------------------------------------ (g) */

describe('(g) page hygiene', () => {
  test('no console errors, page errors or CSP violations', () => {
    assert.deepEqual([...new Set(problems)], []);
  });
});
