// licence-types.js - 证照类型 (permission catalog.manage, the 系统管理员):
// the kinds of electronic licence the platform issues (docs/licences.md
// "Licence types").
//
// GET /api/v1/licence-types lists them: code (the ministry's credit code and
// a 3-digit sequence), name, holder kind, validity in years (0 is 长期),
// the organisations that may issue it, and the items that issue it (those
// whose result.licence_type names it; computed by the server, not edited
// here). The editor has the plain fields, the issuers as checkboxes of the
// organisations (none ticked: any organisation with a seal) and the face
// fields (照面信息) as a table with add/remove rows: key, label, type
// (text / date / integer), required, and the application-form key the value
// comes from. A new type is POST /api/v1/licence-types (409 type_exists);
// a change is PUT /api/v1/licence-types/{code} with If-Match: "<version>",
// so two administrators cannot overwrite each other: a 412 loads the newer
// version and says so. A 422 names its field (fields[2].key, issuers ...),
// shown next to that control.

import { api, apiGet, ApiError } from '../common/api.js';
import { addMessages, applyI18n, lang, onLangChange, t } from '../common/i18n.js';
import { el } from '../common/layout.js';
import { fieldTypeLabel, holderKindLabel, validityText } from '../common/licence-text.js';
import { LOGIN_PAGES, onUnauthenticated } from '../common/session.js';

export const id = 'licence-types';
export const permission = 'catalog.manage';
export const titleKey = 'lt.title';

