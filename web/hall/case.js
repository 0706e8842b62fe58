// case.js - 政务大厅 case page (case.html?id=<case id>): what the window
// sees of one case and the actions it may take now - 网上预审, 受理,
// 不予受理, 一次性告知补正, 容缺受理, 告知承诺受理, 即办件的当场决定 and
// 送达 - all rendered and sent by common/case-view.js.

import { mountCasePage } from '../common/case-view.js';
import { addMessages } from '../common/i18n.js';
import { HALL_LOGIN, startHallPage } from './hall.js';

addMessages({
  'zh-CN': { 'hc.title': '办件 · 政务大厅 · 一网通办', 'hc.crumb': '办件' },
  en: { 'hc.title': 'Case · Service Hall · tongban', 'hc.crumb': 'Case' },
});

init();

async function init() {
  const account = await startHallPage();
  if (!account) return;
  await mountCasePage({ loginPage: HALL_LOGIN, account });
}
