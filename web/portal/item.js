// item.js - 办事指南: the guide of one item, served at /items/{code} (the
// server answers this file for that address, so every URL here is absolute).
//
// GET /api/v1/items/{code} (or /versions/{n} with ?version=n) gives the
// published document; every field is shown in its section, code values by
// their names from GET /api/v1/catalogue/codes. 打印 prints the page with
// the print stylesheet of catalog.css; 下载 PDF links guide.pdf; the QR
// image is qr.svg. GET /api/v1/items/{code}/versions fills 版本历史.
// An unknown item gets a plain "not found" notice; a suspended one a
// 暂停办理 banner.

import { ApiError, apiGet } from '../common/api.js';
import { formatTime } from '../common/account-text.js';
import { codeName, codeNames, daysText, feeText, fieldLabel, guideHref, loadCodes, statusBadge, tripsBadge } from '../common/catalog-text.js';
import { addMessages, applyI18n, onLangChange, t } from '../common/i18n.js';
import { el } from '../common/layout.js';
import { startPortalPage } from './portal.js';

addMessages({
  'zh-CN': {
    'ig.title': '办事指南 · 办事门户 · 一网通办',
    'ig.title.item': '{name} · 办事指南 · 一网通办',
    'ig.heading': '办事指南',
    'ig.sub': '{org} · 实施编码 {code}',
    'ig.notfound.title': '未找到该事项',
    'ig.notfound.text': '实施编码为“{code}”的事项不存在，或尚未公布。请回到事项清单重新查找。',
    'ig.notfound.back': '返回事项清单',
    'ig.suspended': '该事项暂停办理。暂停期间不受理新的申请，已受理的申请继续办理。详情请咨询下方电话。',
    'ig.cancelled': '该事项已取消，不再受理申请。',
    'ig.old': '您正在查看第 {v} 版（历史版本），内容可能已变更。',
    'ig.old.current': '查看现行版本',
    'ig.toc': '指南目录',
    'ig.actions': '指南操作',
    'ig.print': '打印指南',
    'ig.pdf': '下载 PDF',
    'ig.apply': '在线申报',
    'ig.qr': '扫码在手机上查看',
    'ig.qr.alt': '本办事指南页面的二维码',
    'ig.qr.missing': '二维码暂不可用',
    's.basic': '基本信息',
    's.basis': '设定依据',
    's.conditions': '申请条件',
    's.materials': '申请材料',
    's.steps': '办理流程',
    's.special': '特别程序',
    's.limits': '办理时限',
    's.fee': '收费标准',
    's.result': '办理结果',
    's.ways': '办理方式',
    's.delivery': '送达方式',
    's.intermediaries': '中介服务',
    's.contacts': '咨询与投诉',
    's.notes': '备注',
    's.version': '版本信息',
    's.history': '版本历史',
    'f.name': '事项名称',
    'f.impl_code': '实施编码',
    'f.basic_code': '基本编码',
    'f.local_impl_code': '地方实施编码',
    'f.handling_code': '业务办理项编码',
    'f.type': '事项类型',
    'f.org': '实施主体',
    'f.audience': '服务对象',
    'f.levels': '行使层级',
    'f.topics': '主题分类',
    'f.power_source': '权力来源',
    'f.handling_mode': '办理形式',
    'f.kind': '办件类型',
    'f.item_class': '事项分类',
    'f.trips': '到现场次数',
    'f.law': '法律法规',
    'f.article': '条款',
    'm.no': '序号',
    'm.name': '材料名称',
    'm.required': '必要性',
    'm.required.yes': '必要',
    'm.required.no': '非必要',
    'm.copies': '份数',
    'm.copies.n': '{n} 份',
    'm.form': '材料形式',
    'm.source': '来源渠道',
    'm.missing': '容缺',
    'm.commitment': '告知承诺',
    'm.licence': '证照类型：{type}',
    'm.proof': '证明事项：{name}',
    'm.sample': '示例：{text}',
    'm.mistakes': '常见错误：{text}',
    'm.basis': '依据：{text}',
    'm.none': '本事项无需提交材料。',
    'm.caption': '申请材料目录',
    'st.level': '审批权限：第 {n} 级',
    'st.limit': '时限：{days}',
    'sp.limit': '时限：{days}',
    'sp.none': '本事项无特别程序。',
    'l.starts': '计时起点',
    'l.next_day': '受理次日起计算',
    'l.same_day': '受理当日起计算',
    'l.ratio': '承诺时限为法定时限的 {p}%',
    'fee.basis': '收费依据',
    'fee.amount': '收费金额',
    'r.kind': '结果类型',
    'r.kind.licence': '证照',
    'r.kind.document': '批文',
    'r.kind.none': '无',
    'r.name': '结果名称',
    'r.licence_type': '证照类型',
    'w.channels': '办理渠道',
    'w.channel.window': '窗口办理',
    'w.channel.online': '网上办理',
    'w.channel.express': '快递申请',
    'w.flags': '便民服务',
    'i.none': '本事项不涉及中介服务。',
    'i.list': '查看中介服务清单',
    'c.phone': '咨询电话',
    'c.consult': '咨询方式',
    'c.complaint': '投诉渠道',
    'c.address': '办理地点',
    'c.hours': '办理时间',
    'v.version': '版本',
    'v.version.n': '第 {v} 版',
    'v.published_at': '发布时间',
    'v.status': '事项状态',
    'v.history.link': '查看版本历史',
    'v.author': '修改人',
    'v.reason': '修改原因',
    'v.changed': '变更内容',
    'v.view': '查看此版本',
    'v.none': '暂无版本记录。',
    'v.caption': '本事项的历次版本',
    'v.changed.many': '{n} 项内容',
  },
  en: {
    'ig.title': 'Service guide · tongban',
    'ig.title.item': '{name} · Service guide · tongban',
    'ig.heading': 'Service guide',
    'ig.sub': '{org} · code {code}',
    'ig.notfound.title': 'No such service',
    'ig.notfound.text': 'There is no published service with the code “{code}”. Please look it up in the service list.',
    'ig.notfound.back': 'Back to the service list',
    'ig.suspended': 'This service is suspended: no new applications are accepted; those already accepted continue. Call the number below for details.',
    'ig.cancelled': 'This service has been cancelled and accepts no applications.',
    'ig.old': 'You are reading version {v}, an earlier version; the guide may have changed since.',
    'ig.old.current': 'Read the current version',
    'ig.toc': 'Contents',
    'ig.actions': 'Guide actions',
    'ig.print': 'Print',
    'ig.pdf': 'Download PDF',
    'ig.apply': 'Apply online',
    'ig.qr': 'Scan to read on a phone',
    'ig.qr.alt': 'QR code of this guide page',
    'ig.qr.missing': 'QR code not available',
    's.basic': 'Basic information',
    's.basis': 'Legal basis',
    's.conditions': 'Conditions',
    's.materials': 'Materials',
    's.steps': 'Procedure',
    's.special': 'Special procedures',
    's.limits': 'Time limits',
    's.fee': 'Fees',
    's.result': 'Result',
    's.ways': 'How to apply',
    's.delivery': 'Delivery',
    's.intermediaries': 'Intermediary services',
    's.contacts': 'Enquiries and complaints',
    's.notes': 'Notes',
    's.version': 'Version',
    's.history': 'Version history',
    'f.name': 'Service',
    'f.impl_code': 'Implementation code',
    'f.basic_code': 'Basic code',
    'f.local_impl_code': 'Local implementation code',
    'f.handling_code': 'Handling code',
    'f.type': 'Type',
    'f.org': 'Deciding organisation',
    'f.audience': 'Applicants',
    'f.levels': 'Levels',
    'f.topics': 'Topics',
    'f.power_source': 'Source of power',
    'f.handling_mode': 'Handling mode',
    'f.kind': 'Case kind',
    'f.item_class': 'Class',
    'f.trips': 'Trips to the hall',
    'f.law': 'Law or regulation',
    'f.article': 'Article',
    'm.no': 'No.',
    'm.name': 'Material',
    'm.required': 'Required',
    'm.required.yes': 'Required',
    'm.required.no': 'Optional',
    'm.copies': 'Copies',
    'm.copies.n': '{n}',
    'm.form': 'Form',
    'm.source': 'Source',
    'm.missing': 'May follow later',
    'm.commitment': 'Written commitment',
    'm.licence': 'Licence type: {type}',
    'm.proof': 'Proof: {name}',
    'm.sample': 'Sample: {text}',
    'm.mistakes': 'Common mistakes: {text}',
    'm.basis': 'Basis: {text}',
    'm.none': 'No materials are needed.',
    'm.caption': 'Materials to submit',
    'st.level': 'Authority: level {n}',
    'st.limit': 'Time: {days}',
    'sp.limit': 'Time: {days}',
    'sp.none': 'No special procedures.',
    'l.starts': 'Counting starts',
    'l.next_day': 'The working day after acceptance',
    'l.same_day': 'The day of acceptance',
    'l.ratio': 'The promised limit is {p}% of the legal one',
    'fee.basis': 'Basis',
    'fee.amount': 'Amount',
    'r.kind': 'Kind',
    'r.kind.licence': 'Licence',
    'r.kind.document': 'Decision document',
    'r.kind.none': 'None',
    'r.name': 'Name',
    'r.licence_type': 'Licence type',
    'w.channels': 'Channels',
    'w.channel.window': 'At a window',
    'w.channel.online': 'Online',
    'w.channel.express': 'By courier',
    'w.flags': 'Conveniences',
    'i.none': 'No intermediary service is involved.',
    'i.list': 'See the intermediary services list',
    'c.phone': 'Telephone',
    'c.consult': 'Enquiries',
    'c.complaint': 'Complaints',
    'c.address': 'Address',
    'c.hours': 'Opening hours',
    'v.version': 'Version',
    'v.version.n': 'Version {v}',
    'v.published_at': 'Published',
    'v.status': 'Status',
    'v.history.link': 'See the version history',
    'v.author': 'By',
    'v.reason': 'Reason',
    'v.changed': 'Changed',
    'v.view': 'Read this version',
    'v.none': 'No versions yet.',
    'v.caption': 'Versions of this service',
    'v.changed.many': '{n} fields',
  },
});

