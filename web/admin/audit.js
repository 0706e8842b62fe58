// audit.js - 审计日志 (permission audit.read, the 审计管理员): search the
// audit events and verify the log.
//
// GET /api/v1/audit/events?action=&actor=&object_type=&object_id=&result=
// &from=&to=&cursor= answers {events, next_cursor}, newest first; "加载更多"
// follows next_cursor. actor is an account id; action is exact or a prefix
// ending in '.'; result is ok, failed or denied; from and to are days
// (YYYY-MM-DD, Beijing time, both inclusive). The server checks each filter
// and names the one it refuses, which shows under that field.
// GET /api/v1/audit/verify answers {intact, fault, seq, events,
// checkpoints, message}: the page says intact or not in words, then the rest.

import { apiGet, ApiError } from '../common/api.js';
import { formatTime, isoTime, roleLabel } from '../common/account-text.js';
import { clearErrors, formValues, setBusy, showProblem } from '../common/forms.js';
import { addMessages, onLangChange, t } from '../common/i18n.js';
import { el } from '../common/layout.js';
import { LOGIN_PAGES, onUnauthenticated } from '../common/session.js';

export const id = 'audit';
export const permission = 'audit.read';
export const titleKey = 'audit.title';

addMessages({
  'zh-CN': {
    'audit.title': '审计日志',
    'audit.lead': '按条件查询审计事件。审计日志逐条链式签名，可随时校验是否被篡改。',
    'audit.verify': '校验日志完整性',
    'audit.verifying': '正在校验…',
    'audit.intact': '校验通过：审计日志完整，未发现篡改。',
    'audit.broken': '校验未通过：审计日志可能已被篡改！',
    'audit.verify.failed': '无法完成校验：{title}',
    'audit.v.fault': '问题',
    'audit.v.seq': '最后序号',
    'audit.v.seq.broken': '出错位置（序号）',
    'audit.v.events': '已校验事件',
    'audit.v.checkpoints': '签名检查点',
    'audit.v.message': '说明',
    'audit.filter': '查询条件',
    'audit.f.action': '操作',
    'audit.f.action.hint': '如 session.login；以点结尾表示前缀，如 session.',
    'audit.f.actor': '操作人账号 ID',
    'audit.f.actor.hint': '账号的数字 ID',
    'audit.f.otype': '对象类型',
    'audit.f.otype.hint': '如 account、session、settings',
    'audit.f.oid': '对象 ID',
    'audit.f.result': '结果',
    'audit.f.from': '开始日期',
    'audit.f.to': '结束日期',
    'audit.result.any': '全部',
    'audit.result.ok': '成功',
    'audit.result.failed': '失败',
    'audit.result.denied': '拒绝',
    'audit.search': '查询',
    'audit.clear': '清空条件',
    'audit.table': '审计事件',
    'audit.c.time': '时间',
    'audit.c.actor': '操作人',
    'audit.c.role': '角色',
    'audit.c.object': '操作对象',
    'audit.c.ip': 'IP 地址',
    'audit.c.seq': '序号',
    'audit.actor.id': '账号 {id}',
    'audit.actor.none': '（未登录）',
    'audit.role.applicant': '申请人',
    'audit.role.anonymous': '未登录用户',
    'audit.more': '加载更多',
    'audit.count': '已显示 {n} 条事件。',
    'audit.count.more': '已显示 {n} 条事件，还有更多。',
    'audit.empty': '没有符合条件的事件。',
  },
  en: {
    'audit.title': 'Audit log',
    'audit.lead': 'Search the audit events. Every event is chained and signed; verify at any time that nothing was altered.',
    'audit.verify': 'Verify the log',
    'audit.verifying': 'Verifying…',
    'audit.intact': 'Verified: the audit log is intact; nothing was altered.',
    'audit.broken': 'Verification FAILED: the audit log may have been altered!',
    'audit.verify.failed': 'Could not verify: {title}',
    'audit.v.fault': 'Fault',
    'audit.v.seq': 'Last event',
    'audit.v.seq.broken': 'Fault at event',
    'audit.v.events': 'Events checked',
    'audit.v.checkpoints': 'Signed checkpoints',
    'audit.v.message': 'Detail',
    'audit.filter': 'Search',
    'audit.f.action': 'Action',
    'audit.f.action.hint': 'e.g. session.login; a trailing dot means a prefix, e.g. session.',
    'audit.f.actor': 'Actor account ID',
    'audit.f.actor.hint': 'The numeric account ID',
    'audit.f.otype': 'Object type',
    'audit.f.otype.hint': 'e.g. account, session, settings',
    'audit.f.oid': 'Object ID',
    'audit.f.result': 'Result',
    'audit.f.from': 'From',
    'audit.f.to': 'To',
    'audit.result.any': 'Any',
    'audit.result.ok': 'Success',
    'audit.result.failed': 'Failed',
    'audit.result.denied': 'Denied',
    'audit.search': 'Search',
    'audit.clear': 'Clear',
    'audit.table': 'Audit events',
    'audit.c.time': 'Time',
    'audit.c.actor': 'Actor',
    'audit.c.role': 'Role',
    'audit.c.object': 'Object',
    'audit.c.ip': 'IP address',
    'audit.c.seq': 'No.',
    'audit.actor.id': 'Account {id}',
    'audit.actor.none': '(not logged in)',
    'audit.role.applicant': 'Applicant',
    'audit.role.anonymous': 'Anonymous',
    'audit.more': 'Load more',
    'audit.count': '{n} events shown.',
    'audit.count.more': '{n} events shown; there are more.',
    'audit.empty': 'No events match.',
  },
});

