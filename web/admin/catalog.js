// catalog.js - 事项管理 (permission catalog.manage): the service-item
// catalogue of docs/catalogue.md.
//
// GET /api/v1/catalogue/items?q=&status= lists every item with its status
// and versions; GET /api/v1/catalogue/items/{code} gives the latest version
// (a draft too) with "versions". The editor has fields for the common parts
// of the document (name, type, org, kind, class, trips, limits, flags,
// conditions, a materials table and a steps table) and a JSON textarea for
// the whole document; the form's fields win over the JSON. A 修改原因 is
// required. 保存草稿 is PUT {publish:false}, 发布 PUT {publish:true}; a new
// item is POST /api/v1/items first. A 422 answer's "errors" ({path, zh, en})
// are shown next to the field each path names (materials[2].name → that
// row's name input) and listed at the top. Status changes go through
// POST /api/v1/items/{code}/status, 划转 through .../transfer.

import { api, apiGet, ApiError } from '../common/api.js';
import { formatTime } from '../common/account-text.js';
import { codeRows, fieldLabel, guideHref, loadCodes, statusBadge } from '../common/catalog-text.js';
import { addMessages, applyI18n, lang, onLangChange, t } from '../common/i18n.js';
import { el } from '../common/layout.js';
import { LOGIN_PAGES, onUnauthenticated } from '../common/session.js';

export const id = 'catalog';
export const permission = 'catalog.manage';
export const titleKey = 'ci.title';

