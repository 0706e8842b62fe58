// agents.js - 代办授权: an applicant authorises another person (代办人) to act
// for them, and sees and revokes the authorisations given and held.
//
// GET /api/v1/me/agents -> {"granted": [...], "held": [...]}: granted are
// the ones this account gave ({id, agent_name, agent_username, scope,
// valid_from, valid_until, revoked}), held the ones others gave it
// ({id, principal_name, scope, valid_from, valid_until, revoked}). POST
// /api/v1/me/agents {agent_username, scope: apply|all, valid_until:
// YYYY-MM-DD} (permission agent.grant: applicants) authorises; the server
// checks the name (an active person, not oneself) and the date (after today,
// within a year, Beijing dates) and names the field it refuses, which the
// form shows under that field. DELETE /api/v1/me/agents/{id} revokes, by
// either party; a revoked grant stays in the lists, marked. The agent sends
// the grant id as X-On-Behalf-Of when acting (docs/accounts.md), so the held
// list shows it.

import { api, apiGet, ApiError } from '../common/api.js';
import { checkRequired, clearErrors, formValues, setBusy, showProblem } from '../common/forms.js';
import { addMessages, onLangChange, t } from '../common/i18n.js';
import { el } from '../common/layout.js';
import { hasPermission, onUnauthenticated } from '../common/session.js';
import { startPortalPage } from './portal.js';

addMessages({
  'zh-CN': {
    'ag.title': '代办授权 · 办事门户 · 一网通办',
    'ag.heading': '代办授权',
    'ag.grant.title': '授权代办人',
    'ag.grant.lead': '您可以授权他人（如家人、单位经办人）代您在线办理事项。代办人的每一项操作都同时记录代办人和您本人；您可以随时撤销授权。',
    'ag.f.agent': '代办人用户名',
    'ag.f.agent.hint': '代办人须是已在本平台注册的自然人。请向代办人确认其用户名。',
    'ag.f.until': '授权截止日期',
    'ag.f.until.hint': '授权到所选日期当天 24 时（北京时间）为止；最早明天，最长一年。',
    'ag.f.scope': '授权范围',
    'ag.scope.apply': '代为申请',
    'ag.scope.apply.desc': '代您在线申报事项、补交材料',
    'ag.scope.all': '全部事项',
    'ag.scope.all.desc': '代您办理在本平台的全部事项，包括申报、查询进度和领取结果',
    'ag.submit': '确认授权',
    'ag.done': '已授权 {agent} {scope}，至 {until} 止。',
    'ag.granted': '我授权的代办人',
    'ag.held': '我持有的授权',
    'ag.granted.table': '我授权的代办人列表',
    'ag.held.table': '我持有的授权列表',
    'ag.held.lead': '他人授权您代为办理的事项。代办时以授权编号表明您代表谁办理；不再代办时，您可以撤销授权。',
    'ag.col.agent': '代办人',
    'ag.col.principal': '委托人',
    'ag.col.period': '授权期限',
    'ag.col.id': '授权编号',
    'ag.col.status': '状态',
    'ag.col.action': '操作',
    'ag.period.to': '至',
    'ag.state.active': '有效',
    'ag.state.revoked': '已撤销',
    'ag.state.expired': '已过期',
    'ag.revoke': '撤销授权',
    'ag.revoke.granted.label': '撤销授权：代办人 {name}',
    'ag.revoke.held.label': '撤销授权：委托人 {name}',
    'ag.revoked.granted': '已撤销对 {name} 的授权。',
    'ag.revoked.held': '已撤销 {name} 给您的授权。',
    'ag.granted.empty': '您还没有授权任何代办人。',
    'ag.granted.count': '共 {n} 项授权，其中 {active} 项有效。',
    'ag.held.empty': '目前没有他人授权您代办。',
    'ag.held.count': '共 {n} 项授权，其中 {active} 项有效。',
    'ag.unavailable': '代办授权供在本平台办事的自然人和法人使用，当前账号没有可用的代办授权。',
    'ag.failed': '操作未成功：{title}',
    'ag.load.failed': '无法读取代办授权：{title}',
  },
  en: {
    'ag.title': 'Agents · Service Portal · tongban',
    'ag.heading': 'Agents',
    'ag.grant.title': 'Authorise an agent',
    'ag.grant.lead':
      "You can authorise someone (a family member, a colleague handling your company's affairs) to act for you online. Everything an agent does is recorded with both the agent and you; you can revoke the authorisation at any time.",
    'ag.f.agent': "Agent's user name",
    'ag.f.agent.hint': 'The agent must be a natural person registered on this platform. Ask them for their user name.',
    'ag.f.until': 'Valid until',
    'ag.f.until.hint': 'The authorisation lasts to the end of that day, Beijing time: tomorrow at the earliest, one year at the most.',
    'ag.f.scope': 'Scope',
    'ag.scope.apply': 'Apply for me',
    'ag.scope.apply.desc': 'Submit applications and hand in further documents for you',
    'ag.scope.all': 'All matters',
    'ag.scope.all.desc': 'Handle all your matters on the platform: applications, following progress, collecting results',
    'ag.submit': 'Authorise',
    'ag.done': '{agent} is authorised ({scope}) until {until}.',
    'ag.granted': 'Agents I have authorised',
    'ag.held': 'Authorisations I hold',
    'ag.granted.table': 'List of agents I have authorised',
    'ag.held.table': 'List of authorisations I hold',
    'ag.held.lead':
      'Others have authorised you to act for them. When acting, the authorisation ID says for whom; when you no longer act for someone, you can revoke it.',
    'ag.col.agent': 'Agent',
    'ag.col.principal': 'On behalf of',
    'ag.col.period': 'Period',
    'ag.col.id': 'Authorisation ID',
    'ag.col.status': 'Status',
    'ag.col.action': 'Action',
    'ag.period.to': 'to',
    'ag.state.active': 'Valid',
    'ag.state.revoked': 'Revoked',
    'ag.state.expired': 'Expired',
    'ag.revoke': 'Revoke',
    'ag.revoke.granted.label': 'Revoke: agent {name}',
    'ag.revoke.held.label': 'Revoke: on behalf of {name}',
    'ag.revoked.granted': 'The authorisation of {name} is revoked.',
    'ag.revoked.held': 'The authorisation from {name} is revoked.',
    'ag.granted.empty': 'You have not authorised any agent.',
    'ag.granted.count': 'Authorisations: {n}, valid: {active}.',
    'ag.held.empty': 'Nobody has authorised you to act for them.',
    'ag.held.count': 'Authorisations: {n}, valid: {active}.',
    'ag.unavailable': 'Agents are for the natural and legal persons who use this platform; this account has none.',
    'ag.failed': 'That did not work: {title}',
    'ag.load.failed': 'Could not read your agents: {title}',
  },
});

