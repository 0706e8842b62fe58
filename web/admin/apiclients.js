// apiclients.js - 接口客户端 (permission apiclient.manage, the 系统管理员):
// the department systems that call the platform's API.
//
// GET /api/v1/api-clients lists them (never a secret; scopes come as one
// space-separated string); POST /api/v1/api-clients {name, org_id?, scopes}
// creates one and answers {id, client_id, secret, ...}: the only time the
// secret exists outside the caller's hands (the server keeps its HMAC). The
// page shows it once, in a marked box with a copy button, holds it nowhere
// else (no storage, no variable after the box is closed) and so a reload
// loses it for good. PATCH /api/v1/api-clients/{id} {status} disables or
// enables a client. Organisations for the optional 所属机构 come from GET
// /api/v1/orgs/all (staff.manage, which the system administrator also
// holds); without it the choice is just "none".

import { api, apiGet, ApiError } from '../common/api.js';
import { formatTime, isoTime, statusLabel } from '../common/account-text.js';
import { checkRequired, clearErrors, formValues, setBusy, showAlert, showFieldError, showProblem } from '../common/forms.js';
import { addMessages, applyI18n, onLangChange, t } from '../common/i18n.js';
import { el } from '../common/layout.js';
import { LOGIN_PAGES, onUnauthenticated } from '../common/session.js';

export const id = 'apiclients';
export const permission = 'apiclient.manage';
export const titleKey = 'ac.title';

/* Scopes an API client may hold (docs/accounts.md), in the order offered. */
export const SCOPES = Object.freeze(['licence.query', 'case.read', 'case.push']);

addMessages({
  'zh-CN': {
    'ac.title': '接口客户端',
    'ac.lead':
      '为调用平台接口的部门业务系统创建客户端编号和密钥，授予其所需的接口权限，停用或启用客户端。部门系统以 Authorization: Bearer 客户端编号.密钥 调用接口。',
    'ac.new': '新建接口客户端',
    'ac.create.title': '新建接口客户端',
    'ac.create.submit': '创建客户端',
    'ac.cancel': '取消',
    'ac.optional': '（可选）',
    'ac.f.name': '系统名称',
    'ac.f.name.hint': '调用接口的部门业务系统，如“市场监管登记系统”。',
    'ac.f.org': '所属机构',
    'ac.f.org.none': '不指定机构',
    'ac.f.scopes': '接口权限',
    'ac.f.scopes.pick': '请至少选择一项接口权限。',
    'ac.f.client_id': '客户端编号',
    'ac.f.status': '状态',
    'ac.f.created': '创建时间',
    'ac.f.actions': '操作',
    'ac.scope.licence.query': '证照查询',
    'ac.scope.case.read': '办件查询',
    'ac.scope.case.push': '办件推送',
    'ac.table': '接口客户端列表',
    'ac.secret.title': '请立即保存客户端密钥',
    'ac.secret.once': '密钥只显示这一次。',
    'ac.secret.warn': '离开或刷新本页后无法再次查看，平台也不保存密钥原文；如果遗失，只能停用该客户端并新建一个。',
    'ac.secret.label': '客户端密钥',
    'ac.secret.copy': '复制密钥',
    'ac.secret.copied': '密钥已复制到剪贴板。',
    'ac.secret.copy.failed': '无法自动复制。密钥已选中，请按 Ctrl+C（手机上长按）复制。',
    'ac.secret.hint': '部门系统调用接口时发送请求头 Authorization: Bearer 客户端编号.密钥',
    'ac.secret.done': '我已保存密钥，关闭',
    'ac.created': '已创建接口客户端 {name}，请立即保存上方显示的密钥。',
    'ac.disable': '停用',
    'ac.enable': '启用',
    'ac.disable.label': '停用：{name}',
    'ac.enable.label': '启用：{name}',
    'ac.disabled': '已停用接口客户端 {name}，它的请求将被拒绝。',
    'ac.enabled': '已启用接口客户端 {name}。',
    'ac.empty': '还没有接口客户端。',
    'ac.loaded': '共 {n} 个接口客户端。',
  },
  en: {
    'ac.title': 'API clients',
    'ac.lead':
      'Create a client ID and secret for each department system that calls the platform API, grant it the scopes it needs, disable or enable it. Department systems call with Authorization: Bearer client_id.secret.',
    'ac.new': 'New API client',
    'ac.create.title': 'New API client',
    'ac.create.submit': 'Create client',
    'ac.cancel': 'Cancel',
    'ac.optional': '(optional)',
    'ac.f.name': 'System name',
    'ac.f.name.hint': 'The department system that calls the API, e.g. "Market registration system".',
    'ac.f.org': 'Organisation',
    'ac.f.org.none': 'No organisation',
    'ac.f.scopes': 'Scopes',
    'ac.f.scopes.pick': 'Choose at least one scope.',
    'ac.f.client_id': 'Client ID',
    'ac.f.status': 'Status',
    'ac.f.created': 'Created',
    'ac.f.actions': 'Actions',
    'ac.scope.licence.query': 'Licence query',
    'ac.scope.case.read': 'Case query',
    'ac.scope.case.push': 'Case push',
    'ac.table': 'List of API clients',
    'ac.secret.title': 'Save the client secret now',
    'ac.secret.once': 'The secret is shown this once only.',
    'ac.secret.warn':
      'After you leave or reload this page it cannot be shown again, and the platform does not keep it; if it is lost, disable this client and create a new one.',
    'ac.secret.label': 'Client secret',
    'ac.secret.copy': 'Copy secret',
    'ac.secret.copied': 'The secret is copied to the clipboard.',
    'ac.secret.copy.failed': 'Could not copy automatically; the secret is selected, press Ctrl+C (or long-press) to copy it.',
    'ac.secret.hint': 'The department system sends the header Authorization: Bearer client_id.secret',
    'ac.secret.done': 'I have saved the secret, close',
    'ac.created': 'API client {name} created. Save the secret shown above now.',
    'ac.disable': 'Disable',
    'ac.enable': 'Enable',
    'ac.disable.label': 'Disable: {name}',
    'ac.enable.label': 'Enable: {name}',
    'ac.disabled': 'API client {name} is disabled; its requests will be refused.',
    'ac.enabled': 'API client {name} is enabled.',
    'ac.empty': 'No API clients yet.',
    'ac.loaded': 'API clients: {n}.',
  },
});

