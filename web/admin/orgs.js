// orgs.js - 机构与大厅 (permission org.manage): the organisation tree and
// the service halls with their windows (docs/catalogue.md).
//
// GET /api/v1/orgs (view=tree) draws the tree; POST /api/v1/orgs creates an
// organisation. GET /api/v1/halls lists the halls with their windows;
// POST /api/v1/halls creates a hall; POST /api/v1/halls/{code}/windows adds
// a window and PUT /api/v1/halls/{code}/windows/{window} replaces one. A
// window names its staff by user name and carries the authorisation letter
// (授权通知书): its text and the items (impl codes) the window may decide.
// Server refusals show at the field they name (common/forms.js).

import { api, apiGet } from '../common/api.js';
import { checkRequired, clearErrors, formValues, showProblem } from '../common/forms.js';
import { addMessages, applyI18n, t } from '../common/i18n.js';
import { el } from '../common/layout.js';
import { LOGIN_PAGES, onUnauthenticated } from '../common/session.js';

export const id = 'orgs';
export const permission = 'org.manage';
export const titleKey = 'og.title';

addMessages({
  'zh-CN': {
    'og.title': '机构与大厅',
    'og.lead': '维护组织机构（市、区县、乡镇街道、村社区四级及其部门）和政务服务大厅、窗口。窗口的授权通知书列明窗口可直接决定的事项。',
    'og.tree': '组织机构',
    'og.new': '新建机构',
    'og.create': '创建机构',
    'og.created': '已创建机构 {name}。',
    'og.f.code': '机构编码',
    'og.f.name': '机构名称',
    'og.f.level': '层级',
    'og.f.kind': '类别',
    'og.f.parent': '上级机构',
    'og.f.address': '地址',
    'og.f.phone': '电话',
    'og.level.1': '市',
    'og.level.2': '区/县',
    'og.level.3': '乡镇/街道',
    'og.level.4': '村/社区',
    'og.kind.region': '行政区域',
    'og.kind.department': '部门',
    'og.kind.bureau': '行政审批局',
    'og.none': '（无，顶级）',
    'og.empty': '还没有组织机构。',
    'og.halls': '政务服务大厅',
    'og.hall.new': '新建大厅',
    'og.hall.create': '创建大厅',
    'og.hall.created': '已创建大厅 {name}。',
    'og.h.code': '大厅编码',
    'og.h.name': '大厅名称',
    'og.h.org': '所属区域',
    'og.h.address': '地址',
    'og.h.phone': '电话',
    'og.h.hours': '办公时间',
    'og.h.empty': '还没有政务服务大厅。',
    'og.h.windows': '窗口 {n} 个',
    'og.w.new': '新增窗口',
    'og.w.edit': '修改窗口',
    'og.w.edit.label': '修改窗口：{name}',
    'og.w.save': '保存窗口',
    'og.w.saved': '已保存窗口 {name}。',
    'og.w.code': '窗口编码',
    'og.w.name': '窗口名称',
    'og.w.kind': '窗口类型',
    'og.w.kind.comprehensive': '综合窗口',
    'og.w.kind.themed': '主题窗口',
    'og.w.kind.department': '部门窗口',
    'og.w.theme': '主题（主题窗口）',
    'og.w.dept': '部门（部门窗口）',
    'og.w.staff': '工作人员用户名',
    'og.w.staff.hint': '多个用户名用逗号或空格分隔。',
    'og.w.letter': '授权通知书内容',
    'og.w.items': '授权事项实施编码',
    'og.w.items.hint': '窗口可直接决定的事项，多个编码用逗号或换行分隔。',
    'og.w.letter.at': '授权通知书 {date} 发布',
    'og.w.letter.none': '无授权通知书',
    'og.w.items.list': '授权事项：{list}',
    'og.w.staff.list': '工作人员：{list}',
    'og.cancel': '取消',
    'og.choose': '请选择',
    'og.unavailable': '机构与大厅接口暂不可用：{title}',
  },
  en: {
    'og.title': 'Organisations and halls',
    'og.lead': 'Maintain the organisations (city, district/county, township/subdistrict, village/community and their departments) and the service halls with their windows. A window’s authorisation letter lists the items it may decide directly.',
    'og.tree': 'Organisations',
    'og.new': 'New organisation',
    'og.create': 'Create organisation',
    'og.created': 'Organisation {name} created.',
    'og.f.code': 'Code',
    'og.f.name': 'Name',
    'og.f.level': 'Level',
    'og.f.kind': 'Kind',
    'og.f.parent': 'Parent',
    'og.f.address': 'Address',
    'og.f.phone': 'Telephone',
    'og.level.1': 'City',
    'og.level.2': 'District/county',
    'og.level.3': 'Township/subdistrict',
    'og.level.4': 'Village/community',
    'og.kind.region': 'Region',
    'og.kind.department': 'Department',
    'og.kind.bureau': 'Approval bureau',
    'og.none': '(none, top level)',
    'og.empty': 'No organisations yet.',
    'og.halls': 'Service halls',
    'og.hall.new': 'New hall',
    'og.hall.create': 'Create hall',
    'og.hall.created': 'Hall {name} created.',
    'og.h.code': 'Hall code',
    'og.h.name': 'Hall name',
    'og.h.org': 'Region',
    'og.h.address': 'Address',
    'og.h.phone': 'Telephone',
    'og.h.hours': 'Opening hours',
    'og.h.empty': 'No service halls yet.',
    'og.h.windows': '{n} windows',
    'og.w.new': 'Add window',
    'og.w.edit': 'Edit window',
    'og.w.edit.label': 'Edit window: {name}',
    'og.w.save': 'Save window',
    'og.w.saved': 'Window {name} saved.',
    'og.w.code': 'Window code',
    'og.w.name': 'Window name',
    'og.w.kind': 'Window kind',
    'og.w.kind.comprehensive': 'Comprehensive',
    'og.w.kind.themed': 'Themed',
    'og.w.kind.department': 'Department',
    'og.w.theme': 'Theme (themed windows)',
    'og.w.dept': 'Department (department windows)',
    'og.w.staff': 'Staff user names',
    'og.w.staff.hint': 'Separate user names with commas or spaces.',
    'og.w.letter': 'Authorisation letter text',
    'og.w.items': 'Authorised item codes',
    'og.w.items.hint': 'Items the window may decide directly; separate codes with commas or new lines.',
    'og.w.letter.at': 'Letter published {date}',
    'og.w.letter.none': 'No authorisation letter',
    'og.w.items.list': 'Items: {list}',
    'og.w.staff.list': 'Staff: {list}',
    'og.cancel': 'Cancel',
    'og.choose': 'Choose',
    'og.unavailable': 'The organisation and hall service is not available: {title}',
  },
});

