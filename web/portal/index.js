// index.js - 办事门户 home: a greeting and the account's links when logged
// in, else the way to log in or register.

import { kindLabel } from '../common/account-text.js';
import { apiGet } from '../common/api.js';
import { LISTS, loadDepartments } from '../common/catalog-text.js';
import { addMessages, applyI18n, onLangChange, t } from '../common/i18n.js';
import { el } from '../common/layout.js';
import { hasPermission } from '../common/session.js';
import { startPortalPage } from './portal.js';

addMessages({
  'zh-CN': {
    'ph.title': '办事门户 · 一网通办',
    'ph.lead': '面向企业和群众：查找事项、网上申报、查询进度、评价服务。',
    'ph.guest.title': '欢迎使用办事门户',
    'ph.guest.text': '登录后可以网上申报事项、查询办理进度、管理您的账号。还没有账号的自然人和法人请先注册。',
    'ph.login': '登录',
    'ph.register': '注册账号',
    'ph.hello': '您好，{name}',
    'ph.kind': '账号类型：{kind}',
    'ph.profile.desc': '查看账号信息，修改密码',
    'ph.sessions.desc': '查看在哪些设备上登录，结束不认识的会话',
    'ph.agents.desc': '授权他人代您办事，查看和撤销代办授权',
    'ph.admin.desc': '账号权限、接口客户端、安全设置、审计日志',
    'ph.cases.desc': '查看申报的办件和办理进度，继续填写草稿，补正材料',
    'ph.progress.desc': '凭办件编号和查询码查看办理进度，无需登录',
    'ph.lists': '事项清单',
    'ph.topics': '按主题查找',
    'ph.depts': '按部门查找',
    'ph.count': '{n} 项',
    'ph.none': '暂无事项。',
    'ph.items.desc': '全部政务服务事项，按部门、对象、主题筛选',
    'ph.inter.desc': '中介服务事项、收费标准和涉及的审批事项',
    'ph.proofs.desc': '保留的证明事项，目录外一律不再索要证明',
    'ph.kpis.desc': '最多跑一次、全程网办比例和承诺时限压缩情况',
  },
  en: {
    'ph.title': 'Service Portal · tongban',
    'ph.lead': 'For citizens and businesses: find services, apply online, track progress, rate the service.',
    'ph.guest.title': 'Welcome to the Service Portal',
    'ph.guest.text':
      'Log in to apply online, follow your cases and manage your account. Natural and legal persons without an account register first.',
    'ph.login': 'Log in',
    'ph.register': 'Register',
    'ph.hello': 'Hello, {name}',
    'ph.kind': 'Account type: {kind}',
    'ph.profile.desc': 'See your account, change your password',
    'ph.sessions.desc': 'See where you are logged in, end sessions you do not recognise',
    'ph.agents.desc': 'Let someone act for you; see and revoke authorisations',
    'ph.admin.desc': 'Accounts and roles, API clients, security settings, audit log',
    'ph.cases.desc': 'Your applications and how they progress; finish drafts, hand in corrections',
    'ph.progress.desc': 'Follow a case with its number and query code, without logging in',
    'ph.lists': 'Service lists',
    'ph.topics': 'By topic',
    'ph.depts': 'By department',
    'ph.count': '{n} services',
    'ph.none': 'No services yet.',
    'ph.items.desc': 'Every government service, filtered by department, applicant and topic',
    'ph.inter.desc': 'Intermediary services, their fees and the services that need them',
    'ph.proofs.desc': 'The proofs still required; none outside this list may be asked for',
    'ph.kpis.desc': 'Shares of one-trip and fully online services, promised time limits',
  },
});

const ADMIN_PERMISSIONS = ['staff.manage', 'apiclient.manage', 'security.settings', 'audit.read', 'catalog.manage', 'org.manage'];

init();

async function init() {
  const account = await startPortalPage();
  renderListLinks();
  onLangChange(renderListLinks);
  loadEntries();
  document.getElementById('home-status').hidden = true;
  if (!account) {
    document.getElementById('guest').hidden = false;
    return;
  }
  if (account.must_change_password) {
    window.location.assign('profile.html#password');
    return;
  }
  const render = () => {
    document.getElementById('member-title').textContent = t('ph.hello', { name: account.name || account.username });
    document.getElementById('member-kind').textContent = t('ph.kind', { kind: kindLabel(account.kind) });
  };
  render();
  onLangChange(render);
  document.getElementById('admin-link').hidden = !ADMIN_PERMISSIONS.some((p) => hasPermission(account, p));
  // 代办: applicants authorise agents; natural persons may be one.
  document.getElementById('agents-link').hidden = !(hasPermission(account, 'agent.grant') || account.kind === 'person');
  document.getElementById('member').hidden = false;
}

/* 全部 and the seven lists, as links to the list page. */
function renderListLinks() {
  const host = document.getElementById('home-lists');
  host.replaceChildren(
    ...LISTS.map((l) => el('li', {}, el('a', { href: `items.html?list=${l}` }, t(`cat.list.${l}`)))),
  );
}

/* Entries by topic and by department. */
async function loadEntries() {
  const topics = document.getElementById('topics');
  const depts = document.getElementById('depts');
  const say = (id, text) => {
    document.getElementById(id).textContent = text;
  };
  apiGet('/api/v1/catalogue/topics')
    .then((r) => {
      const list = (r && r.topics) || [];
      if (!list.length) say('topics-status', t('ph.none'));
      const draw = () =>
        topics.replaceChildren(
          ...list.map((tp) =>
            el('li', {}, el('a', { class: 'entry', href: `items.html?topic=${encodeURIComponent(tp.name)}` }, el('span', { class: 'entry-name' }, tp.name), el('span', { class: 'entry-count' }, t('ph.count', { n: tp.items })))),
          ),
        );
      draw();
      onLangChange(draw);
    })
    .catch((e) => say('topics-status', e.title));
  loadDepartments()
    .then((list) => {
      if (!list.length) say('depts-status', t('ph.none'));
      depts.replaceChildren(
        ...list.map((o) => el('li', {}, el('a', { class: 'entry', href: `items.html?dept=${encodeURIComponent(o.code)}` }, el('span', { class: 'entry-name' }, o.name)))),
      );
    })
    .catch((e) => say('depts-status', e.title));
  applyI18n(document.getElementById('home-lists'));
}
