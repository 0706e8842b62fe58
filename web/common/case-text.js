// case-text.js - the words of cases (办件) that every front end shares:
// states, how a material was provided, notice kinds, actions, channels,
// roles, suspension kinds, deadline warnings (docs/cases.md). The portal
// (applicant), the hall (window) and the office (review, decision) import
// it; importing adds its keys (case.*) to the i18n table.
//
// API (stable; add to it, do not change it):
//   CASE_STATES                      every state name, in the order of the machine
//   OPEN_STATES, FINAL_STATES        the same split in two (docs/cases.md)
//   isOpenState(state)               true for an open state
//   caseStateLabel(state, zh?)       '已受理' / 'Accepted'; unknown: zh (the API's state_zh) or the name
//   caseStateTone(state)             'muted' | 'warn' | 'info' | 'ok' | 'bad' (for colours)
//   caseStateBadge(state, zh?)       <span class="badge badge-…" data-state=…>label</span>
//                                    (badge-muted/-current/-on/-off from pages.css, badge-warn from catalog.css)
//   provisionLabel(p)                submitted|licence|shared|commitment|missing|none -> '已提交' ...; null -> '未提交'
//   materialSourceLabel(source)      applicant|licence|shared|department -> '申请人提交' ...
//   noticeKindLabel(kind, zh?)       acceptance|refusal|correction|missing|commitment|approval|denial -> '受理通知书' ...
//   caseActionLabel(action)          submit ... terminate, and the platform's issue_result, close,
//                                    auto_accept, and create/update (events) -> '提交申请' ...
//   channelLabel(channel)            online|window|kiosk|agent|mobile -> '网上申报' ...
//   caseRoleLabel(role)              applicant|window|handler|supervisor|system -> '申请人' ...
//   suspensionKindLabel(kind, zh?)   a special procedure code, correction, missing_overdue -> '现场勘查' ...
//   warningLabel(w)                  green|yellow|red|severe -> '正常' / '预警' / '超期' / '严重超期'
//   WARNING_LEVELS                   the four levels, mildest first
//   remainingText(n)                 working days left: 3 -> '剩余 3 个工作日', 0 -> '今日到期',
//                                    -2 -> '超期 2 个工作日'; null/undefined -> ''
//   limitStartsLabel(s)              next_day|same_day -> '次日起算' / '当日起算'
//   deliveryMethodLabel(m, zh?)      window|post|electronic -> '窗口领取' / '邮寄送达' / '电子送达'
//   deliveryStatusLabel(s, zh?, m?)  pending|ready|dispatched|delivered -> '尚未出件' / '待领取'
//                                    (by post: '待寄出') / '已寄出' / '已送达'
//   formatDay(value)                 an ISO time or 'YYYY-MM-DD' as a Beijing date 'YYYY-MM-DD'; '—' when absent
// Every function answers its input unchanged (as text) when it does not know it.

import { addMessages, t } from './i18n.js';
import { el } from './layout.js';

/* ------------------------------------------------------------- tables */

export const CASE_STATES = Object.freeze([
  'draft',
  'submitted',
  'awaiting_correction',
  'accepted',
  'in_review',
  'suspended',
  'approved',
  'result_issued',
  'denied',
  'delivered',
  'closed',
  'refused',
  'withdrawn',
  'terminated',
]);
export const FINAL_STATES = Object.freeze(['closed', 'refused', 'withdrawn', 'terminated']);
export const OPEN_STATES = Object.freeze(CASE_STATES.filter((s) => !FINAL_STATES.includes(s)));
export const WARNING_LEVELS = Object.freeze(['green', 'yellow', 'red', 'severe']);

