// index.js - the landing page: what tongban is, the five front ends, and a
// one-line live status (is the server up, is today a working day).
//
// The front-end cards come from common/frontends.js: a card is a link once
// its front end is marked available, otherwise a "建设中" card with no link.
// The status line asks GET /healthz and GET /api/v1/calendar/days/{today}
// (today in Beijing time); either may fail, and then the line says so in
// words - the rest of the page does not depend on it.

import { apiGet } from './common/api.js';
import { FRONTENDS } from './common/frontends.js';
import { addMessages, lang, onLangChange, t } from './common/i18n.js';
import { el, renderLayout } from './common/layout.js';

const TZ = 'Asia/Shanghai';

addMessages({
  'zh-CN': {
    'landing.title': '一网通办 · tongban 政务服务平台',
    'landing.kicker': '政务服务平台',
    'landing.heading': '一网通办',
    'landing.slogan': '让数据多跑路，让群众少跑腿',
    'landing.intro':
      '一个平台办理政务服务的全流程：网上申报、一窗受理、部门审批、电子证照共享、全程电子监察。企业和群众办事最多跑一次。',
    'landing.services': '服务入口',
    'landing.services.lead': '同一套数据和接口，五个入口分别面向申请人、窗口人员、审批人员、监督人员和管理员。',
    'landing.about': '改革理念',
    'idea.once.name': '最多跑一次',
    'idea.once.desc': '材料齐全、符合法定形式的事项，申请人到现场最多一次，能网上办的零跑动。',
    'idea.window.name': '一窗受理',
    'idea.window.desc': '综合窗口受理所有事项，后台分办，统一出件。',
    'idea.net.name': '一网通办',
    'idea.net.desc': '线上线下同一个事项库、同一套标准，全市通办、就近能办。',
    'idea.library.name': '一库共享',
    'idea.library.desc': '电子证照和共享材料一次提交、反复使用，目录外无证明。',
    'idea.seal.name': '一枚印章管审批',
    'idea.seal.desc': '行政审批局集中审批，电子印章签发，全程留痕可追溯。',
    'status.loading': '正在获取系统状态…',
    'status.ok': '系统运行正常',
    'status.down': '系统状态暂时无法获取',
    'status.today': '今天是{date}',
    'status.workday': '工作日',
    'status.restday': '休息日',
    'status.named': '{kind}（{name}）',
    'status.nocal': '今日工作日信息暂时无法获取',
    'status.sep': '。',
  },
  en: {
    'landing.title': 'tongban · One-Stop Government Services',
    'landing.kicker': 'Government service platform',
    'landing.heading': 'One-Stop Government Services',
    'landing.slogan': 'Let the data travel, not the people',
    'landing.intro':
      'One platform for the whole of a government service: apply online, hand in at one window, departmental approval, shared electronic licences and end-to-end e-supervision. At most one trip for citizens and businesses.',
    'landing.services': 'Services',
    'landing.services.lead':
      'One set of data and APIs, five front ends: for applicants, window staff, reviewers, supervisors and administrators.',
    'landing.about': 'The reform',
    'idea.once.name': 'At most one trip',
    'idea.once.desc': 'With complete materials in legal form, an applicant comes in person once at most, and not at all for online services.',
    'idea.window.name': 'One window',
    'idea.window.desc': 'A comprehensive window accepts every item; the back office routes it and the result comes out in one place.',
    'idea.net.name': 'One network',
    'idea.net.desc': 'One catalogue and one standard online and offline; any hall in the city, or the nearest one.',
    'idea.library.name': 'One shared library',
    'idea.library.desc': 'Electronic licences and shared materials are submitted once and reused; no proof outside the list.',
    'idea.seal.name': 'One seal for approvals',
    'idea.seal.desc': 'An approval bureau decides centrally and signs with an electronic seal; every step is recorded.',
    'status.loading': 'Checking system status…',
    'status.ok': 'All systems normal',
    'status.down': 'System status unavailable',
    'status.today': 'Today is {date}',
    'status.workday': 'a working day',
    'status.restday': 'a rest day',
    'status.named': '{kind} ({name})',
    'status.nocal': "Today's working-day information is unavailable",
    'status.sep': '. ',
  },
});

/* What the status line knows; re-rendered on a language switch, not re-fetched. */
const state = { health: 'loading', day: null, dayError: false };

renderLayout();
renderCards();
renderStatus();
onLangChange(() => {
  renderCards();
  renderStatus();
});
loadStatus();

/* ---------------------------------------------------------------- cards */

function renderCards() {
  const list = document.getElementById('frontends');
  list.replaceChildren(...FRONTENDS.map((fe) => el('li', {}, card(fe))));
}

function card(fe) {
  const key = `frontend.${fe.id}`;
  const body = [
    el('span', { class: 'fe-icon', 'aria-hidden': 'true', lang: 'zh-CN' }, fe.glyph),
    el(
      'span',
      { class: 'fe-body' },
      el('h3', { class: 'fe-name' }, t(`${key}.name`)),
      el('span', { class: 'fe-who' }, t(`${key}.who`)),
      el('span', { class: 'fe-desc' }, t(`${key}.desc`)),
    ),
  ];
  if (fe.available) {
    body.push(el('span', { class: 'fe-go', 'aria-hidden': 'true' }, `${t('frontend.enter')} →`));
    return el('a', { class: `fe-card fe-${fe.id}`, href: fe.path, 'data-frontend': fe.id }, ...body);
  }
  body.push(el('span', { class: 'fe-badge' }, t('frontend.soon')));
  return el('div', { class: `fe-card fe-${fe.id} is-disabled`, 'data-frontend': fe.id }, ...body);
}

/* --------------------------------------------------------------- status */

async function loadStatus() {
  const [health, day] = await Promise.allSettled([
    apiGet('/healthz'),
    apiGet(`/api/v1/calendar/days/${todayInBeijing()}`),
  ]);
  state.health = health.status === 'fulfilled' && health.value && health.value.status === 'ok' ? 'ok' : 'down';
  if (day.status === 'fulfilled' && day.value && typeof day.value.workday === 'boolean') {
    state.day = day.value;
  } else {
    state.dayError = true;
  }
  renderStatus();
}

function renderStatus() {
  const line = document.getElementById('status');
  const text = line.querySelector('.status-text');
  line.dataset.health = state.health;
  if (state.health === 'loading') {
    text.textContent = t('status.loading');
    return;
  }
  const parts = [t(state.health === 'ok' ? 'status.ok' : 'status.down')];
  if (state.day) {
    const kind = t(state.day.workday ? 'status.workday' : 'status.restday');
    const what = state.day.name ? t('status.named', { kind, name: state.day.name }) : kind;
    parts.push(`${t('status.today', { date: formatDate(state.day.date) })}${lang() === 'en' ? ', ' : '，'}${what}`);
    line.dataset.workday = String(state.day.workday);
  } else if (state.dayError) {
    parts.push(t('status.nocal'));
  }
  text.textContent = parts.join(t('status.sep')) + (lang() === 'en' ? '.' : '。');
}

/* YYYY-MM-DD of today in Beijing time, whatever the browser's zone. */
function todayInBeijing() {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(),
  );
}

/* '2026-11-23' -> '2026年11月23日星期一' / 'Monday, November 23, 2026'. */
function formatDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(iso));
  if (!m) return String(iso);
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], 4)); // noon in Beijing
  return new Intl.DateTimeFormat(lang() === 'en' ? 'en-US' : 'zh-CN', {
    timeZone: TZ,
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    weekday: 'long',
  }).format(d);
}
