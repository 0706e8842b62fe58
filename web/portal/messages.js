// messages.js - 我的消息 (messages.html): the account's messages, newest
// first, read and marked read through common/messages.js; a message about a
// case links to 我的办件 (cases.html?id=ID).

import { addMessages } from '../common/i18n.js';
import { mountMessages } from '../common/messages.js';
import { startPortalPage } from './portal.js';

addMessages({
  'zh-CN': {
    'msgp.title': '我的消息 · 办事门户 · 一网通办',
    'msgp.list': '消息列表',
    'msgp.lead': '办件状态每有变化，平台都会在这里通知您，并同时发送短信和微信提醒。',
  },
  en: {
    'msgp.title': 'Messages · Service Portal · tongban',
    'msgp.list': 'Messages',
    'msgp.lead': 'Whenever one of your cases changes, the platform tells you here, and by SMS and WeChat as well.',
  },
});

init();

async function init() {
  const account = await startPortalPage({ needAccount: true });
  if (!account) return;
  mountMessages(document.getElementById('messages'), { caseHref: 'cases.html?id={id}' });
}
