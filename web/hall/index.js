// index.js - 政务大厅 home: the window's queues.
//
// 预审队列 (GET /api/v1/cases?queue=pre_review): cases submitted online or
// waiting for correction, for 网上预审, 受理, 补正 or 不予受理; 待出件
// (queue=delivery): results issued or denials, to hand out (送达), with the
// delivery method and its status. Rows come in the API's order (warning
// level first, then the promised date) with the warning badge and the
// working days left; a filter picks one level. Each row opens the case page
// (case.html?id=). ?queue= picks the tab, ?warning= a level.

import { mountQueue } from '../common/case-view.js';
import { addMessages, applyI18n, onLangChange, t } from '../common/i18n.js';
import { HALL_LOGIN, startHallPage } from './hall.js';

addMessages({
  'zh-CN': {
    'hq.title': '办件队列 · 政务大厅 · 一网通办',
    'hq.pre.title': '预审队列',
    'hq.pre.lead': '网上申报待预审、待受理的办件，以及等待申请人补正的办件。打开办件进行网上预审、受理、一次性告知补正、容缺受理或不予受理。',
    'hq.pre.caption': '预审队列中的办件',
    'hq.delivery.title': '待出件',
    'hq.delivery.lead': '已出具办理结果或不予许可决定、等待送达申请人的办件，列出申请人选择的送达方式和状态。窗口领取的，请申请人出示取件码，在“取件”中办理；邮寄送达的，打开办件登记寄出和签收。',
    'hq.delivery.caption': '待出件的办件',
  },
  en: {
    'hq.title': 'Queues · Service Hall · tongban',
    'hq.pre.title': 'Pre-check queue',
    'hq.pre.lead':
      'Online applications to pre-check and accept, and cases waiting for the applicant’s corrections. Open a case to pre-check, accept, ask for corrections, accept with materials to follow or refuse.',
    'hq.pre.caption': 'Cases in the pre-check queue',
    'hq.delivery.title': 'To hand out',
    'hq.delivery.lead':
      'Results issued or licences refused, waiting for the applicant, with the delivery method they chose and its status. For collection at the window, take the pickup code under “Pickup”; for post, open the case to record posting and receipt.',
    'hq.delivery.caption': 'Cases to hand out',
  },
});

const QUEUES = {
  pre_review: { key: 'pre', columns: ['case_no', 'item', 'applicant', 'channel', 'state', 'submitted_at', 'warning'] },
  delivery: { key: 'delivery', columns: ['case_no', 'item', 'applicant', 'state', 'promised_due', 'warning', 'delivery'] },
};

init();

async function init() {
  const account = await startHallPage();
  if (!account) return;
  const asked = new URLSearchParams(window.location.search).get('queue');
  const queue = QUEUES[asked] ? asked : 'pre_review';
  const q = QUEUES[queue];
  for (const a of document.querySelectorAll('.page-tabs a[data-tab]')) {
    if (a.dataset.tab === queue) a.setAttribute('aria-current', 'page');
  }
  const title = document.getElementById('queue-title');
  title.dataset.i18n = `hq.${q.key}.title`;
  document.getElementById('queue-lead').dataset.i18n = `hq.${q.key}.lead`;
  document.getElementById('queue').dataset.queue = queue;
  applyI18n();
  const setTitle = () => {
    document.title = `${t(`hq.${q.key}.title`)} · ${t('hall.name')} · ${t('site.name')}`;
  };
  setTitle();
  onLangChange(setTitle);
  mountQueue(document.getElementById('queue-host'), {
    queue,
    columns: q.columns,
    caseHref: (c) => `case.html?id=${encodeURIComponent(c.id)}`,
    captionKey: `hq.${q.key}.caption`,
    loginPage: HALL_LOGIN,
    filters: ['warning'],
  });
}
