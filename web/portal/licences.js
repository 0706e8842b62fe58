// licences.js - 我的证照 (licences.html): the applicant's wallet of
// electronic licences (docs/licences.md), and one licence in detail
// (licences.html?no=NUMBER).
//
// GET /api/v1/me/licences lists the licences the account holds, each a
// Summary {no, check, type, issuer, issued_on, valid_until, status,
// trust_level, verify_url}; every one is a card with its status (有效 /
// 已过期 / 已注销 / 已变更), 下载 PDF (.../licence.pdf, the sealed PDF with
// the QR code), 下载证照文件 (.../licence.json, the signed document that
// `tongban licence verify` checks offline) and 分享核验链接: the verify_url
// made absolute, in a read-only box with a copy button, for a bank or a
// landlord to open without logging in. The detail (GET
// /api/v1/licences/{no}) adds the holder, the face fields (照面信息), the
// version and the history of events (签发, 变更, 延续, 注销).

import { apiGet, ApiError } from '../common/api.js';
import { formatTime, isoTime } from '../common/account-text.js';
import { addMessages, applyI18n, onLangChange, t } from '../common/i18n.js';
import { el } from '../common/layout.js';
import {
  absoluteUrl,
  eventLabel,
  idTypeLabel,
  licenceStatusBadge,
  licenceStatusLabel,
  trustLabel,
  validUntilText,
} from '../common/licence-text.js';
import { hasPermission, onUnauthenticated } from '../common/session.js';
import { startPortalPage } from './portal.js';

