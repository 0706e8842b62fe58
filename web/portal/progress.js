// progress.js - 办件进度查询: anyone with a case number and its query code
// sees the case's state, steps and dates (GET /api/v1/progress?case_no=&code=),
// without logging in and without personal data. A wrong code and an unknown
// number give the same 404 (so numbers cannot be probed); more than 10
// lookups a minute from one address get 429. ?case_no= prefills the number
// (the apply page links here); the code is never put in an address.

import { ApiError, apiGet } from '../common/api.js';
import { formatWait } from '../common/account-text.js';
import { caseStateBadge, caseStateLabel, formatDay } from '../common/case-text.js';
import { clearErrors, focusFirstInvalid, setBusy, showAlert, showFieldError } from '../common/forms.js';
import { addMessages, applyI18n, onLangChange, t } from '../common/i18n.js';
import { el } from '../common/layout.js';
import { milestones, progressLine } from './case-client.js';
import { startPortalPage } from './portal.js';

addMessages({
  'zh-CN': {
    'pg.title': '办件进度查询 · 办事门户 · 一网通办',
    'pg.lead': '输入办件编号和查询码，即可查看办理进度，无需登录。查询码在提交申请时显示。',
    'pg.query': '查询条件',
    'pg.case_no': '办件编号',
    'pg.case_no.hint': '以 TB 开头，共 19 位，如 TB20261124123456785。',
    'pg.code': '查询码',
    'pg.code.hint': '8 位字母和数字，提交申请时显示。',
    'pg.go': '查询',
    'pg.busy': '正在查询…',
    'pg.notfound': '办件编号或查询码不正确',
    'pg.notfound.text': '办件编号或查询码不正确。请核对后重新输入。',
    'pg.limited': '查询过于频繁，请稍后再试',
    'pg.limited.wait': '查询过于频繁，请稍后再试（约 {wait} 后）。',
    'pg.failed': '查询未成功：{title}',
    'pg.result': '查询结果：',
    'pg.item': '事项',
    'pg.org': '实施部门',
    'pg.state': '办理状态',
    'pg.submitted': '提交日期',
    'pg.accepted': '受理日期',
    'pg.promised': '承诺办结日期',
    'pg.closed': '办结日期',
    'pg.steps': '办理进度',
    'pg.mine': '登录后可在“我的办件”中查看全部详情。',
  },
  en: {
    'pg.title': 'Track a case · Service Portal · tongban',
    'pg.lead': 'Enter the case number and the query code to see how a case is progressing, without logging in. The query code is shown when the application is submitted.',
    'pg.query': 'Look up',
    'pg.case_no': 'Case number',
    'pg.case_no.hint': 'Starts with TB, 19 characters, e.g. TB20261124123456785.',
    'pg.code': 'Query code',
    'pg.code.hint': '8 letters and digits, shown when you submitted.',
    'pg.go': 'Look up',
    'pg.busy': 'Looking up…',
    'pg.notfound': 'The case number or query code is not right',
    'pg.notfound.text': 'The case number or query code is not right. Please check them and try again.',
    'pg.limited': 'Too many lookups; please try again later',
    'pg.limited.wait': 'Too many lookups; please try again in about {wait}.',
    'pg.failed': 'The lookup did not work: {title}',
    'pg.result': 'Result: ',
    'pg.item': 'Service',
    'pg.org': 'Department',
    'pg.state': 'State',
    'pg.submitted': 'Submitted on',
    'pg.accepted': 'Accepted on',
    'pg.promised': 'Promised by',
    'pg.closed': 'Closed on',
    'pg.steps': 'Progress',
    'pg.mine': 'Log in and open “My cases” for every detail.',
  },
});

const form = document.getElementById('progress-form');
const resultNode = document.getElementById('progress-result');
const caseNoInput = document.getElementById('pg-case-no');
const codeInput = document.getElementById('pg-code');
let answer = null;

init();

async function init() {
  await startPortalPage();
  const given = new URLSearchParams(window.location.search).get('case_no');
  if (given) {
    caseNoInput.value = normalise(given);
    codeInput.focus();
  }
  onLangChange(() => {
    if (answer) drawResult();
  });
}

/* Case numbers and query codes are upper-case letters and digits; people type spaces and lower case. */
function normalise(s) {
  return String(s || '')
    .replace(/[\s-]/g, '')
    .toUpperCase();
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors(form);
  const caseNo = normalise(caseNoInput.value);
  const code = normalise(codeInput.value);
  caseNoInput.value = caseNo;
  codeInput.value = code;
  let ok = true;
  if (!caseNo) {
    showFieldError(form, 'case_no', t('form.required'));
    ok = false;
  }
  if (!code) {
    showFieldError(form, 'code', t('form.required'));
    ok = false;
  }
  if (!ok) {
    showAlert(form, t('form.check'));
    focusFirstInvalid(form);
    return;
  }
  const done = setBusy(form);
  try {
    answer = await apiGet(`/api/v1/progress?${new URLSearchParams({ case_no: caseNo, code })}`);
    drawResult();
  } catch (e) {
    answer = null;
    resultNode.hidden = true;
    if (e instanceof ApiError && e.status === 404) {
      showAlert(form, t('pg.notfound.text'));
    } else if (e instanceof ApiError && e.status === 429) {
      showAlert(form, e.retryAfter ? t('pg.limited.wait', { wait: formatWait(e.retryAfter) }) : `${t('pg.limited')}。`);
    } else {
      showAlert(form, t('pg.failed', { title: e.title || String(e) }));
    }
  } finally {
    done();
  }
});

function drawResult() {
  const a = answer;
  const stateText = caseStateLabel(a.state, a.state_zh);
  const rows = [
    ['pg.item', a.item && a.item.name],
    ['pg.org', a.org && a.org.name],
    ['pg.state', caseStateBadge(a.state, a.state_zh)],
    ['pg.submitted', a.submitted_on ? formatDay(a.submitted_on) : ''],
    ['pg.accepted', a.accepted_on ? formatDay(a.accepted_on) : ''],
    ['pg.promised', a.promised_due ? el('strong', {}, formatDay(a.promised_due)) : ''],
    ['pg.closed', a.closed_on ? formatDay(a.closed_on) : ''],
  ];
  const dl = el('dl', { class: 'facts' });
  for (const [k, v] of rows) if (v) dl.append(el('dt', {}, t(k)), el('dd', {}, v));
  resultNode.replaceChildren(
    el('h2', { id: 'result-title', class: 'panel-title' }, t('pg.result'), el('span', { class: 'case-no' }, a.case_no || '')),
    dl,
    el('h3', { id: 'result-steps', class: 'subpanel-title progress-title' }, t('pg.steps')),
    progressLine(milestones(a, stateText), 'result-steps'),
    el('p', { class: 'progress-mine' }, el('a', { href: 'cases.html' }, t('pg.mine'))),
  );
  resultNode.hidden = false;
  applyI18n(resultNode);
}
