// cases.js - 我的办件: the applicant's cases (cases.html) and one case
// (cases.html?id=ID).
//
// The list is GET /api/v1/cases (state filter, 20 a page, newest first).
// The detail is GET /api/v1/cases/{id}: the state and a progress line of
// its steps, the dates (提交, 受理, 承诺办结), the form values with the
// item's labels, the materials and how each was provided, the notices as
// PDF links (GET .../notices/{notice}), the events (GET .../events), and
// exactly the actions the case's "actions" array offers the applicant:
// 继续填写 (a draft's submit), 补正 (supplement: files for the materials the
// correction notice lists, or the 容缺 ones) and 撤回 (withdraw, after a
// confirmation). Transitions send If-Match with the case's etag; a 412
// means someone acted first, so the case is read again and the user told.
// The list shows the promised date and the delivery's status; the case
// shows 送达与跑动 (the pickup code, large and copyable, once the result
// waits at the window; the tracking number once posted), with 更改送达方式
// until the result is out (PUT .../delivery), and 办理时限, the 中止
// ledger and 延期记录 (common/case-view.js, shared with the staff pages).

import { api, ApiError, apiGet } from '../common/api.js';
import { formatTime, isoTime } from '../common/account-text.js';
import {
  CASE_STATES,
  caseActionLabel,
  caseRoleLabel,
  caseStateBadge,
  caseStateLabel,
  channelLabel,
  deliveryMethodLabel,
  deliveryStatusLabel,
  formatDay,
  noticeKindLabel,
  provisionLabel,
} from '../common/case-text.js';
import { deadlinesSection, deliveryChoice, deliverySection, extensionsSection, originalsSection, suspensionsSection } from '../common/case-view.js';
import { clearErrors, setBusy, showAlert, showFieldError } from '../common/forms.js';
import { addMessages, applyI18n, onLangChange, t } from '../common/i18n.js';
import { el } from '../common/layout.js';
import { onUnauthenticated } from '../common/session.js';
import { Attempt, errorText, faultsOf, fieldNameOfPath, Library, materialPicker, milestones, progressLine, transition, uploadLink } from './case-client.js';
import { startPortalPage } from './portal.js';