const FILTERS = ['action', 'actor', 'object_type', 'object_id', 'result', 'from', 'to'];
const VERIFY_FIELDS = ['fault', 'seq', 'events', 'checkpoints', 'message'];

/* Fill section from its template and run the first search (everything, newest first). */
export function mount(section) {
  section.append(document.getElementById('tpl-audit').content.cloneNode(true));
  const ui = {
    section,
    form: section.querySelector('#audit-filter'),
    status: section.querySelector('[data-role="status"]'),
    tbody: section.querySelector('#audit-table tbody'),
    more: section.querySelector('[data-role="more"]'),
    verifyButton: section.querySelector('[data-role="verify"]'),
    verifyResult: section.querySelector('[data-role="verify-result"]'),
    events: [],
    query: {},
    cursor: null,
  };
  ui.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    search(ui);
  });
  ui.form.addEventListener('reset', () => setTimeout(() => search(ui), 0));
  ui.more.addEventListener('click', () => fetchPage(ui, true));
  ui.verifyButton.addEventListener('click', () => verify(ui));
  onLangChange(() => render(ui));
  search(ui);
}

/* ----------------------------------------------------------------- search */

function search(ui) {
  clearErrors(ui.form);
  const v = formValues(ui.form);
  ui.query = {};
  for (const f of FILTERS) if (v[f]) ui.query[f] = v[f];
  ui.events = [];
  ui.cursor = null;
  return fetchPage(ui, false);
}

async function fetchPage(ui, more) {
  const params = new URLSearchParams(ui.query);
  if (more && ui.cursor) params.set('cursor', ui.cursor);
  const done = setBusy(ui.form);
  ui.more.disabled = true;
  try {
    const answer = await apiGet(`/api/v1/audit/events${params.size ? `?${params}` : ''}`);
    const events = Array.isArray(answer && answer.events) ? answer.events : [];
    ui.events = more ? ui.events.concat(events) : events;
    ui.cursor = answer && answer.next_cursor ? answer.next_cursor : null;
    render(ui);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (!onUnauthenticated(err, LOGIN_PAGES.admin)) showProblem(ui.form, err);
  }
  ui.more.disabled = false;
  done();
}

function render(ui) {
  ui.tbody.replaceChildren(...ui.events.map(row));
  ui.more.hidden = !ui.cursor;
  const n = ui.events.length;
  ui.status.textContent = n === 0 ? t('audit.empty') : t(ui.cursor ? 'audit.count.more' : 'audit.count', { n });
}

/* One event (src/audit/api.c event_json). */
function row(e) {
  return el(
    'tr',
    { 'data-action': e.action || '', 'data-result': e.result || '', class: e.result && e.result !== 'ok' ? 'is-failure' : null },
    el('td', { 'data-label': t('audit.c.time') }, el('time', { datetime: isoTime(e.at) }, formatTime(e.at))),
    el('td', { 'data-label': t('audit.c.actor') }, e.actor_id ? t('audit.actor.id', { id: e.actor_id }) : t('audit.actor.none')),
    el('td', { 'data-label': t('audit.c.role') }, e.actor_role ? actorRole(e.actor_role) : t('common.none')),
    el('td', { 'data-label': t('audit.f.action') }, el('code', {}, text(e.action))),
    el('td', { 'data-label': t('audit.c.object') }, objectOf(e)),
    el('td', { 'data-label': t('audit.f.result') }, resultBadge(e.result)),
    el('td', { 'data-label': t('audit.c.ip') }, text(e.ip)),
    el('td', { 'data-label': t('audit.c.seq') }, text(e.seq)),
  );
}

function actorRole(role) {
  if (role === 'applicant' || role === 'anonymous') return t(`audit.role.${role}`);
  return roleLabel(role);
}

function objectOf(e) {
  if (!e.object_type && !e.object_id) return t('common.none');
  return [e.object_type, e.object_id].filter((x) => x !== null && x !== undefined && x !== '').join(' / ');
}

function text(v) {
  return v === null || v === undefined || v === '' ? t('common.none') : String(v);
}

function resultBadge(result) {
  if (!result) return t('common.none');
  const key = `audit.result.${result}`;
  const label = t(key);
  return el('span', { class: `badge ${result === 'ok' ? 'badge-on' : 'badge-off'}` }, label === key ? String(result) : label);
}

/* ----------------------------------------------------------------- verify */

async function verify(ui) {
  const box = ui.verifyResult;
  ui.verifyButton.disabled = true;
  box.className = 'verify-result';
  box.replaceChildren(t('audit.verifying'));
  try {
    const answer = (await apiGet('/api/v1/audit/verify')) || {};
    const intact = answer.intact === true;
    box.classList.add(intact ? 'is-intact' : 'is-broken');
    box.dataset.intact = String(intact);
    // The server's message is for the record (and in one language); show it only when something is wrong.
    const details = VERIFY_FIELDS.filter((k) => answer[k] !== null && answer[k] !== undefined && answer[k] !== '' && (k !== 'message' || !intact));
    const labelOf = (k) => t(k === 'seq' && !intact ? 'audit.v.seq.broken' : `audit.v.${k}`);
    box.replaceChildren(
      el('strong', {}, t(intact ? 'audit.intact' : 'audit.broken')),
      details.length ? el('dl', { class: 'verify-details' }, ...details.flatMap((k) => [el('dt', {}, labelOf(k)), el('dd', {}, String(answer[k]))])) : '',
    );
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (onUnauthenticated(err, LOGIN_PAGES.admin)) return;
    box.classList.add('is-broken');
    box.replaceChildren(t('audit.verify.failed', { title: err.detail || err.title }));
  }
  ui.verifyButton.disabled = false;
}
