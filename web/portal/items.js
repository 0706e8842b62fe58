// items.js - 事项清单: search and filter the published items
// (GET /api/v1/items), by list tab (全部, 最多跑一次 ...), department,
// applicant, topic, level and type. The query lives in the address
// (?q=食品&list=...&page=2) so a result list can be linked to; the filter
// form is a plain GET form to this page. Each result links to the guide at
// /items/{impl_code}.

import { apiGet } from '../common/api.js';
import {
  codeName,
  codeNames,
  codeRows,
  daysText,
  flagBadges,
  guideHref,
  LISTS,
  loadCodes,
  loadDepartments,
  tripsBadge,
} from '../common/catalog-text.js';
import { addMessages, applyI18n, lang, onLangChange, t } from '../common/i18n.js';
import { el } from '../common/layout.js';
import { startPortalPage } from './portal.js';

addMessages({
  'zh-CN': {
    'il.title': '事项清单 · 办事门户 · 一网通办',
    'il.lead': '查找政务服务事项，查看办事指南：需要什么材料、多久办好、跑几次。',
    'il.tabs': '事项清单分类',
    'il.any': '不限',
    'il.audience': '服务对象',
    'il.topic': '主题',
    'il.level': '行使层级',
    'il.type': '事项类型',
    'il.apply': '筛选',
    'il.clear': '清除条件',
    'il.results': '查询结果',
    'il.count': '共 {total} 项，第 {page}/{pages} 页',
    'il.count.q': '“{q}”共找到 {total} 项，第 {page}/{pages} 页',
    'il.empty': '没有找到符合条件的事项。请换一个关键词，或减少筛选条件。',
    'il.pages': '分页',
    'il.prev': '上一页',
    'il.next': '下一页',
    'il.page': '第 {n} 页',
    'il.guide': '查看办事指南',
  },
  en: {
    'il.title': 'Services · Service Portal · tongban',
    'il.lead': 'Find a government service and read its guide: what to bring, how long it takes, how many trips.',
    'il.tabs': 'Service lists',
    'il.any': 'Any',
    'il.audience': 'Applicant',
    'il.topic': 'Topic',
    'il.level': 'Level',
    'il.type': 'Type',
    'il.apply': 'Filter',
    'il.clear': 'Clear filters',
    'il.results': 'Results',
    'il.count': '{total} services, page {page} of {pages}',
    'il.count.q': '{total} services for “{q}”, page {page} of {pages}',
    'il.empty': 'No service matches. Try another word or fewer filters.',
    'il.pages': 'Pages',
    'il.prev': 'Previous',
    'il.next': 'Next',
    'il.page': 'Page {n}',
    'il.guide': 'Read the guide',
  },
});

const PER_PAGE = 20;
const FILTERS = ['q', 'list', 'dept', 'audience', 'topic', 'level', 'type'];
const params = new URLSearchParams(window.location.search);
let answer = null;

init();

async function init() {
  await startPortalPage();
  renderTabs();
  for (const name of FILTERS) {
    const input = document.querySelector(`#filter [name="${name}"]`);
    if (input && params.get(name)) input.value = params.get(name);
  }
  await loadCodes();
  fillSelects();
  onLangChange(() => {
    renderTabs();
    fillSelects();
    if (answer) renderResults();
  });
  loadResults();
}

/* 全部 and the seven lists; the current one is marked. Other filters are kept. */
function renderTabs() {
  const nav = document.getElementById('list-tabs');
  const current = params.get('list') || '';
  nav.replaceChildren(
    ...['', ...LISTS].map((l) => {
      const q = new URLSearchParams(params);
      q.delete('page');
      if (l) q.set('list', l);
      else q.delete('list');
      const s = q.toString();
      return el('a', { href: `items.html${s ? `?${s}` : ''}`, 'aria-current': l === current ? 'page' : null }, t(l ? `cat.list.${l}` : 'cat.list.all'));
    }),
  );
}

