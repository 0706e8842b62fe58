// account-text.js - words the account pages share (portal and admin):
// account kinds, roles, permissions, form messages, and time display.
//
// Importing this module adds its keys to the i18n table. Role and kind
// labels are looked up by the API's names ('window', 'person'), so an
// unknown name shows as itself rather than breaking the page.

import { addMessages, lang, t } from './i18n.js';

addMessages({
  'zh-CN': {
    'kind.person': '自然人',
    'kind.org': '法人',
    'kind.staff': '工作人员',
    'role.window': '窗口人员',
    'role.reviewer': '审查人员',
    'role.decider': '决定人员',
    'role.hotline': '12345 话务',
    'role.supervisor': '监察人员',
    'role.sysadmin': '系统管理员',
    'role.secadmin': '安全管理员',
    'role.auditadmin': '审计管理员',
    'roles.none': '无',
    'status.active': '正常',
    'status.disabled': '已停用',
    'acct.logout': '退出登录',
    'acct.logged-in': '当前用户',
    'acct.area': '账号',
    'acct.profile': '个人中心',
    'form.required': '请填写此项。',
    'form.check': '请检查下面标出的项目。',
    'form.see-field': '{title}，请查看下面标出的项目。',
    'form.title-detail': '{title}：{detail}',
    'form.request-id': '（请求编号 {id}）',
    'form.busy': '正在提交…',
    'form.password-mismatch': '两次输入的密码不一致。',
    'form.show-password': '显示密码',
    'common.loading': '正在加载…',
    'common.none': '—',
    'time.unknown': '—',
    'auth.expired': '登录已失效，请重新登录。',
  },
  en: {
    'kind.person': 'Natural person',
    'kind.org': 'Legal person',
    'kind.staff': 'Staff',
    'role.window': 'Window staff',
    'role.reviewer': 'Reviewer',
    'role.decider': 'Decider',
    'role.hotline': '12345 hotline',
    'role.supervisor': 'Supervisor',
    'role.sysadmin': 'System administrator',
    'role.secadmin': 'Security administrator',
    'role.auditadmin': 'Audit administrator',
    'roles.none': 'None',
    'status.active': 'Active',
    'status.disabled': 'Disabled',
    'acct.logout': 'Log out',
    'acct.logged-in': 'Logged in as',
    'acct.area': 'Account',
    'acct.profile': 'My account',
    'form.required': 'Please fill this in.',
    'form.check': 'Please check the items marked below.',
    'form.see-field': '{title}. See the items marked below.',
    'form.title-detail': '{title}: {detail}',
    'form.request-id': '(request ID {id})',
    'form.busy': 'Sending…',
    'form.password-mismatch': 'The two passwords differ.',
    'form.show-password': 'Show password',
    'common.loading': 'Loading…',
    'common.none': '—',
    'time.unknown': '—',
    'auth.expired': 'Your session has ended. Please log in again.',
  },
});

/* Roles the staff form offers, business roles first (API names). */
export const BUSINESS_ROLES = Object.freeze(['window', 'reviewer', 'decider', 'hotline', 'supervisor']);
export const ADMIN_ROLES = Object.freeze(['sysadmin', 'secadmin', 'auditadmin']);

/* Label of a role name; unknown names show as themselves. */
export function roleLabel(name) {
  const key = `role.${name}`;
  const s = t(key);
  return s === key ? String(name) : s;
}

/* '窗口人员、审查人员' / 'Window staff, Reviewer'; '无' when none. */
export function rolesText(roles) {
  if (!Array.isArray(roles) || roles.length === 0) return t('roles.none');
  return roles.map(roleLabel).join(lang() === 'en' ? ', ' : '、');
}

/* Label of an account kind. */
export function kindLabel(kind) {
  const key = `kind.${kind}`;
  const s = t(key);
  return s === key ? String(kind) : s;
}

/* Label of an account status. */
export function statusLabel(status) {
  const key = `status.${status}`;
  const s = t(key);
  return s === key ? String(status) : s;
}

/*
 * A time from the API (ISO 8601 text, or milliseconds / seconds since the
 * epoch) as Beijing time '2026-11-23 14:05:09'; '—' when absent.
 */
export function formatTime(value) {
  const d = toDate(value);
  if (!d) return t('time.unknown');
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/* The same value as an ISO string for <time datetime>, or null. */
export function isoTime(value) {
  const d = toDate(value);
  return d ? d.toISOString() : null;
}

function toDate(value) {
  if (value === null || value === undefined || value === '') return null;
  let d;
  if (typeof value === 'number') d = new Date(value < 1e11 ? value * 1000 : value);
  else if (/^\d+$/.test(String(value))) return toDate(Number(value));
  else d = new Date(String(value));
  return Number.isNaN(d.getTime()) ? null : d;
}

/* A wait in seconds as words: '3 分钟' / '45 秒' / '3 minutes'. */
export function formatWait(seconds) {
  const s = Math.max(1, Math.ceil(Number(seconds) || 0));
  if (lang() === 'en') {
    if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
    const m = Math.ceil(s / 60);
    return `${m} minute${m === 1 ? '' : 's'}`;
  }
  if (s < 60) return `${s} 秒`;
  return `${Math.ceil(s / 60)} 分钟`;
}