addMessages({
  'zh-CN': {
    'lw.title': '我的证照 · 办事门户 · 一网通办',
    'lw.title.detail': '{name} · 我的证照 · 一网通办',
    'lw.list': '电子证照',
    'lw.lead': '办件办结后，发证机关加盖电子印章签发的证照自动归集到这里。申办其他事项时，需要这些证照的，平台直接从电子证照库调用，无需再提交。',
    'lw.detail': '证照详情',
    'lw.back': '返回证照列表',
    'lw.count': '共 {n} 张电子证照。',
    'lw.empty': '您还没有电子证照。选择“电子送达”的许可办结后，证照会自动出现在这里。',
    'lw.not-applicant': '我的证照供企业和群众的申请人账号使用，当前账号没有电子证照。',
    'lw.failed': '无法读取证照：{title}',
    'lw.notfound': '未找到该证照，或它不属于您的账号。',
    'lw.c.no': '证照编号',
    'lw.c.issuer': '发证机关',
    'lw.c.issued': '发证日期',
    'lw.c.until': '有效期至',
    'lw.c.trust': '可信等级',
    'lw.c.holder': '持证主体',
    'lw.c.id': '证件号码',
    'lw.c.version': '版本',
    'lw.c.version.v': '第 {v} 版',
    'lw.c.case': '办件编号',
    'lw.c.previous': '上一版本',
    'lw.c.replaced_by': '新版本',
    'lw.c.valid_from': '有效期自',
    'lw.c.status': '状态',
    'lw.c.revoked_at': '注销时间',
    'lw.c.reason': '注销原因',
    'lw.c.seal': '电子印章指纹',
    'lw.view': '查看详情',
    'lw.view.label': '查看详情：{name}',
    'lw.pdf': '下载 PDF',
    'lw.pdf.label': '下载 PDF：{name}',
    'lw.json': '下载证照文件',
    'lw.json.label': '下载证照文件：{name}',
    'lw.share': '分享核验链接',
    'lw.share.label': '分享核验链接：{name}',
    'lw.share.url': '核验链接',
    'lw.share.hint': '任何人打开此链接即可核验证照的真伪和当前状态，无需登录；页面只显示持证主体的部分名称。',
    'lw.copy': '复制链接',
    'lw.copied': '链接已复制到剪贴板。',
    'lw.copy.failed': '无法自动复制。链接已选中，请按 Ctrl+C（手机上长按）复制。',
    'lw.face': '照面信息',
    'lw.face.none': '该证照没有其他照面信息。',
    'lw.history': '证照历史',
    'lw.h.at': '时间',
    'lw.h.kind': '事项',
    'lw.h.reason': '原因',
    'lw.h.caption': '证照历史，最早的在前',
    'lw.revoked.note': '该证照已于 {time} 注销，不再有效。',
    'lw.superseded.note': '该证照已变更或延续，以新版本为准。',
    'lw.expired.note': '该证照已超过有效期。',
    'lw.tampered.note': '该证照数据校验未通过，请联系发证机关。',
    'lw.file.hint': '证照文件是发证机关签名的数据（JSON），可用平台提供的工具离线核验；PDF 中也包含同一份数据。',
  },
  en: {
    'lw.title': 'My licences · Service Portal · tongban',
    'lw.title.detail': '{name} · My licences · tongban',
    'lw.list': 'Electronic licences',
    'lw.lead': 'When a case ends, the licence the authority issues under its electronic seal is kept here. When another service needs one of them, the platform takes it from the licence library: you do not hand it in again.',
    'lw.detail': 'Licence',
    'lw.back': 'Back to my licences',
    'lw.count': '{n} electronic licences.',
    'lw.empty': 'You hold no electronic licence yet. Once a licence you applied for with electronic delivery is granted, it shows up here.',
    'lw.not-applicant': 'My licences is for applicant accounts of citizens and businesses; this account holds no licences.',
    'lw.failed': 'Could not read the licences: {title}',
    'lw.notfound': 'No such licence, or it does not belong to your account.',
    'lw.c.no': 'Number',
    'lw.c.issuer': 'Issued by',
    'lw.c.issued': 'Issued on',
    'lw.c.until': 'Valid until',
    'lw.c.trust': 'Trust level',
    'lw.c.holder': 'Holder',
    'lw.c.id': 'ID number',
    'lw.c.version': 'Version',
    'lw.c.version.v': 'version {v}',
    'lw.c.case': 'Case number',
    'lw.c.previous': 'Previous version',
    'lw.c.replaced_by': 'Newer version',
    'lw.c.valid_from': 'Valid from',
    'lw.c.status': 'Status',
    'lw.c.revoked_at': 'Revoked on',
    'lw.c.reason': 'Reason',
    'lw.c.seal': 'Seal fingerprint',
    'lw.view': 'Details',
    'lw.view.label': 'Details: {name}',
    'lw.pdf': 'Download PDF',
    'lw.pdf.label': 'Download PDF: {name}',
    'lw.json': 'Download licence file',
    'lw.json.label': 'Download licence file: {name}',
    'lw.share': 'Share verification link',
    'lw.share.label': 'Share verification link: {name}',
    'lw.share.url': 'Verification link',
    'lw.share.hint': 'Anyone who opens this link can check that the licence is genuine and see its status, without logging in; the page shows the holder’s name only in part.',
    'lw.copy': 'Copy link',
    'lw.copied': 'The link is copied to the clipboard.',
    'lw.copy.failed': 'Could not copy automatically; the link is selected, press Ctrl+C (or long-press) to copy it.',
    'lw.face': 'Licence details',
    'lw.face.none': 'This licence has no further details.',
    'lw.history': 'History',
    'lw.h.at': 'When',
    'lw.h.kind': 'What',
    'lw.h.reason': 'Reason',
    'lw.h.caption': 'History of the licence, oldest first',
    'lw.revoked.note': 'This licence was revoked on {time} and is no longer in force.',
    'lw.superseded.note': 'This licence was changed or renewed; the newer version counts.',
    'lw.expired.note': 'This licence has run out.',
    'lw.tampered.note': 'This licence failed its integrity check; please contact the issuing authority.',
    'lw.file.hint': 'The licence file is the data the authority signed (JSON); it can be checked offline with the platform’s tool, and the PDF carries the same data.',
  },
});