const code = itemCode();
const wanted = Number.parseInt(new URLSearchParams(window.location.search).get('version') || '', 10) || null;
let answer = null;
let versions = null;

init();

/* The code from /items/{code} (or ?code= on /portal/item.html). */
function itemCode() {
  const m = window.location.pathname.match(/\/items\/([^/]+)\/?$/);
  if (m) return decodeURIComponent(m[1]);
  return new URLSearchParams(window.location.search).get('code') || '';
}

async function init() {
  await startPortalPage({ checkAccount: false });
  const status = document.getElementById('guide-status');
  const base = `/api/v1/items/${encodeURIComponent(code)}`;
  try {
    [answer] = await Promise.all([apiGet(wanted ? `${base}/versions/${wanted}` : base), loadCodes()]);
  } catch (e) {
    status.classList.remove('loading');
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) {
      showNotFound(status);
    } else {
      status.classList.add('notice');
      status.textContent = t('cat.load.failed', { title: e.title || String(e) });
    }
    return;
  }
  versions = await apiGet(`${base}/versions`).catch(() => null);
  status.hidden = true;
  render();
  onLangChange(render);
}

function showNotFound(status) {
  const draw = () => {
    document.title = t('ig.notfound.title');
    document.getElementById('guide-name').textContent = t('ig.notfound.title');
    status.replaceChildren(
      el('span', { class: 'notfound-text' }, t('ig.notfound.text', { code })),
      ' ',
      el('a', { href: '/portal/items.html' }, t('ig.notfound.back')),
    );
  };
  status.classList.add('notice', 'notfound');
  status.removeAttribute('data-i18n');
  document.getElementById('guide-name').removeAttribute('data-i18n');
  draw();
  onLangChange(draw);
}

