// seals.js - 电子印章 (permission seal.manage, the 安全管理员): the one
// seal of each organisation that signs its electronic licences
// (docs/licences.md "Seals").
//
// GET /api/v1/seals lists every seal, newest first, with its use count; the
// image is GET /api/v1/seals/{id}/image.png (drawn by the server, never
// uploaded). 制作印章 is POST /api/v1/seals {org} (409 seal_exists: the
// organisation has an active one; 422 org_no_credit_code). 轮换密钥 is
// POST .../rotate: a new key pair becomes the active seal, the old one is
// `rotated` and still verifies what it signed. 吊销 is POST .../revoke
// {reason} (the reason is required): the seal signs nothing more. Both ask
// first, in a dialog. 使用记录 pages through GET .../uses (at, kind,
// licence, case, user), newest first, with next_cursor.

import { api, apiGet, ApiError } from '../common/api.js';
import { formatTime, isoTime } from '../common/account-text.js';
import { clearErrors, setBusy, showFieldError, showAlert, showProblem } from '../common/forms.js';
import { addMessages, applyI18n, onLangChange, t } from '../common/i18n.js';
import { el } from '../common/layout.js';
import { eventLabel, sealStatusLabel } from '../common/licence-text.js';
import { LOGIN_PAGES, onUnauthenticated } from '../common/session.js';

export const id = 'seals';
export const permission = 'seal.manage';
export const titleKey = 'sl.title';