const form = document.getElementById('grant-form');
const untilInput = document.getElementById('ag-until');
let account = null;
let canGrant = false;
let canHold = false;
let granted = [];
let held = [];

init();

async function init() {
  try {
    account = await startPortalPage({ needAccount: true });
  } catch (err) {
    say(t('ag.load.failed', { title: err && err.title ? err.title : String(err) }), true);
    return;
  }
  if (!account) return; // on the way to the login page
  canGrant = hasPermission(account, 'agent.grant');
  canHold = account.kind === 'person'; // only natural persons can be agents
  if (!canGrant && !canHold) {
    say(t('ag.unavailable'), true);
    return;
  }
  if (canGrant) {
    setDateBounds();
    form.addEventListener('submit', submit);
    document.getElementById('grant-panel').hidden = false;
  }
  onLangChange(render);
  await load();
}

/* The page's own status line (loading, or a problem reading the lists). */
function say(text, isProblem = false) {
  const line = document.getElementById('agents-status');
  line.classList.remove('loading');
  line.classList.toggle('notice', isProblem);
  line.textContent = text;
  line.hidden = false;
}

/* ------------------------------------------------------------------ dates */

/* Today in Beijing as 'YYYY-MM-DD' (the server counts in Beijing dates). */
function beijingDate(ms = Date.now()) {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(new Date(ms))
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}`;
}

function shiftDate(ymd, { days = 0, years = 0 }) {
  const [y, m, d] = ymd.split('-').map(Number);
  let date = new Date(Date.UTC(y + years, m - 1, d));
  if (years && date.getUTCDate() !== d) date = new Date(Date.UTC(y + years, m, 0)); // 29 Feb -> 28 Feb
  date = new Date(date.getTime() + days * 86400000);
  return date.toISOString().slice(0, 10);
}

/* Tomorrow at the earliest, the same day next year at the latest. */
function setDateBounds() {
  const today = beijingDate();
  untilInput.min = shiftDate(today, { days: 1 });
  untilInput.max = shiftDate(today, { years: 1 });
}

/* A grant's first and last day. valid_until is the end of the last day (24:00, Beijing). */
function firstDay(g) {
  const ms = Date.parse(g.valid_from);
  return Number.isNaN(ms) ? t('common.none') : beijingDate(ms);
}

function lastDay(g) {
  const ms = Date.parse(g.valid_until);
  return Number.isNaN(ms) ? t('common.none') : beijingDate(ms - 1);
}

function state(g) {
  if (g.revoked) return 'revoked';
  const until = Date.parse(g.valid_until);
  if (!Number.isNaN(until) && until <= Date.now()) return 'expired';
  return 'active';
}

function scopeLabel(scope) {
  const key = `ag.scope.${scope}`;
  const s = t(key);
  return s === key ? String(scope) : s;
}

/* ------------------------------------------------------------------ lists */

async function load() {
  try {
    const answer = await apiGet('/api/v1/me/agents');
    granted = Array.isArray(answer && answer.granted) ? answer.granted : [];
    held = Array.isArray(answer && answer.held) ? answer.held : [];
    document.getElementById('agents-status').hidden = true;
    render();
  } catch (err) {
    if (onUnauthenticated(err)) return;
    say(t('ag.load.failed', { title: err.detail || err.title || String(err) }), true);
  }
}

/* Valid ones first, then the newest (the server's order). */
function ordered(list) {
  const rank = { active: 0, expired: 1, revoked: 2 };
  return list.map((g, i) => [g, i]).sort((a, b) => rank[state(a[0])] - rank[state(b[0])] || a[1] - b[1]).map(([g]) => g);
}

function render() {
  if (canGrant) renderList('granted', granted, grantedRow);
  if (canHold) renderList('held', held, heldRow);
}

function renderList(which, list, rowFn) {
  document.getElementById(`${which}-panel`).hidden = false;
  const status = document.getElementById(`${which}-status`);
  if (!status.dataset.message) {
    const active = list.filter((g) => state(g) === 'active').length;
    status.textContent = list.length ? t(`ag.${which}.count`, { n: list.length, active }) : t(`ag.${which}.empty`);
  }
  document.getElementById(`${which}-wrap`).hidden = list.length === 0;
  document.querySelector(`#${which}-table tbody`).replaceChildren(...ordered(list).map(rowFn));
}