/* Label of a scope name; an unknown one shows as itself. */
export function scopeLabel(scope) {
  const key = `ac.scope.${scope}`;
  const s = t(key);
  return s === key ? String(scope) : s;
}

/* The scopes of a client as a list, whether the API sent a string or an array. */
function scopeList(scopes) {
  if (Array.isArray(scopes)) return scopes.map(String);
  return String(scopes || '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

/* Fill section from its template and load the data. */
export function mount(section) {
  section.append(document.getElementById('tpl-apiclients').content.cloneNode(true));
  const ui = {
    section,
    status: section.querySelector('[data-role="status"]'),
    create: section.querySelector('#ac-create'),
    newButton: section.querySelector('[data-role="new"]'),
    tbody: section.querySelector('#ac-table tbody'),
    secret: section.querySelector('[data-role="secret"]'),
    clients: [],
    orgs: [],
  };
  fillScopes(ui);
  fillOrgs(ui);
  wire(ui);
  onLangChange(() => {
    fillOrgs(ui);
    renderScopeLabels(ui);
    renderTable(ui);
  });
  load(ui);
}

/* ------------------------------------------------------------------ data */

async function load(ui) {
  try {
    const [clients, orgs] = await Promise.all([
      apiGet('/api/v1/api-clients'),
      // Only for the names of organisations: a refusal leaves "none" to choose.
      apiGet('/api/v1/orgs/all').catch((err) => {
        if (err instanceof ApiError && err.status === 403) return { orgs: [] };
        throw err;
      }),
    ]);
    ui.clients = Array.isArray(clients && clients.clients) ? clients.clients : [];
    ui.orgs = Array.isArray(orgs && orgs.orgs) ? orgs.orgs : [];
    fillOrgs(ui);
    renderTable(ui);
    say(ui, ui.clients.length ? t('ac.loaded', { n: ui.clients.length }) : t('ac.empty'));
  } catch (err) {
    failed(ui, err);
  }
}

/* The list again, after a change whose answer does not carry the whole client. */
async function reload(ui) {
  const answer = await apiGet('/api/v1/api-clients');
  ui.clients = Array.isArray(answer && answer.clients) ? answer.clients : [];
  renderTable(ui);
}

function failed(ui, err) {
  if (onUnauthenticated(err, LOGIN_PAGES.admin)) return;
  say(ui, t('admin.failed', { title: err.detail || err.title || String(err) }), true);
}

function say(ui, text, isProblem = false) {
  ui.status.textContent = text;
  ui.status.classList.toggle('notice', isProblem);
}

/* ----------------------------------------------------------------- table */

function renderTable(ui) {
  ui.section.querySelector('[data-role="table-wrap"]').hidden = ui.clients.length === 0;
  ui.tbody.replaceChildren(...ui.clients.map((c) => row(ui, c)));
}

function row(ui, c) {
  const disabling = c.status !== 'disabled';
  const toggle = el(
    'button',
    {
      type: 'button',
      class: `btn btn-small ${disabling ? 'btn-danger' : 'btn-secondary'}`,
      'aria-label': t(disabling ? 'ac.disable.label' : 'ac.enable.label', { name: c.name }),
    },
    t(disabling ? 'ac.disable' : 'ac.enable'),
  );
  toggle.addEventListener('click', () => setStatus(ui, c, disabling ? 'disabled' : 'active', toggle));
  const scopes = scopeList(c.scopes);
  return el(
    'tr',
    { 'data-client': c.client_id, class: c.status === 'disabled' ? 'is-disabled' : null },
    el('td', { 'data-label': t('ac.f.name') }, c.name || t('common.none')),
    el('td', { 'data-label': t('ac.f.client_id') }, el('code', { class: 'client-id' }, c.client_id)),
    el('td', { 'data-label': t('ac.f.org') }, orgName(ui, c)),
    el(
      'td',
      { 'data-label': t('ac.f.scopes') },
      scopes.length
        ? el('ul', { class: 'tag-list' }, ...scopes.map((s) => el('li', { class: 'tag', title: s, 'data-scope': s }, scopeLabel(s))))
        : t('common.none'),
    ),
    el('td', { 'data-label': t('ac.f.status') }, el('span', { class: `badge badge-${c.status === 'disabled' ? 'off' : 'on'}` }, statusLabel(c.status || 'active'))),
    el('td', { 'data-label': t('ac.f.created') }, el('time', { datetime: isoTime(c.created_at) }, formatTime(c.created_at))),
    el('td', { 'data-label': t('ac.f.actions') }, el('div', { class: 'row-actions' }, toggle)),
  );
}

function orgName(ui, c) {
  if (c.org_name) return c.org_name;
  if (c.org_id === null || c.org_id === undefined) return t('common.none');
  const o = ui.orgs.find((x) => x.id === c.org_id);
  return o ? o.name : String(c.org_id);
}

async function setStatus(ui, c, status, button) {
  button.disabled = true;
  try {
    const answer = await api(`/api/v1/api-clients/${encodeURIComponent(c.id)}`, { method: 'PATCH', body: { status } });
    c.status = (answer && answer.status) || status;
    renderTable(ui);
    say(ui, t(status === 'disabled' ? 'ac.disabled' : 'ac.enabled', { name: c.name }));
    // The row was drawn again: keep the keyboard on its (new) button.
    const again = ui.tbody.querySelector(`tr[data-client="${CSS.escape(c.client_id)}"] button`);
    if (again) again.focus();
  } catch (err) {
    button.disabled = false;
    failed(ui, err);
  }
}

/* --------------------------------------------------------------- choices */

function fillScopes(ui) {
  const host = ui.create.querySelector('[data-role="scope-options"]');
  host.replaceChildren(
    ...SCOPES.map((s) => {
      const inputId = `ac-scope-${s.replace(/\./g, '-')}`;
      return el(
        'label',
        { class: 'check', for: inputId },
        el('input', { type: 'checkbox', id: inputId, name: 'scopes', value: s }),
        el('span', {}, el('span', { 'data-scope-label': s }, scopeLabel(s)), ' ', el('code', { class: 'scope-code' }, s)),
      );
    }),
  );
}

function renderScopeLabels(ui) {
  for (const span of ui.create.querySelectorAll('[data-scope-label]')) span.textContent = scopeLabel(span.dataset.scopeLabel);
}

function fillOrgs(ui) {
  const select = ui.create.querySelector('#ac-org');
  const value = select.value;
  const byLevel = [...ui.orgs].sort((a, b) => a.level - b.level || String(a.code).localeCompare(String(b.code)));
  select.replaceChildren(
    el('option', { value: '' }, t('ac.f.org.none')),
    ...byLevel.map((o) => el('option', { value: o.id }, `${'　'.repeat(Math.max(0, (o.level || 1) - 1))}${o.name}`)),
  );
  select.value = value;
}

/* ---------------------------------------------------------------- create */

function wire(ui) {
  const { create, newButton, secret } = ui;
  newButton.addEventListener('click', () => showCreate(ui, create.hidden));
  create.querySelector('[data-role="cancel"]').addEventListener('click', () => showCreate(ui, false));
  create.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitCreate(ui);
  });
  secret.querySelector('[data-role="copy"]').addEventListener('click', () => copySecret(ui));
  secret.querySelector('[data-role="secret-done"]').addEventListener('click', () => {
    hideSecret(ui);
    newButton.focus();
  });
}