addMessages({
  'zh-CN': {
    'sl.title': '电子印章',
    'sl.lead': '一枚印章管审批：每个机构只有一枚启用的电子印章（SM2 密钥和印章图样），用于签发电子证照。私钥加密保存在服务器上，从不导出。轮换密钥后，原印章签发的证照仍然有效；吊销的印章不再签发任何证照。',
    'sl.new': '制作印章',
    'sl.create.title': '为机构制作电子印章',
    'sl.create.lead': '机构须已登记统一社会信用代码。一个机构同时只能有一枚启用的印章。',
    'sl.f.org': '机构',
    'sl.f.org.choose': '请选择机构',
    'sl.f.org.has': '{name}（已有启用的印章）',
    'sl.f.org.nocode': '{name}（未登记统一社会信用代码）',
    'sl.create.submit': '制作印章',
    'sl.cancel': '取消',
    'sl.created': '已为 {org} 制作电子印章。',
    'sl.table': '电子印章列表，最新的在前',
    'sl.c.image': '印章',
    'sl.c.org': '机构',
    'sl.c.status': '状态',
    'sl.c.fingerprint': '公钥指纹（SM3）',
    'sl.c.times': '时间',
    'sl.c.uses': '使用次数',
    'sl.c.actions': '操作',
    'sl.image.alt': '{org}电子印章图样',
    'sl.t.created': '制作：',
    'sl.t.rotated': '轮换：',
    'sl.t.revoked': '吊销：',
    'sl.t.reason': '原因：',
    'sl.uses.n': '{n} 次',
    'sl.loaded': '共 {n} 枚电子印章，其中 {active} 枚启用。',
    'sl.empty': '还没有电子印章。',
    'sl.view-uses': '使用记录',
    'sl.view-uses.label': '使用记录：{org}',
    'sl.rotate': '轮换密钥',
    'sl.rotate.label': '轮换密钥：{org}',
    'sl.revoke': '吊销',
    'sl.revoke.label': '吊销印章：{org}',
    'sl.rotate.title': '轮换 {org} 的印章密钥',
    'sl.rotate.text': '将生成新的密钥对并启用新印章，原印章改为“已轮换”：不再签发新证照，但它签发的证照仍然有效、可以核验。',
    'sl.rotate.go': '确认轮换',
    'sl.rotated': '已轮换 {org} 的印章密钥，新印章已启用。',
    'sl.revoke.title': '吊销 {org} 的电子印章',
    'sl.revoke.text': '吊销后该印章不再签发任何证照，该机构须重新制作印章才能继续签发。已签发的证照不会自动注销，如印章私钥泄露，请通知发证机关注销或重新签发相关证照。',
    'sl.revoke.reason': '吊销原因',
    'sl.revoke.reason.hint': '必填，记入审计日志，如“私钥疑似泄露”。',
    'sl.revoke.go': '确认吊销',
    'sl.revoked': '已吊销 {org} 的电子印章。',
    'sl.need.reason': '请填写吊销原因。',
    'sl.uses.title': '使用记录：{org}',
    'sl.uses.table': '印章使用记录，最新的在前',
    'sl.u.at': '时间',
    'sl.u.kind': '用途',
    'sl.u.licence': '证照编号',
    'sl.u.case': '办件编号',
    'sl.u.user': '操作人',
    'sl.uses.empty': '该印章还没有使用记录。',
    'sl.uses.more': '加载更多',
    'sl.uses.close': '关闭使用记录',
    'sl.uses.count': '已显示 {n} 条。',
  },
  en: {
    'sl.title': 'Electronic seals',
    'sl.lead': 'One seal for approvals: each organisation has one active electronic seal (an SM2 key and its image) that signs its electronic licences. The private key is kept encrypted on the server and never exported. After a key rotation the licences the old seal signed stay valid; a revoked seal signs nothing more.',
    'sl.new': 'Make a seal',
    'sl.create.title': 'Make an electronic seal for an organisation',
    'sl.create.lead': 'The organisation needs a unified social credit code. An organisation has one active seal at a time.',
    'sl.f.org': 'Organisation',
    'sl.f.org.choose': 'Choose an organisation',
    'sl.f.org.has': '{name} (has an active seal)',
    'sl.f.org.nocode': '{name} (no credit code)',
    'sl.create.submit': 'Make the seal',
    'sl.cancel': 'Cancel',
    'sl.created': 'Electronic seal made for {org}.',
    'sl.table': 'Electronic seals, newest first',
    'sl.c.image': 'Seal',
    'sl.c.org': 'Organisation',
    'sl.c.status': 'Status',
    'sl.c.fingerprint': 'Key fingerprint (SM3)',
    'sl.c.times': 'Times',
    'sl.c.uses': 'Uses',
    'sl.c.actions': 'Actions',
    'sl.image.alt': 'Electronic seal of {org}',
    'sl.t.created': 'Made: ',
    'sl.t.rotated': 'Rotated: ',
    'sl.t.revoked': 'Revoked: ',
    'sl.t.reason': 'Reason: ',
    'sl.uses.n': '{n}',
    'sl.loaded': '{n} electronic seals, {active} active.',
    'sl.empty': 'No electronic seals yet.',
    'sl.view-uses': 'Uses',
    'sl.view-uses.label': 'Uses: {org}',
    'sl.rotate': 'Rotate key',
    'sl.rotate.label': 'Rotate key: {org}',
    'sl.revoke': 'Revoke',
    'sl.revoke.label': 'Revoke seal: {org}',
    'sl.rotate.title': 'Rotate the seal key of {org}',
    'sl.rotate.text': 'A new key pair and a new active seal are made; the old seal becomes “rotated”: it signs nothing new, but the licences it signed stay valid and verifiable.',
    'sl.rotate.go': 'Rotate',
    'sl.rotated': 'The seal key of {org} is rotated; the new seal is active.',
    'sl.revoke.title': 'Revoke the electronic seal of {org}',
    'sl.revoke.text': 'A revoked seal signs nothing more; the organisation needs a new seal to issue licences again. Licences already issued are not revoked by this; if the key leaked, ask the issuing authority to revoke or re-issue them.',
    'sl.revoke.reason': 'Reason for revoking',
    'sl.revoke.reason.hint': 'Required; kept in the audit log, e.g. “private key may have leaked”.',
    'sl.revoke.go': 'Revoke',
    'sl.revoked': 'The electronic seal of {org} is revoked.',
    'sl.need.reason': 'Please give the reason.',
    'sl.uses.title': 'Uses: {org}',
    'sl.uses.table': 'Uses of the seal, newest first',
    'sl.u.at': 'When',
    'sl.u.kind': 'For',
    'sl.u.licence': 'Licence number',
    'sl.u.case': 'Case number',
    'sl.u.user': 'By',
    'sl.uses.empty': 'This seal has not been used yet.',
    'sl.uses.more': 'Load more',
    'sl.uses.close': 'Close the uses',
    'sl.uses.count': '{n} shown.',
  },
});

const HEAD = ['sl.c.image', 'sl.c.org', 'sl.c.status', 'sl.c.fingerprint', 'sl.c.times', 'sl.c.uses', 'sl.c.actions'];
const USE_HEAD = ['sl.u.at', 'sl.u.kind', 'sl.u.licence', 'sl.u.case', 'sl.u.user'];