let ui;

export function mount(section) {
  ui = { section, flat: [] };
  section.append(
    el('h2', { id: 'orgs-title', class: 'panel-title', 'data-i18n': 'og.title' }),
    el('p', { class: 'panel-lead', 'data-i18n': 'og.lead' }),
    el('p', { class: 'section-status', role: 'status', id: 'og-status' }),
    el(
      'div',
      { class: 'two-col' },
      el(
        'section',
        { 'aria-labelledby': 'og-tree-title' },
        el('div', { class: 'panel-head' }, el('h3', { id: 'og-tree-title', class: 'subpanel-title', 'data-i18n': 'og.tree' }), toggleButton('og-new', 'og.new', 'og-create')),
        orgForm(),
        el('ul', { class: 'org-tree', id: 'og-tree' }),
      ),
      el(
        'section',
        { 'aria-labelledby': 'og-halls-title' },
        el('div', { class: 'panel-head' }, el('h3', { id: 'og-halls-title', class: 'subpanel-title', 'data-i18n': 'og.halls' }), toggleButton('og-hall-new', 'og.hall.new', 'og-hall-create')),
        hallForm(),
        el('div', { id: 'og-halls' }),
      ),
    ),
  );
  applyI18n(section);
  refresh();
}

function toggleButton(idName, key, formId) {
  const b = el('button', { type: 'button', class: 'btn btn-secondary btn-small', id: idName, 'aria-expanded': 'false', 'aria-controls': formId, 'data-i18n': key });
  b.addEventListener('click', () => {
    const f = document.getElementById(formId);
    f.hidden = !f.hidden;
    b.setAttribute('aria-expanded', String(!f.hidden));
    if (!f.hidden) f.querySelector('input, select').focus();
  });
  return b;
}

