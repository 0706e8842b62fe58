// messages.js - 我的消息: the caller's in-app messages, for every front end
// (the portal's messages.html today; the hall and the office can mount the
// same list with their own case page).
//
// Two parts:
//   - mountMessages(container, { caseHref }): the list from
//     GET /api/v1/me/notifications, newest first, 20 a page, with an
//     "only unread" filter; unread messages are marked in text (未读) and
//     by weight, each has 标为已读, and 全部标为已读 marks the rest
//     (POST /api/v1/me/notifications/read). A message about a case links to
//     the case page: caseHref is a pattern such as 'cases.html?id={id}'
//     ({id}: the case's public id, {case_no}: its number). Opening the link
//     of an unread message marks it read first.
//   - mountMessagesLink(nav, { href }): a 我的消息 link in a page menu with
//     a badge counting the unread messages; it follows every change the
//     list makes (the 'tb:unread' event on window).
// Contract: docs/cases.md "Notifications". Text lives in the tables below.

import { api, apiGet, ApiError } from './api.js';
import { formatTime, isoTime } from './account-text.js';
import { addMessages, applyI18n, onLangChange, t } from './i18n.js';
import { el } from './layout.js';
import { onUnauthenticated } from './session.js';

addMessages({
  'zh-CN': {
    'msg.nav': '我的消息',
    'msg.nav.unread': '（{n} 条未读）',
    'msg.filter': '筛选消息',
    'msg.only-unread': '只看未读消息',
    'msg.read-all': '全部标为已读',
    'msg.read-one': '标为已读',
    'msg.read-one.label': '将消息“{title}”标为已读',
    'msg.unread': '未读',
    'msg.list': '消息列表，最新的在前',
    'msg.count': '共 {total} 条消息，其中 {unread} 条未读。',
    'msg.count.unread': '共 {unread} 条未读消息。',
    'msg.empty': '暂无消息。办件状态有变化时，这里会收到通知。',
    'msg.empty.unread': '没有未读消息。',
    'msg.case': '查看办件 {no}',
    'msg.page': '第 {page} / {pages} 页',
    'msg.prev': '上一页',
    'msg.next': '下一页',
    'msg.pager': '消息翻页',
    'msg.done.all': '已将 {n} 条消息标为已读。',
    'msg.done.one': '已标为已读。',
    'msg.failed': '无法读取消息：{title}',
    'msg.mark.failed': '操作未成功：{title}',
  },
  en: {
    'msg.nav': 'Messages',
    'msg.nav.unread': ' ({n} unread)',
    'msg.filter': 'Filter messages',
    'msg.only-unread': 'Unread messages only',
    'msg.read-all': 'Mark all as read',
    'msg.read-one': 'Mark as read',
    'msg.read-one.label': 'Mark the message “{title}” as read',
    'msg.unread': 'Unread',
    'msg.list': 'Messages, newest first',
    'msg.count': '{total} messages, {unread} unread.',
    'msg.count.unread': '{unread} unread messages.',
    'msg.empty': 'No messages yet. You will be told here when a case changes.',
    'msg.empty.unread': 'No unread messages.',
    'msg.case': 'Open case {no}',
    'msg.page': 'Page {page} of {pages}',
    'msg.prev': 'Previous',
    'msg.next': 'Next',
    'msg.pager': 'Message pages',
    'msg.done.all': '{n} messages marked as read.',
    'msg.done.one': 'Marked as read.',
    'msg.failed': 'Could not read the messages: {title}',
    'msg.mark.failed': 'That did not work: {title}',
  },
});

const PAGE_SIZE = 20;
const LIST_PATH = '/api/v1/me/notifications';
const READ_PATH = '/api/v1/me/notifications/read';
const UNREAD_EVENT = 'tb:unread';

/* Tell every badge on the page the new unread count. */
function announceUnread(n) {
  window.dispatchEvent(new CustomEvent(UNREAD_EVENT, { detail: { unread: n } }));
}

