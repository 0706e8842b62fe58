// staff.js - 工作人员账号 (permission staff.manage, the 系统管理员): list
// the staff, create one, change roles and authority level, disable/enable.
//
// GET /api/v1/staff and GET /api/v1/orgs/all fill the table and the
// organisation list; POST /api/v1/staff creates, PATCH /api/v1/staff/{id}
// changes roles, authority_level or status. 三权分立 is the server's rule
// (and the database's): an administrator role stands alone. The form says
// so while roles are ticked, but sends whatever is ticked, so that the
// server's refusal, with its reason, is what the administrator reads, under
// the roles.

import { api, apiGet, ApiError } from '../common/api.js';
import { ADMIN_ROLES, BUSINESS_ROLES, roleLabel, rolesText, statusLabel } from '../common/account-text.js';
import { checkRequired, clearErrors, formValues, setBusy, showProblem } from '../common/forms.js';
import { addMessages, applyI18n, onLangChange, t } from '../common/i18n.js';
import { el } from '../common/layout.js';
import { LOGIN_PAGES, onUnauthenticated } from '../common/session.js';

export const id = 'staff';
export const permission = 'staff.manage';
export const titleKey = 'staff.title';

addMessages({
  'zh-CN': {
    'staff.title': '工作人员账号',
    'staff.lead':
      '创建工作人员账号，分配角色、权限级别和所属机构，停用或启用账号。三权分立：系统管理员、安全管理员、审计管理员角色不能相互兼任，也不能与业务角色兼任。',
    'staff.new': '新建工作人员',
    'staff.create.title': '新建工作人员账号',
    'staff.create.submit': '创建账号',
    'staff.created': '已创建工作人员账号 {username}。首次登录时须修改初始密码。',
    'staff.cancel': '取消',
    'staff.table': '工作人员账号列表',
    'staff.f.username': '用户名',
    'staff.f.name': '姓名',
    'staff.f.org': '所属机构',
    'staff.f.org.choose': '请选择机构',
    'staff.f.level': '权限级别',
    'staff.f.level.hint': '业务人员必选；管理员没有审批权限级别，不选。',
    'staff.f.level.value': '{level} 级',
    'staff.f.level.none': '不设（管理员）',
    'staff.f.password': '初始密码',
    'staff.f.password.hint': '至少 12 个字符，包含大写字母、小写字母、数字、符号中的至少三类。首次登录时必须修改。',
    'staff.f.roles': '角色',
    'staff.f.status': '状态',
    'staff.f.actions': '操作',
    'staff.roles.business': '业务角色',
    'staff.roles.admin': '管理员角色（只能单独授予）',
    'staff.roles.warn': '三权分立：管理员角色只能单独授予，不能与其他角色兼任。',
    'staff.edit': '修改角色',
    'staff.edit.label': '修改角色：{name}',
    'staff.edit.title': '修改 {name}（{username}）的角色',
    'staff.edit.submit': '保存',
    'staff.edited': '已修改 {username} 的角色和权限级别。',
    'staff.disable': '停用',
    'staff.enable': '启用',
    'staff.disable.label': '停用：{name}',
    'staff.enable.label': '启用：{name}',
    'staff.disabled': '已停用 {username}，其所有登录会话已结束。',
    'staff.enabled': '已启用 {username}。',
    'staff.self': '（本人）',
    'staff.empty': '还没有工作人员账号。',
    'staff.loaded': '共 {n} 个工作人员账号。',
  },
  en: {
    'staff.title': 'Staff accounts',
    'staff.lead':
      'Create staff accounts with roles, authority level and organisation; disable or enable them. Separation of duties: the system, security and audit administrator roles combine neither with each other nor with a business role.',
    'staff.new': 'New staff account',
    'staff.create.title': 'New staff account',
    'staff.create.submit': 'Create account',
    'staff.created': 'Staff account {username} created. The initial password must be changed at the first login.',
    'staff.cancel': 'Cancel',
    'staff.table': 'List of staff accounts',
    'staff.f.username': 'User name',
    'staff.f.name': 'Name',
    'staff.f.org': 'Organisation',
    'staff.f.org.choose': 'Choose an organisation',
    'staff.f.level': 'Authority level',
    'staff.f.level.hint': 'Required for business roles; administrators have no authority level.',
    'staff.f.level.value': 'Level {level}',
    'staff.f.level.none': 'None (administrator)',
    'staff.f.password': 'Initial password',
    'staff.f.password.hint':
      'At least 12 characters with three of: upper case, lower case, digits, symbols. It must be changed at the first login.',
    'staff.f.roles': 'Roles',
    'staff.f.status': 'Status',
    'staff.f.actions': 'Actions',
    'staff.roles.business': 'Business roles',
    'staff.roles.admin': 'Administrator roles (granted alone only)',
    'staff.roles.warn': 'Separation of duties: an administrator role is granted alone, never with another role.',
    'staff.edit': 'Change roles',
    'staff.edit.label': 'Change roles: {name}',
    'staff.edit.title': 'Roles of {name} ({username})',
    'staff.edit.submit': 'Save',
    'staff.edited': 'Roles and authority level of {username} changed.',
    'staff.disable': 'Disable',
    'staff.enable': 'Enable',
    'staff.disable.label': 'Disable: {name}',
    'staff.enable.label': 'Enable: {name}',
    'staff.disabled': '{username} is disabled and all their sessions have ended.',
    'staff.enabled': '{username} is enabled.',
    'staff.self': ' (you)',
    'staff.empty': 'No staff accounts yet.',
    'staff.loaded': '{n} staff accounts.',
  },
});

