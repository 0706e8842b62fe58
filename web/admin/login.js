// login.js - 工作人员登录: staff log in to the administration front end.
// Same API and form as the portal's login (common/login-form.js).

import { addMessages, onLangChange, t } from '../common/i18n.js';
import { renderLayout } from '../common/layout.js';
import { bindLoginForm } from '../common/login-form.js';
import './admin.js';

addMessages({
  'zh-CN': {
    'alogin.title': '工作人员登录 · 系统管理 · 一网通办',
    'alogin.heading': '工作人员登录',
    'alogin.aside.title': '内部工作人员专用',
    'alogin.aside.text':
      '系统管理员、安全管理员、审计管理员和业务工作人员使用本单位分配的用户名登录。三类管理员权限相互分离，登录后只显示本人职责范围内的功能。',
    'alogin.aside.p1': '空闲 15 分钟自动退出登录',
    'alogin.aside.p2': '连续 5 次密码错误将锁定 15 分钟',
    'alogin.aside.p3': '所有操作记入审计日志',
    'alogin.form.title': '用户名密码登录',
    'alogin.username': '用户名',
    'alogin.password': '密码',
    'alogin.submit': '登录',
    'alogin.applicant': '企业和群众请从',
    'alogin.portal': '办事门户登录',
    'alogin.notice.bye': '您已安全退出。',
    'alogin.notice.next': '请先登录。',
  },
  en: {
    'alogin.title': 'Staff login · Administration · tongban',
    'alogin.heading': 'Staff login',
    'alogin.aside.title': 'For staff only',
    'alogin.aside.text':
      'System, security and audit administrators and business staff log in with the user name their unit gave them. The three administrator roles are kept apart: after login you see only what your duties allow.',
    'alogin.aside.p1': 'Logged out after 15 minutes idle',
    'alogin.aside.p2': 'Locked for 15 minutes after 5 wrong passwords',
    'alogin.aside.p3': 'Every action is written to the audit log',
    'alogin.form.title': 'Log in with user name and password',
    'alogin.username': 'User name',
    'alogin.password': 'Password',
    'alogin.submit': 'Log in',
    'alogin.applicant': 'Citizens and businesses:',
    'alogin.portal': 'log in at the Service Portal',
    'alogin.notice.bye': 'You have logged out.',
    'alogin.notice.next': 'Please log in first.',
  },
});

renderLayout();
bindLoginForm(document.getElementById('login-form'), { defaultNext: './' });
showNotice();
onLangChange(showNotice);

function showNotice() {
  const q = new URLSearchParams(window.location.search);
  const key = q.has('bye') ? 'alogin.notice.bye' : q.has('next') ? 'alogin.notice.next' : null;
  const notice = document.getElementById('login-notice');
  notice.hidden = !key;
  notice.textContent = key ? t(key) : '';
}