addMessages({
  'zh-CN': {
    'ci.title': '事项管理',
    'ci.lead': '维护政务服务事项目录：编辑办事指南，保存草稿或发布新版本，暂停、恢复、取消或划转事项。每次修改都要写明原因，并保留版本历史。',
    'ci.new': '新建事项',
    'ci.q': '事项名称或编码',
    'ci.status': '状态',
    'ci.status.any': '全部状态',
    'ci.search': '查询',
    'ci.table': '事项列表',
    'ci.c.code': '实施编码',
    'ci.c.name': '事项名称',
    'ci.c.org': '实施部门',
    'ci.c.status': '状态',
    'ci.c.version': '版本',
    'ci.c.updated': '更新时间',
    'ci.c.actions': '操作',
    'ci.version.cur': '现行第 {v} 版',
    'ci.version.none': '未发布',
    'ci.version.draft': '草稿第 {v} 版',
    'ci.edit': '编辑',
    'ci.edit.label': '编辑：{name}',
    'ci.view': '指南',
    'ci.view.label': '查看办事指南：{name}',
    'ci.loaded': '共 {n} 个事项。',
    'ci.empty': '没有符合条件的事项。',
    'ci.editor.new': '新建事项',
    'ci.editor.edit': '编辑事项：{name}',
    'ci.editor.close': '返回列表',
    'ci.editing.draft': '正在编辑第 {v} 版草稿（尚未发布）。',
    'ci.editing.published': '当前为第 {v} 版。保存后生成新的草稿版本，发布后生效。',
    'ci.g.basic': '基本信息',
    'ci.g.limits': '办理时限',
    'ci.g.ways': '办理方式',
    'ci.g.conditions': '申请条件',
    'ci.g.materials': '申请材料',
    'ci.g.steps': '办理流程',
    'ci.g.json': '完整事项文档（JSON，高级）',
    'ci.g.json.hint': '可在此修改表单中没有的字段（设定依据、收费、办理结果、送达方式、咨询投诉等）。表单中的字段以表单为准。',
    'ci.json.bad': '完整事项文档不是有效的 JSON：{msg}',
    'ci.f.impl_code': '实施编码',
    'ci.f.basic_code': '基本编码',
    'ci.f.name': '事项名称',
    'ci.f.type': '事项类型',
    'ci.f.org': '实施部门',
    'ci.f.org.hint': '已有事项的实施部门只能通过“划转”变更。',
    'ci.f.kind': '办件类型',
    'ci.f.item_class': '事项分类',
    'ci.f.trips': '到现场次数',
    'ci.f.legal': '法定时限（工作日）',
    'ci.f.promised': '承诺时限（工作日）',
    'ci.f.promised.hint': '不得超过法定时限；超过法定时限一半须为安全、健康、环保、质量类豁免事项。',
    'ci.f.limit_starts': '计时起点',
    'ci.f.limit_starts.next_day': '受理次日',
    'ci.f.limit_starts.same_day': '受理当日',
    'ci.f.is_immediate': '马上办',
    'ci.f.is_online': '网上办',
    'ci.f.is_nearby': '就近办',
    'ci.f.is_one_visit': '一次办',
    'ci.f.is_exempt': '安全健康环保质量类（豁免时限压缩）',
    'ci.f.is_high_risk': '高风险事项（不适用告知承诺）',
    'ci.f.conditions': '申请条件',
    'ci.m.name': '材料名称',
    'ci.m.required': '必要',
    'ci.m.copies': '份数',
    'ci.m.form': '形式',
    'ci.m.source': '来源',
    'ci.m.missing': '容缺',
    'ci.m.commitment': '告知承诺',
    'ci.m.remove': '删除',
    'ci.m.remove.label': '删除第 {n} 项材料',
    'ci.m.add': '添加材料',
    'ci.m.caption': '申请材料（可增删行）',
    'ci.s.name': '步骤名称',
    'ci.s.level': '审批权限级别',
    'ci.s.limit': '时限（工作日）',
    'ci.s.remove.label': '删除第 {n} 个步骤',
    'ci.s.add': '添加步骤',
    'ci.s.caption': '办理流程（可增删行）',
    'ci.row': '第 {n} 行',
    'ci.f.reason': '修改原因',
    'ci.f.reason.hint': '必填，记入版本历史，如“压缩承诺时限”。',
    'ci.save': '保存草稿',
    'ci.publish': '发布',
    'ci.saved': '已保存第 {v} 版草稿。',
    'ci.published': '已发布第 {v} 版。',
    'ci.errors': '事项有 {n} 处问题，请逐项修改：',
    'ci.history': '版本历史',
    'ci.h.version': '版本',
    'ci.h.status': '状态',
    'ci.h.author': '修改人',
    'ci.h.at': '时间',
    'ci.h.reason': '修改原因',
    'ci.h.changed': '变更字段',
    'ci.h.none': '暂无版本。',
    'ci.st.title': '事项状态',
    'ci.st.reason': '状态变更原因',
    'ci.st.suspend': '暂停办理',
    'ci.st.resume': '恢复办理',
    'ci.st.cancel': '取消事项',
    'ci.st.done': '事项状态已改为：{status}。',
    'ci.tr.title': '划转',
    'ci.tr.lead': '将事项划转给其他部门（如行政审批局）实施，划转记录永久保留。',
    'ci.tr.to': '划转至',
    'ci.tr.reason': '划转原因',
    'ci.tr.go': '划转',
    'ci.tr.done': '已划转至 {org}。',
    'ci.need.reason': '请填写原因。',
    'ci.choose': '请选择',
  },
  en: {
    'ci.title': 'Service catalogue',
    'ci.lead': 'Maintain the service catalogue: edit guides, save drafts or publish new versions, suspend, resume, cancel or transfer items. Every change needs a reason and is kept in the version history.',
    'ci.new': 'New item',
    'ci.q': 'Name or code',
    'ci.status': 'Status',
    'ci.status.any': 'Any status',
    'ci.search': 'Search',
    'ci.table': 'Items',
    'ci.c.code': 'Code',
    'ci.c.name': 'Name',
    'ci.c.org': 'Department',
    'ci.c.status': 'Status',
    'ci.c.version': 'Version',
    'ci.c.updated': 'Updated',
    'ci.c.actions': 'Actions',
    'ci.version.cur': 'current v{v}',
    'ci.version.none': 'never published',
    'ci.version.draft': 'draft v{v}',
    'ci.edit': 'Edit',
    'ci.edit.label': 'Edit: {name}',
    'ci.view': 'Guide',
    'ci.view.label': 'Guide of {name}',
    'ci.loaded': '{n} items.',
    'ci.empty': 'No item matches.',
    'ci.editor.new': 'New item',
    'ci.editor.edit': 'Edit item: {name}',
    'ci.editor.close': 'Back to the list',
    'ci.editing.draft': 'Editing draft version {v} (not published).',
    'ci.editing.published': 'Version {v} is current. Saving makes a new draft; publishing makes it current.',
    'ci.g.basic': 'Basic information',
    'ci.g.limits': 'Time limits',
    'ci.g.ways': 'How it is handled',
    'ci.g.conditions': 'Conditions',
    'ci.g.materials': 'Materials',
    'ci.g.steps': 'Procedure',
    'ci.g.json': 'Whole document (JSON, advanced)',
    'ci.g.json.hint': 'Edit the fields the form lacks here (basis, fee, result, delivery, contacts ...). The form’s fields win.',
    'ci.json.bad': 'The whole document is not valid JSON: {msg}',
    'ci.f.impl_code': 'Implementation code',
    'ci.f.basic_code': 'Basic code',
    'ci.f.name': 'Name',
    'ci.f.type': 'Type',
    'ci.f.org': 'Department',
    'ci.f.org.hint': 'An existing item changes department only by a transfer.',
    'ci.f.kind': 'Case kind',
    'ci.f.item_class': 'Class',
    'ci.f.trips': 'Trips',
    'ci.f.legal': 'Legal limit (working days)',
    'ci.f.promised': 'Promised limit (working days)',
    'ci.f.promised.hint': 'At most the legal limit; over half of it only for safety, health, environment or quality items.',
    'ci.f.limit_starts': 'Counting starts',
    'ci.f.limit_starts.next_day': 'Day after acceptance',
    'ci.f.limit_starts.same_day': 'Day of acceptance',
    'ci.f.is_immediate': 'Done at once',
    'ci.f.is_online': 'Online',
    'ci.f.is_nearby': 'Nearby',
    'ci.f.is_one_visit': 'One visit',
    'ci.f.is_exempt': 'Safety/health/environment/quality (exempt)',
    'ci.f.is_high_risk': 'High risk (no written commitment)',
    'ci.f.conditions': 'Conditions',
    'ci.m.name': 'Material',
    'ci.m.required': 'Required',
    'ci.m.copies': 'Copies',
    'ci.m.form': 'Form',
    'ci.m.source': 'Source',
    'ci.m.missing': 'May follow',
    'ci.m.commitment': 'Commitment',
    'ci.m.remove': 'Remove',
    'ci.m.remove.label': 'Remove material {n}',
    'ci.m.add': 'Add material',
    'ci.m.caption': 'Materials (rows can be added and removed)',
    'ci.s.name': 'Step',
    'ci.s.level': 'Authority level',
    'ci.s.limit': 'Days',
    'ci.s.remove.label': 'Remove step {n}',
    'ci.s.add': 'Add step',
    'ci.s.caption': 'Procedure (rows can be added and removed)',
    'ci.row': 'row {n}',
    'ci.f.reason': 'Reason for the change',
    'ci.f.reason.hint': 'Required; kept in the version history.',
    'ci.save': 'Save draft',
    'ci.publish': 'Publish',
    'ci.saved': 'Draft version {v} saved.',
    'ci.published': 'Version {v} published.',
    'ci.errors': 'The item has {n} problems:',
    'ci.history': 'Version history',
    'ci.h.version': 'Version',
    'ci.h.status': 'Status',
    'ci.h.author': 'By',
    'ci.h.at': 'When',
    'ci.h.reason': 'Reason',
    'ci.h.changed': 'Changed fields',
    'ci.h.none': 'No versions yet.',
    'ci.st.title': 'Status',
    'ci.st.reason': 'Reason for the status change',
    'ci.st.suspend': 'Suspend',
    'ci.st.resume': 'Resume',
    'ci.st.cancel': 'Cancel item',
    'ci.st.done': 'Status is now: {status}.',
    'ci.tr.title': 'Transfer',
    'ci.tr.lead': 'Hand the item to another department (an approval bureau, say); transfers are kept for good.',
    'ci.tr.to': 'Transfer to',
    'ci.tr.reason': 'Reason for the transfer',
    'ci.tr.go': 'Transfer',
    'ci.tr.done': 'Transferred to {org}.',
    'ci.need.reason': 'Please give a reason.',
    'ci.choose': 'Choose',
  },
});