const enc = encodeURIComponent;
const statusNode = document.getElementById('wallet-status');
const wantedNo = new URLSearchParams(window.location.search).get('no');

init();

async function init() {
  const account = await startPortalPage({ needAccount: true });
  if (!account) return;
  if (!hasPermission(account, 'case.apply')) {
    fail(t('lw.not-applicant'));
    return;
  }
  if (wantedNo) await showDetail(wantedNo);
  else await showList();
}

function fail(text) {
  statusNode.classList.remove('loading');
  statusNode.classList.add('notice');
  statusNode.removeAttribute('data-i18n');
  statusNode.textContent = text;
  statusNode.hidden = false;
}

/* Where the files of a licence are. */
function fileUrl(no, name) {
  return `/api/v1/licences/${enc(no)}/${name}`;
}

/* ------------------------------------------------------------ the list */

async function showList() {
  let list;
  try {
    const answer = await apiGet('/api/v1/me/licences');
    list = Array.isArray(answer && answer.licences) ? answer.licences : [];
  } catch (err) {
    if (onUnauthenticated(err)) return;
    fail(t('lw.failed', { title: err.title || String(err) }));
    return;
  }
  statusNode.hidden = true;
  const panel = document.getElementById('list-panel');
  const paint = () => {
    document.getElementById('list-count').textContent = list.length ? t('lw.count', { n: list.length }) : t('lw.empty');
    document.getElementById('licence-cards').replaceChildren(...list.map((l, i) => card(l, i)));
  };
  paint();
  onLangChange(paint);
  panel.hidden = false;
}

function card(l, i) {
  const name = (l.type && l.type.name) || '';
  const facts = el(
    'dl',
    { class: 'facts' },
    el('dt', {}, t('lw.c.no')),
    el('dd', { class: 'lic-no', 'data-key': 'no' }, l.no),
    el('dt', {}, t('lw.c.issuer')),
    el('dd', { 'data-key': 'issuer' }, (l.issuer && l.issuer.name) || t('common.none')),
    el('dt', {}, t('lw.c.issued')),
    el('dd', { 'data-key': 'issued_on' }, l.issued_on || t('common.none')),
    el('dt', {}, t('lw.c.until')),
    el('dd', { 'data-key': 'valid_until' }, validUntilText(l.valid_until)),
    el('dt', {}, t('lw.c.trust')),
    el('dd', { 'data-key': 'trust_level' }, trustLabel(l.trust_level)),
  );
  const titleId = `lic-${i}-title`;
  return el(
    'li',
    { class: `lic-card is-${l.status}`, 'data-no': l.no, 'aria-labelledby': titleId },
    el('div', { class: 'lic-card-head' }, el('h3', { class: 'lic-card-title', id: titleId }, name), licenceStatusBadge(l.status)),
    facts,
    ...actions(l, `lic-${i}`, { withDetail: true }),
  );
}

/* The buttons of a licence (and the share box they open). idBase keeps ids unique. */
function actions(l, idBase, { withDetail }) {
  const name = (l.type && l.type.name) || l.no;
  const row = el('div', { class: 'lic-actions' });
  if (withDetail) row.append(el('a', { class: 'btn btn-primary btn-small', href: `licences.html?no=${enc(l.no)}`, 'aria-label': t('lw.view.label', { name }), 'data-role': 'detail' }, t('lw.view')));
  row.append(
    el('a', { class: 'btn btn-secondary btn-small', href: fileUrl(l.no, 'licence.pdf'), download: `${name}.pdf`, 'aria-label': t('lw.pdf.label', { name }), 'data-role': 'pdf' }, t('lw.pdf')),
    el('a', { class: 'btn btn-secondary btn-small', href: fileUrl(l.no, 'licence.json'), download: `${name}.json`, 'aria-label': t('lw.json.label', { name }), 'data-role': 'json' }, t('lw.json')),
  );
  if (!l.verify_url) return [row];
  const boxId = `${idBase}-share`;
  const toggle = el('button', { type: 'button', class: 'btn btn-secondary btn-small', 'aria-expanded': 'false', 'aria-controls': boxId, 'aria-label': t('lw.share.label', { name }), 'data-role': 'share' }, t('lw.share'));
  const box = shareBox(l, boxId);
  toggle.addEventListener('click', () => {
    const open = box.hidden;
    box.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (open) box.querySelector('input').select();
  });
  row.append(toggle);
  return [row, box];
}

