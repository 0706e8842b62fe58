// accounts.test.mjs - the portal's account pages and the admin front end in
// real Chromium, against a real `tongban serve` with the demo accounts
// (scripts/test-web.sh runs `tongban init --demo`; data/demo/README.md).
//
// Checks, each against what the server itself answers:
//   (a) registering a person with a wrong 居民身份证号 shows the server's
//       reason under that field and creates nothing; a valid registration
//       then logs in (by ID number) and the profile shows the number masked;
//   (b) five wrong passwords, then the sixth attempt, even with the right
//       password, shows the lock message with the wait;
//   (c) each administrator sees only their own sections (sysadmin: staff
//       accounts and API clients, secadmin: security settings, auditadmin:
//       audit log), and
//       an applicant opening admin/ sees none; the sysadmin's attempt to
//       combine an administrator role with another shows the server's
//       三权分立 refusal under the roles;
//   (d) axe-core finds no serious/critical problem on the register, login,
//       profile, sessions and admin pages at desktop and phone sizes; no
//       console errors, page errors or CSP violations anywhere.
// Screenshots go to tests/e2e/out/ for a human to look at.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { request } from 'playwright-core';
import { BASE, DEMO_PASSWORD, OUT, browserSession, lookAndAxe, loginThrough, runAxe, untranslated, url } from './support.mjs';

const ADMINS = [
  // The system administrator also has the API clients (tests/e2e/delegation.test.mjs).
  { username: 'sysadmin', section: 'staff', heading: /工作人员账号/, also: ['apiclients'] },
  { username: 'secadmin', section: 'security', heading: /安全设置/ },
  { username: 'auditadmin', section: 'audit', heading: /审计日志/ },
];
const SECTIONS = ADMINS.flatMap((a) => [a.section, ...(a.also || [])]);

/* ------------------------------------------------------------- 身份证号 */

// GB 11643: ISO 7064 MOD 11-2 over the first 17 digits.
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function checkChar(first17) {
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * ID_WEIGHTS[i], 0);
  return '10X98765432'[sum % 11];
}

/* A valid number for someone born in Beijing 朝阳区 (110105) on a random day. */
function validIdNumber() {
  const year = 1950 + Math.floor(Math.random() * 50);
  const month = String(1 + Math.floor(Math.random() * 12)).padStart(2, '0');
  const day = String(1 + Math.floor(Math.random() * 28)).padStart(2, '0');
  const seq = String(Math.floor(Math.random() * 1000)).padStart(3, '0');
  const first17 = `110105${year}${month}${day}${seq}`;
  return first17 + checkChar(first17);
}

/* The same number with a wrong check character. */
function withWrongCheck(id) {
  const wrong = id[17] === '0' ? '1' : '0';
  return id.slice(0, 17) + wrong;
}

test('the check character helper agrees with the GB 11643 example', () => {
  assert.equal(checkChar('11010519491231002'), 'X');
});

/* --------------------------------------------------------------- browser */

// One browser; problems collects console errors, page errors, CSP violations
// and failed requests. newUser() gives a fresh browser context (its own
// cookies and sessionStorage: one user) and a page that reports problems;
// API answers of 4xx are the expected answers of these tests (401 before
// login, 422 for a bad number, 429 when locked), so they are not problems
// (support.mjs).
const { problems, newUser } = browserSession();

/* Submit the login form and return the server's answer status and the alert text. */
async function tryLogin(page, username, password) {
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/sessions') && r.request().method() === 'POST'),
    page.click('#login-form button[type="submit"]'),
  ]);
  if (res.ok()) return { status: res.status(), alert: '' };
  const alert = page.locator('#login-form .form-alert');
  await alert.waitFor({ state: 'visible' });
  return { status: res.status(), retryAfter: res.headers()['retry-after'], alert: (await alert.textContent()).trim() };
}

/* ----------------------------------------------------------- (a) register */