addMessages({
  'zh-CN': {
    'lt.title': '证照类型',
    'lt.lead': '登记平台签发的电子证照类型：证照类型代码、名称、持证主体、有效期、照面信息和发证机关。办理结果为证照的事项，在事项的“办理结果”中引用证照类型代码。',
    'lt.new': '新建证照类型',
    'lt.table': '证照类型列表',
    'lt.c.code': '证照类型代码',
    'lt.c.name': '证照名称',
    'lt.c.holder': '持证主体',
    'lt.c.validity': '有效期',
    'lt.c.issuers': '发证机关',
    'lt.c.items': '颁发事项',
    'lt.c.actions': '操作',
    'lt.issuers.any': '任何有电子印章的机构',
    'lt.items.none': '暂无事项',
    'lt.edit': '编辑',
    'lt.edit.label': '编辑：{name}',
    'lt.loaded': '共 {n} 种证照类型。',
    'lt.empty': '还没有证照类型。',
    'lt.editor.new': '新建证照类型',
    'lt.editor.edit': '编辑证照类型：{name}',
    'lt.editor.version': '当前为第 {v} 版。保存时如有他人已修改，将提示您重新核对。',
    'lt.f.code': '证照类型代码',
    'lt.f.code.hint': '发证部门的统一社会信用代码加 3 位顺序号，共 21 位，如 11100000MB0001038T002。保存后不能修改。',
    'lt.f.name': '证照名称',
    'lt.f.holder': '持证主体',
    'lt.f.validity': '有效期（年）',
    'lt.f.validity.hint': '0 表示长期有效；1–50 年，有效期至为发证日期加年数减一天。',
    'lt.f.issuers': '发证机关',
    'lt.f.issuers.hint': '不选表示任何持有电子印章的机构都可以签发。',
    'lt.g.fields': '照面信息',
    'lt.g.fields.hint': '证照上显示的信息，签发时从申请表中取值。“取值字段”为申请表字段名，不填则与字段名相同。最多 40 项。',
    'lt.ff.key': '字段名',
    'lt.ff.label': '显示名称',
    'lt.ff.type': '类型',
    'lt.ff.required': '必填',
    'lt.ff.from': '取值字段',
    'lt.ff.remove': '删除',
    'lt.ff.remove.label': '删除第 {n} 项照面信息',
    'lt.ff.add': '添加照面信息',
    'lt.ff.caption': '照面信息（可增删行）',
    'lt.ff.row': '第 {n} 行',
    'lt.ff.none': '还没有照面信息。',
    'lt.save': '保存',
    'lt.cancel': '返回列表',
    'lt.saved': '已保存证照类型 {name}（第 {v} 版）。',
    'lt.created': '已创建证照类型 {name}。',
    'lt.stale': '该证照类型已被他人修改，已载入最新内容，请核对后再保存。',
    'lt.exists': '该证照类型代码已存在。',
    'lt.errors': '证照类型有 {n} 处问题，请逐项修改：',
    'lt.need': '请填写此项。',
  },
  en: {
    'lt.title': 'Licence types',
    'lt.lead': 'The kinds of electronic licence the platform issues: code, name, holder, validity, face fields and issuing authorities. An item whose result is a licence names the type code in its result.',
    'lt.new': 'New licence type',
    'lt.table': 'Licence types',
    'lt.c.code': 'Code',
    'lt.c.name': 'Name',
    'lt.c.holder': 'Holder',
    'lt.c.validity': 'Validity',
    'lt.c.issuers': 'Issued by',
    'lt.c.items': 'Issuing items',
    'lt.c.actions': 'Actions',
    'lt.issuers.any': 'Any organisation with a seal',
    'lt.items.none': 'None yet',
    'lt.edit': 'Edit',
    'lt.edit.label': 'Edit: {name}',
    'lt.loaded': '{n} licence types.',
    'lt.empty': 'No licence types yet.',
    'lt.editor.new': 'New licence type',
    'lt.editor.edit': 'Edit licence type: {name}',
    'lt.editor.version': 'Version {v} is current. If someone else changes it meanwhile, you will be asked to check again.',
    'lt.f.code': 'Type code',
    'lt.f.code.hint': 'The issuing ministry’s credit code and a 3-digit sequence, 21 characters, e.g. 11100000MB0001038T002. Cannot change once saved.',
    'lt.f.name': 'Name',
    'lt.f.holder': 'Holder',
    'lt.f.validity': 'Validity (years)',
    'lt.f.validity.hint': '0 means no expiry; 1–50 years, valid until the issue date plus the years less one day.',
    'lt.f.issuers': 'Issuing authorities',
    'lt.f.issuers.hint': 'None ticked: any organisation holding an electronic seal may issue it.',
    'lt.g.fields': 'Face fields',
    'lt.g.fields.hint': 'What the licence shows, taken from the application form when it is issued. “From” is the form key; empty means the same as the key. At most 40.',
    'lt.ff.key': 'Key',
    'lt.ff.label': 'Label',
    'lt.ff.type': 'Type',
    'lt.ff.required': 'Required',
    'lt.ff.from': 'From',
    'lt.ff.remove': 'Remove',
    'lt.ff.remove.label': 'Remove face field {n}',
    'lt.ff.add': 'Add face field',
    'lt.ff.caption': 'Face fields (rows can be added and removed)',
    'lt.ff.row': 'row {n}',
    'lt.ff.none': 'No face fields yet.',
    'lt.save': 'Save',
    'lt.cancel': 'Back to the list',
    'lt.saved': 'Licence type {name} saved (version {v}).',
    'lt.created': 'Licence type {name} created.',
    'lt.stale': 'Someone else changed this licence type. The latest version is loaded; please check it before saving.',
    'lt.exists': 'A licence type with this code exists.',
    'lt.errors': 'The licence type has {n} problems:',
    'lt.need': 'Please fill this in.',
  },
});

const HOLDER_KINDS = ['org', 'person', 'any'];
const FIELD_TYPES = ['text', 'date', 'integer'];
const FIELD_COLUMNS = ['key', 'label', 'type', 'required', 'from'];
const FIELD_LABELS = { key: 'lt.ff.key', label: 'lt.ff.label', type: 'lt.ff.type', required: 'lt.ff.required', from: 'lt.ff.from' };

let ui;