/* ------------------------------------------------------------ building blocks */

function section(id, titleKey, ...body) {
  return el('section', { id, class: 'panel guide-section', 'aria-labelledby': `${id}-title` }, el('h2', { id: `${id}-title`, class: 'panel-title' }, t(titleKey)), ...body);
}

/* A <dl class="facts"> from [labelKey, value] pairs; empty values are skipped. */
function facts(rows) {
  const dl = el('dl', { class: 'facts' });
  for (const [key, value] of rows) {
    if (value === undefined || value === null || value === '') continue;
    dl.append(el('dt', {}, t(key)), el('dd', {}, value));
  }
  return dl;
}

function yesNo(b) {
  return el('span', { class: b ? 'yn yn-yes' : 'yn yn-no' }, t(b ? 'cat.yes' : 'cat.no'));
}

function para(text) {
  return el('p', { class: 'prewrap' }, text || t('cat.none'));
}

/* ------------------------------------------------------------ the page */

function render() {
  const it = answer.item;
  const orgName = answer.org ? answer.org.name : it.org;
  document.title = t('ig.title.item', { name: it.name });
  const h1 = document.getElementById('guide-name');
  h1.removeAttribute('data-i18n');
  h1.textContent = it.name;
  document.getElementById('guide-sub').textContent = t('ig.sub', { org: orgName, code: it.impl_code });

  const sections = [
    section('basic', 's.basic', basicFacts(it, orgName)),
    section('basis', 's.basis', basisList(it.basis)),
    section('conditions', 's.conditions', para(it.conditions)),
    section('materials', 's.materials', materialsTable(it.materials || [])),
    section('steps', 's.steps', stepsList(it.steps || [])),
    section('special', 's.special', specialList(it.special_procedures || [])),
    section('limits', 's.limits', limitFacts(it)),
    section('fee', 's.fee', facts([['fee.amount', feeText(it.fee)], ['fee.basis', it.fee && !it.fee.is_free ? it.fee.basis : '']])),
    section('result', 's.result', resultFacts(it.result)),
    section('ways', 's.ways', waysFacts(it)),
    section('delivery', 's.delivery', el('p', {}, codeNames('delivery', it.delivery) || t('cat.none'))),
    section('intermediaries', 's.intermediaries', intermediaryList()),
    section('contacts', 's.contacts', contactFacts(it.contacts || {})),
  ];
  if (it.notes) sections.push(section('notes', 's.notes', para(it.notes)));
  sections.push(section('version', 's.version', versionFacts()), section('history', 's.history', historyTable()));

  const toc = el(
    'nav',
    { class: 'guide-toc', 'aria-labelledby': 'toc-title' },
    el('h2', { id: 'toc-title', class: 'aside-title' }, t('ig.toc')),
    el('ol', {}, ...sections.map((s) => el('li', {}, el('a', { href: `#${s.id}` }, s.querySelector('h2').textContent)))),
  );
  const guide = document.getElementById('guide');
  guide.replaceChildren(
    ...banners(),
    el('div', { class: 'guide-layout' }, el('div', { class: 'guide-main' }, keyFacts(it), ...sections), el('aside', { class: 'guide-aside' }, actionsBox(), toc)),
  );
  guide.hidden = false;
  applyI18n(guide);
}