function say(text, notice = false) {
  const s = ui.section.querySelector('#og-status');
  s.textContent = text;
  s.classList.toggle('notice', notice);
  s.classList.toggle('notice-ok', !notice && Boolean(text));
}

function fieldOf(idName, key, control, hintKey) {
  control.setAttribute('id', idName);
  if (hintKey) control.setAttribute('aria-describedby', `${idName}-hint`);
  return el('div', { class: 'field' }, el('label', { for: idName, 'data-i18n': key }), control, hintKey ? el('p', { class: 'field-hint', id: `${idName}-hint`, 'data-i18n': hintKey }) : null);
}

const text = (name, attrs = {}) => el('input', { type: 'text', name, autocomplete: 'off', ...attrs });

/* ------------------------------------------------------------ organisations */

function orgForm() {
  const form = el(
    'form',
    { class: 'form subpanel', id: 'og-create', novalidate: true, hidden: true },
    el('div', { class: 'form-alert', role: 'alert', hidden: true }),
    el(
      'div',
      { class: 'form-grid' },
      fieldOf('og-code', 'og.f.code', text('code', { required: true, spellcheck: 'false' })),
      fieldOf('og-name', 'og.f.name', text('name', { required: true })),
      fieldOf('og-level', 'og.f.level', el('select', { name: 'level' }, ...[1, 2, 3, 4].map((n) => el('option', { value: n, 'data-i18n': `og.level.${n}` })))),
      fieldOf('og-kind', 'og.f.kind', el('select', { name: 'kind' }, ...['region', 'department', 'bureau'].map((k) => el('option', { value: k, 'data-i18n': `og.kind.${k}` })))),
      fieldOf('og-parent', 'og.f.parent', el('select', { name: 'parent' })),
      fieldOf('og-address', 'og.f.address', text('address')),
      fieldOf('og-phone', 'og.f.phone', text('phone', { type: 'tel' })),
    ),
    el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'btn btn-primary', 'data-i18n': 'og.create' })),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    if (!checkRequired(form)) return;
    const v = formValues(form);
    const body = { code: v.code, name: v.name, level: Number(v.level), kind: v.kind, parent: v.parent || null, address: v.address, phone: v.phone };
    try {
      await api('/api/v1/orgs', { method: 'POST', body });
      form.reset();
      form.hidden = true;
      say(t('og.created', { name: body.name }));
      refresh();
    } catch (err) {
      if (onUnauthenticated(err, LOGIN_PAGES.admin)) return;
      showProblem(form, err);
    }
  });
  return form;
}

function flatten(list, out = [], depth = 0) {
  for (const o of list) {
    out.push({ ...o, depth });
    flatten(o.children || [], out, depth + 1);
  }
  return out;
}

/* The tree from GET /api/v1/orgs, or built from /orgs/all (parent_id) while that is not there. */
async function loadTree() {
  try {
    const r = await apiGet('/api/v1/orgs');
    return (r && r.orgs) || [];
  } catch (e) {
    const r = await apiGet('/api/v1/orgs/all').catch(() => {
      throw e;
    });
    const byId = new Map((r.orgs || []).map((o) => [o.id, { ...o, children: [] }]));
    const roots = [];
    for (const o of byId.values()) (o.parent_id && byId.has(o.parent_id) ? byId.get(o.parent_id).children : roots).push(o);
    return roots;
  }
}

function renderTree(roots) {
  const draw = (list) =>
    list.map((o) =>
      el(
        'li',
        { 'data-code': o.code },
        el('strong', {}, o.name),
        ' ',
        el('span', { class: 'badge badge-muted' }, t(`og.kind.${o.kind}`)),
        ' ',
        el('span', { class: 'org-code' }, `${o.code} · ${t(`og.level.${o.level}`)}`),
        o.children && o.children.length ? el('ul', {}, ...draw(o.children)) : null,
      ),
    );
  const tree = ui.section.querySelector('#og-tree');
  tree.replaceChildren(...(roots.length ? draw(roots) : [el('li', {}, t('og.empty'))]));
  const parent = ui.section.querySelector('#og-parent');
  parent.replaceChildren(el('option', { value: '' }, t('og.none')), ...ui.flat.map((o) => el('option', { value: o.code }, `${'　'.repeat(o.depth)}${o.name}`)));
  const hallOrg = ui.section.querySelector('#og-h-org');
  hallOrg.replaceChildren(el('option', { value: '' }, t('og.choose')), ...ui.flat.filter((o) => o.kind === 'region').map((o) => el('option', { value: o.code }, o.name)));
}