/* The case page of c from a pattern with {id} and {case_no}. */
function caseLink(pattern, c) {
  return pattern.replace(/\{(id|case_no)\}/g, (m, k) => encodeURIComponent(c[k] || ''));
}

/* ------------------------------------------------------------- the list */

/*
 * Render the caller's messages into container (its children are replaced).
 * options.caseHref: the case page pattern (default 'cases.html?id={id}').
 * Returns { reload }.
 */
export function mountMessages(container, { caseHref = 'cases.html?id={id}' } = {}) {
  const state = { page: 0, onlyUnread: false, answer: null };

  const unreadBox = el('input', { type: 'checkbox', id: 'msg-only-unread', name: 'unread' });
  const toolbar = el(
    'div',
    { class: 'msg-toolbar', role: 'group', 'data-i18n-attr': 'aria-label:msg.filter' },
    el('label', { class: 'check', for: 'msg-only-unread' }, unreadBox, el('span', { 'data-i18n': 'msg.only-unread' })),
    el('button', { type: 'button', id: 'msg-read-all', class: 'btn btn-secondary btn-small', 'data-i18n': 'msg.read-all' }),
  );
  const readAll = toolbar.querySelector('#msg-read-all');
  const status = el('p', { id: 'msg-status', class: 'section-status', role: 'status' }, t('common.loading'));
  const list = el('ol', { id: 'msg-list', class: 'msg-list', tabindex: '-1', 'data-i18n-attr': 'aria-label:msg.list' });
  const pager = el('nav', { class: 'msg-pager', id: 'msg-pager', 'data-i18n-attr': 'aria-label:msg.pager', hidden: true });
  container.replaceChildren(toolbar, status, list, pager);
  applyI18n(container);

  unreadBox.addEventListener('change', () => {
    state.onlyUnread = unreadBox.checked;
    state.page = 0;
    load();
  });
  readAll.addEventListener('click', () => markRead({ all: true }, null));
  onLangChange(render);

  function say(text, isProblem = false) {
    status.classList.toggle('notice', isProblem);
    status.textContent = text;
  }

  async function load() {
    const q = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(state.page * PAGE_SIZE) });
    if (state.onlyUnread) q.set('unread', 'true');
    try {
      state.answer = await apiGet(`${LIST_PATH}?${q}`);
      // past the end after messages were marked (unread filter): step back
      if (state.answer.notifications.length === 0 && state.page > 0) {
        state.page = Math.max(0, Math.ceil(state.answer.total / PAGE_SIZE) - 1);
        return load();
      }
      announceUnread(state.answer.unread);
      render();
    } catch (err) {
      if (onUnauthenticated(err)) return;
      if (!(err instanceof ApiError)) throw err;
      say(t('msg.failed', { title: err.title }), true);
    }
  }

  function render() {
    const a = state.answer;
    if (!a) return;
    const items = a.notifications || [];
    if (items.length === 0) say(t(state.onlyUnread ? 'msg.empty.unread' : 'msg.empty'));
    else if (state.onlyUnread) say(t('msg.count.unread', { unread: a.unread }));
    else say(t('msg.count', { total: a.total, unread: a.unread }));
    list.hidden = items.length === 0;
    list.replaceChildren(...items.map(item));
    // Keep focus somewhere sensible when the focused button goes away.
    if (a.unread === 0 && document.activeElement === readAll) focusList();
    readAll.disabled = a.unread === 0;
    renderPager(a.total);
  }

  /* Focus the list, or the filter when the list is empty. */
  function focusList() {
    if (list.hidden) unreadBox.focus();
    else list.focus();
  }

  function item(n) {
    const unread = !n.read_at;
    const title = el('h3', { class: 'msg-title' }, n.title);
    const meta = el(
      'p',
      { class: 'msg-meta' },
      unread ? el('span', { class: 'badge badge-current msg-unread' }, t('msg.unread')) : null,
      el('time', { datetime: isoTime(n.created_at) }, formatTime(n.created_at)),
    );
    const actions = el('p', { class: 'msg-actions' });
    if (n.case) {
      const href = caseLink(caseHref, n.case);
      const link = el('a', { href }, t('msg.case', { no: n.case.case_no }));
      if (unread) {
        link.addEventListener('click', async (ev) => {
          if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
          ev.preventDefault();
          try {
            await api(READ_PATH, { method: 'POST', body: { ids: [n.id] }, timeoutMs: 3000 });
          } catch {
            /* the case page is what the user asked for; the mark can wait */
          }
          window.location.assign(href);
        });
      }
      actions.append(link);
    }
    if (unread) {
      const b = el('button', { type: 'button', class: 'btn btn-secondary btn-small', 'aria-label': t('msg.read-one.label', { title: n.title }) }, t('msg.read-one'));
      b.addEventListener('click', () => markRead({ ids: [n.id] }, n.id));
      actions.append(b);
    }
    return el(
      'li',
      { class: unread ? 'msg is-unread' : 'msg', 'data-id': n.id, tabindex: '-1' },
      title,
      meta,
      el('p', { class: 'msg-body' }, n.body),
      actions.childNodes.length ? actions : null,
    );
  }

  function renderPager(total) {
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    pager.hidden = pages <= 1;
    if (pages <= 1) {
      pager.replaceChildren();
      return;
    }
    const prev = el('button', { type: 'button', class: 'btn btn-secondary btn-small', disabled: state.page === 0 }, t('msg.prev'));
    const next = el('button', { type: 'button', class: 'btn btn-secondary btn-small', disabled: state.page >= pages - 1 }, t('msg.next'));
    prev.addEventListener('click', () => turn(-1));
    next.addEventListener('click', () => turn(1));
    pager.replaceChildren(prev, el('span', {}, t('msg.page', { page: state.page + 1, pages })), next);
  }

  async function turn(step) {
    state.page += step;
    await load();
    focusList();
  }

  /* Mark messages read; id: the one message (focus goes back to it), or null for all. */
  async function markRead(body, id) {
    readAll.disabled = true;
    try {
      const answer = await api(READ_PATH, { method: 'POST', body });
      await load();
      say(id === null ? t('msg.done.all', { n: answer.marked }) : t('msg.done.one'));
      const row = id === null ? null : list.querySelector(`li[data-id="${id}"]`);
      if (row) row.focus();
      else focusList();
    } catch (err) {
      if (onUnauthenticated(err)) return;
      if (!(err instanceof ApiError)) throw err;
      readAll.disabled = false;
      say(t('msg.mark.failed', { title: err.detail || err.title }), true);
    }
  }

  load();
  return { reload: load };
}