addMessages({
  'zh-CN': {
    'cs.title': '我的办件 · 办事门户 · 一网通办',
    'cs.title.case': '办件 {no} · 我的办件 · 一网通办',
    'cs.detail': '办件详情',
    'cs.colon': '：',
    'cs.list': '办件列表',
    'cs.table': '办件列表，最新的在前',
    'cs.new': '申报新事项',
    'cs.filter': '筛选办件',
    'cs.filter.state': '办件状态',
    'cs.filter.all': '全部状态',
    'cs.filter.go': '筛选',
    'cs.col.no': '办件编号',
    'cs.col.item': '事项',
    'cs.col.state': '状态',
    'cs.col.submitted': '提交时间',
    'cs.col.promised': '承诺办结日期',
    'cs.col.delivery': '结果送达',
    'cs.col.action': '操作',
    'cs.view': '查看',
    'cs.view.label': '查看办件 {no}',
    'cs.continue': '继续填写',
    'cs.continue.label': '继续填写草稿 {no}',
    'cs.count': '共 {n} 件办件。',
    'cs.empty': '您还没有办件。可以从事项清单找到要办的事项，在办事指南中点“在线申报”。',
    'cs.empty.filtered': '没有该状态的办件。',
    'cs.prev': '上一页',
    'cs.next': '下一页',
    'cs.page': '第 {page} / {pages} 页',
    'cs.back': '返回办件列表',
    'cs.load.failed': '无法读取办件：{title}',
    'cs.notfound': '未找到该办件。它可能不存在，或不属于您的账号。',
    'cs.progress': '办理进度',
    'cs.facts': '办件信息',
    'cs.f.case_no': '办件编号',
    'cs.f.query_code': '查询码',
    'cs.f.item': '事项',
    'cs.f.org': '实施部门',
    'cs.f.channel': '申报方式',
    'cs.f.applicant': '申请人',
    'cs.f.created': '创建时间',
    'cs.f.submitted': '提交时间',
    'cs.f.accepted': '受理时间',
    'cs.f.promised': '承诺办结日期',
    'cs.f.legal': '法定办结日期',
    'cs.f.correction_due': '补正期限',
    'cs.f.decided': '决定时间',
    'cs.f.closed': '办结时间',
    'cs.f.window': '受理窗口',
    'cs.f.corrections': '补正次数',
    'cs.f.warning': '时限状态',
    'cs.f.extended': '延长期限',
    'cs.f.extended.n': '{n} 个工作日',
    'cs.values': '申请信息',
    'cs.values.none': '无申请表内容。',
    'cs.yes': '是',
    'cs.no': '否',
    'cs.yuan': '{n} 元',
    'cs.materials': '申请材料',
    'cs.m.no': '序号',
    'cs.m.name': '材料名称',
    'cs.m.provision': '提交方式',
    'cs.m.file': '文件',
    'cs.m.due': '补交期限',
    'cs.m.supplied': '提交时间',
    'cs.m.caption': '本办件的申请材料',
    'cs.m.paper': '纸质原件已核验',
    'cs.m.none': '本办件没有材料。',
    'cs.notices': '文书',
    'cs.notices.none': '暂无文书。',
    'cs.notice.link': '{kind}（PDF）',
    'cs.notice.meta': '文号 {number} · {date}',
    'cs.events': '办理记录',
    'cs.events.none': '暂无办理记录。',
    'cs.events.failed': '无法读取办理记录：{title}',
    'cs.ev.by': '{role}',
    'cs.ev.by.name': '{role} {name}',
    'cs.ev.move': '{from} → {to}',
    'cs.ev.reason': '说明：{text}',
    'cs.actions': '可办理的操作',
    'cs.actions.continue': '继续填写并提交',
    'cs.actions.supplement': '补正材料',
    'cs.actions.withdraw': '撤回申请',
    'cs.draft.note': '这是一份草稿，尚未提交。请继续填写并提交。',
    'cs.correction.note': '请按补正材料通知书的要求补正材料{due}。补正后办件重新进入审核。',
    'cs.correction.due': '，期限 {date}',
    'cs.correction.read': '查看补正材料通知书（PDF）',
    'cs.missing.note': '本办件为容缺受理，请在期限内补交容缺材料。',
    'cs.sup.title': '补正材料',
    'cs.sup.faults': '需要补正的问题',
    'cs.sup.material': '{name}：{problem}',
    'cs.sup.general': '{problem}',
    'cs.sup.submit': '提交补正材料',
    'cs.sup.need': '请至少为一项材料选择或上传文件。',
    'cs.sup.done': '补正材料已提交。',
    'cs.withdraw.title': '撤回申请',
    'cs.withdraw.text': '撤回后，本办件将终止办理，不能恢复。如需办理，请重新申报。确定要撤回吗？',
    'cs.withdraw.reason': '撤回原因',
    'cs.withdraw.confirm': '确认撤回',
    'cs.withdraw.done': '申请已撤回。',
    'cs.optional': '（选填）',
    'cs.cancel': '取消',
    'cs.stale': '办件已被他人办理或更新，页面已重新加载。请核对最新状态后再操作。',
    'cs.failed': '操作未成功：{title}',
    'cs.fault.where': '{where}：{message}',
    'cs.dv.change': '更改送达方式或邮寄地址',
    'cs.dv.change.lead': '办理结果出具前，可以更改送达方式和邮寄地址。',
    'cs.dv.change.submit': '保存送达方式',
    'cs.dv.change.done': '送达方式已更新。',
  },
  en: {
    'cs.title': 'My cases · Service Portal · tongban',
    'cs.title.case': 'Case {no} · My cases · tongban',
    'cs.detail': 'Case details',
    'cs.colon': ': ',
    'cs.list': 'Cases',
    'cs.table': 'Cases, newest first',
    'cs.new': 'Apply for a service',
    'cs.filter': 'Filter cases',
    'cs.filter.state': 'State',
    'cs.filter.all': 'All states',
    'cs.filter.go': 'Filter',
    'cs.col.no': 'Case number',
    'cs.col.item': 'Service',
    'cs.col.state': 'State',
    'cs.col.submitted': 'Submitted',
    'cs.col.promised': 'Promised by',
    'cs.col.delivery': 'Delivery',
    'cs.col.action': 'Action',
    'cs.view': 'Open',
    'cs.view.label': 'Open case {no}',
    'cs.continue': 'Continue',
    'cs.continue.label': 'Continue draft {no}',
    'cs.count': '{n} cases.',
    'cs.empty': 'You have no cases yet. Find a service in the service list and choose “Apply online” in its guide.',
    'cs.empty.filtered': 'No cases in this state.',
    'cs.prev': 'Previous',
    'cs.next': 'Next',
    'cs.page': 'Page {page} of {pages}',
    'cs.back': 'Back to my cases',
    'cs.load.failed': 'Could not read the cases: {title}',
    'cs.notfound': 'No such case. It may not exist or not belong to your account.',
    'cs.progress': 'Progress',
    'cs.facts': 'Case',
    'cs.f.case_no': 'Case number',
    'cs.f.query_code': 'Query code',
    'cs.f.item': 'Service',
    'cs.f.org': 'Department',
    'cs.f.channel': 'Channel',
    'cs.f.applicant': 'Applicant',
    'cs.f.created': 'Created',
    'cs.f.submitted': 'Submitted',
    'cs.f.accepted': 'Accepted',
    'cs.f.promised': 'Promised by',
    'cs.f.legal': 'Legal deadline',
    'cs.f.correction_due': 'Correct by',
    'cs.f.decided': 'Decided',
    'cs.f.closed': 'Closed',
    'cs.f.window': 'Accepting window',
    'cs.f.corrections': 'Corrections',
    'cs.f.warning': 'Deadline',
    'cs.f.extended': 'Extended by',
    'cs.f.extended.n': '{n} working days',
    'cs.values': 'Application',
    'cs.values.none': 'No application form.',
    'cs.yes': 'Yes',
    'cs.no': 'No',
    'cs.yuan': 'CNY {n}',
    'cs.materials': 'Materials',
    'cs.m.no': 'No.',
    'cs.m.name': 'Material',
    'cs.m.provision': 'Provided as',
    'cs.m.file': 'File',
    'cs.m.due': 'Hand in by',
    'cs.m.supplied': 'Handed in',
    'cs.m.caption': 'Materials of this case',
    'cs.m.paper': 'Paper original checked',
    'cs.m.none': 'This case has no materials.',
    'cs.notices': 'Documents',
    'cs.notices.none': 'No documents yet.',
    'cs.notice.link': '{kind} (PDF)',
    'cs.notice.meta': 'No. {number} · {date}',
    'cs.events': 'History',
    'cs.events.none': 'No history yet.',
    'cs.events.failed': 'Could not read the history: {title}',
    'cs.ev.by': '{role}',
    'cs.ev.by.name': '{role} {name}',
    'cs.ev.move': '{from} → {to}',
    'cs.ev.reason': 'Note: {text}',
    'cs.actions': 'What you can do',
    'cs.actions.continue': 'Continue and submit',
    'cs.actions.supplement': 'Hand in materials',
    'cs.actions.withdraw': 'Withdraw',
    'cs.draft.note': 'This is a draft and has not been submitted. Please complete and submit it.',
    'cs.correction.note': 'Please correct the materials as the correction notice asks{due}. The case is then checked again.',
    'cs.correction.due': ', by {date}',
    'cs.correction.read': 'Read the correction notice (PDF)',
    'cs.missing.note': 'This case was accepted with materials to follow; please hand them in before the date given.',
    'cs.sup.title': 'Hand in materials',
    'cs.sup.faults': 'What needs correcting',
    'cs.sup.material': '{name}: {problem}',
    'cs.sup.general': '{problem}',
    'cs.sup.submit': 'Hand in',
    'cs.sup.need': 'Choose or upload a file for at least one material.',
    'cs.sup.done': 'The materials are handed in.',
    'cs.withdraw.title': 'Withdraw the application',
    'cs.withdraw.text': 'A withdrawn case ends and cannot be reopened; to go on you would apply again. Withdraw?',
    'cs.withdraw.reason': 'Reason',
    'cs.withdraw.confirm': 'Withdraw',
    'cs.withdraw.done': 'The application is withdrawn.',
    'cs.optional': '(optional)',
    'cs.cancel': 'Cancel',
    'cs.stale': 'Someone else acted on this case or it changed; it has been read again. Check its state before acting.',
    'cs.failed': 'That did not work: {title}',
    'cs.fault.where': '{where}: {message}',
    'cs.dv.change': 'Change the delivery method or address',
    'cs.dv.change.lead': 'Until the result is out you may change how it reaches you and the postal address.',
    'cs.dv.change.submit': 'Save',
    'cs.dv.change.done': 'The delivery method is updated.',
  },
});