/* ------------------------------------------------------------ halls */

function hallForm() {
  const form = el(
    'form',
    { class: 'form subpanel', id: 'og-hall-create', novalidate: true, hidden: true },
    el('div', { class: 'form-alert', role: 'alert', hidden: true }),
    el(
      'div',
      { class: 'form-grid' },
      fieldOf('og-h-code', 'og.h.code', text('code', { required: true, spellcheck: 'false' })),
      fieldOf('og-h-name', 'og.h.name', text('name', { required: true })),
      fieldOf('og-h-org', 'og.h.org', el('select', { name: 'org', required: true })),
      fieldOf('og-h-address', 'og.h.address', text('address')),
      fieldOf('og-h-phone', 'og.h.phone', text('phone', { type: 'tel' })),
      fieldOf('og-h-hours', 'og.h.hours', text('hours')),
    ),
    el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'btn btn-primary', 'data-i18n': 'og.hall.create' })),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    if (!checkRequired(form)) return;
    const v = formValues(form);
    try {
      await api('/api/v1/halls', { method: 'POST', body: v });
      form.reset();
      form.hidden = true;
      say(t('og.hall.created', { name: v.name }));
      refresh();
    } catch (err) {
      if (onUnauthenticated(err, LOGIN_PAGES.admin)) return;
      showProblem(form, err);
    }
  });
  return form;
}

const splitList = (s) =>
  String(s || '')
    .split(/[\s,，、;；]+/)
    .map((x) => x.trim())
    .filter(Boolean);

function renderHalls(halls) {
  const host = ui.section.querySelector('#og-halls');
  if (!halls.length) {
    host.replaceChildren(el('p', {}, t('og.h.empty')));
    return;
  }
  host.replaceChildren(
    ...halls.map((h) => {
      const addButton = el('button', { type: 'button', class: 'btn btn-secondary btn-small' }, t('og.w.new'));
      const slot = el('div', {});
      addButton.addEventListener('click', () => slot.replaceChildren(windowForm(h, null, slot)));
      return el(
        'article',
        { class: 'subpanel hall', 'data-code': h.code, 'aria-labelledby': `hall-${h.code}` },
        el('h4', { id: `hall-${h.code}`, class: 'subpanel-title' }, h.name, ' ', el('span', { class: 'org-code' }, h.code)),
        el('p', { class: 'form-note' }, [h.address, h.phone, h.hours].filter(Boolean).join(' · ')),
        el('p', {}, t('og.h.windows', { n: (h.windows || []).length })),
        el('ul', { class: 'window-list' }, ...(h.windows || []).map((w) => windowItem(h, w))),
        el('p', { class: 'form-actions' }, addButton),
        slot,
      );
    }),
  );
}

function windowItem(hall, w) {
  const edit = el('button', { type: 'button', class: 'btn btn-secondary btn-small', 'aria-label': t('og.w.edit.label', { name: w.name }) }, t('og.w.edit'));
  const slot = el('div', {});
  edit.addEventListener('click', () => slot.replaceChildren(windowForm(hall, w, slot)));
  const staff = (w.staff || []).map((s) => s.name || s.username).join('、');
  const letter = w.letter;
  return el(
    'li',
    {},
    el('strong', {}, w.name),
    ' ',
    el('span', { class: 'badge badge-flag' }, t(`og.w.kind.${w.kind}`)),
    w.theme ? ` ${w.theme}` : '',
    ' ',
    el('span', { class: 'org-code' }, w.code),
    staff ? el('p', { class: 'form-note' }, t('og.w.staff.list', { list: staff })) : null,
    el(
      'p',
      { class: 'form-note' },
      letter ? t('og.w.letter.at', { date: letter.published_at || '' }) : t('og.w.letter.none'),
      letter && letter.items && letter.items.length ? ` · ${t('og.w.items.list', { list: letter.items.map((i) => i.name || i.impl_code).join('、') })}` : '',
    ),
    el('p', { class: 'form-actions' }, edit),
    slot,
  );
}

