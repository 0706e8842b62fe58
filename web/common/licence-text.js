// licence-text.js - words the licence pages share (docs/licences.md): the
// wallet 我的证照, the public verification page and the admin sections
// 证照类型 and 电子印章.
//
// Importing this module adds its keys to the i18n table. Every label is
// looked up by the API's name ('valid', 'org', 'A', 'issue' ...), so a name
// the server adds later shows as itself instead of breaking the page.

import { addMessages, t } from './i18n.js';
import { el } from './layout.js';

addMessages({
  'zh-CN': {
    'lic.status.valid': '有效',
    'lic.status.expired': '已过期',
    'lic.status.revoked': '已注销',
    'lic.status.superseded': '已变更',
    'lic.status.tampered': '数据异常',
    'lic.trust.A': 'A 级（发证机关签发）',
    'lic.trust.B': 'B 级（与原件核验一致）',
    'lic.trust.C': 'C 级（申请人上传）',
    'lic.trust.D': 'D 级（申请人承诺）',
    'lic.holder.person': '自然人',
    'lic.holder.org': '法人和其他组织',
    'lic.holder.any': '不限',
    'lic.idtype.111': '居民身份证号',
    'lic.idtype.001': '统一社会信用代码',
    'lic.event.issue': '签发',
    'lic.event.import': '归集入库',
    'lic.event.change': '变更',
    'lic.event.renew': '延续',
    'lic.event.revoke': '注销',
    'lic.forever': '长期',
    'lic.years': '{n} 年',
    'lic.ftype.text': '文本',
    'lic.ftype.date': '日期',
    'lic.ftype.integer': '整数',
    'seal.status.active': '启用',
    'seal.status.rotated': '已轮换',
    'seal.status.revoked': '已吊销',
  },
  en: {
    'lic.status.valid': 'Valid',
    'lic.status.expired': 'Expired',
    'lic.status.revoked': 'Revoked',
    'lic.status.superseded': 'Superseded',
    'lic.status.tampered': 'Tampered',
    'lic.trust.A': 'Level A (issued by the authority)',
    'lic.trust.B': 'Level B (checked against the original)',
    'lic.trust.C': 'Level C (uploaded by the applicant)',
    'lic.trust.D': 'Level D (applicant’s commitment)',
    'lic.holder.person': 'Natural person',
    'lic.holder.org': 'Organisation',
    'lic.holder.any': 'Any',
    'lic.idtype.111': 'Resident ID number',
    'lic.idtype.001': 'Unified social credit code',
    'lic.event.issue': 'Issued',
    'lic.event.import': 'Imported',
    'lic.event.change': 'Changed',
    'lic.event.renew': 'Renewed',
    'lic.event.revoke': 'Revoked',
    'lic.forever': 'No expiry',
    'lic.years': '{n} years',
    'lic.ftype.text': 'Text',
    'lic.ftype.date': 'Date',
    'lic.ftype.integer': 'Integer',
    'seal.status.active': 'Active',
    'seal.status.rotated': 'Rotated',
    'seal.status.revoked': 'Revoked',
  },
});

/* The label of key prefix.name, or the name itself when the table lacks it. */
function label(prefix, name) {
  const key = `${prefix}.${name}`;
  const s = t(key);
  return s === key ? String(name ?? '') : s;
}

export const licenceStatusLabel = (s) => label('lic.status', s);
export const trustLabel = (level) => label('lic.trust', level);
export const holderKindLabel = (kind) => label('lic.holder', kind);
export const idTypeLabel = (type) => label('lic.idtype', type);
export const eventLabel = (kind) => label('lic.event', kind);
export const fieldTypeLabel = (type) => label('lic.ftype', type);
export const sealStatusLabel = (s) => label('seal.status', s);

/* A status badge: <span class="badge lic-valid" data-status="valid">有效</span>. */
export function licenceStatusBadge(status) {
  return el('span', { class: `badge lic-${status}`, 'data-status': status }, licenceStatusLabel(status));
}

/* The valid-until day, or 长期 when there is none. */
export function validUntilText(day) {
  return day ? String(day) : t('lic.forever');
}

/* A validity rule in years: 0 -> 长期, 5 -> 5 年. */
export function validityText(years) {
  const n = Number(years) || 0;
  return n === 0 ? t('lic.forever') : t('lic.years', { n });
}

/* The address to share for a verify_url ('/verify/?no=..&check=..'), made absolute. */
export function absoluteUrl(path) {
  return new URL(String(path || ''), window.location.origin).href;
}