const PAGE_SIZE = 20;
const enc = encodeURIComponent;
const params = new URLSearchParams(window.location.search);
const caseId = params.get('id');
const statusNode = document.getElementById('cases-status');

let current = null; // the case shown
let events = null; // its events, or an ApiError
let itemDoc = null; // its item version (for the form's labels)
let library = null;
let account = null; // the logged-in applicant (defaults for a post address)
const attempts = { supplement: new Attempt(), withdraw: new Attempt() };

init();

async function init() {
  account = await startPortalPage({ needAccount: true });
  if (!account) return;
  if (caseId) await openDetail();
  else await openList();
}

function fail(message) {
  statusNode.classList.remove('loading');
  statusNode.classList.add('notice');
  statusNode.removeAttribute('data-i18n');
  statusNode.hidden = false;
  statusNode.replaceChildren(message, ' ', el('a', { href: 'cases.html' }, t('cs.back')));
}

/* ------------------------------------------------------------ the list */

async function openList() {
  const state = CASE_STATES.includes(params.get('state')) ? params.get('state') : '';
  const offset = Math.max(0, Number.parseInt(params.get('offset') || '0', 10) || 0);
  const select = document.getElementById('f-state');
  const fillSelect = () => {
    select.replaceChildren(el('option', { value: '' }, t('cs.filter.all')), ...CASE_STATES.map((s) => el('option', { value: s }, caseStateLabel(s))));
    select.value = state;
  };
  fillSelect();
  document.getElementById('filter-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    window.location.assign(select.value ? `cases.html?state=${enc(select.value)}` : 'cases.html');
  });

  let answer;
  try {
    const q = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(offset) });
    if (state) q.set('state', state);
    answer = await apiGet(`/api/v1/cases?${q}`);
  } catch (e) {
    if (onUnauthenticated(e)) return;
    fail(t('cs.load.failed', { title: e.title || String(e) }));
    return;
  }
  statusNode.hidden = true;
  document.getElementById('list-panel').hidden = false;
  const draw = () => {
    fillSelect();
    drawList(answer, state, offset);
  };
  draw();
  onLangChange(draw);
}

