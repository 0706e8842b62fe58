// catalog-text.js - words and helpers the catalogue pages share (portal
// search, guide, lists; admin 事项管理): the code tables of
// GET /api/v1/catalogue/codes shown by their Chinese (or English) names,
// the list names (最多跑一次 ...), item badges and limits.
//
// Importing this module adds its keys to the i18n table. loadCodes() fetches
// the code tables once per page; codeName(table, code) then answers the
// name in the page's language, or the code itself when it is unknown.

import { apiGet } from './api.js';
import { addMessages, lang, t } from './i18n.js';
import { el } from './layout.js';

addMessages({
  'zh-CN': {
    'cat.search': '事项搜索',
    'cat.search.label': '搜索事项名称或编码',
    'cat.search.placeholder': '如：食品经营许可',
    'cat.search.go': '搜索',
    'cat.items': '事项清单',
    'cat.list.all': '全部',
    'cat.list.zuiduo_paoyici': '最多跑一次',
    'cat.list.quancheng_wangban': '全程网办',
    'cat.list.wangshang': '网上办',
    'cat.list.mashang': '马上办',
    'cat.list.jiujin': '就近办',
    'cat.list.yici': '一次办',
    'cat.list.jiban': '即办件',
    'cat.dept': '实施部门',
    'cat.promised': '承诺时限',
    'cat.legal': '法定时限',
    'cat.days': '{n} 个工作日',
    'cat.days.instant': '即时办结',
    'cat.flag.immediate': '马上办',
    'cat.flag.online': '网上办',
    'cat.flag.nearby': '就近办',
    'cat.flag.one_visit': '一次办',
    'cat.status.draft': '草稿',
    'cat.status.published': '已发布',
    'cat.status.suspended': '暂停办理',
    'cat.status.cancelled': '已取消',
    'cat.status.superseded': '已被替代',
    'cat.yes': '是',
    'cat.no': '否',
    'cat.none': '无',
    'cat.free': '不收费',
    'cat.fee': '{amount} 元',
    'cat.load.failed': '无法读取事项信息：{title}',
    'cat.lists': '清单公示',
    'cat.kpis': '事项指标',
    'cat.intermediaries': '中介服务清单',
    'cat.proofs': '证明事项清单',
    'cat.field.impl_code': '实施编码',
    'cat.field.basic_code': '基本编码',
    'cat.field.local_impl_code': '地方实施编码',
    'cat.field.local_basic_code': '地方基本编码',
    'cat.field.handling_code': '业务办理项编码',
    'cat.field.name': '事项名称',
    'cat.field.type': '事项类型',
    'cat.field.org': '实施主体',
    'cat.field.audience': '服务对象',
    'cat.field.levels': '行使层级',
    'cat.field.topics': '主题',
    'cat.field.power_source': '权力来源',
    'cat.field.handling_mode': '办理形式',
    'cat.field.basis': '设定依据',
    'cat.field.conditions': '申请条件',
    'cat.field.materials': '申请材料',
    'cat.field.steps': '办理流程',
    'cat.field.special_procedures': '特别程序',
    'cat.field.legal_limit_days': '法定时限',
    'cat.field.promised_limit_days': '承诺时限',
    'cat.field.limit_starts': '计时起点',
    'cat.field.is_exempt': '豁免时限压缩',
    'cat.field.is_high_risk': '高风险事项',
    'cat.field.fee': '收费',
    'cat.field.result': '办理结果',
    'cat.field.kind': '办件类型',
    'cat.field.item_class': '事项分类',
    'cat.field.trips': '到现场次数',
    'cat.field.is_immediate': '马上办',
    'cat.field.is_online': '网上办',
    'cat.field.is_nearby': '就近办',
    'cat.field.is_one_visit': '一次办',
    'cat.field.delivery': '送达方式',
    'cat.field.channels': '办理渠道',
    'cat.field.intermediaries': '中介服务',
    'cat.field.contacts': '咨询投诉',
    'cat.field.notes': '备注',
    'cat.field.reason': '修改原因',
  },
  en: {
    'cat.search': 'Find a service',
    'cat.search.label': 'Search by service name or code',
    'cat.search.placeholder': 'Service name, e.g. food business licence',
    'cat.search.go': 'Search',
    'cat.items': 'Service list',
    'cat.list.all': 'All',
    'cat.list.zuiduo_paoyici': 'At most one trip',
    'cat.list.quancheng_wangban': 'Fully online',
    'cat.list.wangshang': 'Online',
    'cat.list.mashang': 'Done at once',
    'cat.list.jiujin': 'Nearby',
    'cat.list.yici': 'One visit',
    'cat.list.jiban': 'Instant',
    'cat.dept': 'Department',
    'cat.promised': 'Promised time limit',
    'cat.legal': 'Legal time limit',
    'cat.days': '{n} working days',
    'cat.days.instant': 'Done on the spot',
    'cat.flag.immediate': 'Done at once',
    'cat.flag.online': 'Online',
    'cat.flag.nearby': 'Nearby',
    'cat.flag.one_visit': 'One visit',
    'cat.status.draft': 'Draft',
    'cat.status.published': 'Published',
    'cat.status.suspended': 'Suspended',
    'cat.status.cancelled': 'Cancelled',
    'cat.status.superseded': 'Superseded',
    'cat.yes': 'Yes',
    'cat.no': 'No',
    'cat.none': 'None',
    'cat.free': 'Free of charge',
    'cat.fee': 'CNY {amount}',
    'cat.load.failed': 'Could not read the catalogue: {title}',
    'cat.lists': 'Public lists',
    'cat.kpis': 'Catalogue indicators',
    'cat.intermediaries': 'Intermediary services',
    'cat.proofs': 'Proof documents',
    'cat.field.impl_code': 'Implementation code',
    'cat.field.basic_code': 'Basic code',
    'cat.field.local_impl_code': 'Local implementation code',
    'cat.field.local_basic_code': 'Local basic code',
    'cat.field.handling_code': 'Handling code',
    'cat.field.name': 'Name',
    'cat.field.type': 'Type',
    'cat.field.org': 'Organisation',
    'cat.field.audience': 'Applicants',
    'cat.field.levels': 'Levels',
    'cat.field.topics': 'Topics',
    'cat.field.power_source': 'Source of power',
    'cat.field.handling_mode': 'Handling mode',
    'cat.field.basis': 'Legal basis',
    'cat.field.conditions': 'Conditions',
    'cat.field.materials': 'Materials',
    'cat.field.steps': 'Procedure',
    'cat.field.special_procedures': 'Special procedures',
    'cat.field.legal_limit_days': 'Legal limit',
    'cat.field.promised_limit_days': 'Promised limit',
    'cat.field.limit_starts': 'Counting starts',
    'cat.field.is_exempt': 'Exempt',
    'cat.field.is_high_risk': 'High risk',
    'cat.field.fee': 'Fee',
    'cat.field.result': 'Result',
    'cat.field.kind': 'Case kind',
    'cat.field.item_class': 'Class',
    'cat.field.trips': 'Trips',
    'cat.field.is_immediate': 'Done at once',
    'cat.field.is_online': 'Online',
    'cat.field.is_nearby': 'Nearby',
    'cat.field.is_one_visit': 'One visit',
    'cat.field.delivery': 'Delivery',
    'cat.field.channels': 'Channels',
    'cat.field.intermediaries': 'Intermediaries',
    'cat.field.contacts': 'Contacts',
    'cat.field.notes': 'Notes',
    'cat.field.reason': 'Reason',
  },
});

