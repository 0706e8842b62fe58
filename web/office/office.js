// office.js - what every page of 审批办公 (the approval office, for the
// reviewers and deciders of a deciding organisation) shares: its words, the
// staff login page, the header's account box and logout, and the start of a
// page (a logged-in reviewer or decider), with the line saying who and at
// which authority level.

import '../common/account-text.js';
import '../common/case-text.js';
import { levelLabel } from '../common/case-view.js';
import { addMessages, onLangChange, t } from '../common/i18n.js';
import { renderLayout, setHeaderAccount } from '../common/layout.js';
import { logout, requireAccount } from '../common/session.js';
import { mountMessagesLink } from '../common/messages.js';

/* The office's staff login page, as an absolute path (next to this module). */
export const OFFICE_LOGIN = new URL('login.html', import.meta.url).pathname;

const HANDLER_ROLES = ['reviewer', 'decider'];

addMessages({
  'zh-CN': {
    'crumb.label': '当前位置',
    'crumb.home': '首页',
    'office.name': '审批办公',
    'office.menu': '审批办公功能',
    'office.menu.work': '我的待办',
    'office.menu.all': '全部办件',
    'office.who': '{name} · {org} · {level}',
    'office.nothandler': '当前账号不是审查或决定人员，不能使用审批办公。请使用审批人员账号登录。',
    'office.relogin': '换一个账号登录',
    'office.load.failed': '无法读取账号信息：{title}',
  },
  en: {
    'crumb.label': 'You are here',
    'crumb.home': 'Home',
    'office.name': 'Approval Office',
    'office.menu': 'Approval Office sections',
    'office.menu.work': 'My work',
    'office.menu.all': 'All cases',
    'office.who': '{name} · {org} · {level}',
    'office.nothandler': 'This account is neither a reviewer nor a decider, so it cannot use the Approval Office. Please log in with a reviewer’s or decider’s account.',
    'office.relogin': 'Log in with another account',
    'office.load.failed': 'Could not read your account: {title}',
  },
});

/*
 * Render the layout and require a logged-in reviewer or decider (else the
 * login page, or a notice in #office-body, and null).
 */
export async function startOfficePage() {
  renderLayout();
  let account;
  try {
    account = await requireAccount({ loginPage: OFFICE_LOGIN });
  } catch (err) {
    notice(t('office.load.failed', { title: err.title || String(err) }));
    return null;
  }
  if (!account) return null;
  setHeaderAccount(account, { profileHref: '../portal/profile.html', onLogout: officeLogout });
  const roles = Array.isArray(account.roles) ? account.roles : [];
  if (!roles.some((r) => HANDLER_ROLES.includes(r))) {
    notice(t('office.nothandler'), true);
    return null;
  }
  const line = document.getElementById('office-who');
  if (line) {
    const show = () => {
      line.textContent = t('office.who', {
        name: account.name || account.username,
        org: account.org_name || '',
        level: account.authority_level ? levelLabel(account.authority_level) : t('common.none'),
      });
    };
    show();
    onLangChange(show);
    line.dataset.level = String(account.authority_level || '');
  }
  // 我的消息 in the menu, with the unread count (deadline warnings reach handlers there)
  mountMessagesLink(document.querySelector('.page-tabs'), {
    href: 'messages.html',
    after: 'a[href="./?queue=all"]',
    current: window.location.pathname.endsWith('/messages.html'),
  });
  return account;
}

/* Log out and return to the office's login page. */
export async function officeLogout() {
  try {
    await logout();
  } catch {
    /* already gone */
  }
  window.location.assign(`${OFFICE_LOGIN}?bye=1`);
}

function notice(text, relogin = false) {
  const body = document.getElementById('office-body');
  const p = document.createElement('p');
  p.className = 'notice';
  p.setAttribute('role', 'alert');
  p.textContent = text;
  body.replaceChildren(p);
  if (relogin) {
    const a = document.createElement('a');
    a.className = 'btn btn-secondary';
    a.href = OFFICE_LOGIN;
    a.textContent = t('office.relogin');
    a.addEventListener('click', async (ev) => {
      ev.preventDefault();
      await officeLogout();
    });
    body.append(a);
  }
  const tabs = document.querySelector('.page-tabs');
  if (tabs) tabs.hidden = true;
}
