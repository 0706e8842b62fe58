// verify.js - 电子证照核验 (verify/index.html): the public check of an
// electronic licence, opened by the QR code on the licence or a shared link
// (/verify/?no=NUMBER&check=CODE), no login.
//
// GET /api/v1/licences/verify?no=&check= answers the minimum
// (docs/licences.md "Verification"): status, number, type, the holder
// masked, the issuer's name, dates, and for a revoked licence its time and
// reason, for a superseded one the newer number. The status is shown big,
// in words and colour and an icon, so nobody has to read the small print to
// know: 证照有效 (green), 已过期, 已注销, 已变更, 证照数据被篡改 (red). A 404
// means the number is unknown or the check code does not belong to it (the
// server does not say which). The form below checks a typed number and code
// the same way and puts them into the address, so the result can be
// reloaded or shared.

import { apiGet, ApiError } from '../common/api.js';
import { formatTime, formatWait } from '../common/account-text.js';
import { addMessages, onLangChange, t } from '../common/i18n.js';
import { el, renderLayout } from '../common/layout.js';
import { clearErrors, showAlert, showFieldError, focusFirstInvalid } from '../common/forms.js';
import { licenceStatusLabel, validUntilText } from '../common/licence-text.js';

addMessages({
  'zh-CN': {
    'vf.title': '电子证照核验 · 一网通办',
    'vf.name': '电子证照核验',
    'crumb.label': '当前位置',
    'crumb.home': '首页',
    'vf.lead': '核验电子证照的真实性和当前状态。扫描证照上的二维码，或输入证照编号和核验码。',
    'vf.result': '核验结果',
    'vf.manual': '输入编号核验',
    'vf.manual.lead': '证照编号和 8 位核验码印在电子证照（PDF）二维码旁，也包含在持证人分享的核验链接中。',
    'vf.f.no': '证照编号',
    'vf.f.no.hint': '以 1.2.156.3005.2. 开头的编号',
    'vf.f.check': '核验码',
    'vf.f.check.hint': '8 位字母和数字，不区分大小写',
    'vf.go': '核验',
    'vf.busy': '正在核验…',
    'vf.word.valid': '证照有效',
    'vf.word.expired': '证照已过期',
    'vf.word.revoked': '证照已注销',
    'vf.word.superseded': '证照已变更',
    'vf.word.tampered': '证照数据被篡改',
    'vf.word.missing': '未找到该证照或核验码不正确',
    'vf.text.valid': '该电子证照由发证机关加盖电子印章签发，签名验证通过，当前有效。',
    'vf.text.expired': '签名验证通过，但该证照已超过有效期（有效期至 {date}），不能再作为有效证照使用。',
    'vf.text.revoked': '该证照已于 {time} 注销，不再有效。',
    'vf.text.revoked.reason': '注销原因：{reason}',
    'vf.text.superseded': '该证照已变更或延续，以新版本为准。新版本编号：',
    'vf.text.superseded.none': '该证照已变更或延续，以新版本为准。',
    'vf.text.tampered': '证照数据与发证机关的电子签名不符，可能已被篡改。请勿采信，并向发证机关核实。',
    'vf.text.missing': '请核对证照编号和核验码是否与证照上印制的一致。核验码只能从证照或持证人分享的链接中获得。',
    'vf.text.rate': '核验过于频繁，请 {wait} 后再试。',
    'vf.failed': '暂时无法核验：{title}',
    'vf.c.type': '证照名称',
    'vf.c.no': '证照编号',
    'vf.c.holder': '持证主体',
    'vf.c.issuer': '发证机关',
    'vf.c.issued': '发证日期',
    'vf.c.until': '有效期至',
    'vf.c.status': '状态',
    'vf.c.revoked_at': '注销时间',
    'vf.c.reason': '注销原因',
    'vf.c.replaced_by': '新版本编号',
    'vf.c.checked': '核验时间',
    'vf.c.seal': '电子印章',
    'vf.seal.alt': '{issuer}电子印章',
    'vf.seal.fp': '公钥指纹（SM3）：',
    'vf.note': '为保护个人信息，持证主体名称已部分隐去。核验结果以本平台实时查询为准。',
    'vf.need.no': '请填写证照编号。',
    'vf.need.check': '请填写核验码。',
    'vf.bad.check': '核验码为 8 位字母和数字。',
  },
  en: {
    'vf.title': 'Verify an e-licence · tongban',
    'vf.name': 'Verify an electronic licence',
    'crumb.label': 'You are here',
    'crumb.home': 'Home',
    'vf.lead': 'Check that an electronic licence is genuine and see its status. Scan the QR code on the licence, or type its number and check code.',
    'vf.result': 'Result',
    'vf.manual': 'Check by number',
    'vf.manual.lead': 'The licence number and the 8-character check code are printed next to the QR code on the licence (PDF), and are part of the link the holder shares.',
    'vf.f.no': 'Licence number',
    'vf.f.no.hint': 'Starts with 1.2.156.3005.2.',
    'vf.f.check': 'Check code',
    'vf.f.check.hint': '8 letters and digits, any case',
    'vf.go': 'Verify',
    'vf.busy': 'Checking…',
    'vf.word.valid': 'Licence valid',
    'vf.word.expired': 'Licence expired',
    'vf.word.revoked': 'Licence revoked',
    'vf.word.superseded': 'Licence superseded',
    'vf.word.tampered': 'Licence data tampered with',
    'vf.word.missing': 'No such licence, or the check code is wrong',
    'vf.text.valid': 'This licence was issued under the authority’s electronic seal; its signature verifies and it is in force.',
    'vf.text.expired': 'The signature verifies, but the licence ran out on {date} and is no longer in force.',
    'vf.text.revoked': 'This licence was revoked on {time} and is no longer in force.',
    'vf.text.revoked.reason': 'Reason: {reason}',
    'vf.text.superseded': 'This licence was changed or renewed; the newer version counts. Newer number:',
    'vf.text.superseded.none': 'This licence was changed or renewed; the newer version counts.',
    'vf.text.tampered': 'The licence data does not match the authority’s electronic signature and may have been altered. Do not rely on it; check with the issuing authority.',
    'vf.text.missing': 'Check that the number and the check code are exactly as printed on the licence. The check code is only on the licence or in the link its holder shares.',
    'vf.text.rate': 'Too many checks. Please try again in {wait}.',
    'vf.failed': 'Cannot verify just now: {title}',
    'vf.c.type': 'Licence',
    'vf.c.no': 'Number',
    'vf.c.holder': 'Holder',
    'vf.c.issuer': 'Issued by',
    'vf.c.issued': 'Issued on',
    'vf.c.until': 'Valid until',
    'vf.c.status': 'Status',
    'vf.c.revoked_at': 'Revoked on',
    'vf.c.reason': 'Reason',
    'vf.c.replaced_by': 'Newer number',
    'vf.c.checked': 'Checked at',
    'vf.c.seal': 'Electronic seal',
    'vf.seal.alt': 'Electronic seal of {issuer}',
    'vf.seal.fp': 'Key fingerprint (SM3): ',
    'vf.note': 'To protect personal data the holder’s name is partly hidden. The result is this platform’s answer at the time shown.',
    'vf.need.no': 'Please give the licence number.',
    'vf.need.check': 'Please give the check code.',
    'vf.bad.check': 'The check code has 8 letters and digits.',
  },
});