const LEVELS = [1, 2, 3, 4];

/* Fill section from its template and load the data. */
export function mount(section, me) {
  section.append(document.getElementById('tpl-staff').content.cloneNode(true));
  const ui = {
    me,
    section,
    status: section.querySelector('[data-role="status"]'),
    create: section.querySelector('#staff-create'),
    newButton: section.querySelector('[data-role="new"]'),
    tbody: section.querySelector('#staff-table tbody'),
    dialog: section.querySelector('#staff-edit'),
    accounts: [],
    orgs: [],
    editing: null,
  };
  ui.editForm = ui.dialog.querySelector('form');
  fillRolePicker(ui.section.querySelector('#sc-roles'), 'sc');
  fillRolePicker(ui.section.querySelector('#se-roles'), 'se');
  fillLevels(ui.section.querySelector('#sc-level'));
  fillLevels(ui.section.querySelector('#se-level'));
  wire(ui);
  onLangChange(() => {
    fillLevels(ui.section.querySelector('#sc-level'), true);
    fillLevels(ui.section.querySelector('#se-level'), true);
    fillOrgs(ui);
    renderTable(ui);
  });
  load(ui);
}

/* ------------------------------------------------------------------ data */

async function load(ui) {
  try {
    const [staff, orgs] = await Promise.all([apiGet('/api/v1/staff'), apiGet('/api/v1/orgs/all')]);
    ui.accounts = Array.isArray(staff && staff.accounts) ? staff.accounts : [];
    ui.orgs = Array.isArray(orgs && orgs.orgs) ? orgs.orgs : [];
    fillOrgs(ui);
    renderTable(ui);
    say(ui, ui.accounts.length ? t('staff.loaded', { n: ui.accounts.length }) : t('staff.empty'));
  } catch (err) {
    failed(ui, err);
  }
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
  ui.tbody.replaceChildren(...ui.accounts.map((a) => row(ui, a)));
}

