// lists.js - 清单公示: the catalogue indicators (GET /api/v1/catalogue/kpis:
// shares of 最多跑一次 and 全程网办 items against the 80% goal, the mean
// promised/legal ratio, per department), the intermediary-service list
// (GET /api/v1/intermediaries, with fees and the items that need them) and
// the proof list (GET /api/v1/proofs).

import { apiGet } from '../common/api.js';
import { guideHref } from '../common/catalog-text.js';
import { addMessages, onLangChange, t } from '../common/i18n.js';
import { el } from '../common/layout.js';
import { startPortalPage } from './portal.js';

addMessages({
  'zh-CN': {
    'pl.title': '清单公示 · 办事门户 · 一网通办',
    'pl.lead': '依法公开中介服务清单、证明事项清单和政务服务事项指标，接受社会监督。',
    'pl.kpis.lead': '按已发布事项统计。目标：最多跑一次事项和全程网办事项均达到 80% 以上。',
    'pl.inter.lead': '行政审批涉及的中介服务事项。清单之外，审批部门不得要求申请人委托中介服务。',
    'pl.proofs.lead': '保留的证明事项。清单之外，一律不得要求申请人提供证明（目录外无证明）。',
    'pl.kpi.caption': '各部门事项指标',
    'pl.k.items': '事项数',
    'pl.k.onetrip': '最多跑一次比例',
    'pl.k.online': '全程网办比例',
    'pl.k.ratio': '承诺/法定时限',
    'pl.k.overhalf': '承诺超过法定一半',
    'pl.k.total': '已发布事项 {n} 项',
    'pl.k.goal': '目标 {goal}%',
    'pl.k.met': '已达标',
    'pl.k.missed': '未达标',
    'pl.k.mean': '平均承诺时限占法定时限',
    'pl.k.mean.note': '越低表示承诺时限压缩越多',
    'pl.k.count': '{n} 项',
    'pl.i.name': '中介服务名称',
    'pl.i.provider': '服务机构',
    'pl.i.fee': '收费标准',
    'pl.i.basis': '设定依据',
    'pl.i.items': '涉及的审批事项',
    'pl.i.feebasis': '收费依据：{text}',
    'pl.p.code': '编码',
    'pl.p.name': '证明名称',
    'pl.p.issuer': '开具单位',
    'pl.empty': '暂无公示内容。',
    'pl.inter.table': '中介服务事项列表',
    'pl.proofs.table': '证明事项列表',
  },
  en: {
    'pl.title': 'Public lists · Service Portal · tongban',
    'pl.lead': 'The intermediary services, the proofs still required and the catalogue indicators, published for public oversight.',
    'pl.kpis.lead': 'Over the published services. Goal: at least 80% at most one trip and 80% fully online.',
    'pl.inter.lead': 'Intermediary services that approvals involve. No other intermediary service may be required.',
    'pl.proofs.lead': 'The proofs still required. No proof outside this list may be asked for.',
    'pl.kpi.caption': 'Indicators by department',
    'pl.k.items': 'Services',
    'pl.k.onetrip': 'At most one trip',
    'pl.k.online': 'Fully online',
    'pl.k.ratio': 'Promised / legal',
    'pl.k.overhalf': 'Promised over half of legal',
    'pl.k.total': '{n} published services',
    'pl.k.goal': 'Goal {goal}%',
    'pl.k.met': 'met',
    'pl.k.missed': 'not met',
    'pl.k.mean': 'Mean promised limit as a share of the legal one',
    'pl.k.mean.note': 'Lower is faster',
    'pl.k.count': '{n}',
    'pl.i.name': 'Intermediary service',
    'pl.i.provider': 'Provider',
    'pl.i.fee': 'Fee',
    'pl.i.basis': 'Basis',
    'pl.i.items': 'Services that need it',
    'pl.i.feebasis': 'Fee basis: {text}',
    'pl.p.code': 'Code',
    'pl.p.name': 'Proof',
    'pl.p.issuer': 'Issued by',
    'pl.empty': 'Nothing published yet.',
    'pl.inter.table': 'Table of intermediary services',
    'pl.proofs.table': 'Table of proofs',
  },
});

const pct = (x) => `${Math.round((x || 0) * 1000) / 10}%`;
const data = {};

init();

async function init() {
  await startPortalPage();
  const [kpis, inter, proofs] = await Promise.allSettled([
    apiGet('/api/v1/catalogue/kpis'),
    apiGet('/api/v1/intermediaries'),
    apiGet('/api/v1/proofs'),
  ]);
  data.kpis = kpis;
  data.inter = inter;
  data.proofs = proofs;
  render();
  onLangChange(render);
  if (window.location.hash) document.querySelector(window.location.hash)?.scrollIntoView();
}