const person = {
  name: '测试申请人',
  id: validIdNumber(),
  phone: `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
  username: `e2e${Date.now().toString(36)}`,
  password: 'e2e-applicant-passphrase-7',
};

describe('(a) registration', () => {
  let user;
  before(async () => {
    user = await newUser();
  });
  after(async () => {
    await user?.context.close();
  });

  test('the register page offers both kinds and passes axe', async () => {
    const { page } = user;
    const res = await page.goto(url('/portal/register.html'));
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-security-policy'] || '', /default-src 'self'/);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.match(await page.locator('h1').textContent(), /用户注册/);
    assert.ok(await page.locator('#p-id').isVisible(), 'the 居民身份证号 field is shown for a person');
    await page.check('input[name="kind"][value="org"]');
    assert.ok(await page.locator('#o-code').isVisible(), 'the credit code field is shown for an organisation');
    assert.ok(!(await page.locator('#p-id').isVisible()), 'the person fields are hidden for an organisation');
    await lookAndAxe(page, 'register-org');
    await page.check('input[name="kind"][value="person"]');
    await lookAndAxe(page, 'register');
  });

  test('a wrong 居民身份证号 shows the server reason next to the field and creates nothing', async () => {
    const { page } = user;
    const bad = withWrongCheck(person.id);
    await page.fill('#p-name', person.name);
    await page.fill('#p-id', bad);
    await page.fill('#r-phone', person.phone);
    await page.fill('#r-username', person.username);
    await page.fill('#r-password', person.password);
    await page.fill('#r-password2', person.password);
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/accounts') && r.request().method() === 'POST'),
      page.click('#register-form button[type="submit"]'),
    ]);
    assert.equal(res.status(), 422);
    const problem = await res.json();
    assert.equal(problem.field, 'id_number', `server named ${problem.field}`);
    assert.ok(problem.detail, 'server gave a reason');

    const error = page.locator('#p-id-error');
    await error.waitFor({ state: 'visible' });
    assert.equal((await error.textContent()).replace(/^\s*!\s*/, '').trim(), problem.detail);
    assert.equal(await page.getAttribute('#p-id', 'aria-invalid'), 'true');
    assert.match(await page.getAttribute('#p-id', 'aria-describedby'), /\bp-id-error\b/);
    // The message sits with the field, not somewhere else on the page.
    assert.equal(await error.evaluate((n) => n.closest('.field').querySelector('input').id), 'p-id');
    assert.match(await page.locator('#register-form .form-alert').textContent(), /\S/);
    assert.ok(page.url().endsWith('/portal/register.html'), 'stayed on the form');
    await page.screenshot({ path: join(OUT, 'register-bad-id-desktop.png'), fullPage: true });
    await runAxe(page, 'register with error');

    // Nothing was created: the number does not log in, and the next test
    // registers the same user name and phone without a conflict.
    const r = await page.request.post(url('/api/v1/sessions'), { data: { username: bad, password: person.password } });
    assert.equal(r.status(), 401, `${bad} should not exist`);
  });

  test('a valid registration goes to the login page, which logs in by ID number', async () => {
    const { page } = user;
    await page.fill('#p-id', person.id);
    await page.fill('#r-password', person.password);
    await page.fill('#r-password2', person.password);
    await Promise.all([page.waitForURL(/\/portal\/login\.html\?registered=1$/), page.click('#register-form button[type="submit"]')]);
    assert.match(await page.locator('#login-notice').textContent(), /注册成功/);
    await lookAndAxe(page, 'login');

    await page.fill('#login-username', person.id);
    await page.fill('#login-password', person.password);
    await Promise.all([page.waitForURL(/\/portal\/profile\.html$/), page.click('#login-form button[type="submit"]')]);
    const facts = page.locator('#account-facts');
    await facts.waitFor({ state: 'visible' });
    const text = await facts.textContent();
    assert.ok(text.includes(person.name), 'profile shows the name');
    const masked = `${person.id.slice(0, 3)}${'*'.repeat(11)}${person.id.slice(14)}`;
    assert.equal((await page.locator('[data-fact="id.person"]').textContent()).trim(), masked);
    assert.ok(!text.includes(person.id), 'the full ID number is never shown');
    assert.ok(!text.includes(person.phone), 'the full phone number is never shown');
    assert.ok(await page.evaluate(() => Boolean(sessionStorage.getItem('tb.csrf'))), 'the CSRF token is kept for this tab');
    assert.match(await page.locator('header .header-user').textContent(), new RegExp(person.name));
    await lookAndAxe(page, 'profile');
  });

  test('the sessions page marks the current session, ends another, and logout ends it', async () => {
    const { page } = user;
    // A second session of the same account, from "another device".
    const other = await request.newContext({ baseURL: BASE, userAgent: 'E2E-Other-Device/1.0' });
    try {
      const login = await other.post('/api/v1/sessions', { data: { username: person.username, password: person.password } });
      assert.equal(login.status(), 200);
      await page.goto(url('/portal/sessions.html'));
      const current = page.locator('#sessions-table tbody tr.is-current');
      await current.waitFor({ state: 'visible' });
      assert.equal(await current.count(), 1);
      assert.match(await current.textContent(), /当前会话/);
      assert.equal(await page.locator('#sessions-table tbody tr').count(), 2);
      await lookAndAxe(page, 'sessions');

      const row = page.locator('#sessions-table tbody tr', { hasText: 'E2E-Other-Device' });
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'DELETE' && r.url().includes('/api/v1/me/sessions/')),
        row.locator('button').click(),
      ]);
      assert.equal(res.status(), 204);
      await row.waitFor({ state: 'detached' });
      assert.match(await page.locator('#sessions-status').textContent(), /已结束/);
      assert.equal((await other.get('/api/v1/me')).status(), 401, 'the other session has ended on the server');
    } finally {
      await other.dispose();
    }

    await page.goto(url('/portal/'));
    await page.locator('#member').waitFor({ state: 'visible' });
    assert.match(await page.locator('#member-title').textContent(), new RegExp(person.name));
    assert.equal(await page.locator('#admin-link').isVisible(), false, 'no admin link for an applicant');
    await lookAndAxe(page, 'portal-home');

    await Promise.all([page.waitForURL(/\/portal\/login\.html\?bye=1$/), page.click('header .header-logout')]);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('tb.csrf')), null);
    const me = await page.request.get(url('/api/v1/me'));
    assert.equal(me.status(), 401, 'the session ended on the server');
    await page.goto(url('/portal/profile.html'));
    await page.waitForURL(/\/portal\/login\.html\?next=/);
  });
});

/* ------------------------------------------------------------ (b) lockout */

describe('(b) login lockout', () => {
  test('five wrong passwords, then even the right one shows the lock message', async () => {
    const { context, page } = await newUser();
    try {
      await page.goto(url('/portal/login.html'));
      const answers = [];
      for (let i = 1; i <= 5; i++) answers.push(await tryLogin(page, person.username, `wrong-password-${i}-xyz`));
      for (const [i, a] of answers.entries()) {
        assert.equal(a.status, 401, `attempt ${i + 1} answered ${a.status}`);
        assert.match(a.alert, /账号或密码错误/, `attempt ${i + 1}: "${a.alert}"`);
        assert.doesNotMatch(a.alert, /不存在|没有这个/, 'never says whether the account exists');
      }
      const sixth = await tryLogin(page, person.username, person.password);
      assert.equal(sixth.status, 429, 'the sixth attempt is refused although the password is right');
      assert.ok(Number(sixth.retryAfter) > 0, `Retry-After: ${sixth.retryAfter}`);
      assert.match(sixth.alert, /锁定/);
      assert.match(sixth.alert, /\d+\s*(秒|分钟)/, `the wait is stated: "${sixth.alert}"`);
      assert.ok(page.url().includes('/portal/login.html'), 'still on the login page');
      await page.screenshot({ path: join(OUT, 'login-locked-desktop.png'), fullPage: true });
      await runAxe(page, 'login locked');
    } finally {
      await context.close();
    }
  });
});

/* ------------------------------------------------------------- (c) admin */

describe('(c) each administrator sees only their own section', () => {
  for (const admin of ADMINS) {
    test(`${admin.username} sees ${admin.section} only`, async () => {
      const { context, page } = await newUser();
      try {
        await page.goto(url('/admin/login.html'));
        if (admin.username === 'sysadmin') await lookAndAxe(page, 'admin-login');
        await loginThrough(page, '/admin/login.html', admin.username, DEMO_PASSWORD);
        assert.ok(new URL(page.url()).pathname.endsWith('/admin/'), `went to ${page.url()}`);
        const section = page.locator(`section#${admin.section}`);
        await section.waitFor({ state: 'visible' });
        assert.match(await section.locator('h2').first().textContent(), admin.heading);
        for (const own of admin.also || []) assert.equal(await page.locator(`section#${own}`).count(), 1, `${admin.username} gets the ${own} section`);
        for (const other of SECTIONS.filter((s) => s !== admin.section && !(admin.also || []).includes(s))) {
          assert.equal(await page.locator(`#${other}`).count(), 0, `${admin.username} must not get the ${other} section`);
        }
        assert.equal(await page.locator('#no-admin').count(), 0);
        await checkSection[admin.section](page);
        await lookAndAxe(page, `admin-${admin.section}`);
      } finally {
        await context.close();
      }
    });
  }

  test('a new staff member must change the initial password first', async (t) => {
    if (!newStaff.username) return t.skip('the sysadmin test created no account');
    const { context, page } = await newUser();
    try {
      await loginThrough(page, '/admin/login.html', newStaff.username, newStaff.password);
      assert.match(page.url(), /\/portal\/profile\.html#password$/);
      await page.locator('#must-change').waitFor({ state: 'visible' });
      await lookAndAxe(page, 'profile-must-change');
      const fresh = 'E2e-Changed-Passw0rd#';
      await page.fill('#pw-old', newStaff.password);
      await page.fill('#pw-new', fresh);
      await page.fill('#pw-new2', fresh);
      const [res] = await Promise.all([
        page.waitForResponse((x) => x.url().endsWith('/api/v1/me/password')),
        page.click('#password-form button[type="submit"]'),
      ]);
      assert.equal(res.status(), 204);
      await page.locator('#password-done').waitFor({ state: 'visible' });
      assert.equal(await page.locator('#must-change').isVisible(), false);
      await Promise.all([page.waitForURL(/\/admin\/$/), page.click('#password-done a')]);
      await page.locator('#no-admin').waitFor({ state: 'visible' }); // a window clerk administers nothing
    } finally {
      await context.close();
    }
  });

  test('an applicant opening admin/ sees no admin section', async () => {
    const { context, page } = await newUser();
    try {
      await loginThrough(page, '/portal/login.html', 'zhangsan', DEMO_PASSWORD);
      await page.goto(url('/admin/'));
      await page.locator('#no-admin').waitFor({ state: 'visible' });
      for (const s of SECTIONS) assert.equal(await page.locator(`#${s}`).count(), 0, `applicant got the ${s} section`);
      assert.match(await page.locator('#no-admin').textContent(), /没有系统管理权限/);
      // The API agrees.
      const r = await page.request.get(url('/api/v1/staff'));
      assert.ok([403, 404].includes(r.status()), `GET /api/v1/staff answered ${r.status()} to an applicant`);
      await lookAndAxe(page, 'admin-applicant');
    } finally {
      await context.close();
    }
  });
});