function banners() {
  const out = [];
  if (answer.status === 'suspended') out.push(el('div', { class: 'banner banner-suspended', role: 'alert' }, el('strong', {}, t('cat.status.suspended')), ' ', t('ig.suspended')));
  if (answer.status === 'cancelled') out.push(el('div', { class: 'banner banner-suspended', role: 'alert' }, el('strong', {}, t('cat.status.cancelled')), ' ', t('ig.cancelled')));
  if (wanted && answer.version_status !== 'published') {
    out.push(el('div', { class: 'notice' }, t('ig.old', { v: answer.version }), ' ', el('a', { href: guideHref(code) }, t('ig.old.current'))));
  }
  return out;
}

/* The four numbers people look for first. */
function keyFacts(it) {
  const cell = (label, value, cls = '') => el('div', { class: `key-fact ${cls}` }, el('dt', {}, label), el('dd', {}, value));
  return el(
    'dl',
    { class: 'key-facts' },
    cell(t('cat.promised'), daysText(it.promised_limit_days), 'key-promised'),
    cell(t('cat.legal'), daysText(it.legal_limit_days)),
    cell(t('f.trips'), tripsBadge(it.trips)),
    cell(t('s.fee'), feeText(it.fee)),
  );
}

function actionsBox() {
  const base = `/api/v1/items/${encodeURIComponent(code)}`;
  const print = el('button', { type: 'button', class: 'btn btn-primary', id: 'print-guide' }, t('ig.print'));
  print.addEventListener('click', () => window.print());
  const img = el('img', { id: 'guide-qr', class: 'qr', src: `${base}/qr.svg`, alt: t('ig.qr.alt'), width: 160, height: 160 });
  const missing = el('p', { class: 'qr-missing', hidden: true }, t('ig.qr.missing'));
  img.addEventListener('error', () => {
    img.hidden = true;
    missing.hidden = false;
  });
  // 在线申报 for items applied for online; apply.html sends a visitor to the login page first.
  const canApply = answer.item.is_online && answer.status === 'published' && !(wanted && answer.version_status !== 'published');
  const apply = canApply ? el('a', { id: 'guide-apply', class: 'btn btn-primary', href: `/portal/apply.html?item=${encodeURIComponent(code)}` }, t('ig.apply')) : null;
  if (apply) print.className = 'btn btn-secondary';
  return el(
    'div',
    { class: 'guide-actions', role: 'group', 'aria-label': t('ig.actions') },
    el('div', { class: 'guide-buttons' }, apply, print, el('a', { id: 'guide-pdf', class: 'btn btn-secondary', href: `${base}/guide.pdf`, download: `${code}.pdf` }, t('ig.pdf'))),
    el('figure', { class: 'qr-box' }, img, missing, el('figcaption', {}, t('ig.qr'))),
  );
}