/* A message that stays in a list's status line until the next render that replaces it. */
function listMessage(which, text, isProblem = false) {
  const status = document.getElementById(`${which}-status`);
  status.dataset.message = '1';
  status.textContent = text;
  status.classList.toggle('notice', isProblem);
}

function clearListMessage(which) {
  const status = document.getElementById(`${which}-status`);
  delete status.dataset.message;
  status.classList.remove('notice');
}

function grantedRow(g) {
  const name = g.agent_name || g.agent_username || '';
  return el(
    'tr',
    { 'data-grant': g.id, 'data-state': state(g), class: state(g) === 'active' ? null : 'is-disabled' },
    cell('ag.col.agent', el('span', {}, name, g.agent_username ? el('span', { class: 'who-sub' }, g.agent_username) : null)),
    cell('ag.f.scope', scopeLabel(g.scope)),
    cell('ag.col.period', period(g)),
    cell('ag.col.status', badge(g)),
    cell('ag.col.action', revokeButton('granted', g, name)),
  );
}

function heldRow(g) {
  const name = g.principal_name || '';
  return el(
    'tr',
    { 'data-grant': g.id, 'data-state': state(g), class: state(g) === 'active' ? null : 'is-disabled' },
    cell('ag.col.principal', name || t('common.none')),
    cell('ag.f.scope', scopeLabel(g.scope)),
    cell('ag.col.period', period(g)),
    cell('ag.col.id', el('code', { class: 'grant-id' }, g.id)),
    cell('ag.col.status', badge(g)),
    cell('ag.col.action', revokeButton('held', g, name)),
  );
}

function cell(key, content) {
  return el('td', { 'data-label': t(key) }, content);
}

/* 'from 至 until', each date kept on one line. */
function period(g) {
  return el('span', {}, el('span', { class: 'nowrap' }, firstDay(g)), ` ${t('ag.period.to')} `, el('span', { class: 'nowrap' }, lastDay(g)));
}

function badge(g) {
  const s = state(g);
  const cls = { active: 'badge-on', revoked: 'badge-off', expired: 'badge-muted' }[s];
  return el('span', { class: `badge ${cls}` }, t(`ag.state.${s}`));
}

function revokeButton(which, g, name) {
  if (state(g) !== 'active') return t('common.none');
  const button = el(
    'button',
    { type: 'button', class: 'btn btn-small btn-danger', 'aria-label': t(`ag.revoke.${which}.label`, { name }) },
    t('ag.revoke'),
  );
  button.addEventListener('click', () => revoke(which, g, name, button));
  return el('div', { class: 'row-actions' }, button);
}

async function revoke(which, g, name, button) {
  button.disabled = true;
  try {
    await api(`/api/v1/me/agents/${encodeURIComponent(g.id)}`, { method: 'DELETE' });
    g.revoked = true; // until the list comes again
    clearListMessage(which);
    await load();
    listMessage(which, t(`ag.revoked.${which}`, { name }));
    // The button is gone with its row's state; keep the keyboard in the list.
    const title = document.getElementById(`${which}-title`);
    title.tabIndex = -1;
    title.focus();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (onUnauthenticated(err)) return;
    button.disabled = false;
    listMessage(which, t('ag.failed', { title: err.detail || err.title }), true);
  }
}

/* ------------------------------------------------------------------ grant */

async function submit(ev) {
  ev.preventDefault();
  clearErrors(form);
  document.getElementById('grant-done').hidden = true;
  if (!checkRequired(form)) return;
  const v = formValues(form);
  const scope = (form.querySelector('input[name="scope"]:checked') || {}).value || '';
  const body = { agent_username: v.agent_username, scope, valid_until: v.valid_until };
  const done = setBusy(form);
  try {
    const answer = await api('/api/v1/me/agents', { method: 'POST', body });
    form.reset();
    const note = document.getElementById('grant-done');
    const until = answer && answer.valid_until ? lastDay(answer) : body.valid_until;
    note.textContent = t('ag.done', { agent: body.agent_username, scope: scopeLabel(scope), until });
    note.hidden = false;
    clearListMessage('granted');
    await load();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (!onUnauthenticated(err)) showProblem(form, err);
  }
  done();
}
