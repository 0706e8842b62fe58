// portal.js - what every page of the 办事门户 (service portal) shares:
// its words (breadcrumb, the portal's own menu), the header's account box
// and logout, and the start of a page that needs a logged-in account.

import '../common/account-text.js';
import { addMessages, t } from '../common/i18n.js';
import { el, renderLayout, setHeaderAccount } from '../common/layout.js';
import { mountMessagesLink } from '../common/messages.js';
import { currentAccount, hasCsrfToken, hasPermission, LOGIN_PAGES, logout, requireAccount } from '../common/session.js';

addMessages({
  'zh-CN': {
    'crumb.label': '当前位置',
    'crumb.home': '首页',
    'portal.name': '办事门户',
    'portal.menu': '门户菜单',
    'portal.menu.home': '门户首页',
    'portal.menu.profile': '个人中心',
    'portal.menu.sessions': '登录设备',
    'portal.menu.agents': '代办授权',
    'portal.menu.cases': '我的办件',
    'portal.menu.progress': '办件进度查询',
    'portal.menu.messages': '我的消息',
    'portal.menu.licences': '我的证照',
  },
  en: {
    'crumb.label': 'You are here',
    'crumb.home': 'Home',
    'portal.name': 'Service Portal',
    'portal.menu': 'Portal menu',
    'portal.menu.home': 'Portal home',
    'portal.menu.profile': 'My account',
    'portal.menu.sessions': 'Sessions',
    'portal.menu.agents': 'Agents',
    'portal.menu.cases': 'My cases',
    'portal.menu.progress': 'Track a case',
    'portal.menu.messages': 'Messages',
    'portal.menu.licences': 'My licences',
  },
});

/*
 * Render the layout and find the account. With needAccount, a visitor who
 * is not logged in is sent to the login page (and null returned); otherwise
 * the account or null (a tab that never logged in does not ask).
 * allowPasswordChange: see requireAccount().
 */
export async function startPortalPage({ needAccount = false, allowPasswordChange = false, checkAccount = true } = {}) {
  renderLayout();
  let account = null;
  if (needAccount) {
    account = await requireAccount({ loginPage: LOGIN_PAGES.portal, allowPasswordChange });
  } else if (checkAccount && hasCsrfToken()) {
    account = await currentAccount().catch(() => null);
  }
  showAccount(account);
  return account;
}

/* The account box in the header (or none). Staff accounts neither give nor
 * hold agent authorisations (代办), so their menu has no such tab. */
export function showAccount(account) {
  setHeaderAccount(account, { profileHref: 'profile.html', onLogout: portalLogout });
  if (account && account.kind === 'staff') {
    for (const a of document.querySelectorAll('.page-tabs a[href="agents.html"]')) a.hidden = true;
  }
  // 我的消息 in the portal menu, with the unread count (common/messages.js)
  if (account && !account.must_change_password) {
    mountMessagesLink(document.querySelector('nav.page-tabs[data-i18n-attr="aria-label:portal.menu"]'));
    mountLicencesLink(document.querySelector('nav.page-tabs[data-i18n-attr="aria-label:portal.menu"]'), account);
  }
}

/* 我的证照 (licences.html, docs/licences.md) in the portal menu, after 我的消息, for accounts that apply. */
function mountLicencesLink(nav, account) {
  if (!nav || !hasPermission(account, 'case.apply') || nav.querySelector('a[href="licences.html"]')) return;
  const link = el('a', { href: 'licences.html', 'data-i18n': 'portal.menu.licences' }, t('portal.menu.licences'));
  const before = nav.querySelector('a[href="messages.html"]') || nav.querySelector('a[href="cases.html"]');
  if (before) before.after(link);
  else nav.append(link);
}

/* Log out and go to the login page with a "you have logged out" notice. */
export async function portalLogout() {
  try {
    await logout();
  } catch {
    /* the cookie may already be gone; the login page is still right */
  }
  window.location.assign(`${LOGIN_PAGES.portal}?bye=1`);
}