export function mount(section) {
  ui = { section, types: null, orgs: [], current: null, isNew: false };
  section.append(
    el(
      'div',
      { class: 'panel-head' },
      el('h2', { id: 'licence-types-title', class: 'panel-title', 'data-i18n': 'lt.title' }),
      el('button', { type: 'button', class: 'btn btn-primary', id: 'lt-new', 'data-i18n': 'lt.new' }),
    ),
    el('p', { class: 'panel-lead', 'data-i18n': 'lt.lead' }),
    el('p', { class: 'section-status', role: 'status', id: 'lt-status' }),
    listPart(),
    el('div', { id: 'lt-editor', class: 'subpanel', hidden: true, tabindex: '-1', role: 'region', 'aria-labelledby': 'lt-editor-title' }),
  );
  section.querySelector('#lt-new').addEventListener('click', () => openEditor(null));
  applyI18n(section);
  onLangChange(() => {
    if (ui.types) renderList();
    if (ui.current) renderEditor(collect(ui.section.querySelector('#lt-form')) || ui.current);
  });
  load();
}

/* ------------------------------------------------------------ list */

function listPart() {
  const head = ['lt.c.code', 'lt.c.name', 'lt.c.holder', 'lt.c.validity', 'lt.c.issuers', 'lt.c.items', 'lt.c.actions'];
  return el(
    'div',
    { class: 'table-wrap', id: 'lt-list', tabindex: '0', role: 'region', 'aria-labelledby': 'lt-caption', hidden: true },
    el(
      'table',
      { class: 'data-table', id: 'lt-table' },
      el('caption', { id: 'lt-caption', class: 'visually-hidden', 'data-i18n': 'lt.table' }),
      el('thead', {}, el('tr', {}, ...head.map((k) => el('th', { scope: 'col', 'data-i18n': k })))),
      el('tbody', {}),
    ),
  );
}

async function load() {
  try {
    const [types, orgs] = await Promise.all([apiGet('/api/v1/licence-types'), apiGet('/api/v1/orgs?view=list').catch(() => ({ orgs: [] }))]);
    ui.types = Array.isArray(types && types.types) ? types.types : [];
    ui.orgs = Array.isArray(orgs && orgs.orgs) ? orgs.orgs : [];
    renderList();
    say(ui.types.length ? t('lt.loaded', { n: ui.types.length }) : t('lt.empty'));
  } catch (err) {
    failed(err);
  }
}

function failed(err) {
  if (onUnauthenticated(err, LOGIN_PAGES.admin)) return;
  say(t('admin.failed', { title: err.detail || err.title || String(err) }), true);
}

function say(text, isProblem = false) {
  const s = ui.section.querySelector('#lt-status');
  s.textContent = text;
  s.classList.toggle('notice', isProblem);
}

function orgName(code) {
  const o = ui.orgs.find((x) => x.code === code);
  return o ? o.name : code;
}

function renderList() {
  const head = ['lt.c.code', 'lt.c.name', 'lt.c.holder', 'lt.c.validity', 'lt.c.issuers', 'lt.c.items', 'lt.c.actions'];
  const tbody = ui.section.querySelector('#lt-table tbody');
  tbody.replaceChildren(
    ...ui.types.map((ty) => {
      const edit = el('button', { type: 'button', class: 'btn btn-secondary btn-small', 'aria-label': t('lt.edit.label', { name: ty.name }) }, t('lt.edit'));
      edit.addEventListener('click', () => openEditor(ty.code));
      const issuers = Array.isArray(ty.issuers) ? ty.issuers : [];
      const items = Array.isArray(ty.items) ? ty.items : [];
      const cells = [
        el('code', { class: 'client-id' }, ty.code),
        el('strong', {}, ty.name),
        holderKindLabel(ty.holder_kind),
        validityText(ty.validity_years),
        issuers.length ? el('ul', { class: 'tag-list' }, ...issuers.map((c) => el('li', { class: 'tag', title: c }, orgName(c)))) : el('span', { class: 'who-sub' }, t('lt.issuers.any')),
        items.length
          ? el('ul', { class: 'plain-list' }, ...items.map((it) => el('li', {}, el('a', { href: `/items/${encodeURIComponent(it.impl_code)}` }, it.name || it.impl_code))))
          : el('span', { class: 'who-sub' }, t('lt.items.none')),
        el('div', { class: 'row-actions' }, edit),
      ];
      return el('tr', { 'data-code': ty.code }, ...cells.map((c, i) => el('td', { 'data-label': t(head[i]) }, c)));
    }),
  );
  ui.section.querySelector('#lt-list').hidden = ui.types.length === 0;
}