let ui;

export function mount(section) {
  ui = { section, seals: null, orgs: [], uses: null };
  section.append(
    el(
      'div',
      { class: 'panel-head' },
      el('h2', { id: 'seals-title', class: 'panel-title', 'data-i18n': 'sl.title' }),
      el('button', { type: 'button', class: 'btn btn-primary', id: 'sl-new', 'aria-expanded': 'false', 'aria-controls': 'sl-create', 'data-i18n': 'sl.new' }),
    ),
    el('p', { class: 'panel-lead', 'data-i18n': 'sl.lead' }),
    createForm(),
    el('p', { class: 'section-status', role: 'status', id: 'sl-status' }),
    el(
      'div',
      { class: 'table-wrap', id: 'sl-list', tabindex: '0', role: 'region', 'aria-labelledby': 'sl-caption', hidden: true },
      el(
        'table',
        { class: 'data-table', id: 'sl-table' },
        el('caption', { id: 'sl-caption', class: 'visually-hidden', 'data-i18n': 'sl.table' }),
        el('thead', {}, el('tr', {}, ...HEAD.map((k) => el('th', { scope: 'col', 'data-i18n': k })))),
        el('tbody', {}),
      ),
    ),
    el('div', { id: 'sl-uses', class: 'subpanel seal-uses', role: 'region', 'aria-labelledby': 'sl-uses-title', tabindex: '-1', hidden: true }),
    rotateDialog(),
    revokeDialog(),
  );
  const newButton = section.querySelector('#sl-new');
  newButton.addEventListener('click', () => showCreate(section.querySelector('#sl-create').hidden));
  applyI18n(section);
  onLangChange(() => {
    if (ui.seals) {
      fillOrgs();
      renderTable();
    }
    if (ui.uses) renderUses();
  });
  load();
}

/* ------------------------------------------------------------ data */

async function load() {
  try {
    const [seals, orgs] = await Promise.all([apiGet('/api/v1/seals'), apiGet('/api/v1/orgs?view=list').catch(() => ({ orgs: [] }))]);
    ui.seals = Array.isArray(seals && seals.seals) ? seals.seals : [];
    ui.orgs = Array.isArray(orgs && orgs.orgs) ? orgs.orgs : [];
    fillOrgs();
    renderTable();
    sayCount();
  } catch (err) {
    failed(err);
  }
}

async function reload() {
  const answer = await apiGet('/api/v1/seals');
  ui.seals = Array.isArray(answer && answer.seals) ? answer.seals : [];
  fillOrgs();
  renderTable();
}

function failed(err) {
  if (onUnauthenticated(err, LOGIN_PAGES.admin)) return;
  say(t('admin.failed', { title: err.detail || err.title || String(err) }), true);
}

function say(text, isProblem = false) {
  const s = ui.section.querySelector('#sl-status');
  s.textContent = text;
  s.classList.toggle('notice', isProblem);
}

function sayCount() {
  const active = ui.seals.filter((s) => s.status === 'active').length;
  say(ui.seals.length ? t('sl.loaded', { n: ui.seals.length, active }) : t('sl.empty'));
}

function orgOf(s) {
  return (s.org && s.org.name) || (s.org && s.org.code) || '';
}

/* ------------------------------------------------------------ table */

function renderTable() {
  const tbody = ui.section.querySelector('#sl-table tbody');
  tbody.replaceChildren(...ui.seals.map(row));
  ui.section.querySelector('#sl-list').hidden = ui.seals.length === 0;
}

