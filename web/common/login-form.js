// login-form.js - the login form the portal and the admin front end share.
//
// POST /api/v1/sessions with {username, password}; the name may be a user
// name, a 居民身份证号 or a 统一社会信用代码 (docs/accounts.md). The server
// gives the same 401 login_failed for an unknown name and a wrong password,
// and so does this form: one generic message, never "no such user". A 429
// rate_limited means the name is locked; the message says how long from
// Retry-After. On success the CSRF token is kept (common/session.js) and the
// browser goes on: to the password page when the password must be changed
// first, else to the page given by ?next= or the caller's default.

import { ApiError } from './api.js';
import { formatWait } from './account-text.js';
import { addMessages, t } from './i18n.js';
import { checkRequired, clearErrors, setBusy, showAlert, showProblem } from './forms.js';
import { login, nextPage, PASSWORD_PAGE } from './session.js';

addMessages({
  'zh-CN': {
    'login.failed': '账号或密码错误，请重新输入。连续多次输错，账号将被暂时锁定。',
    'login.locked': '登录失败次数过多，该账号已被暂时锁定，请 {wait}后再试。',
    'login.locked.nowait': '登录失败次数过多，该账号已被暂时锁定，请稍后再试。',
  },
  en: {
    'login.failed': 'Wrong account name or password. After several wrong attempts the account is locked for a while.',
    'login.locked': 'Too many failed logins: this account is locked for now. Try again in {wait}.',
    'login.locked.nowait': 'Too many failed logins: this account is locked for now. Try again later.',
  },
});

/*
 * Wire up form (with inputs name="username" and name="password"). After a
 * successful login the browser goes to ?next= or to defaultNext.
 */
export function bindLoginForm(form, { defaultNext }) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!checkRequired(form)) return;
    const username = form.elements.username.value.trim();
    const password = form.elements.password.value;
    const done = setBusy(form);
    try {
      const answer = await login(username, password);
      const mustChange = Boolean(answer && (answer.must_change_password || (answer.account && answer.account.must_change_password)));
      window.location.assign(mustChange ? PASSWORD_PAGE : nextPage(defaultNext));
      return; // stay busy while the next page loads
    } catch (err) {
      showLoginError(form, err);
      form.elements.password.value = '';
    }
    done();
  });
}

function showLoginError(form, err) {
  if (!(err instanceof ApiError)) throw err;
  form.dataset.result = err.code || '';
  if (err.status === 401) {
    showAlert(form, t('login.failed'));
    form.elements.password.focus();
  } else if (err.status === 429) {
    showAlert(form, err.retryAfter ? t('login.locked', { wait: formatWait(err.retryAfter) }) : t('login.locked.nowait'));
  } else {
    showProblem(form, err);
  }
}