let windowFormSeq = 0;

function windowForm(hall, w, slot) {
  const n = ++windowFormSeq;
  const idp = `og-w${n}`;
  const depts = ui.flat.filter((o) => o.kind !== 'region');
  const kindSel = el('select', { name: 'kind' }, ...['comprehensive', 'themed', 'department'].map((k) => el('option', { value: k, selected: w && w.kind === k }, t(`og.w.kind.${k}`))));
  const form = el(
    'form',
    { class: 'form subpanel', novalidate: true },
    el('div', { class: 'form-alert', role: 'alert', hidden: true }),
    el(
      'div',
      { class: 'form-grid' },
      fieldOf(`${idp}-code`, 'og.w.code', text('code', { required: true, value: w ? w.code : '', readonly: Boolean(w), spellcheck: 'false' })),
      fieldOf(`${idp}-name`, 'og.w.name', text('name', { required: true, value: w ? w.name : '' })),
      fieldOf(`${idp}-kind`, 'og.w.kind', kindSel),
      fieldOf(`${idp}-theme`, 'og.w.theme', text('theme', { value: (w && w.theme) || '' })),
      fieldOf(`${idp}-dept`, 'og.w.dept', el('select', { name: 'dept' }, el('option', { value: '' }, t('og.choose')), ...depts.map((o) => el('option', { value: o.code, selected: w && w.dept === o.code }, o.name)))),
      fieldOf(`${idp}-staff`, 'og.w.staff', text('staff', { value: w ? (w.staff || []).map((s) => s.username).join(', ') : '', spellcheck: 'false' }), 'og.w.staff.hint'),
    ),
    fieldOf(`${idp}-letter`, 'og.w.letter', el('textarea', { name: 'letter', rows: 3 }, (w && w.letter && w.letter.text) || '')),
    fieldOf(`${idp}-items`, 'og.w.items', el('textarea', { name: 'items', rows: 2, spellcheck: 'false' }, w && w.letter ? (w.letter.items || []).map((i) => i.impl_code).join('\n') : ''), 'og.w.items.hint'),
    el(
      'div',
      { class: 'form-actions' },
      el('button', { type: 'submit', class: 'btn btn-primary', 'data-i18n': 'og.w.save' }),
      el('button', { type: 'button', class: 'btn btn-secondary', 'data-role': 'cancel', 'data-i18n': 'og.cancel' }),
    ),
  );
  form.querySelector('[data-role="cancel"]').addEventListener('click', () => slot.replaceChildren());
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    if (!checkRequired(form)) return;
    const v = formValues(form);
    const letterText = form.querySelector('[name="letter"]').value.trim();
    const items = splitList(form.querySelector('[name="items"]').value);
    const body = {
      code: v.code,
      name: v.name,
      kind: v.kind,
      theme: v.theme || null,
      dept: v.dept || null,
      staff: splitList(v.staff),
      letter: letterText || items.length ? { text: letterText, items } : null,
    };
    const base = `/api/v1/halls/${encodeURIComponent(hall.code)}/windows`;
    try {
      if (w) await api(`${base}/${encodeURIComponent(w.code)}`, { method: 'PUT', body });
      else await api(base, { method: 'POST', body });
      say(t('og.w.saved', { name: v.name }));
      refresh();
    } catch (err) {
      if (onUnauthenticated(err, LOGIN_PAGES.admin)) return;
      showProblem(form, err);
    }
  });
  applyI18n(form);
  setTimeout(() => form.querySelector('input:not([readonly])').focus(), 0);
  return form;
}

/* ------------------------------------------------------------ load */

async function refresh() {
  let tree = [];
  try {
    tree = await loadTree();
  } catch (e) {
    if (onUnauthenticated(e, LOGIN_PAGES.admin)) return;
    say(t('og.unavailable', { title: e.title || String(e) }), true);
  }
  ui.flat = flatten(tree);
  renderTree(tree);
  try {
    const r = await apiGet('/api/v1/halls');
    renderHalls((r && r.halls) || []);
  } catch (e) {
    if (onUnauthenticated(e, LOGIN_PAGES.admin)) return;
    ui.section.querySelector('#og-halls').replaceChildren(el('p', { class: 'notice' }, t('og.unavailable', { title: e.title || String(e) })));
  }
}
