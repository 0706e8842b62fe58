// profile.js - 个人中心: my account (masked ID number and phone, roles) and
// the change-password form.
//
// GET /api/v1/me gives the account; numbers arrive masked and are shown as
// they come. PUT /api/v1/me/password changes the password and ends every
// other session. This is also the page an account whose password must be
// changed first is sent to (must_change_password): the server then allows
// only /me, /me/password and logout, and the page says so at the top.

import { api, ApiError } from '../common/api.js';
import { kindLabel, rolesText, statusLabel } from '../common/account-text.js';
import { checkRequired, clearErrors, formValues, setBusy, showAlert, showFieldError, showProblem } from '../common/forms.js';
import { addMessages, onLangChange, t } from '../common/i18n.js';
import { el } from '../common/layout.js';
import { currentAccount, onUnauthenticated } from '../common/session.js';
import { startPortalPage } from './portal.js';

addMessages({
  'zh-CN': {
    'profile.title': '个人中心 · 办事门户 · 一网通办',
    'profile.heading': '个人中心',
    'profile.mustchange': '为了账号安全，请先修改密码，然后才能继续使用。',
    'profile.account': '我的账号',
    'profile.f.name': '姓名',
    'profile.f.orgname': '单位名称',
    'profile.f.kind': '账号类型',
    'profile.f.username': '用户名',
    'profile.f.id.person': '居民身份证号',
    'profile.f.id.org': '统一社会信用代码',
    'profile.f.phone': '手机号码',
    'profile.f.org': '所属机构',
    'profile.f.roles': '角色',
    'profile.f.level': '权限级别',
    'profile.f.level.value': '{level} 级',
    'profile.f.status': '账号状态',
    'profile.f.unset': '未设置',
    'profile.password': '修改密码',
    'profile.pw.old': '原密码',
    'profile.pw.new': '新密码',
    'profile.pw.hint': '至少 12 个字符，不要使用常见密码。',
    'profile.pw.hint.staff': '至少 12 个字符，包含小写字母、大写字母、数字、符号中的至少三类；不要使用常见密码。',
    'profile.pw.new2': '确认新密码',
    'profile.pw.note': '修改成功后，您在其他设备上的登录将全部退出。',
    'profile.pw.submit': '修改密码',
    'profile.pw.done': '密码已修改，其他设备上的登录已全部退出。',
    'profile.pw.continue': '继续',
    'profile.load.failed': '无法读取账号信息：{title}',
  },
  en: {
    'profile.title': 'My account · Service Portal · tongban',
    'profile.heading': 'My account',
    'profile.mustchange': 'For the safety of your account, please change your password before you go on.',
    'profile.account': 'Account',
    'profile.f.name': 'Name',
    'profile.f.orgname': 'Organisation',
    'profile.f.kind': 'Account type',
    'profile.f.username': 'User name',
    'profile.f.id.person': 'Resident ID number',
    'profile.f.id.org': 'Unified social credit code',
    'profile.f.phone': 'Mobile phone',
    'profile.f.org': 'Organisation',
    'profile.f.roles': 'Roles',
    'profile.f.level': 'Authority level',
    'profile.f.level.value': 'Level {level}',
    'profile.f.status': 'Status',
    'profile.f.unset': 'Not set',
    'profile.password': 'Change password',
    'profile.pw.old': 'Current password',
    'profile.pw.new': 'New password',
    'profile.pw.hint': 'At least 12 characters; not a common password.',
    'profile.pw.hint.staff':
      'At least 12 characters with three of: lower case, upper case, digits, symbols; not a common password.',
    'profile.pw.new2': 'Repeat the new password',
    'profile.pw.note': 'After the change, you are logged out on every other device.',
    'profile.pw.submit': 'Change password',
    'profile.pw.done': 'Your password is changed; every other session has been ended.',
    'profile.pw.continue': 'Continue',
    'profile.load.failed': 'Could not read your account: {title}',
  },
});

const form = document.getElementById('password-form');
let account = null;

init();

async function init() {
  try {
    account = await startPortalPage({ needAccount: true, allowPasswordChange: true });
  } catch (err) {
    showLoadError(err);
    return;
  }
  if (!account) return; // on the way to the login page
  document.getElementById('profile-status').hidden = true;
  render();
  onLangChange(render);
  form.addEventListener('submit', submit);
  if (account.must_change_password) document.getElementById('pw-old').focus();
}

function showLoadError(err) {
  const status = document.getElementById('profile-status');
  status.classList.add('notice');
  status.textContent = t('profile.load.failed', { title: err && err.title ? err.title : String(err) });
}

/* ---------------------------------------------------------------- account */

function render() {
  document.getElementById('must-change').hidden = !account.must_change_password;
  document.getElementById('pw-new-hint').textContent = t(account.kind === 'staff' ? 'profile.pw.hint.staff' : 'profile.pw.hint');
  const rows = [
    [account.kind === 'org' ? 'profile.f.orgname' : 'profile.f.name', account.name],
    ['profile.f.kind', kindLabel(account.kind)],
    ['profile.f.username', account.username || t('profile.f.unset')],
  ];
  if (account.kind !== 'staff') {
    rows.push([account.kind === 'org' ? 'profile.f.id.org' : 'profile.f.id.person', account.id_number_masked, 'masked']);
    rows.push(['profile.f.phone', account.phone_masked, 'masked']);
  } else {
    rows.push(['profile.f.org', account.org_name]);
    rows.push(['profile.f.roles', rolesText(account.roles)]);
    rows.push(['profile.f.level', account.authority_level ? t('profile.f.level.value', { level: account.authority_level }) : null]);
    if (account.phone_masked) rows.push(['profile.f.phone', account.phone_masked, 'masked']);
  }
  rows.push(['profile.f.status', statusLabel(account.status || 'active')]);
  const facts = document.getElementById('account-facts');
  facts.replaceChildren(
    ...rows.flatMap(([key, value, cls]) => [
      el('dt', {}, t(key)),
      el('dd', { class: cls || null, 'data-fact': key.replace('profile.f.', '') }, value || t('common.none')),
    ]),
  );
  document.getElementById('account-panel').hidden = false;
}

/* --------------------------------------------------------------- password */

async function submit(ev) {
  ev.preventDefault();
  clearErrors(form);
  document.getElementById('password-done').hidden = true;
  if (!checkRequired(form)) return;
  const values = formValues(form);
  if (values.new_password !== values.password_confirm) {
    showFieldError(form, 'password_confirm', t('form.password-mismatch'));
    showAlert(form, t('form.check'));
    form.elements.password_confirm.focus();
    return;
  }
  const done = setBusy(form);
  try {
    await api('/api/v1/me/password', {
      method: 'PUT',
      body: { old_password: values.old_password, new_password: values.new_password },
    });
    form.reset();
    await passwordChanged();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (!onUnauthenticated(err)) showProblem(form, err);
  }
  done();
}

/* After a change: say so, refresh the account, and offer the way on. */
async function passwordChanged() {
  const wasForced = account.must_change_password;
  const fresh = await currentAccount().catch(() => null);
  if (fresh) account = fresh;
  else account = { ...account, must_change_password: false };
  render();
  const note = document.getElementById('password-done');
  note.replaceChildren(t('profile.pw.done'));
  if (wasForced) {
    const href = account.kind === 'staff' ? '../admin/' : './';
    note.append(' ', el('a', { href }, t('profile.pw.continue')));
  }
  note.hidden = false;
}
