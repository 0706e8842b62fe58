// index.js - 系统管理: the sections the logged-in account may use, and no
// others.
//
// Each section is a module that builds itself into an empty <section> and
// names the permission it needs (docs/accounts.md): staff accounts need
// staff.manage and API clients apiclient.manage (both 系统管理员), security
// settings security.settings (安全管理员), the audit log audit.read
// (审计管理员); the service catalogue (事项管理) catalog.manage and the
// organisations and halls (机构与大厅) org.manage; 证照类型 catalog.manage
// and 电子印章 seal.manage (安全管理员), docs/licences.md. Under 三权分立 an administrator holds the permissions of
// exactly one administrator role. A section the account lacks the permission for is
// never built, so it is not in the page at all; the API would refuse it
// anyway (403). An account with none of them sees a plain notice.

import { rolesText } from '../common/account-text.js';
import { addMessages, applyI18n, onLangChange, t } from '../common/i18n.js';
import { el, renderLayout } from '../common/layout.js';
import { hasPermission, LOGIN_PAGES, requireAccount } from '../common/session.js';
import { showAdminAccount } from './admin.js';
import * as apiclients from './apiclients.js';
import * as audit from './audit.js';
import * as catalog from './catalog.js';
import * as licenceTypes from './licence-types.js';
import * as orgs from './orgs.js';
import * as seals from './seals.js';
import * as security from './security.js';
import * as staff from './staff.js';

addMessages({
  'zh-CN': {
    'admin.title': '系统管理 · 一网通办',
    'admin.sections': '管理功能',
    'admin.who': '{name}（{roles}）',
    'admin.none.title': '没有可用的管理功能',
    'admin.none.text': '当前账号没有系统管理权限。系统管理仅供系统管理员、安全管理员和审计管理员使用。',
    'admin.none.portal': '返回办事门户',
    'admin.load.failed': '无法读取账号信息：{title}',
  },
  en: {
    'admin.title': 'Administration · tongban',
    'admin.sections': 'Administration sections',
    'admin.who': '{name} ({roles})',
    'admin.none.title': 'Nothing to administer',
    'admin.none.text':
      'This account has no administration rights. Administration is for the system, security and audit administrators.',
    'admin.none.portal': 'Back to the Service Portal',
    'admin.load.failed': 'Could not read your account: {title}',
  },
});

/* The sections, in page order; each module exports id, permission, titleKey and
 * mount(section, account), which fills the section from its <template>. */
const SECTIONS = [catalog, licenceTypes, orgs, staff, apiclients, security, seals, audit];

init();

async function init() {
  renderLayout();
  let account;
  try {
    account = await requireAccount({ loginPage: LOGIN_PAGES.admin });
  } catch (err) {
    status(t('admin.load.failed', { title: err.title || String(err) }));
    return;
  }
  if (!account) return;
  showAdminAccount(account);
  const who = () => {
    document.getElementById('admin-who').textContent = t('admin.who', { name: account.name || account.username, roles: rolesText(account.roles) });
  };
  who();
  onLangChange(who);

  const allowed = SECTIONS.filter((s) => hasPermission(account, s.permission));
  const host = document.getElementById('admin-sections');
  document.getElementById('admin-status').remove();
  if (!allowed.length) {
    host.append(noSections());
    applyI18n(host);
    return;
  }
  const tabs = document.getElementById('admin-tabs');
  for (const s of allowed) {
    tabs.append(el('a', { href: `#${s.id}`, 'data-i18n': s.titleKey }));
    const section = el('section', { id: s.id, class: 'panel admin-section', 'aria-labelledby': `${s.id}-title`, 'data-permission': s.permission });
    host.append(section);
    s.mount(section, account);
  }
  tabs.hidden = allowed.length < 2;
  applyI18n();
}

function noSections() {
  return el(
    'section',
    { class: 'panel', id: 'no-admin', 'aria-labelledby': 'no-admin-title' },
    el('h2', { id: 'no-admin-title', class: 'panel-title', 'data-i18n': 'admin.none.title' }),
    el('p', { 'data-i18n': 'admin.none.text' }),
    el('p', {}, el('a', { class: 'btn btn-secondary', href: '../portal/', 'data-i18n': 'admin.none.portal' })),
  );
}

function status(text) {
  const line = document.getElementById('admin-status');
  line.classList.remove('loading');
  line.classList.add('notice');
  line.textContent = text;
}
