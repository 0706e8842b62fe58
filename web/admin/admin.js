// admin.js - what the pages of 系统管理 (administration) share: words, the
// header's account box and logout, and small helpers the sections use.

import '../common/account-text.js';
import { addMessages } from '../common/i18n.js';
import { setHeaderAccount } from '../common/layout.js';
import { LOGIN_PAGES, logout } from '../common/session.js';

addMessages({
  'zh-CN': {
    'crumb.label': '当前位置',
    'crumb.home': '首页',
    'admin.name': '系统管理',
    'admin.failed': '操作未成功：{title}',
  },
  en: {
    'crumb.label': 'You are here',
    'crumb.home': 'Home',
    'admin.name': 'Administration',
    'admin.failed': 'That did not work: {title}',
  },
});

/* The account box in the header; logging out returns to the staff login. */
export function showAdminAccount(account) {
  setHeaderAccount(account, { profileHref: '../portal/profile.html', onLogout: adminLogout });
}

export async function adminLogout() {
  try {
    await logout();
  } catch {
    /* already gone: the login page is still right */
  }
  window.location.assign(`${LOGIN_PAGES.admin}?bye=1`);
}