/* ------------------------------------------------------------- the menu link */

/*
 * Add (or find) the 我的消息 link in nav and keep a badge of the unread
 * count on it. current: the link is the page's own (aria-current).
 */
export function mountMessagesLink(nav, { href = 'messages.html', after = 'a[href="cases.html"]', current = false } = {}) {
  if (!nav) return;
  let link = nav.querySelector(`a[href="${href}"]`);
  if (!link) {
    link = el('a', { href, 'aria-current': current ? 'page' : null });
    const before = nav.querySelector(after);
    if (before) before.after(link);
    else nav.append(link);
  }
  link.removeAttribute('data-i18n'); // its text is painted here, with the badge
  let unread = 0;
  const paint = () => {
    link.replaceChildren(t('msg.nav'));
    if (unread > 0) {
      link.append(' ', el('span', { class: 'badge badge-current msg-count', 'aria-hidden': 'true' }, unread > 99 ? '99+' : String(unread)));
      link.append(el('span', { class: 'visually-hidden' }, t('msg.nav.unread', { n: unread })));
    }
  };
  paint();
  onLangChange(paint);
  window.addEventListener(UNREAD_EVENT, (ev) => {
    unread = ev.detail.unread;
    paint();
  });
  apiGet(`${LIST_PATH}?unread=true&limit=1`)
    .then((a) => {
      unread = a.unread;
      paint();
    })
    .catch(() => {
      /* the link works without its count */
    });
}