function render() {
  show('kpis', data.kpis, (r) => (r.overall && r.overall.items ? renderKpis(r) : null));
  show('intermediaries', data.inter, (r) => rows(r.intermediaries, interRow, 5));
  show('proofs', data.proofs, (r) => rows(r.proofs, proofRow, 4));
}

/* Fill section id from a settled request; fill answers the rows, or null when empty. */
function show(id, settled, fill) {
  const section = document.getElementById(id);
  const status = section.querySelector('[data-role="status"]');
  const table = section.querySelector('[data-role="table"]');
  status.removeAttribute('data-i18n');
  if (settled.status === 'rejected') {
    status.textContent = t('cat.load.failed', { title: settled.reason.title || String(settled.reason) });
    status.classList.add('notice');
    return;
  }
  const out = fill(settled.value || {});
  if (!out || !out.length) {
    status.textContent = t('pl.empty');
    return;
  }
  status.textContent = '';
  table.querySelector('tbody').replaceChildren(...out);
  table.hidden = false;
}

function rows(list, fn) {
  return (list || []).map(fn);
}

function tr(labels, cells) {
  return el('tr', {}, ...cells.map((c, i) => el('td', { 'data-label': t(labels[i]) }, c)));
}

function interRow(x) {
  const items = (x.items || []).map((code) => el('a', { href: guideHref(code), class: 'nowrap' }, code));
  const itemCell = el('span', {});
  items.forEach((a, i) => itemCell.append(i ? '，' : '', a));
  return tr(['pl.i.name', 'pl.i.provider', 'pl.i.fee', 'pl.i.basis', 'pl.i.items'], [
    el('strong', {}, x.name),
    x.provider,
    el('span', {}, x.fee, x.fee_basis ? el('span', { class: 'material-note' }, t('pl.i.feebasis', { text: x.fee_basis })) : ''),
    x.basis,
    itemCell,
  ]);
}

function proofRow(p) {
  return tr(['pl.p.code', 'pl.p.name', 'pl.p.issuer', 'pl.i.basis'], [el('code', {}, p.code), el('strong', {}, p.name), p.issuer, p.basis]);
}

function kpiCard(name, share, goal, met) {
  return el(
    'div',
    { class: 'kpi' },
    el('p', { class: 'kpi-name' }, name),
    el('p', { class: 'kpi-value' }, pct(share)),
    el('meter', { min: 0, max: 1, low: goal / 100 - 0.0001, optimum: 1, value: share || 0, 'aria-label': `${name} ${pct(share)}` }),
    el('p', { class: 'kpi-goal' }, t('pl.k.goal', { goal }), ' · ', el('span', { class: met ? 'goal-met' : 'goal-missed' }, t(met ? 'pl.k.met' : 'pl.k.missed'))),
  );
}

function renderKpis(r) {
  const o = r.overall;
  const host = document.querySelector('#kpis [data-role="overall"]');
  host.replaceChildren(
    kpiCard(t('pl.k.onetrip'), o.share_at_most_one_trip, o.goal_one_trip_percent, o.meets_one_trip_goal),
    kpiCard(t('pl.k.online'), o.share_online, o.goal_online_percent, o.meets_online_goal),
    el(
      'div',
      { class: 'kpi' },
      el('p', { class: 'kpi-name' }, t('pl.k.mean')),
      el('p', { class: 'kpi-value' }, pct(o.mean_promised_ratio)),
      el('p', { class: 'kpi-goal' }, t('pl.k.total', { n: o.items }), ' · ', t('pl.k.mean.note')),
    ),
  );
  const labels = ['cat.dept', 'pl.k.items', 'pl.k.onetrip', 'pl.k.online', 'pl.k.ratio', 'pl.k.overhalf'];
  return (r.departments || []).map((d) =>
    tr(labels, [
      el('a', { href: `items.html?dept=${encodeURIComponent(d.org.code)}` }, d.org.name),
      String(d.items),
      el('span', { class: d.meets_one_trip_goal ? 'goal-met' : 'goal-missed' }, pct(d.share_at_most_one_trip)),
      el('span', { class: d.meets_online_goal ? 'goal-met' : 'goal-missed' }, pct(d.share_online)),
      pct(d.mean_promised_ratio),
      t('pl.k.count', { n: d.over_half }),
    ]),
  );
}