function showCreate(ui, open) {
  ui.create.hidden = !open;
  ui.newButton.setAttribute('aria-expanded', String(open));
  if (open) {
    hideSecret(ui); // a secret still on screen goes once the next client is begun
    ui.create.querySelector('#ac-name').focus();
  } else {
    clearErrors(ui.create);
    ui.create.reset();
    ui.newButton.focus();
  }
}

async function submitCreate(ui) {
  const form = ui.create;
  clearErrors(form);
  if (!checkRequired(form)) return;
  const v = formValues(form);
  const scopes = [...form.querySelectorAll('input[name="scopes"]:checked')].map((c) => c.value);
  if (!scopes.length) {
    // A hint only; the server says the same (field "scopes").
    showFieldError(form, 'scopes', t('ac.f.scopes.pick'));
    showAlert(form, t('form.check'));
    form.querySelector('input[name="scopes"]').focus();
    return;
  }
  const body = { name: v.name, scopes };
  if (v.org_id) body.org_id = Number(v.org_id);
  const done = setBusy(form);
  try {
    const answer = await api('/api/v1/api-clients', { method: 'POST', body });
    done();
    showCreate(ui, false);
    showSecret(ui, { name: (answer && answer.name) || body.name, clientId: answer && answer.client_id, secret: answer && answer.secret });
    say(ui, t('ac.created', { name: body.name }));
    await reload(ui).catch((err) => failed(ui, err));
    return;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (!onUnauthenticated(err, LOGIN_PAGES.admin)) showProblem(form, err);
  }
  done();
}