function drawList(answer, state, offset) {
  const list = (answer && answer.cases) || [];
  const total = Number.isInteger(answer && answer.total) ? answer.total : list.length;
  const listStatus = document.getElementById('list-status');
  const wrap = document.getElementById('cases-wrap');
  listStatus.textContent = list.length ? t('cs.count', { n: total }) : t(state ? 'cs.empty.filtered' : 'cs.empty');
  wrap.hidden = !list.length;
  const head = ['cs.col.no', 'cs.col.item', 'cs.col.state', 'cs.col.submitted', 'cs.col.promised', 'cs.col.delivery', 'cs.col.action'];
  document.querySelector('#cases-table tbody').replaceChildren(
    ...list.map((c) => {
      const href = `cases.html?id=${enc(c.id)}`;
      const actions = el('div', { class: 'row-actions' }, el('a', { class: 'btn btn-secondary btn-small', href, 'aria-label': t('cs.view.label', { no: c.case_no }) }, t('cs.view')));
      if (c.state === 'draft') {
        actions.append(el('a', { class: 'btn btn-primary btn-small', href: `apply.html?case=${enc(c.id)}`, 'aria-label': t('cs.continue.label', { no: c.case_no }) }, t('cs.continue')));
      }
      const cells = [
        el('a', { href, class: 'case-no' }, c.case_no || c.id),
        (c.item && c.item.name) || '',
        caseStateBadge(c.state, c.state_zh),
        c.submitted_at ? timeEl(c.submitted_at) : t('case.none'),
        c.promised_due ? el('span', { 'data-role': 'promised' }, formatDay(c.promised_due)) : t('case.none'),
        deliveryCell(c.delivery),
        actions,
      ];
      return el('tr', { 'data-id': c.id }, ...cells.map((x, j) => el('td', { 'data-label': t(head[j]) }, x)));
    }),
  );
  const pager = document.getElementById('pager');
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  pager.hidden = pages <= 1;
  if (pages > 1) {
    const page = Math.floor(offset / PAGE_SIZE) + 1;
    const link = (o) => {
      const q = new URLSearchParams();
      if (state) q.set('state', state);
      if (o) q.set('offset', String(o));
      return `cases.html${q.toString() ? `?${q}` : ''}`;
    };
    const prev = document.getElementById('pager-prev');
    const next = document.getElementById('pager-next');
    prev.href = link(Math.max(0, offset - PAGE_SIZE));
    next.href = link(offset + PAGE_SIZE);
    prev.hidden = page <= 1;
    next.hidden = page >= pages;
    document.getElementById('pager-text').textContent = t('cs.page', { page, pages });
  }
}

function timeEl(value) {
  return el('time', { datetime: isoTime(value) }, formatTime(value));
}

/* 窗口领取 · 待领取: the method chosen and where the result is. */
function deliveryCell(d) {
  if (!d || !d.method) return t('case.none');
  const tone = d.status === 'delivered' ? 'badge-on' : d.status === 'ready' ? 'badge-warn' : d.status === 'dispatched' ? 'badge-flag' : 'badge-muted';
  return el(
    'span',
    { class: 'delivery-cell', 'data-role': 'delivery', 'data-status': d.status || '' },
    el('span', {}, deliveryMethodLabel(d.method, d.method_zh)),
    d.status ? el('span', { class: `badge ${tone}` }, deliveryStatusLabel(d.status, d.status_zh, d.method)) : '',
  );
}

/* ------------------------------------------------------------ the detail */

async function openDetail() {
  document.getElementById('crumb-list').replaceChildren(el('a', { href: 'cases.html' }, t('portal.menu.cases')));
  document.getElementById('crumb-list').removeAttribute('aria-current');
  document.getElementById('crumb-list').removeAttribute('data-i18n');
  document.getElementById('crumb-detail').hidden = false;
  document.querySelector('.page-tabs a[href="cases.html"]').setAttribute('aria-current', 'true');
  try {
    await loadCase();
  } catch (e) {
    if (onUnauthenticated(e)) return;
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) fail(t('cs.notfound'));
    else fail(t('cs.load.failed', { title: e.title || String(e) }));
    return;
  }
  statusNode.hidden = true;
  document.getElementById('detail').hidden = false;
  drawDetail();
  onLangChange(() => {
    document.getElementById('crumb-list').replaceChildren(el('a', { href: 'cases.html' }, t('portal.menu.cases')));
    drawDetail();
  });
  setUpWithdraw();
}

/* Read the case, its events, its item version and (for the applicant's actions) the library. */
async function loadCase() {
  current = await apiGet(`/api/v1/cases/${enc(caseId)}`);
  const [ev, item, lib] = await Promise.all([
    apiGet(`/api/v1/cases/${enc(caseId)}/events`).catch((e) => e),
    itemDoc && itemDoc.version === current.item.version ? itemDoc : loadItemVersion(current.item).catch(() => null),
    canSupplement() ? apiGet('/api/v1/uploads').catch(() => null) : null,
  ]);
  events = ev;
  itemDoc = item;
  if (lib) library = new Library(lib.uploads || []);
}