function row(s) {
  const org = orgOf(s);
  const img = el('img', { class: 'seal-img', src: `/api/v1/seals/${encodeURIComponent(s.id)}/image.png`, alt: t('sl.image.alt', { org }), width: 72, height: 72 });
  const times = el('dl', { class: 'seal-times' });
  const addTime = (key, value) => {
    if (value) times.append(el('dt', {}, t(key)), el('dd', {}, el('time', { datetime: isoTime(value) }, formatTime(value))));
  };
  addTime('sl.t.created', s.created_at);
  addTime('sl.t.rotated', s.rotated_at);
  addTime('sl.t.revoked', s.revoked_at);
  if (s.revoke_reason) times.append(el('dt', {}, t('sl.t.reason')), el('dd', { 'data-role': 'reason' }, s.revoke_reason));

  const actions = el('div', { class: 'row-actions' });
  const uses = el('button', { type: 'button', class: 'btn btn-secondary btn-small', 'aria-label': t('sl.view-uses.label', { org }), 'data-role': 'uses' }, t('sl.view-uses'));
  uses.addEventListener('click', () => openUses(s));
  actions.append(uses);
  if (s.status === 'active') {
    const rotate = el('button', { type: 'button', class: 'btn btn-secondary btn-small', 'aria-label': t('sl.rotate.label', { org }), 'data-role': 'rotate' }, t('sl.rotate'));
    rotate.addEventListener('click', () => askRotate(s, rotate));
    const revoke = el('button', { type: 'button', class: 'btn btn-danger btn-small', 'aria-label': t('sl.revoke.label', { org }), 'data-role': 'revoke' }, t('sl.revoke'));
    revoke.addEventListener('click', () => askRevoke(s, revoke));
    actions.append(rotate, revoke);
  }
  const badge = s.status === 'active' ? 'badge-on' : s.status === 'revoked' ? 'badge-off' : 'badge-muted';
  const cells = [
    img,
    el('div', {}, el('span', { class: 'seal-org' }, org), s.org && s.org.credit_code ? el('span', { class: 'who-sub client-id' }, s.org.credit_code) : null),
    el('span', { class: `badge ${badge}`, 'data-status': s.status }, sealStatusLabel(s.status)),
    el('code', { class: 'fingerprint', title: s.fingerprint || '' }, s.fingerprint || t('common.none')),
    times,
    t('sl.uses.n', { n: Number(s.uses) || 0 }),
    actions,
  ];
  return el('tr', { 'data-seal': s.id, 'data-org': (s.org && s.org.code) || '', class: s.status === 'active' ? null : 'is-disabled' }, ...cells.map((c, i) => el('td', { 'data-label': t(HEAD[i]) }, c)));
}

/* ------------------------------------------------------------ making a seal */

function createForm() {
  const form = el(
    'form',
    { id: 'sl-create', class: 'form subpanel', novalidate: true, hidden: true, 'aria-labelledby': 'sl-create-title' },
    el('h3', { id: 'sl-create-title', class: 'subpanel-title', 'data-i18n': 'sl.create.title' }),
    el('p', { class: 'form-note', 'data-i18n': 'sl.create.lead' }),
    el('div', { class: 'form-alert', role: 'alert', hidden: true }),
    el('div', { class: 'field' }, el('label', { for: 'sl-org', 'data-i18n': 'sl.f.org' }), el('select', { id: 'sl-org', name: 'org', required: true })),
    el(
      'div',
      { class: 'form-actions' },
      el('button', { type: 'submit', class: 'btn btn-primary', 'data-i18n': 'sl.create.submit' }),
      el('button', { type: 'button', class: 'btn btn-secondary', 'data-role': 'cancel', 'data-i18n': 'sl.cancel' }),
    ),
  );
  form.querySelector('[data-role="cancel"]').addEventListener('click', () => showCreate(false));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submitCreate(form);
  });
  return form;
}

function showCreate(open) {
  const form = ui.section.querySelector('#sl-create');
  const button = ui.section.querySelector('#sl-new');
  form.hidden = !open;
  button.setAttribute('aria-expanded', String(open));
  if (open) {
    form.querySelector('#sl-org').focus();
  } else {
    clearErrors(form);
    form.reset();
    button.focus();
  }
}

/* Organisations that can hold a seal (not regions), those with an active seal or without a credit code marked. */
function fillOrgs() {
  const select = ui.section.querySelector('#sl-org');
  const value = select.value;
  const withSeal = new Set(ui.seals.filter((s) => s.status === 'active' && s.org).map((s) => s.org.code));
  const orgs = ui.orgs.filter((o) => o.kind !== 'region');
  select.replaceChildren(
    el('option', { value: '' }, t('sl.f.org.choose')),
    ...orgs.map((o) => {
      const has = withSeal.has(o.code);
      const noCode = 'credit_code' in o && !o.credit_code;
      const text = has ? t('sl.f.org.has', { name: o.name }) : noCode ? t('sl.f.org.nocode', { name: o.name }) : o.name;
      return el('option', { value: o.code, disabled: has || noCode }, text);
    }),
  );
  select.value = value;
}