const FLAGS = ['is_immediate', 'is_online', 'is_nearby', 'is_one_visit', 'is_exempt', 'is_high_risk'];

/* A new item's starting document: the required parts, to be filled in. */
function blankItem() {
  return {
    impl_code: '',
    basic_code: '',
    name: '',
    type: '01',
    org: '',
    audience: ['1'],
    levels: ['3'],
    topics: [],
    power_source: '1',
    handling_mode: '1',
    basis: [{ law: '', article: '' }],
    conditions: '',
    materials: [],
    steps: [{ name: '受理', authority_level: 1, limit_days: 1 }],
    special_procedures: [],
    legal_limit_days: 20,
    promised_limit_days: 10,
    limit_starts: 'next_day',
    is_exempt: false,
    is_high_risk: false,
    fee: { is_free: true },
    result: { kind: 'document', name: '' },
    kind: '2',
    item_class: 'A',
    trips: '1',
    is_immediate: false,
    is_online: true,
    is_nearby: false,
    is_one_visit: true,
    delivery: ['window'],
    channels: ['window', 'online'],
    intermediaries: [],
    contacts: { phone: '', consult: '', complaint: '', address: '', hours: '' },
    notes: '',
  };
}

let ui;

export function mount(section) {
  ui = { section, orgs: [], current: null, isNew: false, lastList: null };
  section.append(
    el(
      'div',
      { class: 'panel-head' },
      el('h2', { id: 'catalog-title', class: 'panel-title', 'data-i18n': 'ci.title' }),
      el('button', { type: 'button', class: 'btn btn-primary', id: 'ci-new', 'data-i18n': 'ci.new' }),
    ),
    el('p', { class: 'panel-lead', 'data-i18n': 'ci.lead' }),
    listPart(),
    el('p', { class: 'section-status', role: 'status', id: 'ci-status' }),
    el('div', { id: 'ci-editor', class: 'subpanel item-editor', hidden: true, tabindex: '-1', 'aria-labelledby': 'ci-editor-title', role: 'region' }),
  );
  section.querySelector('#ci-new').addEventListener('click', () => openEditor(null));
  applyI18n(section);
  onLangChange(() => {
    if (ui.lastList) renderList(ui.lastList);
  });
  Promise.all([loadCodes(), loadOrgs()]).then(() => loadList());
}

/* ------------------------------------------------------------ list */

function listPart() {
  const form = el(
    'form',
    { class: 'form cat-toolbar', id: 'ci-filter', role: 'search', novalidate: true },
    el('div', { class: 'field' }, el('label', { for: 'ci-q', 'data-i18n': 'ci.q' }), el('input', { id: 'ci-q', name: 'q', type: 'search', maxlength: 50, autocomplete: 'off' })),
    el(
      'div',
      { class: 'field' },
      el('label', { for: 'ci-st', 'data-i18n': 'ci.status' }),
      el(
        'select',
        { id: 'ci-st', name: 'status' },
        el('option', { value: '', 'data-i18n': 'ci.status.any' }),
        ...['draft', 'published', 'suspended', 'cancelled'].map((s) => el('option', { value: s, 'data-i18n': `cat.status.${s}` })),
      ),
    ),
    el('button', { type: 'submit', class: 'btn btn-secondary', 'data-i18n': 'ci.search' }),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    loadList();
  });
  const head = ['ci.c.code', 'ci.c.name', 'ci.c.org', 'ci.c.status', 'ci.c.version', 'ci.c.updated', 'ci.c.actions'];
  return el(
    'div',
    { id: 'ci-list' },
    form,
    el(
      'div',
      { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'ci-caption' },
      el(
        'table',
        { class: 'data-table', id: 'ci-table' },
        el('caption', { id: 'ci-caption', class: 'visually-hidden', 'data-i18n': 'ci.table' }),
        el('thead', {}, el('tr', {}, ...head.map((k) => el('th', { scope: 'col', 'data-i18n': k })))),
        el('tbody', {}),
      ),
    ),
  );
}

async function loadOrgs() {
  try {
    const r = await apiGet('/api/v1/orgs?view=list');
    ui.orgs = (r && r.orgs) || [];
  } catch {
    try {
      const r = await apiGet('/api/v1/orgs/all');
      ui.orgs = (r && r.orgs) || [];
    } catch {
      ui.orgs = [];
    }
  }
}

async function loadList() {
  const q = new URLSearchParams();
  const text = ui.section.querySelector('#ci-q').value.trim();
  const st = ui.section.querySelector('#ci-st').value;
  if (text) q.set('q', text);
  if (st) q.set('status', st);
  try {
    const r = await apiGet(`/api/v1/catalogue/items${q.toString() ? `?${q}` : ''}`);
    ui.lastList = r.items || [];
    renderList(ui.lastList);
  } catch (e) {
    if (onUnauthenticated(e, LOGIN_PAGES.admin)) return;
    say(t('admin.failed', { title: e.title || String(e) }), true);
  }
}