function loadItemVersion(item) {
  const base = `/api/v1/items/${enc(item.code)}`;
  return (item.version ? apiGet(`${base}/versions/${enc(item.version)}`) : apiGet(base)).then((a) => ({ version: item.version, item: a.item }));
}

function actions() {
  return Array.isArray(current && current.actions) ? current.actions : [];
}

function canSupplement() {
  return actions().includes('supplement');
}

function drawDetail() {
  const c = current;
  document.title = t('cs.title.case', { no: c.case_no });
  const h1 = document.getElementById('cases-heading');
  h1.removeAttribute('data-i18n');
  h1.textContent = t('cs.detail');
  const body = document.getElementById('detail-body');
  const sections = [
    headPanel(c),
    actionsPanel(c),
    deliverySection(c, { audience: 'applicant', extra: deliveryChangeForm(c) }),
    factsPanel(c),
    deadlinesSection(c, { audience: 'applicant' }),
    suspensionsSection(c),
    extensionsSection(c),
    valuesPanel(c),
    materialsPanel(c),
    originalsSection(c),
    noticesPanel(c),
    eventsPanel(),
  ];
  body.replaceChildren(...sections.filter(Boolean));
  applyI18n(body);
}

function panel(id, titleKey, ...content) {
  return el('section', { id, class: 'panel', 'aria-labelledby': `${id}-title` }, el('h2', { id: `${id}-title`, class: 'panel-title' }, t(titleKey)), ...content);
}

function facts(rows) {
  const dl = el('dl', { class: 'facts' });
  for (const [key, value] of rows) {
    if (value === undefined || value === null || value === '') continue;
    dl.append(el('dt', {}, t(key)), el('dd', {}, value));
  }
  return dl;
}

function headPanel(c) {
  const itemName = (c.item && c.item.name) || '';
  return el(
    'section',
    { id: 'case-head', class: 'panel', 'aria-labelledby': 'case-head-title' },
    el('div', { class: 'case-head' }, el('h2', { id: 'case-head-title' }, itemName), caseStateBadge(c.state, c.state_zh)),
    el('p', { class: 'muted' }, t('cs.f.case_no'), t('cs.colon'), el('span', { class: 'case-no', id: 'case-no' }, c.case_no || '')),
    el('h3', { class: 'subpanel-title', id: 'progress-title' }, t('cs.progress')),
    progressLine(milestones(c, caseStateLabel(c.state, c.state_zh)), 'progress-title'),
  );
}

function factsPanel(c) {
  return panel(
    'case-facts',
    'cs.facts',
    facts([
      ['cs.f.case_no', el('span', { class: 'case-no' }, c.case_no || '')],
      ['cs.f.query_code', c.query_code ? el('span', { class: 'case-no', id: 'case-query-code' }, c.query_code) : ''],
      ['cs.f.item', c.item ? el('a', { href: `/items/${enc(c.item.code)}` }, c.item.name) : ''],
      ['cs.f.org', c.org && c.org.name],
      ['cs.f.channel', c.channel ? channelLabel(c.channel) : ''],
      ['cs.f.applicant', c.applicant && c.applicant.name],
      ['cs.f.created', c.created_at ? timeEl(c.created_at) : ''],
      ['cs.f.submitted', c.submitted_at ? timeEl(c.submitted_at) : ''],
      ['cs.f.accepted', c.accepted_at ? timeEl(c.accepted_at) : ''],
      ['cs.f.window', c.accepted_window && c.accepted_window.name],
      ['cs.f.promised', c.promised_due ? el('strong', {}, formatDay(c.promised_due)) : ''],
      ['cs.f.legal', c.legal_due ? formatDay(c.legal_due) : ''],
      ['cs.f.correction_due', c.state === 'awaiting_correction' && c.correction_due ? el('strong', {}, formatDay(c.correction_due)) : ''],
      ['cs.f.extended', c.extended_days ? t('cs.f.extended.n', { n: c.extended_days }) : ''],
      ['cs.f.decided', c.decided_at ? timeEl(c.decided_at) : ''],
      ['cs.f.closed', c.closed_at ? timeEl(c.closed_at) : ''],
      ['cs.f.corrections', c.corrections ? String(c.corrections) : ''],
    ]),
  );
}

/* The form values under the item's labels (options and money shown as people read them). */
function valuesPanel(c) {
  const values = c.values || {};
  const fields = (itemDoc && itemDoc.item && itemDoc.item.form && itemDoc.item.form.fields) || [];
  const rows = [];
  const seen = new Set();
  for (const f of fields) {
    seen.add(f.key);
    if (!(f.key in values)) continue;
    rows.push([f.type === 'money_fen' ? f.label.replace(/\s*[（(]分[)）]\s*$/, '') : f.label, valueText(f, values[f.key])]);
  }
  for (const [k, v] of Object.entries(values)) if (!seen.has(k)) rows.push([k, String(v)]);
  if (!rows.length) return panel('case-values', 'cs.values', el('p', { class: 'empty-note' }, t('cs.values.none')));
  const dl = el('dl', { class: 'facts' });
  for (const [label, value] of rows) dl.append(el('dt', {}, label), el('dd', { class: 'prewrap' }, value));
  return panel('case-values', 'cs.values', dl);
}

