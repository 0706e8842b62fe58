// hall.js - what every page of 政务大厅 (the service hall, for comprehensive
// window staff) shares: its words, the staff login page, the header's
// account box and logout, the start of a page (a logged-in window account),
// and the line saying which window the account staffs.
//
// The window comes from the public hall list (GET /api/v1/halls): the
// window whose staff names this account. The server decides what the
// account may do on every request anyway (docs/cases.md, case_access).

import '../common/account-text.js';
import '../common/case-text.js';
import { apiGet } from '../common/api.js';
import { addMessages, onLangChange, t } from '../common/i18n.js';
import { renderLayout, setHeaderAccount } from '../common/layout.js';
import { logout, requireAccount } from '../common/session.js';
import { mountMessagesLink } from '../common/messages.js';

/* The hall's staff login page, as an absolute path (next to this module). */
export const HALL_LOGIN = new URL('login.html', import.meta.url).pathname;

addMessages({
  'zh-CN': {
    'crumb.label': '当前位置',
    'crumb.home': '首页',
    'hall.name': '政务大厅',
    'hall.menu': '政务大厅功能',
    'hall.menu.pre': '预审队列',
    'hall.menu.delivery': '待出件',
    'hall.menu.pickup': '取件',
    'hall.menu.entry': '窗口代录',
    'hall.menu.stats': '窗口统计',
    'hall.who': '{name} · {window}',
    'hall.who.nowindow': '{name} · 未配置窗口',
    'hall.window': '{hall} {window}（{code}）',
    'hall.notwindow': '当前账号不是综合窗口工作人员，不能使用政务大厅的受理功能。请使用窗口人员账号登录。',
    'hall.relogin': '换一个账号登录',
    'hall.load.failed': '无法读取账号信息：{title}',
  },
  en: {
    'crumb.label': 'You are here',
    'crumb.home': 'Home',
    'hall.name': 'Service Hall',
    'hall.menu': 'Service Hall sections',
    'hall.menu.pre': 'Pre-check queue',
    'hall.menu.delivery': 'To hand out',
    'hall.menu.pickup': 'Pickup',
    'hall.menu.entry': 'Enter an application',
    'hall.menu.stats': 'Window statistics',
    'hall.who': '{name} · {window}',
    'hall.who.nowindow': '{name} · no window assigned',
    'hall.window': '{hall}, {window} ({code})',
    'hall.notwindow': 'This account is not comprehensive-window staff, so it cannot use the Service Hall. Please log in with a window account.',
    'hall.relogin': 'Log in with another account',
    'hall.load.failed': 'Could not read your account: {title}',
  },
});

/*
 * Render the layout and require a logged-in account (else off to the
 * hall's login page, and null). An account without the window role gets a
 * notice in place of the page's content (into #hall-body) and null.
 */
export async function startHallPage() {
  renderLayout();
  let account;
  try {
    account = await requireAccount({ loginPage: HALL_LOGIN });
  } catch (err) {
    notice(t('hall.load.failed', { title: err.title || String(err) }));
    return null;
  }
  if (!account) return null;
  setHeaderAccount(account, { profileHref: '../portal/profile.html', onLogout: hallLogout });
  if (!(Array.isArray(account.roles) && account.roles.includes('window'))) {
    notice(t('hall.notwindow'), true);
    return null;
  }
  showWho(account);
  // 我的消息 in the menu, with the unread count (deadline warnings reach staff there)
  mountMessagesLink(document.querySelector('.page-tabs'), {
    href: 'messages.html',
    after: 'a[href="pickup.html"]',
    current: window.location.pathname.endsWith('/messages.html'),
  });
  return account;
}

/* Log out and return to the hall's login page. */
export async function hallLogout() {
  try {
    await logout();
  } catch {
    /* already gone: the login page is still right */
  }
  window.location.assign(`${HALL_LOGIN}?bye=1`);
}

function notice(text, relogin = false) {
  const body = document.getElementById('hall-body');
  const p = document.createElement('p');
  p.className = 'notice';
  p.setAttribute('role', 'alert');
  p.textContent = text;
  body.replaceChildren(p);
  if (relogin) {
    const a = document.createElement('a');
    a.className = 'btn btn-secondary';
    a.href = HALL_LOGIN;
    a.textContent = t('hall.relogin');
    a.addEventListener('click', async (ev) => {
      ev.preventDefault();
      await hallLogout();
    });
    body.append(a);
  }
  const tabs = document.querySelector('.page-tabs');
  if (tabs) tabs.hidden = true;
}

/* "钱窗口 · 示范市政务服务中心 综合窗口（W01）" under the heading. */
async function showWho(account) {
  const line = document.getElementById('hall-who');
  if (!line) return;
  let where = null;
  try {
    const answer = await apiGet('/api/v1/halls');
    for (const hall of (answer && answer.halls) || []) {
      for (const w of hall.windows || []) {
        const staff = (w.staff || []).map((s) => (typeof s === 'string' ? s : s.username || s.name));
        if (staff.includes(account.username) || staff.includes(account.name)) where = { hall, window: w };
      }
    }
  } catch {
    /* the line then names the account only */
  }
  const name = account.name || account.username;
  const show = () => {
    line.textContent = where
      ? t('hall.who', { name, window: t('hall.window', { hall: where.hall.name, window: where.window.name, code: where.window.code }) })
      : t('hall.who.nowindow', { name });
  };
  show();
  onLangChange(show);
  line.dataset.hall = where ? where.hall.code : '';
}