/* The list names of GET /api/v1/items?list=, in tab order. */
export const LISTS = Object.freeze(['zuiduo_paoyici', 'quancheng_wangban', 'wangshang', 'mashang', 'jiujin', 'yici', 'jiban']);

let codes = null;
let codesPromise = null;

/* The code tables, fetched once; an empty object when they cannot be read. */
export function loadCodes() {
  if (!codesPromise) {
    codesPromise = apiGet('/api/v1/catalogue/codes')
      .then((c) => {
        codes = c || {};
        return codes;
      })
      .catch(() => {
        codes = {};
        return codes;
      });
  }
  return codesPromise;
}

/* The rows of one code table ([{code, zh, en}]). */
export function codeRows(table) {
  return (codes && codes[table]) || [];
}

/* The name of code in table, in the page's language; the code when unknown. */
export function codeName(table, code) {
  const row = codeRows(table).find((r) => r.code === String(code));
  if (!row) return code === undefined || code === null ? '' : String(code);
  return lang() === 'en' ? row.en || row.zh : row.zh;
}

/* Names of several codes, joined. */
export function codeNames(table, list) {
  return (list || []).map((c) => codeName(table, c)).join(lang() === 'en' ? ', ' : '、');
}

/* "8 个工作日"; 0 days is 即时办结. */
export function daysText(n) {
  if (n === 0) return t('cat.days.instant');
  if (n === undefined || n === null) return t('common.none');
  return t('cat.days', { n });
}

