// login.js - 用户登录: applicants (and anyone) log in to the portal.
//
// The form itself is common/login-form.js; this page adds its words and the
// notice it shows when it was reached from registration (?registered=1),
// after logging out (?bye=1) or from a page that needs a login (?next=).

import { addMessages, onLangChange, t } from '../common/i18n.js';
import { bindLoginForm } from '../common/login-form.js';
import { startPortalPage } from './portal.js';

addMessages({
  'zh-CN': {
    'login.title': '用户登录 · 办事门户 · 一网通办',
    'login.heading': '用户登录',
    'login.aside.title': '统一身份认证',
    'login.aside.text':
      '一个账号办理全市政务服务事项。自然人可用用户名或居民身份证号登录，法人可用用户名或统一社会信用代码登录。',
    'login.aside.p1': '网上申报，进度随时可查',
    'login.aside.p2': '材料一次提交，反复使用',
    'login.aside.p3': '个人信息加密存储，脱敏显示',
    'login.form.title': '账号密码登录',
    'login.username': '用户名 / 身份证号 / 统一社会信用代码',
    'login.password': '密码',
    'login.submit': '登录',
    'login.noaccount': '还没有账号？',
    'login.register': '立即注册',
    'login.notice.registered': '注册成功，请登录。',
    'login.notice.bye': '您已安全退出。',
    'login.notice.next': '请先登录，登录后将回到您刚才访问的页面。',
  },
  en: {
    'login.title': 'Log in · Service Portal · tongban',
    'login.heading': 'Log in',
    'login.aside.title': 'One identity for all services',
    'login.aside.text':
      'One account for every government service of the city. Natural persons log in with a user name or their resident ID number; legal persons with a user name or their unified social credit code.',
    'login.aside.p1': 'Apply online and follow your case at any time',
    'login.aside.p2': 'Hand in a document once, reuse it',
    'login.aside.p3': 'Personal data stored encrypted, shown masked',
    'login.form.title': 'Log in with a password',
    'login.username': 'User name / ID number / credit code',
    'login.password': 'Password',
    'login.submit': 'Log in',
    'login.noaccount': 'No account yet?',
    'login.register': 'Register',
    'login.notice.registered': 'You are registered. Please log in.',
    'login.notice.bye': 'You have logged out.',
    'login.notice.next': 'Please log in first; you will then return to the page you asked for.',
  },
});

startPortalPage({ checkAccount: false });
bindLoginForm(document.getElementById('login-form'), { defaultNext: 'profile.html' });
showNotice();
onLangChange(showNotice);

/* The one-line notice for how the visitor got here, if any. */
function showNotice() {
  const q = new URLSearchParams(window.location.search);
  const key = q.has('registered') ? 'login.notice.registered' : q.has('bye') ? 'login.notice.bye' : q.has('next') ? 'login.notice.next' : null;
  const notice = document.getElementById('login-notice');
  notice.hidden = !key;
  notice.textContent = key ? t(key) : '';
}