function renderList(items) {
  const head = ['ci.c.code', 'ci.c.name', 'ci.c.org', 'ci.c.status', 'ci.c.version', 'ci.c.updated', 'ci.c.actions'];
  const tbody = ui.section.querySelector('#ci-table tbody');
  tbody.replaceChildren(
    ...items.map((it) => {
      const edit = el('button', { type: 'button', class: 'btn btn-secondary btn-small', 'aria-label': t('ci.edit.label', { name: it.name }) }, t('ci.edit'));
      edit.addEventListener('click', () => openEditor(it.impl_code));
      const versionText = [it.current_version ? t('ci.version.cur', { v: it.current_version }) : t('ci.version.none')];
      if (it.latest_status === 'draft' && it.latest_version !== it.current_version) versionText.push(t('ci.version.draft', { v: it.latest_version }));
      const actions = el('span', { class: 'row-actions' }, edit);
      if (it.current_version) actions.append(el('a', { class: 'btn btn-secondary btn-small', href: guideHref(it.impl_code), 'aria-label': t('ci.view.label', { name: it.name }) }, t('ci.view')));
      const cells = [el('code', {}, it.impl_code), el('strong', {}, it.name), it.org ? it.org.name : '', statusBadge(it.status), versionText.join('；'), formatTime(it.updated_at), actions];
      return el('tr', { 'data-code': it.impl_code }, ...cells.map((c, i) => el('td', { 'data-label': t(head[i]) }, c)));
    }),
  );
  say(items.length ? t('ci.loaded', { n: items.length }) : t('ci.empty'));
}

function say(text, isNotice = false) {
  const s = ui.section.querySelector('#ci-status');
  s.textContent = text;
  s.classList.toggle('notice', isNotice);
}

/* ------------------------------------------------------------ editor */

async function openEditor(code) {
  const box = ui.section.querySelector('#ci-editor');
  ui.isNew = !code;
  if (code) {
    try {
      ui.current = await apiGet(`/api/v1/catalogue/items/${encodeURIComponent(code)}`);
    } catch (e) {
      if (onUnauthenticated(e, LOGIN_PAGES.admin)) return;
      say(t('admin.failed', { title: e.title || String(e) }), true);
      return;
    }
  } else {
    ui.current = { item: blankItem(), versions: [], status: 'draft' };
  }
  renderEditor(box);
  ui.section.querySelector('#ci-list').hidden = true;
  box.hidden = false;
  box.focus();
}

function closeEditor() {
  ui.section.querySelector('#ci-editor').hidden = true;
  ui.section.querySelector('#ci-list').hidden = false;
  ui.current = null;
  loadList();
}

function options(table, value, { withBlank = false } = {}) {
  const rows = codeRows(table);
  const out = withBlank ? [el('option', { value: '' }, t('ci.choose'))] : [];
  for (const r of rows) out.push(el('option', { value: r.code, selected: r.code === value }, lang() === 'en' ? r.en : r.zh));
  return out;
}

function field(idName, labelKey, control, hintKey) {
  control.setAttribute('id', idName);
  if (hintKey) control.setAttribute('aria-describedby', `${idName}-hint`);
  return el('div', { class: 'field' }, el('label', { for: idName }, t(labelKey)), control, hintKey ? el('p', { class: 'field-hint', id: `${idName}-hint` }, t(hintKey)) : null);
}