/* Status -> icon and the state class; words come from the table above. */
const LOOK = {
  valid: { icon: '✓', cls: 'is-valid' },
  expired: { icon: '!', cls: 'is-expired' },
  revoked: { icon: '×', cls: 'is-revoked' },
  superseded: { icon: '↻', cls: 'is-superseded' },
  tampered: { icon: '!', cls: 'is-tampered' },
  missing: { icon: '?', cls: 'is-missing' },
};

const CHECK_RE = /^[0-9A-Z]{8}$/;

const form = document.getElementById('verify-form');
const panel = document.getElementById('result-panel');
const host = document.getElementById('verify-result');
const statusLine = document.getElementById('verify-status');
let last = null; // {kind: 'answer'|'missing'|'error', answer?, err?, at}

init();

function init() {
  renderLayout();
  const params = new URLSearchParams(window.location.search);
  const no = (params.get('no') || '').trim();
  const check = (params.get('check') || '').trim();
  form.elements.no.value = no;
  form.elements.check.value = check;
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit();
  });
  onLangChange(() => last && render(last, false));
  if (no && check) verify(no, check.toUpperCase(), false);
}

function submit() {
  clearErrors(form);
  const no = form.elements.no.value.trim().toUpperCase();
  const check = form.elements.check.value.trim().toUpperCase();
  const faults = [];
  if (!no) faults.push(['no', t('vf.need.no')]);
  if (!check) faults.push(['check', t('vf.need.check')]);
  else if (!CHECK_RE.test(check)) faults.push(['check', t('vf.bad.check')]);
  for (const [field, message] of faults) showFieldError(form, field, message);
  if (faults.length) {
    showAlert(form, t('form.check'));
    focusFirstInvalid(form);
    return;
  }
  // The address carries what was checked, so the result can be reloaded or shared.
  const url = new URL(window.location.href);
  url.searchParams.set('no', no);
  url.searchParams.set('check', check);
  window.history.replaceState(null, '', url);
  verify(no, check, true);
}