const TONES = {
  draft: 'muted',
  submitted: 'warn',
  awaiting_correction: 'warn',
  accepted: 'info',
  in_review: 'info',
  suspended: 'warn',
  approved: 'ok',
  result_issued: 'ok',
  denied: 'bad',
  delivered: 'ok',
  closed: 'ok',
  refused: 'bad',
  withdrawn: 'muted',
  terminated: 'bad',
};
const TONE_CLASS = { muted: 'badge-muted', warn: 'badge-warn', info: 'badge-current', ok: 'badge-on', bad: 'badge-off' };

addMessages({
  'zh-CN': {
    'case.state.draft': '草稿',
    'case.state.submitted': '已提交',
    'case.state.awaiting_correction': '待补正',
    'case.state.accepted': '已受理',
    'case.state.in_review': '审查中',
    'case.state.suspended': '已挂起',
    'case.state.approved': '准予许可',
    'case.state.result_issued': '已出证',
    'case.state.denied': '不予许可',
    'case.state.delivered': '已送达',
    'case.state.closed': '已办结',
    'case.state.refused': '不予受理',
    'case.state.withdrawn': '已撤回',
    'case.state.terminated': '已终止',
    'case.provision.submitted': '已提交',
    'case.provision.licence': '电子证照',
    'case.provision.shared': '共享获取',
    'case.provision.commitment': '告知承诺',
    'case.provision.missing': '容缺后补',
    'case.provision.none': '无需提交',
    'case.provision.null': '未提交',
    'case.source.applicant': '申请人提交',
    'case.source.licence': '电子证照库',
    'case.source.shared': '部门共享',
    'case.source.department': '部门内部获取',
    'case.notice.acceptance': '受理通知书',
    'case.notice.refusal': '不予受理通知书',
    'case.notice.correction': '补正材料通知书',
    'case.notice.missing': '容缺受理承诺书',
    'case.notice.commitment': '告知承诺书',
    'case.notice.approval': '准予行政许可决定书',
    'case.notice.denial': '不予行政许可决定书',
    'case.action.create': '创建办件',
    'case.action.update': '保存草稿',
    'case.action.submit': '提交申请',
    'case.action.pre_review': '网上预审',
    'case.action.accept': '受理',
    'case.action.refuse': '不予受理',
    'case.action.request_correction': '一次性告知补正',
    'case.action.supplement': '补正材料',
    'case.action.accept_with_missing': '容缺受理',
    'case.action.accept_with_commitment': '告知承诺受理',
    'case.action.review': '审查',
    'case.action.decide': '决定',
    'case.action.suspend': '启动特别程序',
    'case.action.resume': '恢复办理',
    'case.action.extend': '延长办理期限',
    'case.action.deliver': '送达',
    'case.action.dispatch': '寄出',
    'case.action.recompute_deadlines': '重新计算办理期限',
    'case.action.withdraw': '撤回申请',
    'case.action.terminate': '终止办理',
    'case.action.issue_result': '出具办理结果',
    'case.action.close': '办结',
    'case.action.auto_accept': '逾期视为受理',
    'case.channel.online': '网上申报',
    'case.channel.window': '窗口申报',
    'case.channel.kiosk': '自助终端',
    'case.channel.agent': '代办申报',
    'case.channel.mobile': '移动端申报',
    'case.role.applicant': '申请人',
    'case.role.window': '综合窗口',
    'case.role.handler': '承办部门',
    'case.role.supervisor': '监察',
    'case.role.system': '平台',
    'case.suspension.correction': '补正材料',
    'case.suspension.missing_overdue': '容缺材料逾期未补',
    'case.suspension.site_survey': '现场勘查',
    'case.suspension.testing': '检验检测',
    'case.suspension.expert_review': '专家评审',
    'case.suspension.hearing': '听证',
    'case.suspension.publication': '公示',
    'case.suspension.tender': '招标',
    'case.suspension.auction': '拍卖',
    'case.suspension.quarantine': '检疫',
    'case.suspension.appraisal': '鉴定',
    'case.warning.green': '正常',
    'case.warning.yellow': '预警',
    'case.warning.red': '超期',
    'case.warning.severe': '严重超期',
    'case.remaining.left': '剩余 {n} 个工作日',
    'case.remaining.today': '今日到期',
    'case.remaining.over': '超期 {n} 个工作日',
    'case.starts.next_day': '次日起算',
    'case.starts.same_day': '当日起算',
    'case.delivery.method.window': '窗口领取',
    'case.delivery.method.post': '邮寄送达',
    'case.delivery.method.electronic': '电子送达',
    'case.delivery.status.pending': '尚未出件',
    'case.delivery.status.ready': '待领取',
    'case.delivery.status.ready.post': '待寄出',
    'case.delivery.status.dispatched': '已寄出',
    'case.delivery.status.delivered': '已送达',
    'case.none': '—',
  },
  en: {
    'case.state.draft': 'Draft',
    'case.state.submitted': 'Submitted',
    'case.state.awaiting_correction': 'Awaiting correction',
    'case.state.accepted': 'Accepted',
    'case.state.in_review': 'In review',
    'case.state.suspended': 'Suspended',
    'case.state.approved': 'Approved',
    'case.state.result_issued': 'Result issued',
    'case.state.denied': 'Denied',
    'case.state.delivered': 'Delivered',
    'case.state.closed': 'Closed',
    'case.state.refused': 'Not accepted',
    'case.state.withdrawn': 'Withdrawn',
    'case.state.terminated': 'Terminated',
    'case.provision.submitted': 'Submitted',
    'case.provision.licence': 'Electronic licence',
    'case.provision.shared': 'Shared data',
    'case.provision.commitment': 'Written commitment',
    'case.provision.missing': 'To follow (accepted without it)',
    'case.provision.none': 'Not needed',
    'case.provision.null': 'Not submitted',
    'case.source.applicant': 'From the applicant',
    'case.source.licence': 'Electronic licence store',
    'case.source.shared': 'Shared by departments',
    'case.source.department': 'Held by the department',
    'case.notice.acceptance': 'Notice of acceptance',
    'case.notice.refusal': 'Notice of non-acceptance',
    'case.notice.correction': 'Notice to correct materials',
    'case.notice.missing': 'Undertaking for missing materials',
    'case.notice.commitment': 'Written commitment',
    'case.notice.approval': 'Decision to grant the licence',
    'case.notice.denial': 'Decision to refuse the licence',
    'case.action.create': 'Case created',
    'case.action.update': 'Draft saved',
    'case.action.submit': 'Submit',
    'case.action.pre_review': 'Online pre-check',
    'case.action.accept': 'Accept',
    'case.action.refuse': 'Refuse to accept',
    'case.action.request_correction': 'Ask for corrections',
    'case.action.supplement': 'Hand in materials',
    'case.action.accept_with_missing': 'Accept with materials to follow',
    'case.action.accept_with_commitment': 'Accept on written commitment',
    'case.action.review': 'Review',
    'case.action.decide': 'Decide',
    'case.action.suspend': 'Start a special procedure',
    'case.action.resume': 'Resume',
    'case.action.extend': 'Extend the time limit',
    'case.action.deliver': 'Deliver',
    'case.action.dispatch': 'Post the result',
    'case.action.recompute_deadlines': 'Deadlines recomputed',
    'case.action.withdraw': 'Withdraw',
    'case.action.terminate': 'Terminate',
    'case.action.issue_result': 'Result issued',
    'case.action.close': 'Closed',
    'case.action.auto_accept': 'Accepted by lapse of time',
    'case.channel.online': 'Online',
    'case.channel.window': 'At a window',
    'case.channel.kiosk': 'Self-service kiosk',
    'case.channel.agent': 'By an agent',
    'case.channel.mobile': 'Mobile',
    'case.role.applicant': 'Applicant',
    'case.role.window': 'Window',
    'case.role.handler': 'Department',
    'case.role.supervisor': 'Supervision',
    'case.role.system': 'Platform',
    'case.suspension.correction': 'Correction of materials',
    'case.suspension.missing_overdue': 'Missing materials overdue',
    'case.suspension.site_survey': 'Site survey',
    'case.suspension.testing': 'Inspection and testing',
    'case.suspension.expert_review': 'Expert review',
    'case.suspension.hearing': 'Hearing',
    'case.suspension.publication': 'Publication',
    'case.suspension.tender': 'Tendering',
    'case.suspension.auction': 'Auction',
    'case.suspension.quarantine': 'Quarantine',
    'case.suspension.appraisal': 'Appraisal',
    'case.warning.green': 'On time',
    'case.warning.yellow': 'Deadline near',
    'case.warning.red': 'Overdue',
    'case.warning.severe': 'Seriously overdue',
    'case.remaining.left': '{n} working days left',
    'case.remaining.today': 'Due today',
    'case.remaining.over': '{n} working days overdue',
    'case.starts.next_day': 'from the next day',
    'case.starts.same_day': 'from the same day',
    'case.delivery.method.window': 'Collect at the window',
    'case.delivery.method.post': 'By post',
    'case.delivery.method.electronic': 'Electronically',
    'case.delivery.status.pending': 'Result not out yet',
    'case.delivery.status.ready': 'Ready to collect',
    'case.delivery.status.ready.post': 'To be posted',
    'case.delivery.status.dispatched': 'Posted',
    'case.delivery.status.delivered': 'Delivered',
    'case.none': '—',
  },
});

