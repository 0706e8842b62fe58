// case.js - 审批办公 case page (case.html?id=<case id>): what the deciding
// organisation sees of one case - its steps with their authority levels and
// due dates, materials, documents and history - and the actions the account
// may take now: 审查, 决定 (a denial with reasons; a level-4 step with the
// joint meeting's participants), 特别程序, 恢复, 延期 and 终止. Rendering
// and sending are common/case-view.js.

import { mountCasePage } from '../common/case-view.js';
import { addMessages } from '../common/i18n.js';
import { OFFICE_LOGIN, startOfficePage } from './office.js';

addMessages({
  'zh-CN': { 'oc.title': '办件 · 审批办公 · 一网通办', 'oc.crumb': '办件' },
  en: { 'oc.title': 'Case · Approval Office · tongban', 'oc.crumb': 'Case' },
});

init();

async function init() {
  const account = await startOfficePage();
  if (!account) return;
  await mountCasePage({ loginPage: OFFICE_LOGIN, account });
}
