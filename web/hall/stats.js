// stats.js - 窗口统计: GET /api/v1/windows/stats?hall=CODE, per window the
// counts of cases received, accepted, refused, sent back for correction,
// pre-checked and decided at the window, and three rates the server works
// out (docs/cases.md): 接件受理率 = accepted / received, 审核率 =
// pre-reviewed / received online, 直接审批率 = decided at the window /
// accepted. A rate of a window with nothing to divide by is null: "—".
// The hall list for the filter is the public GET /api/v1/halls.

import { apiGet, ApiError } from '../common/api.js';
import { addMessages, applyI18n, lang, onLangChange, t } from '../common/i18n.js';
import { el } from '../common/layout.js';
import { onUnauthenticated } from '../common/session.js';
import { HALL_LOGIN, startHallPage } from './hall.js';

addMessages({
  'zh-CN': {
    'hs.title': '窗口统计 · 政务大厅 · 一网通办',
    'hs.heading': '各窗口受理情况',
    'hs.lead': '按窗口统计接件、受理、补正、预审和当场决定的办件数，以及三项比率。',
    'hs.hall': '大厅',
    'hs.hall.all': '全部大厅',
    'hs.go': '统计',
    'hs.caption': '各窗口的受理统计',
    'hs.c.window': '窗口',
    'hs.c.received': '接件',
    'hs.c.accepted': '受理',
    'hs.c.refused': '不予受理',
    'hs.c.corrections': '补正',
    'hs.c.pre_reviewed': '预审',
    'hs.c.decided': '当场决定',
    'hs.c.acceptance_rate': '接件受理率',
    'hs.c.review_rate': '审核率',
    'hs.c.direct_rate': '直接审批率',
    'hs.defs': '比率的含义',
    'hs.def.acceptance': '受理的办件数 ÷ 窗口首次经手的办件数（接件）。',
    'hs.def.review': '网上预审的办件数 ÷ 窗口接件中网上申报的办件数。',
    'hs.def.direct': '在窗口当场作出决定的办件数 ÷ 受理的办件数（审决合一）。',
    'hs.count': '共 {n} 个窗口。',
    'hs.empty': '没有窗口统计数据。',
    'hs.failed': '无法读取统计：{title}',
  },
  en: {
    'hs.title': 'Window statistics · Service Hall · tongban',
    'hs.heading': 'Cases per window',
    'hs.lead': 'Per window: cases received, accepted, refused, sent back for correction, pre-checked and decided on the spot, and three rates.',
    'hs.hall': 'Hall',
    'hs.hall.all': 'All halls',
    'hs.go': 'Show',
    'hs.caption': 'Acceptance statistics per window',
    'hs.c.window': 'Window',
    'hs.c.received': 'Received',
    'hs.c.accepted': 'Accepted',
    'hs.c.refused': 'Refused',
    'hs.c.corrections': 'Corrections',
    'hs.c.pre_reviewed': 'Pre-checked',
    'hs.c.decided': 'Decided on the spot',
    'hs.c.acceptance_rate': 'Acceptance rate',
    'hs.c.review_rate': 'Pre-check rate',
    'hs.c.direct_rate': 'Direct decision rate',
    'hs.defs': 'What the rates mean',
    'hs.def.acceptance': 'Cases accepted ÷ cases the window handled first (received).',
    'hs.def.review': 'Cases pre-checked ÷ online cases the window received.',
    'hs.def.direct': 'Cases decided at the window ÷ cases accepted (one window to accept and decide).',
    'hs.count': '{n} windows.',
    'hs.empty': 'No window statistics.',
    'hs.failed': 'Could not read the statistics: {title}',
  },
});

const COUNTS = ['received', 'accepted', 'refused', 'corrections', 'pre_reviewed', 'decided'];
const RATES = ['acceptance_rate', 'review_rate', 'direct_rate'];
const ui = { windows: null, halls: [] };

init();

async function init() {
  const account = await startHallPage();
  if (!account) return;
  const form = document.getElementById('stats-filter');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    load();
  });
  onLangChange(render);
  await loadHalls();
  // The account's own hall first (?hall= names another; empty: all halls).
  const asked = new URLSearchParams(window.location.search).get('hall');
  form.elements.hall.value = asked !== null ? asked : ownHall(account) || '';
  load();
}

async function loadHalls() {
  try {
    const answer = await apiGet('/api/v1/halls');
    ui.halls = (answer && answer.halls) || [];
  } catch {
    ui.halls = [];
  }
  const select = document.getElementById('stats-hall');
  for (const h of ui.halls) select.append(el('option', { value: h.code }, h.name));
}

async function load() {
  const form = document.getElementById('stats-filter');
  const status = document.getElementById('stats-status');
  const hall = form.elements.hall.value;
  status.classList.remove('notice');
  try {
    const answer = await apiGet(`/api/v1/windows/stats${hall ? `?hall=${encodeURIComponent(hall)}` : ''}`);
    ui.windows = (answer && answer.windows) || [];
    render();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (onUnauthenticated(err, HALL_LOGIN)) return;
    status.classList.add('notice');
    status.textContent = t('hs.failed', { title: err.detail || err.title });
  }
}

/* The hall whose window staff names this account (the public list gives staff names). */
function ownHall(account) {
  const hall = ui.halls.find((h) => (h.windows || []).some((w) => (w.staff || []).some((s) => [s.username, s.name, s].includes(account.name || account.username))));
  return hall ? hall.code : null;
}

function hallName(code) {
  const h = ui.halls.find((x) => x.code === code);
  return h ? h.name : code || '';
}

function render() {
  applyI18n(document.getElementById('stats-filter'));
  if (!ui.windows) return;
  const tbody = document.querySelector('#stats-table tbody');
  tbody.replaceChildren(
    ...ui.windows.map((w) =>
      el(
        'tr',
        { 'data-window': w.code, 'data-hall': w.hall },
        el('td', { 'data-label': t('hs.c.window') }, el('div', {}, el('strong', {}, w.name || w.code), el('span', { class: 'who-sub' }, `${hallName(w.hall)} · ${w.code}`))),
        ...COUNTS.map((k) => el('td', { 'data-label': t(`hs.c.${k}`), class: 'cw-num' }, w[k] === undefined || w[k] === null ? t('common.none') : String(w[k]))),
        ...RATES.map((k) => el('td', { 'data-label': t(`hs.c.${k}`), 'data-rate': k }, rateCell(w[k]))),
      ),
    ),
  );
  document.getElementById('stats-wrap').hidden = ui.windows.length === 0;
  document.getElementById('stats-status').textContent = ui.windows.length ? t('hs.count', { n: ui.windows.length }) : t('hs.empty');
}

/* A rate as '83.3%' with a bar; the API gives a fraction 0..1 or null. */
function rateCell(v) {
  if (v === null || v === undefined || Number.isNaN(Number(v))) return t('common.none');
  const share = Math.max(0, Math.min(1, Number(v)));
  const text = `${(share * 100).toLocaleString(lang() === 'en' ? 'en' : 'zh-CN', { maximumFractionDigits: 1 })}%`;
  const fill = el('span');
  fill.style.width = `${share * 100}%`;
  return el('span', { class: 'cw-rate' }, el('span', { class: 'cw-rate-value cw-num' }, text), el('span', { class: 'cw-rate-bar', 'aria-hidden': 'true' }, fill));
}