/* ------------------------------------------------------------- helpers */

/* The text for case.<group>.<name>; fallback (or the name) when the table has none. */
function label(group, name, fallback) {
  const key = `case.${group}.${name}`;
  const s = t(key);
  if (s !== key) return s;
  return fallback || (name === null || name === undefined ? '' : String(name));
}

export function isOpenState(state) {
  return OPEN_STATES.includes(state);
}

export function caseStateLabel(state, zh) {
  return label('state', state, zh);
}

export function caseStateTone(state) {
  return TONES[state] || 'muted';
}

export function caseStateBadge(state, zh) {
  return el('span', { class: `badge ${TONE_CLASS[caseStateTone(state)]}`, 'data-state': state }, caseStateLabel(state, zh));
}

export function provisionLabel(p) {
  return label('provision', p === null || p === undefined || p === '' ? 'null' : p);
}

export function materialSourceLabel(source) {
  return label('source', source);
}

export function noticeKindLabel(kind, zh) {
  return label('notice', kind, zh);
}

export function caseActionLabel(action) {
  return label('action', action);
}

export function channelLabel(channel) {
  return label('channel', channel);
}

export function caseRoleLabel(role) {
  return label('role', role);
}

export function suspensionKindLabel(kind, zh) {
  return label('suspension', kind, zh);
}

export function warningLabel(w) {
  return label('warning', w);
}

export function remainingText(n) {
  if (n === null || n === undefined || n === '' || !Number.isFinite(Number(n))) return '';
  const v = Number(n);
  if (v > 0) return t('case.remaining.left', { n: v });
  if (v === 0) return t('case.remaining.today');
  return t('case.remaining.over', { n: -v });
}

export function limitStartsLabel(s) {
  return label('starts', s);
}

export function deliveryMethodLabel(m, zh) {
  return label('delivery.method', m, zh);
}

/* method: a result ready to go by post is 待寄出, at the window 待领取. */
export function deliveryStatusLabel(s, zh, method) {
  if (s === 'ready' && method === 'post') return label('delivery.status', 'ready.post', zh);
  return label('delivery.status', s, zh);
}

/* 'YYYY-MM-DD' stays as it is; an ISO time becomes its Beijing date. */
export function formatDay(value) {
  if (value === null || value === undefined || value === '') return t('case.none');
  const s = String(value);
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return s;
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}