function shareBox(l, id) {
  const inputId = `${id}-url`;
  const hintId = `${id}-hint`;
  const input = el('input', { type: 'text', id: inputId, readonly: true, value: absoluteUrl(l.verify_url), 'aria-describedby': hintId, spellcheck: 'false', 'data-role': 'share-url' });
  const note = el('p', { class: 'copy-status', role: 'status' });
  const copy = el('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-role': 'copy' }, t('lw.copy'));
  copy.addEventListener('click', () => copyLink(input, note));
  return el(
    'div',
    { class: 'lic-share', id, hidden: true },
    el('div', { class: 'field' }, el('label', { for: inputId }, t('lw.share.url')), el('div', { class: 'lic-share-row' }, input, copy), el('p', { class: 'field-hint', id: hintId }, t('lw.share.hint'))),
    note,
  );
}

/* Copy the link: the Clipboard API where the page may use it, else the old way; failing both, leave it selected. */
async function copyLink(input, note) {
  let ok = false;
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(input.value);
      ok = true;
    }
  } catch {
    ok = false;
  }
  if (!ok) {
    input.select();
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
  }
  note.classList.toggle('is-ok', ok);
  note.textContent = t(ok ? 'lw.copied' : 'lw.copy.failed');
  if (!ok) input.select();
}

/* ------------------------------------------------------------ one licence */

async function showDetail(no) {
  let l;
  try {
    l = await apiGet(`/api/v1/licences/${enc(no)}`);
  } catch (err) {
    if (onUnauthenticated(err)) return;
    if (err instanceof ApiError && (err.status === 404 || err.status === 403)) fail(t('lw.notfound'));
    else fail(t('lw.failed', { title: err.title || String(err) }));
    return;
  }
  statusNode.hidden = true;
  document.getElementById('crumb-list').replaceChildren(el('a', { href: 'licences.html' }, t('portal.menu.licences')));
  document.getElementById('crumb-list').removeAttribute('aria-current');
  document.getElementById('crumb-list').removeAttribute('data-i18n');
  document.getElementById('crumb-detail').hidden = false;
  const paint = () => {
    const name = (l.type && l.type.name) || l.no;
    document.title = t('lw.title.detail', { name });
    const title = document.getElementById('detail-title');
    title.replaceChildren(name, ' ', licenceStatusBadge(l.status));
    document.getElementById('licence-detail').replaceChildren(...detail(l));
    const crumb = document.getElementById('crumb-list').querySelector('a');
    if (crumb) crumb.textContent = t('portal.menu.licences');
  };
  paint();
  onLangChange(paint);
  document.getElementById('detail-panel').hidden = false;
  applyI18n(document.getElementById('detail-panel'));
}

