// login.js - 审批办公 staff login: reviewers and deciders log in and come
// back to the office (or to ?next=). Same API and form as every login
// (common/login-form.js).

import { addMessages, onLangChange, t } from '../common/i18n.js';
import { renderLayout } from '../common/layout.js';
import { bindLoginForm } from '../common/login-form.js';
import './office.js';

addMessages({
  'zh-CN': {
    'ologin.title': '工作人员登录 · 审批办公 · 一网通办',
    'ologin.heading': '工作人员登录',
    'ologin.aside.title': '审批人员专用',
    'ologin.aside.text': '承办部门的审查人员和决定人员使用本单位分配的用户名登录，按审批权限办理审查、决定、特别程序、延期和终止。',
    'ologin.aside.p1': '按审批权限分级办理，不能越级',
    'ologin.aside.p2': '空闲 15 分钟自动退出登录',
    'ologin.aside.p3': '所有操作记入办理记录和审计日志',
    'ologin.form.title': '用户名密码登录',
    'ologin.username': '用户名',
    'ologin.password': '密码',
    'ologin.submit': '登录',
    'ologin.applicant': '企业和群众请从',
    'ologin.portal': '办事门户登录',
    'ologin.notice.bye': '您已安全退出。',
    'ologin.notice.next': '请先登录。',
  },
  en: {
    'ologin.title': 'Staff login · Approval Office · tongban',
    'ologin.heading': 'Staff login',
    'ologin.aside.title': 'For reviewers and deciders',
    'ologin.aside.text':
      'Reviewers and deciders of the deciding body log in with the user name their unit gave them to review, decide, run special procedures, extend and terminate, each within their authority level.',
    'ologin.aside.p1': 'Each step at its authority level, none skipped',
    'ologin.aside.p2': 'Logged out after 15 minutes idle',
    'ologin.aside.p3': 'Every action is written to the case history and the audit log',
    'ologin.form.title': 'Log in with user name and password',
    'ologin.username': 'User name',
    'ologin.password': 'Password',
    'ologin.submit': 'Log in',
    'ologin.applicant': 'Citizens and businesses:',
    'ologin.portal': 'log in at the Service Portal',
    'ologin.notice.bye': 'You have logged out.',
    'ologin.notice.next': 'Please log in first.',
  },
});

renderLayout();
bindLoginForm(document.getElementById('login-form'), { defaultNext: './' });
showNotice();
onLangChange(showNotice);

function showNotice() {
  const q = new URLSearchParams(window.location.search);
  const key = q.has('bye') ? 'ologin.notice.bye' : q.has('next') ? 'ologin.notice.next' : null;
  const notice = document.getElementById('login-notice');
  notice.hidden = !key;
  notice.textContent = key ? t(key) : '';
}
