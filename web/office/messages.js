// messages.js - 审批办公 我的消息 (messages.html): the reviewer's or decider's in-app
// messages, newest first, through common/messages.js; a message about a
// case links to the office's case page (case.html?id=ID).

import { addMessages } from '../common/i18n.js';
import { mountMessages } from '../common/messages.js';
import { startOfficePage } from './office.js';

addMessages({
  'zh-CN': {
    'om.title': '我的消息 · 审批办公 · 一网通办',
    'om.list': '消息列表',
    'om.lead': '办件临近或超过办理时限时，平台在这里提醒您和您的上级；办件状态的变化也在这里通知。',
  },
  en: {
    'om.title': 'Messages · Approval Office · tongban',
    'om.list': 'Messages',
    'om.lead': 'When a case nears or passes its time limit the platform tells you and your superiors here, as it does when a case changes.',
  },
});

init();

async function init() {
  const account = await startOfficePage();
  if (!account) return;
  mountMessages(document.getElementById('messages'), { caseHref: 'case.html?id={id}' });
}