function basicFacts(it, orgName) {
  return facts([
    ['f.name', it.name],
    ['f.impl_code', it.impl_code],
    ['f.basic_code', it.basic_code],
    ['f.local_impl_code', it.local_impl_code],
    ['f.handling_code', it.handling_code],
    ['f.type', codeName('item_type', it.type)],
    ['f.org', orgName],
    ['f.audience', codeNames('service_object', it.audience)],
    ['f.levels', codeNames('exercise_level', it.levels)],
    ['f.topics', (it.topics || []).join('、')],
    ['f.power_source', codeName('power_source', it.power_source)],
    ['f.handling_mode', codeName('handling_mode', it.handling_mode)],
    ['f.kind', codeName('case_kind', it.kind)],
    ['f.item_class', codeName('item_class', it.item_class)],
    ['f.trips', codeName('trips', it.trips)],
  ]);
}

function basisList(basis) {
  if (!basis || !basis.length) return para('');
  return el('ol', { class: 'basis-list' }, ...basis.map((b) => el('li', {}, el('span', { class: 'law' }, b.law), b.article ? ` ${b.article}` : '')));
}

function materialsTable(list) {
  if (!list.length) return el('p', {}, t('m.none'));
  const proofName = (pc) => {
    const p = (answer.proofs || []).find((x) => x.code === pc);
    return p ? p.name : pc;
  };
  const head = ['m.no', 'm.name', 'm.required', 'm.copies', 'm.form', 'm.source', 'm.missing', 'm.commitment'];
  const rows = list.map((m, i) => {
    const notes = [
      m.licence_type ? t('m.licence', { type: m.licence_type }) : '',
      m.is_proof && m.proof_code ? t('m.proof', { name: proofName(m.proof_code) }) : '',
      m.note || '',
      m.sample ? t('m.sample', { text: m.sample }) : '',
      m.mistakes ? t('m.mistakes', { text: m.mistakes }) : '',
      m.basis ? t('m.basis', { text: m.basis }) : '',
    ].filter(Boolean);
    const cells = [
      String(i + 1),
      el('span', {}, el('span', { class: 'material-name' }, m.name), ...notes.map((n) => el('span', { class: 'material-note' }, n))),
      el('span', { class: m.is_required ? 'req-yes' : '' }, t(m.is_required ? 'm.required.yes' : 'm.required.no')),
      m.form === 'electronic' ? '—' : t('m.copies.n', { n: m.copies }),
      codeName('material_form', m.form),
      codeName('material_source', m.source),
      yesNo(m.allows_missing),
      yesNo(m.allows_commitment),
    ];
    return el('tr', {}, ...cells.map((c, j) => el('td', { 'data-label': t(head[j]) }, c)));
  });
  return el(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'materials-caption' },
    el(
      'table',
      { class: 'data-table materials-table' },
      el('caption', { id: 'materials-caption', class: 'visually-hidden' }, t('m.caption')),
      el('thead', {}, el('tr', {}, ...head.map((k) => el('th', { scope: 'col' }, t(k))))),
      el('tbody', {}, ...rows),
    ),
  );
}

function stepsList(steps) {
  return el(
    'ol',
    { class: 'steps' },
    ...steps.map((s) =>
      el(
        'li',
        { class: 'step' },
        el('span', { class: 'step-name' }, s.name),
        el('span', { class: 'step-meta' }, t('st.level', { n: s.authority_level }), el('span', { class: 'sep', 'aria-hidden': 'true' }, ' · '), t('st.limit', { days: daysText(s.limit_days) })),
      ),
    ),
  );
}

