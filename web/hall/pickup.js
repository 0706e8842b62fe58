// pickup.js - 取件: the window hands a result to an applicant who chose to
// collect it (统一窗口出件).
//
// 1. the applicant shows the 8-digit pickup code of 我的办件; the clerk types
//    it: POST /api/v1/pickups/lookup {"code"} → {"case": <the case>} (404 for
//    a code no case waiting at a window has; the lookup is audited);
// 2. the page shows the case (number, item, the applicant as the server
//    masks them, the result and its documents) and asks to check identity;
// 3. 确认交付: POST /api/v1/cases/{id}/transitions with If-Match and
//    {"action": "deliver", "method": "window", "pickup_code"} → delivered and
//    closed; picking up counts one trip (docs/cases.md "Delivery and trips").
// A wrong code at step 3 is 422 pickup_code_wrong; a stale page (412) looks
// the code up again and says so.

import { apiGet, api, ApiError } from '../common/api.js';
import { caseStateBadge, caseStateLabel, deliveryMethodLabel, deliveryStatusLabel, formatDay, noticeKindLabel } from '../common/case-text.js';
import { casePath, sendTransition } from '../common/case-view.js';
import { clearErrors, setBusy, showAlert, showFieldError } from '../common/forms.js';
import { addMessages, applyI18n, onLangChange, t } from '../common/i18n.js';
import { el } from '../common/layout.js';
import { goToLogin } from '../common/session.js';
import { HALL_LOGIN, startHallPage } from './hall.js';

addMessages({
  'zh-CN': {
    'hp.title': '取件 · 政务大厅 · 一网通办',
    'hp.heading': '取件',
    'hp.find': '输入取件码',
    'hp.find.lead': '申请人选择窗口领取的，办理结果出具后可在“我的办件”中看到 8 位取件码。请申请人出示取件码，核对身份后交付办理结果。',
    'hp.code': '取件码',
    'hp.code.hint': '8 位数字',
    'hp.code.format': '取件码为 8 位数字，请核对。',
    'hp.find.go': '查询办件',
    'hp.notfound': '取件码无效：没有待领取的办件使用这个取件码。请核对后重新输入。',
    'hp.notfound.short': '取件码无效。',
    'hp.wrong': '取件码不正确，请核对后重新输入。',
    'hp.failed': '操作未成功：{title}',
    'hp.case': '待领取的办件',
    'hp.f.caseno': '办件编号',
    'hp.f.item': '事项',
    'hp.f.org': '实施机构',
    'hp.f.applicant': '申请人',
    'hp.f.result': '办理结果',
    'hp.f.decided': '决定时间',
    'hp.f.method': '送达方式',
    'hp.f.status': '送达状态',
    'hp.f.docs': '结果文书',
    'hp.f.docs.hint': '打印后交申请人',
    'hp.pdf': '{kind}（PDF）',
    'hp.check': '请核对领取人的身份证件：本人领取核对申请人身份；代领的，核对代领人身份证件和授权委托书。',
    'hp.confirm': '确认交付',
    'hp.cancel': '重新输入取件码',
    'hp.cannot': '该办件现在不能凭取件码交付：{why}。',
    'hp.cannot.method': '申请人选择的送达方式是“{method}”',
    'hp.cannot.status': '送达状态为“{status}”',
    'hp.stale': '该办件刚刚已被他人办理或修改，已重新读取。请核对后再确认。',
    'hp.conflict': '该办件当前不能交付，可能已经交付。已重新读取办件。',
    'hp.done.title': '已交付',
    'hp.done.text': '办件 {no}（{item}）已交付申请人，办件状态：{state}。',
    'hp.done.open': '查看办件',
    'hp.done.again': '办理下一件取件',
  },
  en: {
    'hp.title': 'Pickup · Service Hall · tongban',
    'hp.heading': 'Pickup',
    'hp.find': 'Enter the pickup code',
    'hp.find.lead': 'Applicants who collect at the window see an 8-digit pickup code under “My cases” once the result is out. Take the code they show, check their identity and hand the result over.',
    'hp.code': 'Pickup code',
    'hp.code.hint': '8 digits',
    'hp.code.format': 'A pickup code is 8 digits; please check it.',
    'hp.find.go': 'Find the case',
    'hp.notfound': 'Unknown pickup code: no result waiting at a window has this code. Check it and enter it again.',
    'hp.notfound.short': 'Unknown pickup code.',
    'hp.wrong': 'The pickup code is not right. Check it and enter it again.',
    'hp.failed': 'That did not work: {title}',
    'hp.case': 'Result to hand over',
    'hp.f.caseno': 'Case number',
    'hp.f.item': 'Service',
    'hp.f.org': 'Deciding body',
    'hp.f.applicant': 'Applicant',
    'hp.f.result': 'Result',
    'hp.f.decided': 'Decided',
    'hp.f.method': 'Delivery',
    'hp.f.status': 'Status',
    'hp.f.docs': 'Documents',
    'hp.f.docs.hint': 'print and hand over',
    'hp.pdf': '{kind} (PDF)',
    'hp.check': 'Check the identity document of the person collecting: the applicant’s own, or for someone collecting on their behalf, their ID and the written authorisation.',
    'hp.confirm': 'Hand over',
    'hp.cancel': 'Enter another code',
    'hp.cannot': 'This case cannot be handed over with a pickup code now: {why}.',
    'hp.cannot.method': 'the applicant chose “{method}”',
    'hp.cannot.status': 'its delivery status is “{status}”',
    'hp.stale': 'Someone else has just acted on this case; it has been read again. Please check before you confirm.',
    'hp.conflict': 'This case cannot be handed over now; it may have been already. The case has been read again.',
    'hp.done.title': 'Handed over',
    'hp.done.text': 'Case {no} ({item}) has been handed to the applicant; it is now: {state}.',
    'hp.done.open': 'Open the case',
    'hp.done.again': 'Next pickup',
  },
});