function row(ui, a) {
  // The server refuses changes to one's own roles or status (403); offer none.
  const isSelf = a.id === ui.me.id;
  const name = a.name || a.username;
  const actions = el('div', { class: 'row-actions' });
  if (!isSelf) {
    const edit = el('button', { type: 'button', class: 'btn btn-small btn-secondary', 'aria-label': t('staff.edit.label', { name }) }, t('staff.edit'));
    edit.addEventListener('click', () => openEdit(ui, a));
    actions.append(edit);
    const disabling = a.status !== 'disabled';
    const toggle = el(
      'button',
      {
        type: 'button',
        class: `btn btn-small ${disabling ? 'btn-danger' : 'btn-secondary'}`,
        'aria-label': t(disabling ? 'staff.disable.label' : 'staff.enable.label', { name }),
      },
      t(disabling ? 'staff.disable' : 'staff.enable'),
    );
    toggle.addEventListener('click', () => setStatus(ui, a, disabling ? 'disabled' : 'active', toggle));
    actions.append(toggle);
  }
  return el(
    'tr',
    { 'data-account': a.id, 'data-username': a.username, class: a.status === 'disabled' ? 'is-disabled' : null },
    el('td', { 'data-label': t('staff.f.username') }, a.username, isSelf ? t('staff.self') : ''),
    el('td', { 'data-label': t('staff.f.name') }, a.name || t('common.none')),
    el('td', { 'data-label': t('staff.f.org') }, a.org_name || orgName(ui, a.org_id)),
    el('td', { 'data-label': t('staff.f.roles') }, rolesText(a.roles)),
    el('td', { 'data-label': t('staff.f.level') }, a.authority_level ? t('staff.f.level.value', { level: a.authority_level }) : t('common.none')),
    el('td', { 'data-label': t('staff.f.status') }, el('span', { class: `badge badge-${a.status === 'disabled' ? 'off' : 'on'}` }, statusLabel(a.status || 'active'))),
    el('td', { 'data-label': t('staff.f.actions') }, actions),
  );
}

function orgName(ui, orgId) {
  const o = ui.orgs.find((x) => x.id === orgId);
  return o ? o.name : t('common.none');
}

async function setStatus(ui, a, status, button) {
  button.disabled = true;
  try {
    const answer = await api(`/api/v1/staff/${encodeURIComponent(a.id)}`, { method: 'PATCH', body: { status } });
    replace(ui, a, answer);
    renderTable(ui);
    say(ui, t(status === 'disabled' ? 'staff.disabled' : 'staff.enabled', { username: a.username }));
  } catch (err) {
    button.disabled = false;
    failed(ui, err);
  }
}

/* Put the server's answer ({account} or the account itself) in place of a. */
function replace(ui, a, answer) {
  const fresh = answer && (answer.account || (answer.id ? answer : null));
  const i = ui.accounts.indexOf(a);
  if (i >= 0 && fresh) ui.accounts[i] = fresh;
}

/* ------------------------------------------------------------ role picker */

/* Checkboxes for every role, business roles first, plus the 三权分立 hint. */
function fillRolePicker(fieldset, prefix) {
  const group = (key, roles) =>
    el(
      'div',
      { class: 'role-group' },
      el('p', { class: 'role-group-name', 'data-i18n': key }),
      el(
        'div',
        { class: 'role-options' },
        ...roles.map((r) =>
          el(
            'label',
            { class: 'check', for: `${prefix}-role-${r}` },
            el('input', { type: 'checkbox', id: `${prefix}-role-${r}`, name: 'roles', value: r }),
            el('span', { 'data-role-label': r }, roleLabel(r)),
          ),
        ),
      ),
    );
  const warn = el('p', { class: 'field-hint role-warn', 'data-i18n': 'staff.roles.warn', hidden: true });
  fieldset.append(group('staff.roles.business', BUSINESS_ROLES), group('staff.roles.admin', ADMIN_ROLES), warn);
  fieldset.addEventListener('change', () => {
    const picked = checkedRoles(fieldset);
    warn.hidden = !(picked.length > 1 && picked.some((r) => ADMIN_ROLES.includes(r)));
  });
  applyI18n(fieldset);
  onLangChange(() => {
    for (const span of fieldset.querySelectorAll('[data-role-label]')) span.textContent = roleLabel(span.dataset.roleLabel);
  });
}

function checkedRoles(fieldset) {
  return [...fieldset.querySelectorAll('input[name="roles"]:checked')].map((c) => c.value);
}

function setRoles(fieldset, roles) {
  for (const c of fieldset.querySelectorAll('input[name="roles"]')) c.checked = roles.includes(c.value);
  fieldset.dispatchEvent(new Event('change'));
}

