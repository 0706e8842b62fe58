// login.js - 政务大厅 staff login: window staff log in and come back to the
// hall (or to the page that sent them here, ?next=). Same API and form as
// every login (common/login-form.js).

import { addMessages, onLangChange, t } from '../common/i18n.js';
import { renderLayout } from '../common/layout.js';
import { bindLoginForm } from '../common/login-form.js';
import './hall.js';

addMessages({
  'zh-CN': {
    'hlogin.title': '工作人员登录 · 政务大厅 · 一网通办',
    'hlogin.heading': '工作人员登录',
    'hlogin.aside.title': '综合窗口工作人员专用',
    'hlogin.aside.text': '综合窗口工作人员使用本单位分配的用户名登录，办理网上预审、窗口受理、一次性告知补正、容缺受理、窗口代录和出件送达。',
    'hlogin.aside.p1': '一窗受理，同城通办',
    'hlogin.aside.p2': '空闲 15 分钟自动退出登录',
    'hlogin.aside.p3': '所有操作记入办理记录和审计日志',
    'hlogin.form.title': '用户名密码登录',
    'hlogin.username': '用户名',
    'hlogin.password': '密码',
    'hlogin.submit': '登录',
    'hlogin.applicant': '企业和群众请从',
    'hlogin.portal': '办事门户登录',
    'hlogin.notice.bye': '您已安全退出。',
    'hlogin.notice.next': '请先登录。',
  },
  en: {
    'hlogin.title': 'Staff login · Service Hall · tongban',
    'hlogin.heading': 'Staff login',
    'hlogin.aside.title': 'For comprehensive-window staff',
    'hlogin.aside.text':
      'Window staff log in with the user name their unit gave them to pre-check online applications, accept at the window, ask for corrections at once, accept with materials to follow, enter applications and hand out results.',
    'hlogin.aside.p1': 'One window for everything, anywhere in the city',
    'hlogin.aside.p2': 'Logged out after 15 minutes idle',
    'hlogin.aside.p3': 'Every action is written to the case history and the audit log',
    'hlogin.form.title': 'Log in with user name and password',
    'hlogin.username': 'User name',
    'hlogin.password': 'Password',
    'hlogin.submit': 'Log in',
    'hlogin.applicant': 'Citizens and businesses:',
    'hlogin.portal': 'log in at the Service Portal',
    'hlogin.notice.bye': 'You have logged out.',
    'hlogin.notice.next': 'Please log in first.',
  },
});

renderLayout();
bindLoginForm(document.getElementById('login-form'), { defaultNext: './' });
showNotice();
onLangChange(showNotice);

function showNotice() {
  const q = new URLSearchParams(window.location.search);
  const key = q.has('bye') ? 'hlogin.notice.bye' : q.has('next') ? 'hlogin.notice.next' : null;
  const notice = document.getElementById('login-notice');
  notice.hidden = !key;
  notice.textContent = key ? t(key) : '';
}
