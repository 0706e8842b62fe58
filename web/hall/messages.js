// messages.js - 政务大厅 我的消息 (messages.html): the window clerk's in-app
// messages, newest first, through common/messages.js; a message about a
// case links to the hall's case page (case.html?id=ID).

import { addMessages } from '../common/i18n.js';
import { mountMessages } from '../common/messages.js';
import { startHallPage } from './hall.js';

addMessages({
  'zh-CN': {
    'hm.title': '我的消息 · 政务大厅 · 一网通办',
    'hm.list': '消息列表',
    'hm.lead': '办件临近或超过办理时限时，平台在这里提醒您和您的上级；办件状态的变化也在这里通知。',
  },
  en: {
    'hm.title': 'Messages · Service Hall · tongban',
    'hm.list': 'Messages',
    'hm.lead': 'When a case nears or passes its time limit the platform tells you and your superiors here, as it does when a case changes.',
  },
});

init();

async function init() {
  const account = await startHallPage();
  if (!account) return;
  mountMessages(document.getElementById('messages'), { caseHref: 'case.html?id={id}' });
}