function renderEditor(box) {
  const cur = ui.current;
  const it = cur.item;
  const title = ui.isNew ? t('ci.editor.new') : t('ci.editor.edit', { name: it.name });
  const close = el('button', { type: 'button', class: 'btn btn-secondary btn-small', id: 'ci-close' }, t('ci.editor.close'));
  close.addEventListener('click', closeEditor);

  const input = (path, value, attrs = {}) => el('input', { type: 'text', name: path, 'data-path': path, value: value ?? '', autocomplete: 'off', ...attrs });
  const select = (path, table, value) => el('select', { name: path, 'data-path': path }, ...options(table, value));
  const orgSelect = el(
    'select',
    { name: 'org', 'data-path': 'org', disabled: !ui.isNew },
    el('option', { value: '' }, t('ci.choose')),
    ...ui.orgs.map((o) => el('option', { value: o.code, selected: o.code === it.org }, `${o.name}（${o.code}）`)),
  );

  const form = el('form', { class: 'form', id: 'ci-form', novalidate: true });
  form.append(
    el('div', { class: 'form-alert', role: 'alert', hidden: true }),
    el(
      'fieldset',
      {},
      el('legend', {}, t('ci.g.basic')),
      el(
        'div',
        { class: 'form-grid form-grid-3' },
        field('ie-impl', 'ci.f.impl_code', input('impl_code', it.impl_code, { readonly: !ui.isNew, maxlength: 36, spellcheck: 'false' })),
        field('ie-basic', 'ci.f.basic_code', input('basic_code', it.basic_code, { maxlength: 12, spellcheck: 'false' })),
        field('ie-name', 'ci.f.name', input('name', it.name, { maxlength: 100 })),
        field('ie-type', 'ci.f.type', select('type', 'item_type', it.type)),
        field('ie-org', 'ci.f.org', orgSelect, ui.isNew ? null : 'ci.f.org.hint'),
        field('ie-kind', 'ci.f.kind', select('kind', 'case_kind', it.kind)),
        field('ie-class', 'ci.f.item_class', select('item_class', 'item_class', it.item_class)),
        field('ie-trips', 'ci.f.trips', select('trips', 'trips', it.trips)),
      ),
    ),
    el(
      'fieldset',
      { class: 'form-group' },
      el('legend', {}, t('ci.g.limits')),
      el(
        'div',
        { class: 'form-grid form-grid-3' },
        field('ie-legal', 'ci.f.legal', el('input', { type: 'number', name: 'legal_limit_days', 'data-path': 'legal_limit_days', min: 1, max: 999, value: it.legal_limit_days, inputmode: 'numeric' })),
        field('ie-promised', 'ci.f.promised', el('input', { type: 'number', name: 'promised_limit_days', 'data-path': 'promised_limit_days', min: 0, max: 999, value: it.promised_limit_days, inputmode: 'numeric' }), 'ci.f.promised.hint'),
        field(
          'ie-starts',
          'ci.f.limit_starts',
          el('select', { name: 'limit_starts', 'data-path': 'limit_starts' }, ...['next_day', 'same_day'].map((v) => el('option', { value: v, selected: v === (it.limit_starts || 'next_day') }, t(`ci.f.limit_starts.${v}`)))),
        ),
      ),
    ),
    el(
      'fieldset',
      { class: 'form-group', 'data-path': 'flags' },
      el('legend', {}, t('ci.g.ways')),
      el('div', { class: 'check-row' }, ...FLAGS.map((f) => el('label', {}, el('input', { type: 'checkbox', name: f, 'data-path': f, checked: Boolean(it[f]) }), t(`ci.f.${f}`)))),
    ),
    el('fieldset', { class: 'form-group' }, el('legend', {}, t('ci.g.conditions')), field('ie-conditions', 'ci.f.conditions', el('textarea', { name: 'conditions', 'data-path': 'conditions', rows: 4, maxlength: 4000 }, it.conditions || ''))),
    el('fieldset', { class: 'form-group' }, el('legend', {}, t('ci.g.materials')), materialsEditor(it.materials || [])),
    el('fieldset', { class: 'form-group' }, el('legend', {}, t('ci.g.steps')), stepsEditor(it.steps || [])),
    jsonEditor(it),
    el(
      'fieldset',
      { class: 'form-group' },
      field('ie-reason', 'ci.f.reason', el('input', { type: 'text', name: 'reason', 'data-path': 'reason', maxlength: 200, required: true, autocomplete: 'off' }), 'ci.f.reason.hint'),
    ),
    el(
      'div',
      { class: 'form-actions' },
      el('button', { type: 'submit', class: 'btn btn-secondary', value: 'draft', id: 'ci-save' }, t('ci.save')),
      el('button', { type: 'submit', class: 'btn btn-primary', value: 'publish', id: 'ci-publish' }, t('ci.publish')),
    ),
  );
  form.querySelector('#ie-reason').closest('.field').querySelector('label').append(el('span', { class: 'req', 'aria-hidden': 'true' }, ' *'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    save(form, e.submitter && e.submitter.value === 'publish');
  });

  const latest = (cur.versions || [])[0];
  const lead = ui.isNew ? '' : latest && latest.status === 'draft' ? t('ci.editing.draft', { v: latest.version }) : t('ci.editing.published', { v: cur.version });
  box.replaceChildren(
    el('div', { class: 'editor-head' }, el('h3', { id: 'ci-editor-title', class: 'subpanel-title' }, title, ' ', ui.isNew ? '' : statusBadge(cur.status)), close),
    lead ? el('p', { class: 'form-note', id: 'ci-editing' }, lead) : '',
    el('p', { class: 'section-status', role: 'status', id: 'ci-editor-status' }),
    form,
    ui.isNew ? '' : historyPart(cur.versions || []),
    ui.isNew ? '' : statusPart(cur.status),
    ui.isNew ? '' : transferPart(it),
  );
}

/* ---- materials and steps tables with add/remove rows */

function materialsEditor(list) {
  const tbody = el('tbody', { id: 'ie-materials' });
  const head = ['ci.m.name', 'ci.m.required', 'ci.m.copies', 'ci.m.form', 'ci.m.source', 'ci.m.missing', 'ci.m.commitment', 'ci.m.remove'];
  const add = el('button', { type: 'button', class: 'btn btn-secondary btn-small', id: 'ie-add-material' }, t('ci.m.add'));
  add.addEventListener('click', () => {
    tbody.append(materialRow({ name: '', is_required: true, copies: 1, form: 'paper', source: 'applicant', allows_missing: false, allows_commitment: false, is_proof: false }, tbody));
    renumber(tbody, 'materials');
    tbody.lastElementChild.querySelector('input').focus();
  });
  for (const m of list) tbody.append(materialRow(m, tbody));
  renumber(tbody, 'materials');
  return el(
    'div',
    {},
    el('div', { class: 'table-wrap', 'data-path': 'materials' }, el('table', { class: 'data-table edit-table' }, el('caption', { class: 'visually-hidden' }, t('ci.m.caption')), el('thead', {}, el('tr', {}, ...head.map((k) => el('th', { scope: 'col' }, t(k))))), tbody)),
    el('p', { class: 'form-actions' }, add),
  );
}

function materialRow(m, tbody) {
  const tr = el('tr', { class: 'material-row' });
  tr.original = m; // keeps the keys the table does not show (licence_type, proof_code ...)
  const labels = ['ci.m.name', 'ci.m.required', 'ci.m.copies', 'ci.m.form', 'ci.m.source', 'ci.m.missing', 'ci.m.commitment', 'ci.m.remove'];
  const remove = el('button', { type: 'button', class: 'btn btn-danger btn-small', 'data-role': 'remove' }, t('ci.m.remove'));
  remove.addEventListener('click', () => {
    tr.remove();
    renumber(tbody, 'materials');
  });
  const cells = [
    el('input', { type: 'text', 'data-key': 'name', value: m.name || '', maxlength: 200 }),
    el('input', { type: 'checkbox', 'data-key': 'is_required', checked: Boolean(m.is_required) }),
    el('input', { type: 'number', class: 'num', 'data-key': 'copies', min: 0, max: 20, value: m.copies ?? 1 }),
    el('select', { 'data-key': 'form' }, ...options('material_form', m.form)),
    el('select', { 'data-key': 'source' }, ...options('material_source', m.source)),
    el('input', { type: 'checkbox', 'data-key': 'allows_missing', checked: Boolean(m.allows_missing) }),
    el('input', { type: 'checkbox', 'data-key': 'allows_commitment', checked: Boolean(m.allows_commitment) }),
    remove,
  ];
  tr.append(...cells.map((c, i) => el('td', { 'data-label': t(labels[i]) }, c)));
  return tr;
}