function specialList(list) {
  if (!list.length) return el('p', {}, t('sp.none'));
  return el('ul', { class: 'plain-list' }, ...list.map((s) => el('li', {}, el('strong', {}, codeName('special_procedure', s.kind)), `（${t('sp.limit', { days: daysText(s.limit_days) })}）`)));
}

function limitFacts(it) {
  const ratio = it.legal_limit_days > 0 ? Math.round((it.promised_limit_days / it.legal_limit_days) * 100) : null;
  return facts([
    ['cat.legal', daysText(it.legal_limit_days)],
    ['cat.promised', el('span', {}, el('strong', {}, daysText(it.promised_limit_days)), ratio !== null ? el('span', { class: 'muted' }, `（${t('l.ratio', { p: ratio })}）`) : '')],
    ['l.starts', t(it.limit_starts === 'same_day' ? 'l.same_day' : 'l.next_day')],
  ]);
}

function resultFacts(r) {
  if (!r) return para('');
  return facts([
    ['r.kind', t(`r.kind.${r.kind}`)],
    ['r.name', r.name],
    ['r.licence_type', r.licence_type],
  ]);
}

function waysFacts(it) {
  const flags = [
    ['cat.flag.immediate', it.is_immediate],
    ['cat.flag.online', it.is_online],
    ['cat.flag.nearby', it.is_nearby],
    ['cat.flag.one_visit', it.is_one_visit],
  ];
  return facts([
    ['w.channels', (it.channels || []).map((c) => t(`w.channel.${c}`)).join('、')],
    ['f.trips', codeName('trips', it.trips)],
    ['w.flags', el('ul', { class: 'flag-list' }, ...flags.map(([k, on]) => el('li', { class: on ? 'flag-on' : 'flag-off' }, el('span', { 'aria-hidden': 'true' }, on ? '✓ ' : '✗ '), t(k), el('span', { class: 'visually-hidden' }, `：${t(on ? 'cat.yes' : 'cat.no')}`))))],
  ]);
}

function intermediaryList() {
  const list = answer.intermediaries || [];
  if (!list.length) return el('p', {}, t('i.none'));
  return el('div', {}, el('ul', { class: 'plain-list' }, ...list.map((x) => el('li', {}, x.name || x.code))), el('p', {}, el('a', { href: '/portal/lists.html#intermediaries' }, t('i.list'))));
}

function contactFacts(c) {
  return facts([
    ['c.phone', c.phone],
    ['c.consult', c.consult],
    ['c.complaint', c.complaint],
    ['c.address', c.address],
    ['c.hours', c.hours],
  ]);
}

function versionFacts() {
  return el(
    'div',
    {},
    facts([
      ['v.version', t('v.version.n', { v: answer.version })],
      ['v.published_at', answer.published_at ? formatTime(answer.published_at) : ''],
      ['v.status', statusBadge(answer.status)],
    ]),
    el('p', { class: 'version-link' }, el('a', { href: '#history' }, t('v.history.link'))),
  );
}

function historyTable() {
  const list = (versions && versions.versions) || [];
  if (!list.length) return el('p', {}, t('v.none'));
  const head = ['v.version', 'v.published_at', 'v.author', 'v.reason', 'v.changed'];
  return el(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'history-caption' },
    el(
      'table',
      { class: 'data-table', id: 'history-table' },
      el('caption', { id: 'history-caption', class: 'visually-hidden' }, t('v.caption')),
      el('thead', {}, el('tr', {}, ...head.map((k) => el('th', { scope: 'col' }, t(k))))),
      el(
        'tbody',
        {},
        ...list.map((v) => {
          const link = el('a', { href: `${guideHref(code)}?version=${v.version}`, 'aria-label': `${t('v.view')}：${t('v.version.n', { v: v.version })}` }, t('v.version.n', { v: v.version }));
          const changed = v.changed || [];
          const cells = [
            el('span', {}, link, ' ', statusBadge(v.status)),
            v.published_at ? formatTime(v.published_at) : formatTime(v.created_at),
            v.author,
            v.reason,
            changed.length > 6 ? t('v.changed.many', { n: changed.length }) : changed.map(fieldLabel).join('、'),
          ];
          return el('tr', { class: v.version === answer.version ? 'is-current' : null }, ...cells.map((c, j) => el('td', { 'data-label': t(head[j]) }, c)));
        }),
      ),
    ),
  );
}