const findForm = document.getElementById('pickup-form');
const codeInput = document.getElementById('pickup-code');
const casePanel = document.getElementById('pickup-case');
const caseBody = document.getElementById('pickup-case-body');
const confirmForm = document.getElementById('pickup-confirm');
const donePanel = document.getElementById('pickup-done');
const findPanel = document.getElementById('pickup-find');

/* What the page holds: the code typed and the case it found. */
const held = { code: null, c: null };

init();

async function init() {
  const account = await startHallPage();
  if (!account) return;
  const setTitle = () => {
    document.title = `${t('hall.menu.pickup')} · ${t('hall.name')} · ${t('site.name')}`;
  };
  setTitle();
  applyI18n();
  onLangChange(() => {
    setTitle();
    if (held.c && !casePanel.hidden) showCase(held.c);
  });
  findForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    lookup();
  });
  confirmForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    handOver();
  });
  confirmForm.querySelector('[data-role="cancel"]').addEventListener('click', reset);
  donePanel.querySelector('[data-role="again"]').addEventListener('click', reset);
  codeInput.focus();
}

/* The code as typed, digits only (spaces and dashes people add are dropped). */
function typedCode() {
  return codeInput.value.replace(/[\s-]+/g, '');
}

async function lookup() {
  clearErrors(findForm);
  const code = typedCode();
  if (!/^\d{8}$/.test(code)) {
    showFieldError(findForm, 'code', t('hp.code.format'));
    showAlert(findForm, t('form.check'));
    codeInput.focus();
    return;
  }
  const done = setBusy(findForm);
  try {
    const answer = await api('/api/v1/pickups/lookup', { method: 'POST', body: { code } });
    held.code = code;
    held.c = answer && answer.case ? answer.case : answer;
    showCase(held.c);
    casePanel.hidden = false;
    casePanel.querySelector('h2').setAttribute('tabindex', '-1');
    casePanel.querySelector('h2').focus();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 401) {
      goToLogin(HALL_LOGIN);
      return;
    }
    casePanel.hidden = true;
    if (err.status === 404) {
      showFieldError(findForm, 'code', t('hp.notfound'));
      showAlert(findForm, t('hp.notfound.short'));
    } else {
      showAlert(findForm, t('hp.failed', { title: err.detail || err.title }));
    }
    codeInput.focus();
  } finally {
    done();
  }
}

function nameOf(v) {
  if (!v) return '';
  return typeof v === 'object' ? v.name || '' : String(v);
}

/* The result documents: the decision (准予 / 不予) first. */
function resultNotices(c) {
  const list = Array.isArray(c.notices) ? c.notices : [];
  const decision = list.filter((n) => n.kind === 'approval' || n.kind === 'denial');
  return decision.length ? decision : list.slice(-1);
}