async function verify(no, check, moveFocus) {
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  statusLine.textContent = t('vf.busy');
  try {
    const answer = await apiGet(`/api/v1/licences/verify?no=${encodeURIComponent(no)}&check=${encodeURIComponent(check)}`);
    last = { kind: 'answer', answer: answer || {}, at: new Date() };
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) last = { kind: 'missing', at: new Date() };
    else last = { kind: 'error', err, at: new Date() };
  } finally {
    button.disabled = false;
  }
  statusLine.textContent = '';
  render(last, moveFocus);
}

/* ------------------------------------------------------------ the result */

function render(r, moveFocus) {
  if (r.kind === 'error') {
    panel.hidden = true;
    const err = r.err;
    statusLine.classList.add('notice');
    statusLine.textContent =
      err instanceof ApiError && err.status === 429 && err.retryAfter !== null
        ? t('vf.text.rate', { wait: formatWait(err.retryAfter) })
        : t('vf.failed', { title: err.title || String(err) });
    return;
  }
  statusLine.classList.remove('notice');
  const a = r.answer || {};
  const status = r.kind === 'missing' ? 'missing' : LOOK[a.status] ? a.status : 'tampered';
  const look = LOOK[status];
  const box = el(
    'div',
    { class: `verify-status ${look.cls}`, id: 'verify-status-box', 'data-status': status, tabindex: '-1' },
    el('span', { class: 'verify-icon', 'aria-hidden': 'true' }, look.icon),
    el('div', {}, el('p', { class: 'verify-word', id: 'verify-word' }, t(`vf.word.${status}`)), ...explain(status, a)),
  );
  host.replaceChildren(box, r.kind === 'missing' ? '' : facts(a, r.at), r.kind === 'missing' ? '' : el('p', { class: 'verify-note' }, t('vf.note')));
  panel.hidden = false;
  if (moveFocus) box.focus();
}

/* The sentence under the big word, by status. */
function explain(status, a) {
  switch (status) {
    case 'expired':
      return [el('p', { class: 'verify-text' }, t('vf.text.expired', { date: a.valid_until || '' }))];
    case 'revoked':
      return [
        el('p', { class: 'verify-text' }, t('vf.text.revoked', { time: formatTime(a.revoked_at) })),
        a.revoke_reason ? el('p', { class: 'verify-text', id: 'verify-reason' }, t('vf.text.revoked.reason', { reason: a.revoke_reason })) : '',
      ];
    case 'superseded':
      return a.replaced_by
        ? [el('p', { class: 'verify-text' }, t('vf.text.superseded'), ' ', el('span', { class: 'lic-no', id: 'verify-replaced' }, a.replaced_by))]
        : [el('p', { class: 'verify-text' }, t('vf.text.superseded.none'))];
    default:
      return [el('p', { class: 'verify-text' }, t(`vf.text.${status}`))];
  }
}

/* The seal that signed it (the published image and fingerprint), when the answer names it. */
function sealOf(a) {
  const seal = a.seal && typeof a.seal === 'object' ? a.seal : null;
  if (!seal || !seal.id) return null;
  const issuer = a.issuer && typeof a.issuer === 'object' ? a.issuer.name : a.issuer || '';
  return el(
    'div',
    { class: 'verify-seal' },
    el('img', { class: 'seal-img', src: `/api/v1/seals/${encodeURIComponent(seal.id)}/image.png`, alt: t('vf.seal.alt', { issuer }), width: 72, height: 72 }),
    seal.fingerprint ? el('span', { class: 'fingerprint' }, t('vf.seal.fp'), seal.fingerprint) : null,
  );
}

function facts(a, at) {
  const rows = [
    ['vf.c.type', a.type && a.type.name],
    ['vf.c.no', a.no ? el('span', { class: 'lic-no' }, a.no) : null],
    ['vf.c.holder', a.holder],
    ['vf.c.issuer', a.issuer && typeof a.issuer === 'object' ? a.issuer.name : a.issuer],
    ['vf.c.issued', a.issued_on],
    ['vf.c.until', a.issued_on || a.valid_until ? validUntilText(a.valid_until) : null],
    ['vf.c.status', a.status ? licenceStatusLabel(a.status) : null],
    ['vf.c.revoked_at', a.revoked_at ? formatTime(a.revoked_at) : null],
    ['vf.c.reason', a.revoke_reason],
    ['vf.c.replaced_by', a.replaced_by ? el('span', { class: 'lic-no' }, a.replaced_by) : null],
    ['vf.c.seal', sealOf(a)],
    ['vf.c.checked', formatTime(at)],
  ];
  const dl = el('dl', { class: 'facts verify-facts', id: 'verify-facts' });
  for (const [key, value] of rows) {
    if (value === null || value === undefined || value === '') continue;
    dl.append(el('dt', {}, t(key)), el('dd', { 'data-key': key.slice(5) }, value));
  }
  return dl;
}