/* A fee in fen as yuan text. */
export function feeText(fee) {
  if (!fee || fee.is_free) return t('cat.free');
  return t('cat.fee', { amount: ((fee.amount_fen || 0) / 100).toFixed(2) });
}

/* The trips badge (零跑动 / 最多跑一次 / 多次). */
export function tripsBadge(trips) {
  const cls = trips === 'n' ? 'badge badge-muted' : 'badge badge-trips';
  return el('span', { class: cls }, codeName('trips', trips));
}

/* Badges for the 马上办 / 网上办 / 就近办 / 一次办 flags that are set. */
export function flagBadges(item) {
  const out = [];
  const flags = [
    ['is_immediate', 'cat.flag.immediate'],
    ['is_online', 'cat.flag.online'],
    ['is_nearby', 'cat.flag.nearby'],
    ['is_one_visit', 'cat.flag.one_visit'],
  ];
  for (const [key, label] of flags) if (item[key]) out.push(el('span', { class: 'badge badge-flag' }, t(label)));
  return out;
}

/* A status badge for an item or a version. */
export function statusBadge(status) {
  const cls = { published: 'badge-on', suspended: 'badge-warn', cancelled: 'badge-off', draft: 'badge-muted' }[status] || 'badge-muted';
  return el('span', { class: `badge ${cls}` }, t(`cat.status.${status}`));
}

/* The guide page of an item. */
export function guideHref(code) {
  return `/items/${encodeURIComponent(code)}`;
}

/*
 * Departments that decide items: GET /api/v1/orgs?view=list&kind=department
 * (and bureau); when that is not there, the organisations of the published
 * items. Answers [{code, name}] sorted by code.
 */
export async function loadDepartments() {
  try {
    const [d, b] = await Promise.all([
      apiGet('/api/v1/orgs?view=list&kind=department'),
      apiGet('/api/v1/orgs?view=list&kind=bureau').catch(() => ({ orgs: [] })),
    ]);
    const list = [...((d && d.orgs) || []), ...((b && b.orgs) || [])];
    if (list.length) return sortOrgs(list.map((o) => ({ code: o.code, name: o.name })));
  } catch {
    /* not there yet: derive from the items */
  }
  const seen = new Map();
  for (let page = 1; page <= 5; page++) {
    const r = await apiGet(`/api/v1/items?per_page=100&page=${page}`);
    for (const it of r.items || []) if (it.org && !seen.has(it.org.code)) seen.set(it.org.code, { code: it.org.code, name: it.org.name });
    if (!r.items || page * r.per_page >= r.total) break;
  }
  return sortOrgs([...seen.values()]);
}

function sortOrgs(list) {
  return list.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/* A document key (its top-level part for a path like materials[2].name) as the name a reader knows. */
export function fieldLabel(path) {
  const key = String(path || '').split(/[.[]/)[0];
  const text = t(`cat.field.${key}`);
  return text === `cat.field.${key}` ? key : text;
}