/* ---------------------------------------------------------------- secret */

function showSecret(ui, { name, clientId, secret }) {
  const box = ui.secret;
  box.querySelector('[data-role="secret-name"]').textContent = name || '';
  box.querySelector('[data-role="secret-client-id"]').textContent = clientId || '';
  box.querySelector('#ac-secret-value').textContent = secret || '';
  box.querySelector('[data-role="copy-status"]').textContent = '';
  applyI18n(box);
  box.hidden = false;
  box.scrollIntoView({ block: 'nearest' });
  box.focus();
}

/* Close the box and wipe the secret from the page: it is never shown again. */
function hideSecret(ui) {
  const box = ui.secret;
  if (box.hidden) return;
  box.querySelector('#ac-secret-value').textContent = '';
  window.getSelection()?.removeAllRanges();
  box.querySelector('[data-role="secret-name"]').textContent = '';
  box.querySelector('[data-role="secret-client-id"]').textContent = '';
  box.querySelector('[data-role="copy-status"]').textContent = '';
  box.hidden = true;
}

/* Copy the secret: the Clipboard API where the page may use it, else the old way; failing both, leave it selected. */
async function copySecret(ui) {
  const code = ui.secret.querySelector('#ac-secret-value');
  const note = ui.secret.querySelector('[data-role="copy-status"]');
  const secret = code.textContent;
  let ok = false;
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(secret);
      ok = true;
    }
  } catch {
    ok = false;
  }
  if (!ok) {
    selectText(code);
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
  }
  note.classList.toggle('is-ok', ok);
  note.textContent = t(ok ? 'ac.secret.copied' : 'ac.secret.copy.failed');
  if (!ok) selectText(code);
}

function selectText(node) {
  const range = document.createRange();
  range.selectNodeContents(node);
  const sel = window.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
}