function stepsEditor(list) {
  const tbody = el('tbody', { id: 'ie-steps' });
  const head = ['ci.s.name', 'ci.s.level', 'ci.s.limit', 'ci.m.remove'];
  const add = el('button', { type: 'button', class: 'btn btn-secondary btn-small', id: 'ie-add-step' }, t('ci.s.add'));
  add.addEventListener('click', () => {
    tbody.append(stepRow({ name: '', authority_level: 1, limit_days: 1 }, tbody));
    renumber(tbody, 'steps');
    tbody.lastElementChild.querySelector('input').focus();
  });
  for (const s of list) tbody.append(stepRow(s, tbody));
  renumber(tbody, 'steps');
  return el(
    'div',
    {},
    el('div', { class: 'table-wrap', 'data-path': 'steps' }, el('table', { class: 'data-table edit-table' }, el('caption', { class: 'visually-hidden' }, t('ci.s.caption')), el('thead', {}, el('tr', {}, ...head.map((k) => el('th', { scope: 'col' }, t(k))))), tbody)),
    el('p', { class: 'form-actions' }, add),
  );
}

function stepRow(s, tbody) {
  const tr = el('tr', { class: 'step-row' });
  tr.original = s;
  const labels = ['ci.s.name', 'ci.s.level', 'ci.s.limit', 'ci.m.remove'];
  const remove = el('button', { type: 'button', class: 'btn btn-danger btn-small', 'data-role': 'remove' }, t('ci.m.remove'));
  remove.addEventListener('click', () => {
    tr.remove();
    renumber(tbody, 'steps');
  });
  const cells = [
    el('input', { type: 'text', 'data-key': 'name', value: s.name || '', maxlength: 50 }),
    el('select', { 'data-key': 'authority_level' }, ...[1, 2, 3, 4].map((n) => el('option', { value: n, selected: n === s.authority_level }, String(n)))),
    el('input', { type: 'number', class: 'num', 'data-key': 'limit_days', min: 0, max: 999, value: s.limit_days ?? 1 }),
    remove,
  ];
  tr.append(...cells.map((c, i) => el('td', { 'data-label': t(labels[i]) }, c)));
  return tr;
}

/* Give each row's controls their path (materials[2].name), id and accessible name. */
function renumber(tbody, key) {
  const labels = {
    materials: ['ci.m.name', 'ci.m.required', 'ci.m.copies', 'ci.m.form', 'ci.m.source', 'ci.m.missing', 'ci.m.commitment'],
    steps: ['ci.s.name', 'ci.s.level', 'ci.s.limit'],
  }[key];
  [...tbody.rows].forEach((tr, i) => {
    tr.dataset.path = `${key}[${i}]`;
    tr.querySelectorAll('[data-key]').forEach((c, j) => {
      c.dataset.path = `${key}[${i}].${c.dataset.key}`;
      c.id = `ie-${key}-${i}-${c.dataset.key}`;
      c.setAttribute('aria-label', `${t(labels[j])}（${t('ci.row', { n: i + 1 })}）`);
    });
    const rm = tr.querySelector('[data-role="remove"]');
    rm.setAttribute('aria-label', t(key === 'materials' ? 'ci.m.remove.label' : 'ci.s.remove.label', { n: i + 1 }));
  });
}

function jsonEditor(it) {
  const area = el('textarea', { id: 'ie-json', class: 'json', name: 'json', rows: 14, spellcheck: 'false', 'aria-describedby': 'ie-json-hint' }, JSON.stringify(it, null, 2));
  const details = el(
    'details',
    { class: 'form-group json-box' },
    el('summary', {}, t('ci.g.json')),
    el('div', { class: 'field' }, el('label', { for: 'ie-json', class: 'visually-hidden' }, t('ci.g.json')), area, el('p', { class: 'field-hint', id: 'ie-json-hint' }, t('ci.g.json.hint'))),
  );
  details.addEventListener('toggle', () => {
    if (!details.open) return;
    try {
      area.value = JSON.stringify(collect(details.closest('form')), null, 2);
    } catch {
      /* leave the text as the user wrote it */
    }
  });
  return details;
}

/* The document to send: the JSON textarea, then the form's fields on top. Throws SyntaxError. */
function collect(form) {
  const doc = JSON.parse(form.querySelector('#ie-json').value);
  const val = (name) => form.querySelector(`[name="${name}"]`);
  for (const k of ['impl_code', 'basic_code', 'name', 'type', 'kind', 'item_class', 'trips', 'limit_starts', 'conditions']) doc[k] = val(k).value.trim();
  if (ui.isNew) doc.org = val('org').value;
  for (const k of ['legal_limit_days', 'promised_limit_days']) {
    const n = Number(val(k).value);
    doc[k] = val(k).value.trim() === '' || !Number.isFinite(n) ? val(k).value : n;
  }
  for (const f of FLAGS) doc[f] = val(f).checked;
  doc.materials = [...form.querySelectorAll('#ie-materials tr')].map((tr) => rowValue(tr, { ...tr.original }));
  doc.steps = [...form.querySelectorAll('#ie-steps tr')].map((tr) => rowValue(tr, { ...tr.original }));
  return doc;
}