/* ------------------------------------------------------------ editor */

function blankType() {
  return { code: '', name: '', holder_kind: 'org', validity_years: 0, issuers: [], fields: [], version: null };
}

async function openEditor(code) {
  ui.isNew = !code;
  if (code) {
    try {
      ui.current = await apiGet(`/api/v1/licence-types/${encodeURIComponent(code)}`);
    } catch (err) {
      failed(err);
      return;
    }
  } else {
    ui.current = blankType();
  }
  renderEditor(ui.current);
  const box = ui.section.querySelector('#lt-editor');
  ui.section.querySelector('#lt-list').hidden = true;
  ui.section.querySelector('#lt-new').hidden = true;
  box.hidden = false;
  box.focus();
}

function closeEditor() {
  ui.current = null;
  ui.section.querySelector('#lt-editor').hidden = true;
  ui.section.querySelector('#lt-new').hidden = false;
  load();
}

function field(idName, labelKey, control, hintKey) {
  control.setAttribute('id', idName);
  if (hintKey) control.setAttribute('aria-describedby', `${idName}-hint`);
  return el('div', { class: 'field' }, el('label', { for: idName }, t(labelKey)), control, hintKey ? el('p', { class: 'field-hint', id: `${idName}-hint` }, t(hintKey)) : null);
}

