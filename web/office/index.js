// index.js - 审批办公 home: 我的待办 (GET /api/v1/cases?queue=work: cases
// accepted, in review or suspended at the account's organisation, highest
// warning level first, then the earliest promised date) with the next step
// and its authority level, the promised date, the deadline warning (正常,
// 预警, 超期, 严重超期: colour, shape and words) and the working days left;
// a filter picks one level (?warning= too). 全部办件 (?queue=all) lists
// every case the account may see. Each row opens the case page
// (case.html?id=).

import { mountQueue } from '../common/case-view.js';
import { addMessages, applyI18n, onLangChange, t } from '../common/i18n.js';
import { OFFICE_LOGIN, startOfficePage } from './office.js';

addMessages({
  'zh-CN': {
    'oq.title': '我的待办 · 审批办公 · 一网通办',
    'oq.work.title': '我的待办',
    'oq.work.lead': '已受理、审查中和特别程序中的办件。预警级别高的在前（严重超期、超期、预警、正常），同级按承诺办结日期排序。',
    'oq.work.caption': '待办的办件',
    'oq.all.title': '全部办件',
    'oq.all.lead': '本机关您有权查看的全部办件，最新的在前。',
    'oq.all.caption': '您可查看的全部办件列表',
  },
  en: {
    'oq.title': 'My work · Approval Office · tongban',
    'oq.work.title': 'My work',
    'oq.work.lead': 'Cases accepted, in review or in a special procedure. Highest warning first (seriously overdue, overdue, deadline near, on time), then the earliest promised date.',
    'oq.work.caption': 'Cases to work on',
    'oq.all.title': 'All cases',
    'oq.all.lead': 'Every case of this body you may see, newest first.',
    'oq.all.caption': 'Every case you may see',
  },
});

const QUEUES = {
  work: { api: 'work', columns: ['case_no', 'item', 'applicant', 'state', 'next_step', 'promised_due', 'warning'] },
  all: { api: null, columns: ['case_no', 'item', 'applicant', 'state', 'submitted_at', 'promised_due', 'warning'] },
};

init();

async function init() {
  const account = await startOfficePage();
  if (!account) return;
  const asked = new URLSearchParams(window.location.search).get('queue');
  const queue = QUEUES[asked] ? asked : 'work';
  const q = QUEUES[queue];
  for (const a of document.querySelectorAll('.page-tabs a[data-tab]')) {
    if (a.dataset.tab === queue) a.setAttribute('aria-current', 'page');
  }
  document.getElementById('queue-title').dataset.i18n = `oq.${queue}.title`;
  document.getElementById('queue-lead').dataset.i18n = `oq.${queue}.lead`;
  document.getElementById('queue').dataset.queue = queue;
  applyI18n();
  const setTitle = () => {
    document.title = `${t(`oq.${queue}.title`)} · ${t('office.name')} · ${t('site.name')}`;
  };
  setTitle();
  onLangChange(setTitle);
  mountQueue(document.getElementById('queue-host'), {
    queue: q.api,
    columns: q.columns,
    caseHref: (c) => `case.html?id=${encodeURIComponent(c.id)}`,
    captionKey: `oq.${queue}.caption`,
    loginPage: OFFICE_LOGIN,
    filters: ['warning'],
  });
}