function valueText(f, v) {
  if (v === null || v === undefined) return t('case.none');
  if (f.type === 'checkbox') return t(v ? 'cs.yes' : 'cs.no');
  if (f.type === 'select') {
    const o = (f.options || []).find((x) => x.value === v);
    return o ? o.label : String(v);
  }
  if (f.type === 'money_fen' && Number.isInteger(v)) return t('cs.yuan', { n: (v / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) });
  return String(v);
}

function materialsPanel(c) {
  const list = c.materials || [];
  if (!list.length) return panel('case-materials', 'cs.materials', el('p', { class: 'empty-note' }, t('cs.m.none')));
  const head = ['cs.m.no', 'cs.m.name', 'cs.m.provision', 'cs.m.file', 'cs.m.due', 'cs.m.supplied'];
  const rows = list.map((m) => {
    // a material from the licence library names the licence (its number)
    const file = m.upload ? uploadLink(m.upload) : m.paper ? t('cs.m.paper') : m.licence ? m.licence.no : t('case.none');
    const cells = [
      String((m.index ?? 0) + 1),
      m.name,
      // an applicant's material not (yet) given is 未提交, whatever the API calls it
      (!m.source || m.source === 'applicant') && !m.upload && !m.paper && (m.provision === null || m.provision === undefined || m.provision === 'none')
        ? provisionLabel(null)
        : provisionLabel(m.provision),
      file,
      m.supplement_due ? formatDay(m.supplement_due) : t('case.none'),
      m.supplied_at ? timeEl(m.supplied_at) : t('case.none'),
    ];
    return el('tr', {}, ...cells.map((x, j) => el('td', { 'data-label': t(head[j]) }, x)));
  });
  return panel(
    'case-materials',
    'cs.materials',
    el(
      'div',
      { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'case-materials-caption' },
      el(
        'table',
        { class: 'data-table' },
        el('caption', { id: 'case-materials-caption', class: 'visually-hidden' }, t('cs.m.caption')),
        el('thead', {}, el('tr', {}, ...head.map((k) => el('th', { scope: 'col' }, t(k))))),
        el('tbody', {}, ...rows),
      ),
    ),
  );
}

function noticesPanel(c) {
  const list = c.notices || [];
  if (!list.length) return panel('case-notices', 'cs.notices', el('p', { class: 'empty-note' }, t('cs.notices.none')));
  return panel(
    'case-notices',
    'cs.notices',
    el(
      'ul',
      { class: 'notice-list' },
      ...list.map((n) =>
        el(
          'li',
          {},
          el('a', { href: noticeHref(c, n), type: 'application/pdf' }, t('cs.notice.link', { kind: noticeKindLabel(n.kind, n.kind_zh) })),
          el('span', { class: 'who-sub' }, t('cs.notice.meta', { number: n.number || t('case.none'), date: formatDay(n.issued_at) })),
        ),
      ),
    ),
  );
}

function noticeHref(c, n) {
  return `/api/v1/cases/${enc(c.id || caseId)}/notices/${enc(n.id)}`;
}

function eventsPanel() {
  if (events instanceof Error) return panel('case-events', 'cs.events', el('p', { class: 'section-status notice' }, t('cs.events.failed', { title: events.title || String(events) })));
  const list = Array.isArray(events) ? events : (events && events.events) || [];
  if (!list.length) return panel('case-events', 'cs.events', el('p', { class: 'empty-note' }, t('cs.events.none')));
  return panel(
    'case-events',
    'cs.events',
    el(
      'ol',
      { class: 'timeline' },
      ...list.map((e) => {
        const from = e.from_state ?? e.from;
        const to = e.to_state ?? e.to;
        const who = e.actor_name || (e.actor && (e.actor.name || e.actor)) || '';
        const role = e.role ? caseRoleLabel(e.role) : '';
        const meta = [role || who ? t(who && typeof who === 'string' ? 'cs.ev.by.name' : 'cs.ev.by', { role, name: who }) : '', from && to && from !== to ? t('cs.ev.move', { from: caseStateLabel(from), to: caseStateLabel(to) }) : '']
          .filter(Boolean)
          .join(' · ');
        return el(
          'li',
          {},
          e.at ? el('time', { datetime: isoTime(e.at) }, formatTime(e.at)) : '',
          el('span', { class: 'ev-action' }, caseActionLabel(e.action)),
          meta ? el('span', { class: 'ev-meta' }, meta) : '',
          e.reason ? el('span', { class: 'ev-reason' }, t('cs.ev.reason', { text: e.reason })) : '',
        );
      }),
    ),
  );
}

/* ------------------------------------------------------------ actions */