/* Authority levels 1-4, and "none" for administrators (sent as no member). */
function fillLevels(select, keepValue = false) {
  const value = select.value;
  select.replaceChildren(
    el('option', { value: '' }, t('staff.f.level.none')),
    ...LEVELS.map((l) => el('option', { value: l }, t('staff.f.level.value', { level: l }))),
  );
  select.value = keepValue ? value : '';
}

function fillOrgs(ui) {
  const select = ui.section.querySelector('#sc-org');
  const value = select.value;
  const byLevel = [...ui.orgs].sort((a, b) => a.level - b.level || String(a.code).localeCompare(String(b.code)));
  select.replaceChildren(
    el('option', { value: '' }, t('staff.f.org.choose')),
    ...byLevel.map((o) => el('option', { value: o.id }, `${'　'.repeat(Math.max(0, (o.level || 1) - 1))}${o.name}`)),
  );
  select.value = value;
}

/* ---------------------------------------------------------------- create */

function wire(ui) {
  const { create, newButton } = ui;
  newButton.addEventListener('click', () => showCreate(ui, create.hidden));
  create.querySelector('[data-role="cancel"]').addEventListener('click', () => showCreate(ui, false));
  create.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitCreate(ui);
  });
  ui.editForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitEdit(ui);
  });
  ui.editForm.querySelector('[data-role="cancel"]').addEventListener('click', () => ui.dialog.close());
}

function showCreate(ui, open) {
  ui.create.hidden = !open;
  ui.newButton.setAttribute('aria-expanded', String(open));
  if (open) ui.create.querySelector('#sc-username').focus();
  else {
    clearErrors(ui.create);
    ui.create.reset();
    setRoles(ui.create.querySelector('#sc-roles'), []);
    ui.newButton.focus();
  }
}

async function submitCreate(ui) {
  const form = ui.create;
  clearErrors(form);
  if (!checkRequired(form)) return;
  const v = formValues(form);
  const body = {
    username: v.username,
    name: v.name,
    org_id: Number(v.org_id),
    roles: checkedRoles(form.querySelector('#sc-roles')),
    password: v.password,
  };
  if (v.authority_level) body.authority_level = Number(v.authority_level);
  const done = setBusy(form);
  try {
    const answer = await api('/api/v1/staff', { method: 'POST', body });
    const created = answer && (answer.account || answer);
    if (created && created.id !== undefined) ui.accounts.push(created);
    renderTable(ui);
    showCreate(ui, false);
    say(ui, t('staff.created', { username: body.username }));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (!onUnauthenticated(err, LOGIN_PAGES.admin)) showProblem(form, err);
  }
  done();
}

/* ------------------------------------------------------------------ edit */

function openEdit(ui, a) {
  ui.editing = a;
  clearErrors(ui.editForm);
  ui.dialog.querySelector('#staff-edit-title').textContent = t('staff.edit.title', { name: a.name || a.username, username: a.username });
  setRoles(ui.dialog.querySelector('#se-roles'), Array.isArray(a.roles) ? a.roles : []);
  ui.dialog.querySelector('#se-level').value = a.authority_level ? String(a.authority_level) : '';
  ui.dialog.showModal();
}

async function submitEdit(ui) {
  const a = ui.editing;
  const form = ui.editForm;
  clearErrors(form);
  const body = { roles: checkedRoles(form.querySelector('#se-roles')) };
  const level = form.querySelector('#se-level').value;
  if (level) body.authority_level = Number(level);
  const done = setBusy(form);
  try {
    const answer = await api(`/api/v1/staff/${encodeURIComponent(a.id)}`, { method: 'PATCH', body });
    replace(ui, a, answer);
    if (!answer || !(answer.account || answer.id)) Object.assign(a, body);
    renderTable(ui);
    ui.dialog.close();
    say(ui, t('staff.edited', { username: a.username }));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (!onUnauthenticated(err, LOGIN_PAGES.admin)) showProblem(form, err);
  }
  done();
}