function detail(l) {
  const out = [];
  const note = statusNote(l);
  if (note) out.push(note);
  const holder = l.holder || {};
  const rows = [
    ['lw.c.no', el('span', { class: 'lic-no' }, l.no)],
    ['lw.c.version', l.version ? t('lw.c.version.v', { v: l.version }) : null],
    ['lw.c.holder', holder.name],
    ['lw.c.id', holder.id_number ? [idTypeLabel(holder.id_type), ' ', el('span', { class: 'masked' }, holder.id_number)] : null],
    ['lw.c.issuer', l.issuer && l.issuer.name],
    ['lw.c.issued', l.issued_on],
    ['lw.c.valid_from', l.valid_from],
    ['lw.c.until', validUntilText(l.valid_until)],
    ['lw.c.trust', trustLabel(l.trust_level)],
    ['lw.c.status', licenceStatusLabel(l.status)],
    ['lw.c.revoked_at', l.revoked_at ? formatTime(l.revoked_at) : null],
    ['lw.c.reason', l.revoke_reason],
    ['lw.c.seal', l.seal && typeof l.seal === 'object' && l.seal.fingerprint ? el('code', { class: 'fingerprint' }, l.seal.fingerprint) : null],
    ['lw.c.case', l.case_no],
    ['lw.c.previous', l.previous ? el('a', { class: 'lic-no', href: `licences.html?no=${enc(l.previous)}` }, l.previous) : null],
    ['lw.c.replaced_by', l.replaced_by ? el('a', { class: 'lic-no', href: `licences.html?no=${enc(l.replaced_by)}` }, l.replaced_by) : null],
  ];
  const dl = el('dl', { class: 'facts', id: 'licence-facts' });
  for (const [key, value] of rows) {
    if (value === null || value === undefined || value === '') continue;
    dl.append(el('dt', {}, t(key)), el('dd', { 'data-key': key.slice(5) }, ...(Array.isArray(value) ? value : [value])));
  }
  out.push(dl, ...actions(l, 'lic-detail', { withDetail: false }), el('p', { class: 'field-hint' }, t('lw.file.hint')));

  const face = Array.isArray(l.face) ? l.face : [];
  const faceDl = el('dl', { class: 'facts', id: 'licence-face' });
  for (const f of face) faceDl.append(el('dt', {}, f.label || f.key), el('dd', { 'data-key': f.key }, f.value === null || f.value === undefined || f.value === '' ? t('common.none') : String(f.value)));
  out.push(el('section', { class: 'lic-section', 'aria-labelledby': 'face-title' }, el('h3', { id: 'face-title' }, t('lw.face')), face.length ? faceDl : el('p', { class: 'empty-note' }, t('lw.face.none'))));

  const events = Array.isArray(l.events) ? l.events : [];
  if (events.length) {
    const head = ['lw.h.at', 'lw.h.kind', 'lw.h.reason'];
    out.push(
      el(
        'section',
        { class: 'lic-section', 'aria-labelledby': 'history-title' },
        el('h3', { id: 'history-title' }, t('lw.history')),
        el(
          'div',
          { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'history-caption' },
          el(
            'table',
            { class: 'data-table', id: 'licence-history' },
            el('caption', { id: 'history-caption', class: 'visually-hidden' }, t('lw.h.caption')),
            el('thead', {}, el('tr', {}, ...head.map((k) => el('th', { scope: 'col' }, t(k))))),
            el(
              'tbody',
              {},
              ...events.map((e) =>
                el(
                  'tr',
                  { 'data-kind': e.kind },
                  el('td', { 'data-label': t('lw.h.at') }, el('time', { datetime: isoTime(e.at) }, formatTime(e.at))),
                  el('td', { 'data-label': t('lw.h.kind') }, eventLabel(e.kind)),
                  el('td', { 'data-label': t('lw.h.reason') }, e.reason || t('common.none')),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }
  return out;
}

/* A line that says why a licence is not in force, or null when it is. */
function statusNote(l) {
  let text = null;
  if (l.status === 'revoked') text = t('lw.revoked.note', { time: formatTime(l.revoked_at) });
  else if (l.status === 'superseded') text = t('lw.superseded.note');
  else if (l.status === 'expired') text = t('lw.expired.note');
  else if (l.status === 'tampered') text = t('lw.tampered.note');
  return text ? el('p', { class: 'form-alert', id: 'licence-note' }, text) : null;
}
