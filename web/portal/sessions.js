// sessions.js - 登录设备: the account's live sessions, the current one
// marked; end any other, or log out of this one.
//
// GET /api/v1/me/sessions lists them; DELETE /api/v1/me/sessions/{id} ends
// one; the current session ends through logout (DELETE
// /api/v1/sessions/current), which also clears the cookie.

import { api, apiGet, ApiError } from '../common/api.js';
import { formatTime, isoTime } from '../common/account-text.js';
import { addMessages, onLangChange, t } from '../common/i18n.js';
import { el } from '../common/layout.js';
import { onUnauthenticated } from '../common/session.js';
import { portalLogout, startPortalPage } from './portal.js';

addMessages({
  'zh-CN': {
    'sess.title': '登录设备 · 办事门户 · 一网通办',
    'sess.heading': '登录设备',
    'sess.list': '我的登录会话',
    'sess.table': '登录会话列表',
    'sess.lead': '下面是您的账号当前有效的登录。如有不认识的设备，请结束该会话并修改密码。',
    'sess.col.created': '登录时间',
    'sess.col.seen': '最近活动',
    'sess.col.expires': '最迟到期',
    'sess.col.ip': 'IP 地址',
    'sess.col.agent': '浏览器',
    'sess.col.action': '操作',
    'sess.current': '当前会话',
    'sess.end': '结束会话',
    'sess.end.label': '结束会话：{time} 登录',
    'sess.ended': '已结束 {time} 登录的会话。',
    'sess.empty': '没有有效的会话。',
    'sess.failed': '操作未成功：{title}',
  },
  en: {
    'sess.title': 'Sessions · Service Portal · tongban',
    'sess.heading': 'Sessions',
    'sess.list': 'My sessions',
    'sess.table': 'List of sessions',
    'sess.lead': 'These are the current logins of your account. If you do not recognise one, end it and change your password.',
    'sess.col.created': 'Logged in',
    'sess.col.seen': 'Last active',
    'sess.col.expires': 'Expires at the latest',
    'sess.col.ip': 'IP address',
    'sess.col.agent': 'Browser',
    'sess.col.action': 'Action',
    'sess.current': 'This session',
    'sess.end': 'End session',
    'sess.end.label': 'End session: started {time}',
    'sess.ended': 'The session started {time} has ended.',
    'sess.empty': 'No active sessions.',
    'sess.failed': 'That did not work: {title}',
  },
});

let sessions = [];

init();

async function init() {
  const account = await startPortalPage({ needAccount: true });
  if (!account) return;
  document.getElementById('logout').addEventListener('click', portalLogout);
  onLangChange(render);
  await load();
}

function status() {
  return document.getElementById('sessions-status');
}

/* Put text in the status line (role=status, read out politely). */
function say(text, isProblem = false) {
  const line = status();
  line.classList.remove('loading');
  line.classList.toggle('notice', isProblem);
  line.classList.toggle('notice-ok', !isProblem);
  line.textContent = text;
  line.hidden = false;
}

async function load() {
  try {
    const answer = await apiGet('/api/v1/me/sessions');
    sessions = Array.isArray(answer && answer.sessions) ? answer.sessions : [];
    render();
  } catch (err) {
    if (onUnauthenticated(err)) return;
    say(t('sess.failed', { title: err.title || String(err) }), true);
  }
}

/* The table, or the "no sessions" line. Messages in the status line stay. */
function render() {
  if (!sessions.length) say(t('sess.empty'));
  else if (status().classList.contains('loading')) status().hidden = true;
  document.getElementById('sessions-wrap').hidden = sessions.length === 0;
  // Current first, then the most recently active.
  const rows = [...sessions].sort((a, b) => Number(b.current) - Number(a.current) || String(b.last_seen_at).localeCompare(String(a.last_seen_at)));
  document.querySelector('#sessions-table tbody').replaceChildren(...rows.map(row));
}

function row(s) {
  const created = formatTime(s.created_at);
  let action;
  if (s.current) {
    action = el('span', { class: 'badge badge-current' }, t('sess.current'));
  } else {
    action = el('button', { type: 'button', class: 'btn btn-small btn-danger', 'aria-label': t('sess.end.label', { time: created }) }, t('sess.end'));
    action.addEventListener('click', () => endSession(s, action));
  }
  return el(
    'tr',
    { class: s.current ? 'is-current' : null, 'data-session': s.id },
    cell('sess.col.created', timeEl(s.created_at)),
    cell('sess.col.seen', timeEl(s.last_seen_at)),
    cell('sess.col.expires', timeEl(s.expires_at)),
    cell('sess.col.ip', s.ip || t('common.none')),
    cell('sess.col.agent', el('span', { class: 'agent' }, s.user_agent || t('common.none'))),
    cell('sess.col.action', action),
  );
}

/* A cell that carries its column name for the phone layout (stacked rows). */
function cell(key, content) {
  return el('td', { 'data-label': t(key) }, content);
}

function timeEl(v) {
  return el('time', { datetime: isoTime(v) }, formatTime(v));
}

async function endSession(s, button) {
  button.disabled = true;
  try {
    await api(`/api/v1/me/sessions/${encodeURIComponent(s.id)}`, { method: 'DELETE' });
    sessions = sessions.filter((x) => x.id !== s.id);
    render();
    say(t('sess.ended', { time: formatTime(s.created_at) }));
    document.getElementById('logout').focus(); // the row and its button are gone
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (onUnauthenticated(err)) return;
    button.disabled = false;
    say(t('sess.failed', { title: err.detail || err.title }), true);
  }
}