function actionsPanel(c) {
  const acts = actions();
  const buttons = [];
  if (acts.includes('submit') && c.state === 'draft') {
    buttons.push(el('a', { class: 'btn btn-primary', id: 'act-continue', href: `apply.html?case=${enc(c.id || caseId)}` }, t('cs.actions.continue')));
  }
  if (acts.includes('withdraw')) {
    const b = el('button', { type: 'button', class: 'btn btn-danger', id: 'act-withdraw' }, t('cs.actions.withdraw'));
    b.addEventListener('click', openWithdraw);
    buttons.push(b);
  }
  const parts = [];
  if (c.state === 'draft') parts.push(el('p', { class: 'notice' }, t('cs.draft.note')));
  if (acts.includes('supplement')) parts.push(supplementForm(c));
  if (!buttons.length && !parts.length) return null;
  return el(
    'section',
    { id: 'case-actions', class: 'panel', 'aria-labelledby': 'case-actions-title' },
    el('h2', { id: 'case-actions-title', class: 'panel-title' }, t('cs.actions')),
    ...parts,
    buttons.length ? el('div', { class: 'case-actions' }, ...buttons) : '',
  );
}

/* The faults of the latest correction request ([{material, problem}]), from the events. */
function correctionFaults() {
  const list = Array.isArray(events) ? events : (events && events.events) || [];
  for (let i = list.length - 1; i >= 0; i--) {
    const e = list[i];
    if (e.action !== 'request_correction') continue;
    let data = e.data;
    if (typeof data === 'string') {
      try {
        data = JSON.parse(data);
      } catch {
        data = null;
      }
    }
    return (data && Array.isArray(data.faults) && data.faults) || [];
  }
  return [];
}

/*
 * 补正: pickers for the materials the correction names (or, for a case
 * accepted with materials to follow, the 容缺 ones not yet handed in); when
 * neither can be told, every material the applicant provides.
 */
function supplementForm(c) {
  const materials = c.materials || [];
  const faults = c.state === 'awaiting_correction' ? correctionFaults() : [];
  const wanted = new Set();
  for (const f of faults) if (Number.isInteger(f.material)) wanted.add(f.material);
  for (const m of materials) if (m.provision === 'missing' && !m.supplied_at) wanted.add(m.index);
  if (!wanted.size) for (const m of materials) if (!m.source || m.source === 'applicant') wanted.add(m.index);
  const targets = materials.filter((m) => wanted.has(m.index));

  const lib = library || new Library([]);
  lib.clearListeners();
  const pickers = targets.map((m) => materialPicker({ idPrefix: 'sup', index: m.index, m: { ...m, is_required: true }, library: lib, selected: null }));
  const byIndex = (i) => materials.find((m) => m.index === i);
  const dueDates = [c.correction_due, ...materials.map((m) => m.supplement_due)].filter(Boolean).sort();
  const correctionNotice = [...(c.notices || [])].reverse().find((n) => n.kind === 'correction');
  const note =
    c.state === 'awaiting_correction'
      ? el(
          'p',
          { class: 'notice' },
          t('cs.correction.note', { due: dueDates.length ? t('cs.correction.due', { date: formatDay(dueDates[0]) }) : '' }),
          correctionNotice ? ' ' : '',
          correctionNotice ? el('a', { href: noticeHref(c, correctionNotice), type: 'application/pdf' }, t('cs.correction.read')) : '',
        )
      : el('p', { class: 'notice' }, t('cs.missing.note'));

  const formNode = el(
    'form',
    { id: 'supplement-form', class: 'form', novalidate: true, 'aria-labelledby': 'sup-title' },
    el('h3', { id: 'sup-title', class: 'subpanel-title' }, t('cs.sup.title')),
    el('div', { class: 'form-alert', role: 'alert', hidden: true }),
    note,
    faults.length
      ? el(
          'div',
          {},
          el('p', { class: 'secret-label' }, t('cs.sup.faults')),
          el(
            'ul',
            { class: 'correction-list' },
            ...faults.map((f) => {
              const m = Number.isInteger(f.material) ? byIndex(f.material) : null;
              return el('li', {}, m ? t('cs.sup.material', { name: m.name, problem: f.problem || '' }) : t('cs.sup.general', { problem: f.problem || '' }));
            }),
          ),
        )
      : '',
    el('div', { class: 'material-list' }, ...pickers.map((p) => p.element)),
    el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'btn btn-primary', id: 'sup-submit' }, t('cs.sup.submit'))),
  );
  formNode.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(formNode);
    const chosen = pickers.filter((p) => p.value()).map((p) => ({ index: p.index, upload: p.value() }));
    if (!chosen.length) {
      showAlert(formNode, t('cs.sup.need'));
      return;
    }
    const button = formNode.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      current = await transition(current.id || caseId, current.etag, { action: 'supplement', materials: chosen }, attempts.supplement);
      await refresh(t('cs.sup.done'));
    } catch (e) {
      await actionFailed(e, formNode);
    } finally {
      button.disabled = false;
    }
  });
  return el('div', { class: 'subpanel' }, formNode);
}

function setUpWithdraw() {
  const dialog = document.getElementById('withdraw-dialog');
  const formNode = document.getElementById('withdraw-form');
  document.getElementById('withdraw-cancel').addEventListener('click', () => dialog.close());
  formNode.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(formNode);
    const reason = document.getElementById('withdraw-reason').value.trim();
    const button = document.getElementById('withdraw-confirm');
    button.disabled = true;
    try {
      const body = reason ? { action: 'withdraw', reason } : { action: 'withdraw' };
      current = await transition(current.id || caseId, current.etag, body, attempts.withdraw);
      dialog.close();
      await refresh(t('cs.withdraw.done'));
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) dialog.close();
      await actionFailed(e, formNode);
    } finally {
      button.disabled = false;
    }
  });
}

