// session.js - who is logged in, and the session's CSRF token.
//
// Logging in (POST /api/v1/sessions) sets the HttpOnly cookie tb_session,
// which scripts never see, and answers a csrf_token, which this module keeps
// in sessionStorage (per tab, gone when the tab closes) for api.js to send
// back as X-CSRF-Token on every POST/PUT/PATCH/DELETE. The current account
// comes from GET /api/v1/me; a 401 anywhere means "log in again", and
// requireAccount() / onUnauthenticated() send the browser to the login page
// with ?next= pointing back here. Permissions are names from the account's
// `permissions` list (docs/accounts.md); pages show only what it allows and
// the server refuses the rest anyway.

import { api, apiGet, ApiError, CSRF_KEY } from './api.js';

const ROOT = new URL('../', import.meta.url).pathname; // web/ as served, ends in '/'

/* Login pages of the front ends, as absolute paths. */
export const LOGIN_PAGES = Object.freeze({
  portal: `${ROOT}portal/login.html`,
  admin: `${ROOT}admin/login.html`,
});
/* Where an account that must change its password goes (every front end). */
export const PASSWORD_PAGE = `${ROOT}portal/profile.html#password`;

/* ----------------------------------------------------------- CSRF token */

/* True when this tab holds a CSRF token (it logged in itself). */
export function hasCsrfToken() {
  try {
    return Boolean(window.sessionStorage.getItem(CSRF_KEY));
  } catch {
    return false;
  }
}

function store(token) {
  try {
    if (token) window.sessionStorage.setItem(CSRF_KEY, token);
    else window.sessionStorage.removeItem(CSRF_KEY);
  } catch {
    /* storage disabled: state-changing requests will then fail with 403 */
  }
}

/* ------------------------------------------------------------- sessions */

/*
 * Log in with a user name, ID number or credit code. Returns the server's
 * answer ({csrf_token, account, expires_at, must_change_password}) after
 * keeping the token; throws ApiError (401 login_failed, 429 rate_limited
 * with err.retryAfter, ...).
 */
export async function login(username, password) {
  store(null); // a token of an earlier session must not travel with this one
  const answer = await api('/api/v1/sessions', { method: 'POST', body: { username, password } });
  store(answer && answer.csrf_token);
  return answer;
}

/*
 * End this session on the server and forget the token. A 401 means it had
 * already ended, which is what we want; other errors are thrown after the
 * token is forgotten.
 */
export async function logout() {
  try {
    await api('/api/v1/sessions/current', { method: 'DELETE' });
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) throw e;
  } finally {
    store(null);
  }
}

/* The logged-in account, or null when there is no valid session (401). */
export async function currentAccount() {
  try {
    const answer = await apiGet('/api/v1/me');
    return answer && answer.account ? answer.account : null;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      store(null);
      return null;
    }
    throw e;
  }
}

/*
 * The logged-in account; without one, go to loginPage (with ?next= back to
 * this page) and return null. A tab without the CSRF token (a new tab of a
 * session started elsewhere: the token lives in sessionStorage and the API
 * hands it out only at login) could read but not change anything, so it
 * logs in too. An account that must change its password is sent to the
 * password page unless allowPasswordChange is set (that page itself).
 * Other errors are thrown.
 */
export async function requireAccount({ loginPage = LOGIN_PAGES.portal, allowPasswordChange = false } = {}) {
  const account = hasCsrfToken() ? await currentAccount() : null;
  if (!account) {
    goToLogin(loginPage);
    return null;
  }
  if (account.must_change_password && !allowPasswordChange) {
    window.location.assign(PASSWORD_PAGE);
    return null;
  }
  return account;
}

/* Send the browser to loginPage, asking it to come back here afterwards. */
export function goToLogin(loginPage = LOGIN_PAGES.portal) {
  store(null);
  const here = window.location.pathname + window.location.search;
  const url = new URL(loginPage, window.location.href);
  url.searchParams.set('next', here);
  window.location.assign(url.pathname + url.search);
}

/*
 * For catch blocks: when err is a 401 (the session ended meanwhile), go to
 * the login page and return true; otherwise return false and let the caller
 * show the error.
 */
export function onUnauthenticated(err, loginPage = LOGIN_PAGES.portal) {
  if (err instanceof ApiError && err.status === 401) {
    goToLogin(loginPage);
    return true;
  }
  return false;
}

/*
 * The page to go to after a login: ?next= if it is a path on this site (never
 * another origin: no open redirect), else fallback.
 */
export function nextPage(fallback) {
  const next = new URLSearchParams(window.location.search).get('next');
  if (next && next.startsWith('/') && !next.startsWith('//') && !next.includes('\\')) {
    const url = new URL(next, window.location.origin);
    if (url.origin === window.location.origin) return url.pathname + url.search + url.hash;
  }
  return fallback;
}

/* ----------------------------------------------------------- permissions */

/* True when account's permission list names perm. */
export function hasPermission(account, perm) {
  return Boolean(account && Array.isArray(account.permissions) && account.permissions.includes(perm));
}