async function submitCreate(form) {
  clearErrors(form);
  const org = form.querySelector('#sl-org').value;
  if (!org) {
    showFieldError(form, 'org', t('form.required'));
    showAlert(form, t('form.check'));
    form.querySelector('#sl-org').focus();
    return;
  }
  const done = setBusy(form);
  try {
    const seal = await api('/api/v1/seals', { method: 'POST', body: { org } });
    done();
    showCreate(false);
    await reload();
    say(t('sl.created', { org: orgOf(seal || {}) || org }));
    return;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (!onUnauthenticated(err, LOGIN_PAGES.admin)) showProblem(form, err);
  }
  done();
}

/* ------------------------------------------------------------ rotate and revoke */

function rotateDialog() {
  const dialog = el(
    'dialog',
    { id: 'sl-rotate', class: 'dialog', 'aria-labelledby': 'sl-rotate-title' },
    el(
      'form',
      { class: 'form', novalidate: true },
      el('h3', { id: 'sl-rotate-title', class: 'subpanel-title' }),
      el('p', { 'data-i18n': 'sl.rotate.text' }),
      el('div', { class: 'form-alert', role: 'alert', hidden: true }),
      el(
        'div',
        { class: 'form-actions' },
        el('button', { type: 'submit', class: 'btn btn-primary', 'data-i18n': 'sl.rotate.go' }),
        el('button', { type: 'button', class: 'btn btn-secondary', 'data-role': 'cancel', 'data-i18n': 'sl.cancel' }),
      ),
    ),
  );
  dialog.querySelector('[data-role="cancel"]').addEventListener('click', () => dialog.close());
  return dialog;
}