function rowValue(tr, out) {
  for (const c of tr.querySelectorAll('[data-key]')) {
    const k = c.dataset.key;
    if (c.type === 'checkbox') out[k] = c.checked;
    else if (c.type === 'number' || k === 'authority_level') out[k] = c.value === '' ? c.value : Number(c.value);
    else out[k] = c.value.trim();
  }
  return out;
}

/* ---- saving and the 422 errors */

function clearItemErrors(form) {
  for (const n of form.querySelectorAll('.field-error')) n.remove();
  for (const n of form.querySelectorAll('[aria-invalid]')) {
    n.removeAttribute('aria-invalid');
    const rest = (n.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && !x.endsWith('-error'));
    if (rest.length) n.setAttribute('aria-describedby', rest.join(' '));
    else n.removeAttribute('aria-describedby');
  }
  for (const n of form.querySelectorAll('.is-invalid')) n.classList.remove('is-invalid');
  const alert = form.querySelector('.form-alert');
  alert.replaceChildren();
  alert.hidden = true;
}

/* The control a path names, or the nearest enclosing thing that has a path. */
function targetFor(form, path) {
  let p = path;
  while (p) {
    const hit = form.querySelector(`[data-path="${CSS.escape(p)}"]`);
    if (hit) return hit;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) break;
    p = p.slice(0, cut);
  }
  // A field the form lacks lives in the whole-document JSON: point there.
  const json = form.querySelector('#ie-json');
  if (json && path && path !== 'json') {
    json.closest('details').open = true;
    return json;
  }
  return path === 'json' ? json : null;
}

let errorSeq = 0;

function showItemErrors(form, errors, title) {
  const alert = form.querySelector('.form-alert');
  const list = el('ul', { class: 'error-list' });
  for (const e of errors) {
    const msg = lang() === 'en' ? e.en || e.zh : e.zh || e.en;
    const target = targetFor(form, e.path || '');
    const item = el('li', {}, el('strong', {}, fieldLabel(e.path)), ' ', el('code', {}, e.path || ''), ' ', msg);
    list.append(item);
    if (!target) continue;
    const errId = `ie-err-${++errorSeq}-error`;
    const node = el('p', { class: 'field-error', id: errId }, el('span', { class: 'field-error-icon', 'aria-hidden': 'true' }, '!'), ` ${msg}`);
    const holder = target.closest('td') || target.closest('.field') || target;
    if (target.matches('input, select, textarea')) {
      target.setAttribute('aria-invalid', 'true');
      target.setAttribute('aria-describedby', [...(target.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean), errId].join(' '));
    }
    holder.classList.add('is-invalid');
    if (holder.matches('tr')) holder.cells[0].append(node);
    else if (holder.matches('.table-wrap')) holder.after(node);
    else holder.append(node);
  }
  alert.replaceChildren(el('span', {}, title || t('ci.errors', { n: errors.length })), list);
  alert.hidden = false;
  const first = form.querySelector('[aria-invalid="true"]');
  if (first) first.focus();
  else alert.scrollIntoView({ block: 'center' });
}