/* Draw the editor for type ty (the server's, or what the form held before a language switch). */
function renderEditor(ty) {
  const box = ui.section.querySelector('#lt-editor');
  const title = ui.isNew ? t('lt.editor.new') : t('lt.editor.edit', { name: ui.current.name });
  const issuerSet = new Set(Array.isArray(ty.issuers) ? ty.issuers : []);
  const issuerOrgs = ui.orgs.filter((o) => o.kind !== 'region' || issuerSet.has(o.code));
  const form = el(
    'form',
    { class: 'form', id: 'lt-form', novalidate: true },
    el('div', { class: 'form-alert', role: 'alert', hidden: true }),
    el(
      'div',
      { class: 'form-grid' },
      field('lt-code', 'lt.f.code', el('input', { type: 'text', name: 'code', 'data-path': 'code', value: ty.code || '', maxlength: 21, readonly: !ui.isNew, required: true, autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters' }), 'lt.f.code.hint'),
      field('lt-name', 'lt.f.name', el('input', { type: 'text', name: 'name', 'data-path': 'name', value: ty.name || '', maxlength: 100, required: true, autocomplete: 'off' })),
      field('lt-holder', 'lt.f.holder', el('select', { name: 'holder_kind', 'data-path': 'holder_kind' }, ...HOLDER_KINDS.map((k) => el('option', { value: k, selected: k === ty.holder_kind }, holderKindLabel(k))))),
      field('lt-validity', 'lt.f.validity', el('input', { type: 'number', name: 'validity_years', 'data-path': 'validity_years', value: ty.validity_years ?? 0, min: 0, max: 50, step: 1, inputmode: 'numeric', required: true }), 'lt.f.validity.hint'),
    ),
    el(
      'fieldset',
      { class: 'form-group', 'data-path': 'issuers', id: 'lt-issuers', 'aria-describedby': 'lt-issuers-hint' },
      el('legend', {}, t('lt.f.issuers')),
      el('p', { class: 'field-hint', id: 'lt-issuers-hint' }, t('lt.f.issuers.hint')),
      el(
        'div',
        { class: 'check-row' },
        ...issuerOrgs.map((o, i) => el('label', { for: `lt-issuer-${i}` }, el('input', { type: 'checkbox', id: `lt-issuer-${i}`, name: 'issuers', value: o.code, checked: issuerSet.has(o.code) }), o.name)),
      ),
    ),
    el('fieldset', { class: 'form-group' }, el('legend', {}, t('lt.g.fields')), el('p', { class: 'field-hint', id: 'lt-fields-hint' }, t('lt.g.fields.hint')), fieldsEditor(Array.isArray(ty.fields) ? ty.fields : [])),
    el(
      'div',
      { class: 'form-actions' },
      el('button', { type: 'submit', class: 'btn btn-primary', id: 'lt-save' }, t('lt.save')),
      el('button', { type: 'button', class: 'btn btn-secondary', id: 'lt-cancel' }, t('lt.cancel')),
    ),
  );
  for (const name of ['code', 'name']) form.querySelector(`[name="${name}"]`).closest('.field').querySelector('label').append(el('span', { class: 'req', 'aria-hidden': 'true' }, ' *'));
  form.querySelector('#lt-cancel').addEventListener('click', closeEditor);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    save(form);
  });
  box.replaceChildren(
    el('div', { class: 'editor-head' }, el('h3', { id: 'lt-editor-title', class: 'subpanel-title' }, title)),
    !ui.isNew && ui.current.version ? el('p', { class: 'form-note', id: 'lt-version' }, t('lt.editor.version', { v: ui.current.version })) : '',
    el('p', { class: 'section-status', role: 'status', id: 'lt-editor-status' }),
    form,
  );
}

function fieldsEditor(list) {
  const tbody = el('tbody', { id: 'lt-fields' });
  const head = [...FIELD_COLUMNS.map((c) => FIELD_LABELS[c]), 'lt.ff.remove'];
  const add = el('button', { type: 'button', class: 'btn btn-secondary btn-small', id: 'lt-add-field' }, t('lt.ff.add'));
  add.addEventListener('click', () => {
    tbody.append(fieldRow({ key: '', label: '', type: 'text', required: true, from: '' }, tbody));
    renumber(tbody);
    tbody.lastElementChild.querySelector('input').focus();
  });
  for (const f of list) tbody.append(fieldRow(f, tbody));
  renumber(tbody);
  return el(
    'div',
    {},
    el(
      'div',
      { class: 'table-wrap', 'data-path': 'fields' },
      el('table', { class: 'data-table edit-table' }, el('caption', { class: 'visually-hidden' }, t('lt.ff.caption')), el('thead', {}, el('tr', {}, ...head.map((k) => el('th', { scope: 'col' }, t(k))))), tbody),
    ),
    el('p', { class: 'form-actions' }, add),
  );
}

function fieldRow(f, tbody) {
  const tr = el('tr', { class: 'face-row' });
  const remove = el('button', { type: 'button', class: 'btn btn-danger btn-small', 'data-role': 'remove' }, t('lt.ff.remove'));
  remove.addEventListener('click', () => {
    const next = tr.nextElementSibling || tr.previousElementSibling;
    tr.remove();
    renumber(tbody);
    (next ? next.querySelector('[data-role="remove"]') : tbody.closest('fieldset').querySelector('#lt-add-field')).focus();
  });
  const cells = [
    el('input', { type: 'text', 'data-key': 'key', value: f.key || '', maxlength: 40, spellcheck: 'false', autocomplete: 'off' }),
    el('input', { type: 'text', 'data-key': 'label', value: f.label || '', maxlength: 40, autocomplete: 'off' }),
    el('select', { 'data-key': 'type' }, ...FIELD_TYPES.map((ty) => el('option', { value: ty, selected: ty === (f.type || 'text') }, fieldTypeLabel(ty)))),
    el('input', { type: 'checkbox', 'data-key': 'required', checked: Boolean(f.required) }),
    el('input', { type: 'text', 'data-key': 'from', value: f.from && f.from !== f.key ? f.from : '', maxlength: 40, spellcheck: 'false', autocomplete: 'off' }),
    remove,
  ];
  const labels = [...FIELD_COLUMNS.map((c) => FIELD_LABELS[c]), 'lt.ff.remove'];
  tr.append(...cells.map((c, i) => el('td', { 'data-label': t(labels[i]) }, c)));
  return tr;
}

/* Give each row's controls their path (fields[2].key), id and accessible name. */
function renumber(tbody) {
  [...tbody.rows].forEach((tr, i) => {
    tr.dataset.path = `fields[${i}]`;
    tr.querySelectorAll('[data-key]').forEach((c, j) => {
      c.dataset.path = `fields[${i}].${c.dataset.key}`;
      c.id = `lt-fields-${i}-${c.dataset.key}`;
      c.setAttribute('aria-label', `${t(FIELD_LABELS[FIELD_COLUMNS[j]])}（${t('lt.ff.row', { n: i + 1 })}）`);
    });
    tr.querySelector('[data-role="remove"]').setAttribute('aria-label', t('lt.ff.remove.label', { n: i + 1 }));
  });
}

/* The Type the form describes, or null when there is no form. */
function collect(form) {
  if (!form) return null;
  const val = (name) => form.querySelector(`[name="${name}"]`).value.trim();
  const years = val('validity_years');
  return {
    code: val('code').toUpperCase(),
    name: val('name'),
    holder_kind: val('holder_kind'),
    validity_years: /^\d+$/.test(years) ? Number(years) : years,
    issuers: [...form.querySelectorAll('input[name="issuers"]:checked')].map((c) => c.value),
    fields: [...form.querySelectorAll('#lt-fields tr')].map((tr) => {
      const get = (k) => tr.querySelector(`[data-key="${k}"]`);
      const out = { key: get('key').value.trim(), label: get('label').value.trim(), type: get('type').value, required: get('required').checked };
      const from = get('from').value.trim();
      if (from) out.from = from;
      return out;
    }),
  };
}

/* ---- saving and its errors */

async function save(form) {
  clearErrors(form);
  const body = collect(form);
  const missing = [];
  if (!body.code) missing.push({ path: 'code', message: t('lt.need') });
  if (!body.name) missing.push({ path: 'name', message: t('lt.need') });
  body.fields.forEach((f, i) => {
    if (!f.key) missing.push({ path: `fields[${i}].key`, message: t('lt.need') });
    if (!f.label) missing.push({ path: `fields[${i}].label`, message: t('lt.need') });
  });
  if (missing.length) {
    showErrors(form, missing, t('form.check'));
    return;
  }
  const button = form.querySelector('#lt-save');
  button.disabled = true;
  try {
    let answer;
    if (ui.isNew) {
      answer = await api('/api/v1/licence-types', { method: 'POST', body });
    } else {
      answer = await api(`/api/v1/licence-types/${encodeURIComponent(ui.current.code)}`, { method: 'PUT', body, headers: { 'If-Match': `"${ui.current.version}"` } });
    }
    const wasNew = ui.isNew;
    ui.isNew = false;
    ui.current = answer && answer.code ? answer : await apiGet(`/api/v1/licence-types/${encodeURIComponent(body.code)}`);
    renderEditor(ui.current);
    const status = ui.section.querySelector('#lt-editor-status');
    status.textContent = wasNew ? t('lt.created', { name: ui.current.name }) : t('lt.saved', { name: ui.current.name, v: ui.current.version });
    status.classList.add('notice-ok');
    ui.section.querySelector('#lt-editor').focus();
  } catch (err) {
    if (onUnauthenticated(err, LOGIN_PAGES.admin)) return;
    await showProblemOf(form, err);
  } finally {
    button.disabled = false;
  }
}

async function showProblemOf(form, err) {
  if (!(err instanceof ApiError)) {
    showErrors(form, [], t('admin.failed', { title: String(err) }));
    return;
  }
  if (err.status === 412) {
    try {
      ui.current = await apiGet(`/api/v1/licence-types/${encodeURIComponent(ui.current.code)}`);
      renderEditor(ui.current);
    } catch (e) {
      failed(e);
      return;
    }
    const fresh = ui.section.querySelector('#lt-form');
    showErrors(fresh, [], t('lt.stale'));
    return;
  }
  if (err.status === 409 && (err.reason === 'type_exists' || err.code === 'type_exists')) {
    showErrors(form, [{ path: 'code', message: err.detail || t('lt.exists') }], err.title || t('lt.exists'));
    return;
  }
  const list = Array.isArray(err.errors) && err.errors.length ? err.errors.map((e) => ({ path: e.path || '', message: (lang() === 'en' ? e.en || e.zh : e.zh || e.en) || e.message || err.title })) : [];
  if (list.length) showErrors(form, list, t('lt.errors', { n: list.length }));
  else if (err.field) showErrors(form, [{ path: String(err.field).replace(/^\/+/, '').replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.'), message: err.detail || err.title }], err.title);
  else showErrors(form, [], err.detail ? t('form.title-detail', { title: err.title, detail: err.detail }) : err.title);
}

function clearErrors(form) {
  for (const n of form.querySelectorAll('.field-error')) n.remove();
  for (const n of form.querySelectorAll('[aria-invalid]')) n.removeAttribute('aria-invalid');
  for (const n of form.querySelectorAll('[data-error-for]')) {
    const rest = (n.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && !x.startsWith('lt-err-'));
    if (rest.length) n.setAttribute('aria-describedby', rest.join(' '));
    else n.removeAttribute('aria-describedby');
    n.removeAttribute('data-error-for');
  }
  for (const n of form.querySelectorAll('.is-invalid')) n.classList.remove('is-invalid');
  const alert = form.querySelector('.form-alert');
  alert.replaceChildren();
  alert.hidden = true;
}

/* The control a path names (fields[2].key), or the nearest thing that has a path. */
function targetFor(form, path) {
  let p = path;
  while (p) {
    const hit = form.querySelector(`[data-path="${CSS.escape(p)}"]`);
    if (hit) return hit;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) break;
    p = p.slice(0, cut);
  }
  return null;
}

let errorSeq = 0;

function showErrors(form, errors, title) {
  const alert = form.querySelector('.form-alert');
  const list = el('ul', { class: 'error-list' });
  for (const e of errors) {
    list.append(el('li', {}, e.path ? el('code', {}, e.path) : '', e.path ? ' ' : '', e.message));
    const target = targetFor(form, e.path);
    if (!target) continue;
    const errId = `lt-err-${++errorSeq}`;
    const node = el('p', { class: 'field-error', id: errId }, el('span', { class: 'field-error-icon', 'aria-hidden': 'true' }, '!'), ` ${e.message}`);
    const holder = target.closest('td') || target.closest('.field') || target;
    if (target.matches('input, select, textarea, fieldset')) {
      if (!target.matches('fieldset')) target.setAttribute('aria-invalid', 'true');
      target.setAttribute('aria-describedby', [...(target.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean), errId].join(' '));
      target.setAttribute('data-error-for', '');
    }
    holder.classList.add('is-invalid');
    if (holder.matches('tr')) holder.cells[0].append(node);
    else if (holder.matches('.table-wrap')) holder.after(node);
    else holder.append(node);
  }
  alert.replaceChildren(el('span', {}, title), errors.length ? list : '');
  alert.hidden = false;
  const first = form.querySelector('[aria-invalid="true"]');
  if (first) first.focus();
  else alert.scrollIntoView({ block: 'center' });
}