/* The code-table selects, then topics and departments from the API. */
function fillSelects() {
  const fill = (id, rows) => {
    const select = document.getElementById(id);
    const want = params.get(select.name) || '';
    select.replaceChildren(el('option', { value: '' }, t('il.any')), ...rows.map((r) => el('option', { value: r.value, selected: r.value === want }, r.label)));
  };
  const fromCodes = (table) => codeRows(table).map((r) => ({ value: r.code, label: lang() === 'en' ? r.en : r.zh }));
  fill('f-audience', fromCodes('service_object'));
  fill('f-level', fromCodes('exercise_level'));
  fill('f-type', fromCodes('item_type'));
  apiGet('/api/v1/catalogue/topics')
    .then((r) => fill('f-topic', ((r && r.topics) || []).map((tp) => ({ value: tp.name, label: tp.name }))))
    .catch(() => {});
  loadDepartments()
    .then((list) => fill('f-dept', list.map((o) => ({ value: o.code, label: o.name }))))
    .catch(() => {});
}

async function loadResults() {
  const status = document.getElementById('results-status');
  const q = new URLSearchParams();
  for (const name of FILTERS) if (params.get(name)) q.set(name, params.get(name));
  const page = Math.max(1, Number.parseInt(params.get('page') || '1', 10) || 1);
  q.set('page', String(page));
  q.set('per_page', String(PER_PAGE));
  try {
    answer = await apiGet(`/api/v1/items?${q}`);
  } catch (e) {
    status.textContent = t('cat.load.failed', { title: e.title || String(e) });
    status.classList.add('notice');
    return;
  }
  renderResults();
}

function renderResults() {
  const status = document.getElementById('results-status');
  const list = document.getElementById('results');
  const { items = [], total = 0, page = 1, per_page: per = PER_PAGE } = answer;
  const pages = Math.max(1, Math.ceil(total / per));
  status.removeAttribute('data-i18n');
  status.textContent = total
    ? t(params.get('q') ? 'il.count.q' : 'il.count', { total, page, pages, q: params.get('q') })
    : t('il.empty');
  list.replaceChildren(...items.map(resultCard));
  renderPager(page, pages);
}

function resultCard(it) {
  const href = guideHref(it.impl_code);
  return el(
    'li',
    { class: 'result' },
    el('h3', { class: 'result-name' }, el('a', { href }, it.name)),
    el(
      'p',
      { class: 'result-meta' },
      el('span', {}, `${t('cat.dept')}：`, it.org ? it.org.name : ''),
      el('span', {}, `${t('il.type')}：`, codeName('item_type', it.type)),
      el('span', {}, `${t('il.audience')}：`, codeNames('service_object', it.audience)),
    ),
    el(
      'dl',
      { class: 'result-limits' },
      el('div', {}, el('dt', {}, t('cat.promised')), el('dd', { class: 'limit-promised' }, daysText(it.promised_limit_days))),
      el('div', {}, el('dt', {}, t('cat.legal')), el('dd', {}, daysText(it.legal_limit_days))),
    ),
    el('p', { class: 'result-badges' }, tripsBadge(it.trips), ...flagBadges(it), it.kind === '1' ? el('span', { class: 'badge badge-flag' }, t('cat.list.jiban')) : null),
    el('p', { class: 'result-go' }, el('a', { class: 'btn btn-secondary btn-small', href, 'aria-label': `${t('il.guide')}：${it.name}` }, t('il.guide'))),
  );
}

function renderPager(page, pages) {
  const nav = document.getElementById('pager');
  nav.hidden = pages < 2;
  if (pages < 2) return;
  const link = (n, text, extra = {}) => {
    const q = new URLSearchParams(params);
    q.set('page', String(n));
    return el('a', { href: `items.html?${q}`, ...extra }, text);
  };
  const parts = [];
  if (page > 1) parts.push(link(page - 1, t('il.prev'), { rel: 'prev' }));
  const from = Math.max(1, page - 3);
  const to = Math.min(pages, page + 3);
  for (let n = from; n <= to; n++) {
    parts.push(n === page ? el('span', { class: 'pager-current', 'aria-current': 'page' }, String(n)) : link(n, String(n), { 'aria-label': t('il.page', { n }) }));
  }
  if (page < pages) parts.push(link(page + 1, t('il.next'), { rel: 'next' }));
  nav.replaceChildren(...parts);
  applyI18n(nav);
}