/* The staff account the sysadmin test creates (initial password set by an administrator). */
const newStaff = { username: null, password: null };

const checkSection = {
  /* The staff list is the server's; 三权分立 is refused under the roles; a valid staff is created. */
  async staff(page) {
    const table = page.locator('#staff-table tbody tr');
    await table.first().waitFor();
    const api = await (await page.request.get(url('/api/v1/staff'))).json();
    assert.equal(await table.count(), api.accounts.length);
    assert.ok((await page.locator('#staff-table').textContent()).includes('window01'));
    assert.ok((await page.locator('#sc-org option').count()) > 1, 'organisations are offered');

    await page.click('#staff [data-role="new"]');
    const form = page.locator('#staff-create');
    const username = `e2estaff${Date.now().toString(36)}`;
    await form.locator('#sc-username').fill(username);
    await form.locator('#sc-name').fill('测试工作人员');
    await form.locator('#sc-org').selectOption({ index: 1 });
    await form.locator('#sc-password').fill('E2e-Staff-Passw0rd!');
    await form.locator('#sc-role-window').check();
    await form.locator('#sc-role-sysadmin').check();
    assert.ok(await form.locator('.role-warn').isVisible(), 'the 三权分立 hint shows while ticking');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/staff') && r.request().method() === 'POST'),
      form.locator('button[type="submit"]').click(),
    ]);
    assert.equal(res.status(), 422);
    const problem = await res.json();
    assert.equal(problem.field, 'roles');
    const error = page.locator('#sc-roles .field-error');
    await error.waitFor({ state: 'visible' });
    assert.ok((await error.textContent()).includes(problem.detail), 'the server reason shows under the roles');
    assert.match(problem.detail, /三权分立/);
    await page.screenshot({ path: join(OUT, 'admin-staff-separation-desktop.png'), fullPage: true });

    await form.locator('#sc-role-sysadmin').uncheck();
    await form.locator('#sc-level').selectOption('1');
    const [ok] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/staff') && r.request().method() === 'POST'),
      form.locator('button[type="submit"]').click(),
    ]);
    assert.equal(ok.status(), 201, `create answered ${ok.status()}: ${await ok.text()}`);
    const row = page.locator(`#staff-table tr[data-username="${username}"]`);
    await row.waitFor();
    assert.equal(await form.isVisible(), false);

    // Disable, then enable again (the next test logs in as this account).
    await row.getByRole('button', { name: /停用/ }).click();
    await page.locator(`#staff-table tr[data-username="${username}"].is-disabled`).waitFor();
    assert.match(await row.textContent(), /已停用/);
    await row.getByRole('button', { name: /启用/ }).click();
    await page.locator(`#staff-table tr[data-username="${username}"]:not(.is-disabled)`).waitFor();
    assert.match(await row.textContent(), /正常/);
    newStaff.username = username;
    newStaff.password = 'E2e-Staff-Passw0rd!';
  },

  /* The settings the server has are the ones the form shows; a change is saved; a refused value names its field. */
  async security(page) {
    const form = page.locator('#security-form');
    await form.waitFor({ state: 'visible' });
    const get = async () => (await (await page.request.get(url('/api/v1/security/settings'))).json()).settings;
    const settings = await get();
    for (const [key, value] of Object.entries(settings)) {
      if (typeof value !== 'number') continue;
      assert.equal(await form.locator(`input[name="${key}"]`).inputValue(), String(value), key);
    }
    const key = 'session_idle_applicant_min';
    const input = form.locator(`input[name="${key}"]`);
    const tighter = settings[key] - 1;
    await input.fill(String(tighter));
    const [ok] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/security/settings') && r.request().method() === 'PUT'),
      form.locator('button[type="submit"]').click(),
    ]);
    assert.equal(ok.status(), 200);
    await page.locator('#security [data-role="status"]', { hasText: /已保存/ }).waitFor();
    assert.equal((await get())[key], tighter);

    await input.fill('9999');
    const [bad] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/security/settings') && r.request().method() === 'PUT'),
      form.locator('button[type="submit"]').click(),
    ]);
    assert.equal(bad.status(), 422);
    const problem = await bad.json();
    const error = form.locator('.field-error');
    await error.waitFor({ state: 'visible' });
    assert.ok((await error.textContent()).includes(problem.detail));
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    assert.equal((await get())[key], tighter, 'the refused value was not stored');
  },

  /* Events come from the server; the verify button says the log is intact. */
  async audit(page) {
    await page.locator('#audit [data-role="status"]').filter({ hasText: /\S/ }).waitFor();
    assert.ok((await page.locator('#audit-table tbody tr').count()) > 0, 'there are audit events (logins at least)');
    await page.click('#audit [data-role="verify"]');
    const result = page.locator('#audit [data-role="verify-result"][data-intact]');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-intact'), 'true');
    assert.match(await result.textContent(), /完整/);
    // A filter the server refuses names its field.
    await page.fill('#af-actor', 'abc');
    await page.click('#audit-filter button[type="submit"]');
    await page.locator('#af-actor-error').waitFor({ state: 'visible' });
    await page.fill('#af-actor', '');
    await page.fill('#af-action', 'session.');
    await page.click('#audit-filter button[type="submit"]');
    await page.locator('#audit-table tbody tr').first().waitFor();
    for (const a of await page.locator('#audit-table tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.action))) {
      assert.ok(a.startsWith('session.'), `filtered list has ${a}`);
    }
  },
};

/* ---------------------------------------------------------------- (d) */

describe('(d) page hygiene', () => {
  test('the public account pages read in English too', async () => {
    const { context, page } = await newUser();
    try {
      const pages = [
        ['/portal/register.html?lang=en', /Register/],
        ['/portal/login.html?lang=en', /Log in/],
        ['/portal/?lang=en', /Service Portal/],
        ['/admin/login.html?lang=en', /Staff login/],
      ];
      for (const [path, heading] of pages) {
        await page.goto(url(path));
        assert.equal(await page.getAttribute('html', 'lang'), 'en');
        assert.match(await page.locator('h1').first().textContent(), heading, path);
        assert.deepEqual(await untranslated(page), [], `${path}: text without a translation`);
      }
      await page.screenshot({ path: join(OUT, 'admin-login-desktop-en.png'), fullPage: true });
      await runAxe(page, 'admin login en');
    } finally {
      await context.close();
    }
  });

  test('no console errors, page errors or CSP violations', () => {
    assert.deepEqual([...new Set(problems)], []);
  });
});