function showCase(c) {
  const d = c.delivery && typeof c.delivery === 'object' ? c.delivery : {};
  const a = c.applicant || {};
  const rows = [
    ['hp.f.caseno', el('span', { class: 'cw-mono', 'data-role': 'case-no' }, c.case_no || '')],
    ['hp.f.item', nameOf(c.item)],
    ['hp.f.org', nameOf(c.org)],
    ['hp.f.applicant', el('span', { 'data-role': 'applicant' }, a.name || '', a.id_number ? el('span', { class: 'who-sub masked' }, a.id_number) : null)],
    ['hp.f.result', caseStateBadge(c.state, c.state_zh)],
    ['hp.f.decided', c.decided_at ? formatDay(c.decided_at) : null],
    ['hp.f.method', d.method ? deliveryMethodLabel(d.method, d.method_zh) : null],
    ['hp.f.status', d.status ? el('span', { 'data-role': 'delivery-status', 'data-status': d.status }, deliveryStatusLabel(d.status, d.status_zh, d.method)) : null],
  ];
  const notices = resultNotices(c);
  if (notices.length) {
    rows.push([
      'hp.f.docs',
      el(
        'ul',
        { class: 'cw-notices' },
        ...notices.map((n) =>
          el(
            'li',
            { 'data-kind': n.kind },
            el(
              'a',
              { href: `${casePath(c.id)}/notices/${encodeURIComponent(n.id)}`, class: 'cw-notice-link', type: 'application/pdf' },
              el('span', { class: 'cw-pdf', 'aria-hidden': 'true' }, 'PDF'),
              el('span', {}, t('hp.pdf', { kind: noticeKindLabel(n.kind, n.kind_zh) })),
            ),
            el('span', { class: 'who-sub' }, [n.number, t('hp.f.docs.hint')].filter(Boolean).join(' · ')),
          ),
        ),
      ),
    ]);
  }
  const dl = el('dl', { class: 'facts cw-facts cw-pickup-case' });
  for (const [k, v] of rows) if (v) dl.append(el('dt', {}, t(k)), el('dd', {}, v));
  caseBody.replaceChildren(dl);
  caseBody.dataset.caseId = c.id;
  caseBody.dataset.state = c.state;

  clearErrors(confirmForm);
  const confirm = confirmForm.querySelector('[data-role="confirm"]');
  const can = Array.isArray(c.actions) && c.actions.includes('deliver') && (!d.method || d.method === 'window');
  confirm.disabled = !can;
  if (!can) {
    const why =
      d.method && d.method !== 'window'
        ? t('hp.cannot.method', { method: deliveryMethodLabel(d.method, d.method_zh) })
        : t('hp.cannot.status', { status: d.status ? deliveryStatusLabel(d.status, d.status_zh, d.method) : caseStateLabel(c.state, c.state_zh) });
    showAlert(confirmForm, t('hp.cannot', { why }));
  }
}

async function handOver() {
  clearErrors(confirmForm);
  const c = held.c;
  if (!c) return;
  const done = setBusy(confirmForm);
  try {
    const after = await sendTransition(c, 'deliver', { method: 'window', pickup_code: held.code });
    done();
    showDone(after);
  } catch (err) {
    done();
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 401) {
      goToLogin(HALL_LOGIN);
      return;
    }
    if (err.status === 412 || err.status === 409) {
      await reread();
      showAlert(confirmForm, t(err.status === 412 ? 'hp.stale' : 'hp.conflict'));
      return;
    }
    if (err.status === 422) {
      showAlert(confirmForm, t('hp.wrong'));
      return;
    }
    showAlert(confirmForm, t('hp.failed', { title: err.detail || err.title }));
  }
}

/* After a refusal: the case as it is now (the code still finds it, or the page says so). */
async function reread() {
  try {
    held.c = await apiGet(casePath(held.c.id));
    showCase(held.c);
  } catch {
    /* the message above still stands */
  }
}

function showDone(after) {
  const text = donePanel.querySelector('[data-role="done-text"]');
  text.textContent = t('hp.done.text', { no: after.case_no || held.c.case_no, item: nameOf(after.item || held.c.item), state: caseStateLabel(after.state, after.state_zh) });
  donePanel.querySelector('[data-role="open"]').href = `case.html?id=${encodeURIComponent(after.id || held.c.id)}`;
  donePanel.dataset.state = after.state;
  casePanel.hidden = true;
  findPanel.hidden = true;
  donePanel.hidden = false;
  donePanel.focus();
}

function reset() {
  held.code = null;
  held.c = null;
  codeInput.value = '';
  clearErrors(findForm);
  clearErrors(confirmForm);
  caseBody.replaceChildren();
  casePanel.hidden = true;
  donePanel.hidden = true;
  findPanel.hidden = false;
  codeInput.focus();
}