function revokeDialog() {
  const dialog = el(
    'dialog',
    { id: 'sl-revoke', class: 'dialog', 'aria-labelledby': 'sl-revoke-title' },
    el(
      'form',
      { class: 'form', novalidate: true },
      el('h3', { id: 'sl-revoke-title', class: 'subpanel-title' }),
      el('p', { 'data-i18n': 'sl.revoke.text' }),
      el('div', { class: 'form-alert', role: 'alert', hidden: true }),
      el(
        'div',
        { class: 'field' },
        el('label', { for: 'sl-revoke-reason' }, el('span', { 'data-i18n': 'sl.revoke.reason' }), el('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
        el('textarea', { id: 'sl-revoke-reason', name: 'reason', rows: 3, maxlength: 200, required: true, 'aria-describedby': 'sl-revoke-reason-hint' }),
        el('p', { class: 'field-hint', id: 'sl-revoke-reason-hint', 'data-i18n': 'sl.revoke.reason.hint' }),
      ),
      el(
        'div',
        { class: 'form-actions' },
        el('button', { type: 'submit', class: 'btn btn-danger', 'data-i18n': 'sl.revoke.go' }),
        el('button', { type: 'button', class: 'btn btn-secondary', 'data-role': 'cancel', 'data-i18n': 'sl.cancel' }),
      ),
    ),
  );
  dialog.querySelector('[data-role="cancel"]').addEventListener('click', () => dialog.close());
  return dialog;
}

/* Open dialog for seal s; onSubmit(form) does the work and returns true when the dialog may close. */
function ask(dialogId, titleKey, s, opener, onSubmit) {
  const dialog = ui.section.querySelector(`#${dialogId}`);
  const form = dialog.querySelector('form');
  clearErrors(form);
  form.reset();
  dialog.querySelector('h3').textContent = t(titleKey, { org: orgOf(s) });
  form.onsubmit = async (e) => {
    e.preventDefault();
    clearErrors(form);
    const done = setBusy(form);
    let ok = false;
    try {
      ok = await onSubmit(form);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (!onUnauthenticated(err, LOGIN_PAGES.admin)) showProblem(form, err);
    }
    done();
    if (ok) dialog.close();
  };
  dialog.addEventListener(
    'close',
    () => {
      // The row was drawn again: go back to the same seal's row, or the list.
      const again = ui.section.querySelector(`tr[data-seal="${CSS.escape(String(s.id))}"] button[data-role="uses"]`);
      (again && again.isConnected ? again : opener.isConnected ? opener : ui.section.querySelector('#sl-new')).focus();
    },
    { once: true },
  );
  dialog.showModal();
}

function askRotate(s, opener) {
  ask('sl-rotate', 'sl.rotate.title', s, opener, async () => {
    await api(`/api/v1/seals/${encodeURIComponent(s.id)}/rotate`, { method: 'POST', body: {} });
    await reload();
    say(t('sl.rotated', { org: orgOf(s) }));
    return true;
  });
}

function askRevoke(s, opener) {
  ask('sl-revoke', 'sl.revoke.title', s, opener, async (form) => {
    const reason = form.querySelector('[name="reason"]').value.trim();
    if (!reason) {
      showFieldError(form, 'reason', t('sl.need.reason'));
      showAlert(form, t('form.check'));
      form.querySelector('[name="reason"]').focus();
      return false;
    }
    await api(`/api/v1/seals/${encodeURIComponent(s.id)}/revoke`, { method: 'POST', body: { reason } });
    await reload();
    say(t('sl.revoked', { org: orgOf(s) }));
    return true;
  });
}

/* ------------------------------------------------------------ the use log */

async function openUses(s) {
  ui.uses = { seal: s, list: [], next: null, loading: false };
  await moreUses();
  const box = ui.section.querySelector('#sl-uses');
  box.hidden = false;
  box.focus();
  box.scrollIntoView({ block: 'nearest' });
}

async function moreUses() {
  const u = ui.uses;
  if (!u || u.loading) return;
  u.loading = true;
  try {
    const q = u.next ? `?cursor=${encodeURIComponent(u.next)}` : '';
    const answer = await apiGet(`/api/v1/seals/${encodeURIComponent(u.seal.id)}/uses${q}`);
    u.list.push(...(Array.isArray(answer && answer.uses) ? answer.uses : []));
    u.next = (answer && answer.next_cursor) || null;
  } catch (err) {
    failed(err);
  } finally {
    u.loading = false;
  }
  renderUses();
}

function userText(user) {
  if (!user) return t('common.none');
  if (typeof user === 'object') return user.name || user.username || String(user.id ?? '');
  return String(user);
}

function renderUses() {
  const u = ui.uses;
  const box = ui.section.querySelector('#sl-uses');
  const org = orgOf(u.seal);
  const close = el('button', { type: 'button', class: 'btn btn-secondary btn-small', 'data-role': 'close-uses' }, t('sl.uses.close'));
  close.addEventListener('click', () => {
    box.hidden = true;
    const opener = ui.section.querySelector(`tr[data-seal="${CSS.escape(String(u.seal.id))}"] button[data-role="uses"]`);
    ui.uses = null;
    if (opener) opener.focus();
  });
  const table = u.list.length
    ? el(
        'div',
        { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'sl-uses-caption' },
        el(
          'table',
          { class: 'data-table', id: 'sl-uses-table' },
          el('caption', { id: 'sl-uses-caption', class: 'visually-hidden' }, t('sl.uses.table')),
          el('thead', {}, el('tr', {}, ...USE_HEAD.map((k) => el('th', { scope: 'col' }, t(k))))),
          el(
            'tbody',
            {},
            ...u.list.map((x) => {
              const cells = [
                el('time', { datetime: isoTime(x.at) }, formatTime(x.at)),
                eventLabel(x.kind),
                x.licence_no ? el('span', { class: 'lic-no' }, x.licence_no) : t('common.none'),
                x.case_no || t('common.none'),
                userText(x.user),
              ];
              return el('tr', { 'data-kind': x.kind }, ...cells.map((c, i) => el('td', { 'data-label': t(USE_HEAD[i]) }, c)));
            }),
          ),
        ),
      )
    : el('p', { class: 'empty-note' }, t('sl.uses.empty'));
  const more = el('button', { type: 'button', class: 'btn btn-secondary btn-small', 'data-role': 'more-uses', hidden: !u.next }, t('sl.uses.more'));
  more.addEventListener('click', moreUses);
  box.replaceChildren(
    el('div', { class: 'seal-uses-head' }, el('h3', { id: 'sl-uses-title', class: 'subpanel-title' }, t('sl.uses.title', { org })), close),
    table,
    el('div', { class: 'form-actions' }, u.list.length ? el('span', { class: 'who-sub' }, t('sl.uses.count', { n: u.list.length })) : '', more),
  );
}