function openWithdraw() {
  const dialog = document.getElementById('withdraw-dialog');
  const formNode = document.getElementById('withdraw-form');
  clearErrors(formNode);
  document.getElementById('withdraw-reason').value = '';
  dialog.showModal();
}

/* Read the case again after an action and say what happened. */
async function refresh(message) {
  hideMessages();
  try {
    await loadCase();
  } catch (e) {
    if (onUnauthenticated(e)) return;
  }
  drawDetail();
  if (message) {
    const msg = document.getElementById('detail-msg');
    msg.textContent = message;
    msg.hidden = false;
  }
}

function hideMessages() {
  document.getElementById('detail-msg').hidden = true;
  const alert = document.getElementById('detail-alert');
  alert.hidden = true;
  alert.replaceChildren();
}

/* An action refused: 412 reloads and says so; faults go to their material; the rest to the form. */
async function actionFailed(e, formNode) {
  if (onUnauthenticated(e)) return;
  if (e instanceof ApiError && (e.status === 412 || e.status === 409)) {
    await refresh(null);
    const alert = document.getElementById('detail-alert');
    alert.textContent = e.status === 412 ? t('cs.stale') : t('cs.failed', { title: e.detail || e.title });
    alert.hidden = false;
    alert.scrollIntoView({ block: 'center' });
    return;
  }
  const faults = faultsOf(e);
  if (faults.length) {
    for (const f of faults) {
      const m = String(f.path).match(/^materials\[(\d+)\]/);
      // the supplement form's pickers are named by the material's index in the case
      const name = m ? pickerFieldName(formNode, Number(m[1])) : fieldNameOfPath(f.path);
      if (!name || !showFieldError(formNode, name, f.message)) continue;
    }
    showAlert(formNode, el('ul', { class: 'error-list' }, ...faults.map((f) => el('li', {}, f.message))));
    return;
  }
  showAlert(formNode, t('cs.failed', { title: errorText(e) }));
}

/* The data-field of the picker for material index (or, for a position in
 * the request's list, the picker at that position). */
function pickerFieldName(formNode, i) {
  if (formNode.querySelector(`[data-field="materials.${i}"]`)) return `materials.${i}`;
  const all = formNode.querySelectorAll('[data-field^="materials."]');
  return all[i] ? all[i].dataset.field : null;
}

/* ------------------------------------------------------------ delivery */

/*
 * 更改送达方式: until the result is out (delivery status pending) the
 * applicant may choose another of the item's methods or another address:
 * PUT /api/v1/cases/{id}/delivery {"method", "post"?} with If-Match.
 */
function deliveryChangeForm(c) {
  const d = c.delivery && typeof c.delivery === 'object' ? c.delivery : null;
  const options = (d && Array.isArray(d.options) && d.options) || [];
  if (!d || (d.status && d.status !== 'pending') || c.state === 'draft' || !isOpen(c.state)) return null;
  if (options.length < 2 && !options.includes('post')) return null;
  const choice = deliveryChoice({
    options,
    value: { method: d.method, post: d.post },
    freePost: Boolean(d.free_post),
    defaults: { recipient: account && account.name, phone: account && account.phone },
    idPrefix: 'dvc',
  });
  const formNode = el(
    'form',
    { id: 'delivery-form', class: 'form', novalidate: true },
    el('div', { class: 'form-alert', role: 'alert', hidden: true }),
    el('p', { class: 'field-hint' }, t('cs.dv.change.lead')),
    choice.element,
    el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'btn btn-primary', id: 'delivery-save' }, t('cs.dv.change.submit'))),
  );
  formNode.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(formNode);
    if (!choice.check(formNode)) {
      showAlert(formNode, t('form.check'));
      formNode.querySelector('[aria-invalid="true"]')?.focus();
      return;
    }
    const done = setBusy(formNode);
    try {
      await api(`/api/v1/cases/${enc(current.id || caseId)}/delivery`, { method: 'PUT', body: choice.value(), headers: { 'If-Match': `"${current.etag}"` } });
      await refresh(t('cs.dv.change.done'));
    } catch (e) {
      done();
      const field = e instanceof ApiError && e.status === 422 && !faultsOf(e).length && e.field ? String(e.field).replace(/^\/+/, '').replace(/\//g, '.') : null;
      if (field && showFieldError(formNode, field, e.detail || e.title)) {
        showAlert(formNode, t('form.check'));
        formNode.querySelector('[aria-invalid="true"]')?.focus();
        return;
      }
      await actionFailed(e, formNode);
    }
  });
  return el('details', { class: 'cw-change', id: 'delivery-change' }, el('summary', {}, t('cs.dv.change')), formNode);
}

function isOpen(state) {
  return !['closed', 'refused', 'withdrawn', 'terminated'].includes(state);
}