async function save(form, publish) {
  clearItemErrors(form);
  const reason = form.querySelector('[name="reason"]').value.trim();
  let doc;
  try {
    doc = collect(form);
  } catch (e) {
    showItemErrors(form, [{ path: 'json', zh: t('ci.json.bad', { msg: e.message }), en: t('ci.json.bad', { msg: e.message }) }]);
    return;
  }
  if (!reason) {
    showItemErrors(form, [{ path: 'reason', zh: t('ci.need.reason'), en: t('ci.need.reason') }], t('form.check'));
    return;
  }
  const buttons = [...form.querySelectorAll('button[type="submit"]')];
  for (const b of buttons) b.disabled = true;
  try {
    let answer;
    if (ui.isNew) {
      answer = await api('/api/v1/items', { method: 'POST', body: { item: doc, reason } });
      if (publish) answer = await api(`/api/v1/items/${encodeURIComponent(doc.impl_code)}`, { method: 'PUT', body: { item: doc, reason, publish: true } });
    } else {
      answer = await api(`/api/v1/items/${encodeURIComponent(doc.impl_code)}`, { method: 'PUT', body: { item: doc, reason, publish } });
    }
    const code = doc.impl_code;
    ui.isNew = false;
    ui.current = await apiGet(`/api/v1/catalogue/items/${encodeURIComponent(code)}`);
    const box = ui.section.querySelector('#ci-editor');
    renderEditor(box);
    const v = (answer && answer.version) || ui.current.versions?.[0]?.version;
    const status = box.querySelector('#ci-editor-status');
    status.textContent = t(publish ? 'ci.published' : 'ci.saved', { v });
    status.classList.add('notice-ok');
    box.querySelector('#ci-history').scrollIntoView({ block: 'nearest' });
  } catch (e) {
    if (onUnauthenticated(e, LOGIN_PAGES.admin)) return;
    const errors = e instanceof ApiError && e.status === 422 ? e.errors : null;
    if (errors && errors.length) showItemErrors(form, errors);
    else if (e.field) showItemErrors(form, [{ path: e.field, zh: e.detail || e.title, en: e.detail || e.title }], e.title);
    else showItemErrors(form, [], t('form.title-detail', { title: e.title, detail: e.detail || '' }));
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

/* ---- history, status, transfer */

function historyPart(versions) {
  const head = ['ci.h.version', 'ci.h.status', 'ci.h.author', 'ci.h.at', 'ci.h.reason', 'ci.h.changed'];
  const body = versions.length
    ? el(
        'div',
        { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'ci-history-title' },
        el(
          'table',
          { class: 'data-table', id: 'ci-history-table' },
          el('thead', {}, el('tr', {}, ...head.map((k) => el('th', { scope: 'col' }, t(k))))),
          el(
            'tbody',
            {},
            ...versions.map((v) => {
              const changed = v.changed || [];
              const cells = [
                `v${v.version}`,
                statusBadge(v.status),
                v.author,
                formatTime(v.published_at || v.created_at),
                v.reason,
                changed.length > 8 ? `${changed.slice(0, 8).map(fieldLabel).join('、')} …（${changed.length}）` : changed.map(fieldLabel).join('、'),
              ];
              return el('tr', {}, ...cells.map((c, i) => el('td', { 'data-label': t(head[i]) }, c)));
            }),
          ),
        ),
      )
    : el('p', {}, t('ci.h.none'));
  return el('div', { id: 'ci-history', class: 'subsection' }, el('h3', { id: 'ci-history-title', class: 'subpanel-title' }, t('ci.history')), body);
}

function statusPart(status) {
  const form = el('form', { class: 'form', id: 'ci-status-form', novalidate: true });
  const buttons = [];
  if (status === 'published') buttons.push(['suspended', 'ci.st.suspend', 'btn-secondary'], ['cancelled', 'ci.st.cancel', 'btn-danger']);
  if (status === 'suspended') buttons.push(['published', 'ci.st.resume', 'btn-primary'], ['cancelled', 'ci.st.cancel', 'btn-danger']);
  if (!buttons.length) return '';
  form.append(
    el('div', { class: 'form-alert', role: 'alert', hidden: true }),
    field('ci-st-reason', 'ci.st.reason', el('input', { type: 'text', name: 'reason', 'data-path': 'reason', maxlength: 200, autocomplete: 'off' })),
    el('div', { class: 'form-actions' }, ...buttons.map(([value, key, cls]) => el('button', { type: 'submit', class: `btn ${cls}`, value }, t(key)))),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearItemErrors(form);
    const reason = form.querySelector('[name="reason"]').value.trim();
    if (!reason) return showItemErrors(form, [{ path: 'reason', zh: t('ci.need.reason'), en: t('ci.need.reason') }], t('form.check'));
    const to = e.submitter.value;
    const code = ui.current.item.impl_code;
    try {
      await api(`/api/v1/items/${encodeURIComponent(code)}/status`, { method: 'POST', body: { status: to, reason } });
      ui.current = await apiGet(`/api/v1/catalogue/items/${encodeURIComponent(code)}`);
      const box = ui.section.querySelector('#ci-editor');
      renderEditor(box);
      box.querySelector('#ci-editor-status').textContent = t('ci.st.done', { status: t(`cat.status.${to}`) });
    } catch (err) {
      if (onUnauthenticated(err, LOGIN_PAGES.admin)) return;
      showItemErrors(form, err.field ? [{ path: err.field, zh: err.detail, en: err.detail }] : [], t('form.title-detail', { title: err.title, detail: err.detail || '' }));
    }
  });
  return el('div', { class: 'subsection' }, el('h3', { id: 'ci-st-title', class: 'subpanel-title' }, t('ci.st.title'), ' ', statusBadge(status)), form);
}

function transferPart(it) {
  const targets = ui.orgs.filter((o) => o.code !== it.org && o.kind !== 'region');
  if (!targets.length) return '';
  const form = el('form', { class: 'form', id: 'ci-transfer-form', novalidate: true });
  form.append(
    el('div', { class: 'form-alert', role: 'alert', hidden: true }),
    el('p', { class: 'form-note' }, t('ci.tr.lead'), ' ', `${t('ci.f.org')}：${ui.current.org ? ui.current.org.name : it.org}`),
    el(
      'div',
      { class: 'form-grid' },
      field('ci-tr-to', 'ci.tr.to', el('select', { name: 'to', 'data-path': 'to' }, el('option', { value: '' }, t('ci.choose')), ...targets.map((o) => el('option', { value: o.code }, `${o.name}（${o.code}）`)))),
      field('ci-tr-reason', 'ci.tr.reason', el('input', { type: 'text', name: 'reason', 'data-path': 'reason', maxlength: 200, autocomplete: 'off' })),
    ),
    el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'btn btn-secondary' }, t('ci.tr.go'))),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearItemErrors(form);
    const to = form.querySelector('[name="to"]').value;
    const reason = form.querySelector('[name="reason"]').value.trim();
    const missing = [];
    if (!to) missing.push({ path: 'to', zh: t('form.required'), en: t('form.required') });
    if (!reason) missing.push({ path: 'reason', zh: t('ci.need.reason'), en: t('ci.need.reason') });
    if (missing.length) return showItemErrors(form, missing, t('form.check'));
    const code = it.impl_code;
    try {
      await api(`/api/v1/items/${encodeURIComponent(code)}/transfer`, { method: 'POST', body: { to, reason } });
      ui.current = await apiGet(`/api/v1/catalogue/items/${encodeURIComponent(code)}`);
      const box = ui.section.querySelector('#ci-editor');
      renderEditor(box);
      const org = ui.orgs.find((o) => o.code === to);
      box.querySelector('#ci-editor-status').textContent = t('ci.tr.done', { org: org ? org.name : to });
    } catch (err) {
      if (onUnauthenticated(err, LOGIN_PAGES.admin)) return;
      showItemErrors(form, err.field ? [{ path: err.field, zh: err.detail, en: err.detail }] : [], t('form.title-detail', { title: err.title, detail: err.detail || '' }));
    }
  });
  return el('div', { class: 'subsection' }, el('h3', { id: 'ci-tr-title', class: 'subpanel-title' }, t('ci.tr.title')), form);
}
