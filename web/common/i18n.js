// i18n.js - the text of the pages, in Chinese (default) and English.
//
// Every visible string is a key in a table below (or in a page's own table,
// added with addMessages), never a literal in page code. The language is
// chosen once at load: ?lang=en in the address, else the last choice kept in
// localStorage, else the browser's language, else zh-CN. Static HTML carries
// the Chinese text and a data-i18n="key" attribute, so a page reads right
// before (and without) scripts; applyI18n() rewrites those elements, and
// data-i18n-attr="aria-label:key;title:key" rewrites attributes.
// setLang() switches, updates <html lang>, re-applies and tells listeners.

export const LANGS = Object.freeze(['zh-CN', 'en']);
export const DEFAULT_LANG = 'zh-CN';
const STORAGE_KEY = 'tb.lang';

const messages = {
  'zh-CN': {
    'site.name': '一网通办',
    'site.sub': 'tongban 政务服务平台',
    'site.skip': '跳到主要内容',
    'nav.label': '主导航',
    'nav.home': '首页',
    'nav.services': '服务入口',
    'nav.about': '关于平台',
    'lang.switch': 'English',
    'lang.switch.label': '切换到英文 (Switch to English)',
    'footer.name': '一网通办 · tongban 政务服务平台',
    'footer.offline': '本站页面所需的全部资源均由本平台自身提供，不依赖外部网络。',
    'footer.tz': '时间均为北京时间。',
    'frontend.portal.name': '办事门户',
    'frontend.portal.who': '企业和群众',
    'frontend.portal.desc': '查找事项与办事指南，在线申报，查询办理进度，评价服务。',
    'frontend.hall.name': '政务大厅',
    'frontend.hall.who': '综合窗口',
    'frontend.hall.desc': '一窗受理、容缺受理、收件登记、出件与送达。',
    'frontend.office.name': '审批办公',
    'frontend.office.who': '审查和决定人员',
    'frontend.office.desc': '部门审查、决定、制证，特别程序与补正告知。',
    'frontend.monitor.name': '监察监督',
    'frontend.monitor.who': '电子监察与管理部门',
    'frontend.monitor.desc': '时限预警、督办、评价与统计分析。',
    'frontend.admin.name': '系统管理',
    'frontend.admin.who': '系统、安全与审计管理员',
    'frontend.admin.desc': '事项目录、组织机构、账号权限、工作日历与电子印章。',
    'frontend.enter': '进入',
    'frontend.soon': '建设中',
    'error.network': '无法连接服务器，请检查网络后重试。',
    'error.http': '服务器返回错误（{status}）。',
  },
  en: {
    'site.name': 'One-Stop Government Services',
    'site.sub': 'tongban government service platform',
    'site.skip': 'Skip to main content',
    'nav.label': 'Main navigation',
    'nav.home': 'Home',
    'nav.services': 'Services',
    'nav.about': 'About',
    'lang.switch': '中文',
    'lang.switch.label': 'Switch to Chinese (切换到中文)',
    'footer.name': 'tongban · One-Stop Government Services',
    'footer.offline': 'Everything these pages load is served by the platform itself; no outside network is needed.',
    'footer.tz': 'All times are Beijing time.',
    'frontend.portal.name': 'Service Portal',
    'frontend.portal.who': 'Citizens and businesses',
    'frontend.portal.desc': 'Find services and guides, apply online, track progress, rate the service.',
    'frontend.hall.name': 'Service Hall',
    'frontend.hall.who': 'Comprehensive windows',
    'frontend.hall.desc': 'One-window acceptance, acceptance with missing materials, intake, hand-out and delivery.',
    'frontend.office.name': 'Approval Office',
    'frontend.office.who': 'Reviewers and deciders',
    'frontend.office.desc': 'Departmental review, decisions, licence issuing, special procedures and correction notices.',
    'frontend.monitor.name': 'Supervision',
    'frontend.monitor.who': 'E-supervision and management',
    'frontend.monitor.desc': 'Deadline warnings, follow-up orders, ratings and statistics.',
    'frontend.admin.name': 'Administration',
    'frontend.admin.who': 'System, security and audit administrators',
    'frontend.admin.desc': 'Service catalogue, organisations, accounts, working-day calendar and e-seals.',
    'frontend.enter': 'Open',
    'frontend.soon': 'Coming soon',
    'error.network': 'Cannot reach the server. Check the network and try again.',
    'error.http': 'The server answered with an error ({status}).',
  },
};

const listeners = [];
let current = chooseLang();

/* The language for this page load: ?lang=, then localStorage, then the browser. */
function chooseLang() {
  const fromUrl = normalise(new URLSearchParams(window.location.search).get('lang'));
  if (fromUrl) {
    remember(fromUrl);
    return fromUrl;
  }
  const stored = normalise(readStored());
  if (stored) return stored;
  for (const l of navigator.languages || [navigator.language]) {
    const n = normalise(l);
    if (n) return n;
  }
  return DEFAULT_LANG;
}

/* 'zh', 'zh-cn', 'zh-Hans-CN' -> 'zh-CN'; 'en-GB' -> 'en'; anything else -> null. */
function normalise(tag) {
  if (!tag) return null;
  const primary = String(tag).toLowerCase().split('-')[0];
  if (primary === 'zh') return 'zh-CN';
  if (primary === 'en') return 'en';
  return null;
}

function readStored() {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled (private mode, policy): fall through
  }
}

function remember(l) {
  try {
    window.localStorage.setItem(STORAGE_KEY, l);
  } catch {
    /* not fatal: the choice then lasts for this page only */
  }
}

/* The current language tag ('zh-CN' or 'en'). */
export function lang() {
  return current;
}

/* Add a page's own keys: { 'zh-CN': {...}, en: {...} }. Later keys win. */
export function addMessages(tables) {
  for (const l of LANGS) Object.assign(messages[l], tables[l] || {});
}

/*
 * The text for key in the current language, with {name} placeholders filled
 * from params. Falls back to Chinese, then to the key itself, so a missing
 * translation shows up on screen instead of breaking the page.
 */
export function t(key, params) {
  let s = messages[current][key];
  if (s === undefined) s = messages[DEFAULT_LANG][key];
  if (s === undefined) return key;
  if (params) {
    s = s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
  }
  return s;
}

/* Rewrite every data-i18n / data-i18n-attr element under root. */
export function applyI18n(root = document) {
  document.documentElement.lang = current;
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n);
  }
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':').map((s) => s.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
}

/* Switch language: remember it, keep ?lang= in the address in step, re-apply, notify. */
export function setLang(l) {
  const n = normalise(l);
  if (!n || n === current) return;
  current = n;
  remember(n);
  const url = new URL(window.location.href);
  if (url.searchParams.has('lang')) {
    url.searchParams.set('lang', n);
    window.history.replaceState(null, '', url);
  }
  applyI18n();
  for (const fn of listeners) fn(n);
}

/* The other language, for a two-way switch button. */
export function otherLang() {
  return current === 'en' ? 'zh-CN' : 'en';
}

/* Call fn(lang) after every switch (to re-render text built by code). */
export function onLangChange(fn) {
  listeners.push(fn);
}
