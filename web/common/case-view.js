// case-view.js - what the two staff front ends share about cases (办件):
// the hall (综合窗口, web/hall/) and the office (审批办公, web/office/).
//
// Three parts, each used by both:
//   - queues: a list of cases from GET /api/v1/cases?queue=... with a
//     case-number search, a warning filter and paging (mountQueue);
//   - the case page: everything the server shows a staff member about one
//     case (GET /api/v1/cases/{id} and .../events), rendered from the answer
//     as it is: masked numbers stay masked, labels come from case-text.js;
//   - the action panel: one button per name in the case's "actions" (the
//     server asks its transition table and guards with the caller's facts,
//     so the page shows exactly those), each opening a dialog whose form
//     becomes the body of POST /api/v1/cases/{id}/transitions (送达 asks
//     for the applicant's pickup code at the window, 寄出 for the carrier
//     and tracking number);
//   - the time limits and delivery, shared with the portal's case page:
//     办理时限 (both due dates, the originals, limits, counting rule,
//     extended and suspended days, working days left, warning, each step's
//     due date), the 中止 ledger, 延期记录, 纸质原件, 送达与跑动 (method,
//     status, post address, tracking, the applicant's pickup code, trips),
//     and the applicant's choice of delivery (deliveryChoice).
// Warnings are colour, shape and words together (正常 ●, 预警 ▲, 超期 ■,
// 严重超期 ‼), never colour alone.
// Every transition sends If-Match: "<etag>". A 412 means someone else acted
// first: the page reloads the case and says so. Any other refusal is the
// server's problem+json, shown in the dialog (title and the detail in the
// page's language, under the field it names when it names one).
// Contract: docs/cases.md.

import { api, apiGet, ApiError } from './api.js';
import { formatTime, isoTime, kindLabel } from './account-text.js';
import {
  caseActionLabel,
  caseRoleLabel,
  caseStateBadge,
  caseStateLabel,
  channelLabel,
  deliveryMethodLabel,
  deliveryStatusLabel,
  formatDay,
  isOpenState,
  materialSourceLabel,
  noticeKindLabel,
  provisionLabel,
  remainingText,
  suspensionKindLabel,
  WARNING_LEVELS,
  warningLabel,
} from './case-text.js';
import { clearErrors, setBusy, showAlert, showFieldError, showProblem } from './forms.js';
import { addMessages, applyI18n, lang, onLangChange, t } from './i18n.js';
import { el } from './layout.js';
import { goToLogin, onUnauthenticated } from './session.js';

addMessages({
  'zh-CN': {
    'cv.caseno': '办件编号',
    'cv.item': '事项',
    'cv.applicant': '申请人',
    'cv.channel': '申报渠道',
    'cv.state': '状态',
    'cv.submitted': '提交时间',
    'cv.accepted': '受理时间',
    'cv.promised': '承诺办结日期',
    'cv.legal': '法定办结日期',
    'cv.warning': '时限预警',
    'cv.next': '下一环节',
    'cv.next.value': '{name}（{level}）',
    'cv.level': '{n} 级审批权限',
    'cv.level.1': '1 级（窗口人员）',
    'cv.level.2': '2 级（科室负责人）',
    'cv.level.3': '3 级（分管领导）',
    'cv.level.4': '4 级（联席会议）',
    'cv.search': '办件编号',
    'cv.search.hint': '输入编号开头的若干位即可',
    'cv.search.go': '查询',
    'cv.filter.warning': '时限预警',
    'cv.filter.all': '全部',
    'cv.filters': '筛选办件',
    'cv.count': '共 {total} 件，显示第 {from}–{to} 件。',
    'cv.empty': '没有符合条件的办件。',
    'cv.prev': '上一页',
    'cv.next.page': '下一页',
    'cv.pager': '翻页',
    'cv.load.failed': '无法读取办件：{title}',
    'cv.open': '办理',
    'cv.open.label': '办理 {no}',
    'cv.notfound': '未找到该办件，或您无权查看。',
    'cv.noid': '地址中没有办件编号。',
    'cv.back': '返回列表',
    'cv.facts': '办件信息',
    'cv.item.code': '实施编码',
    'cv.item.version': '实施清单版本',
    'cv.item.kind': '办件类型',
    'cv.item.kind.1': '即办件',
    'cv.item.kind.2': '承诺件',
    'cv.item.class': '事项分类',
    'cv.item.class.value': '{c} 类',
    'cv.org': '实施机构',
    'cv.window': '受理窗口',
    'cv.clerk': '受理人',
    'cv.decided': '决定时间',
    'cv.closed': '办结时间',
    'cv.correction.due': '补正期限',
    'cv.delivery': '送达方式',
    'cv.created': '创建时间',
    'cv.extended': '已延期',
    'cv.extended.value': '{n} 个工作日',
    'cv.corrections': '补正次数',
    'cv.trips': '跑动次数',
    'cv.applicant.name': '姓名 / 名称',
    'cv.applicant.kind': '主体类型',
    'cv.applicant.id.person': '居民身份证号',
    'cv.applicant.id.org': '统一社会信用代码',
    'cv.applicant.id': '证件号码',
    'cv.values': '申请表',
    'cv.values.empty': '申请表没有填写内容。',
    'cv.yes': '是',
    'cv.no': '否',
    'cv.money': '{v} 元',
    'cv.materials': '申请材料',
    'cv.materials.table': '申请材料及提供情况',
    'cv.m.no': '序号',
    'cv.m.name': '材料名称',
    'cv.m.required': '必要',
    'cv.m.optional': '非必要',
    'cv.m.source': '来源渠道',
    'cv.m.provision': '提供方式',
    'cv.m.file': '文件',
    'cv.m.paper': '已核验原件',
    'cv.m.licence': '电子证照 {no}',
    'cv.m.licence.no': '证照编号 {no}',
    'cv.m.licence.none': '电子证照库中未找到',
    'cv.m.due': '补交期限 {date}',
    'cv.m.supplied': '已于 {time} 补交',
    'cv.m.allows': '可容缺',
    'cv.m.allows.commitment': '可告知承诺',
    'cv.m.download': '下载 {name}',
    'cv.m.size': '{kb} KB',
    'cv.materials.empty': '本事项没有申请材料。',
    'cv.steps': '办理环节',
    'cv.s.no': '序号',
    'cv.s.name': '环节',
    'cv.s.level': '审批权限',
    'cv.s.limit': '时限',
    'cv.s.limit.value': '{n} 个工作日',
    'cv.s.due': '到期日',
    'cv.s.done': '办理人 / 时间',
    'cv.s.outcome': '结果与意见',
    'cv.s.current': '当前环节',
    'cv.s.pending': '待办理',
    'cv.s.participants': '联席会议参会人员：{names}',
    'cv.outcome.pass': '通过',
    'cv.outcome.approve': '准予',
    'cv.outcome.deny': '不予',
    'cv.outcome.accept': '受理',
    'cv.steps.empty': '尚未生成办理环节（受理后生成）。',
    'cv.suspensions': '特别程序与中止计时',
    'cv.su.kind': '类型',
    'cv.su.reason': '理由',
    'cv.su.limit': '时限',
    'cv.su.started': '开始',
    'cv.su.ended': '结束',
    'cv.su.open': '进行中',
    'cv.notices': '文书',
    'cv.n.none': '尚未出具文书。',
    'cv.n.number': '文号 {number}',
    'cv.n.issued': '出具于 {time}',
    'cv.n.pdf': 'PDF',
    'cv.events': '办理记录',
    'cv.events.table': '办理记录明细',
    'cv.e.time': '时间',
    'cv.e.actor': '操作人',
    'cv.e.action': '操作',
    'cv.e.states': '状态变化',
    'cv.e.detail': '说明',
    'cv.e.none': '暂无办理记录。',
    'cv.e.failed': '无法读取办理记录：{title}',
    'cv.e.faults': '补正内容：{list}',
    'cv.e.general': '通用',
    'cv.e.days': '期限 {n} 个工作日',
    'cv.e.faultcount': '补正 {n} 项',
    'cv.e.due': '期限至 {date}',
    'cv.e.result': '办理结果：{r}',
    'cv.e.method': '送达方式：{m}',
    'cv.e.decision': '决定：{d}',
    'cv.e.procedure': '特别程序：{p}',
    'cv.e.materials': '材料：{list}',
    'cv.flags': '监察标记',
    'cv.flag.refusal': '不予受理（否定报备）',
    'cv.flag.denial': '不予许可（否定报备）',
    'cv.flag.second_correction': '第二次补正',
    'cv.flag.broken_commitment': '容缺承诺逾期未履行',
    'cv.flag.trips_exceeded': '跑动次数超过承诺',
    'cv.flags.none': '没有监察标记。',
    'cv.actions': '办理操作',
    'cv.actions.none': '当前没有您可以办理的操作。',
    'cv.authority': '当前环节“{step}”须由审批权限为 {need} 的人员办理；您的审批权限为 {mine}，不能办理本环节。',
    'cv.actions.lead': '只显示您现在有权办理的操作。',
    'cv.stale': '该办件刚刚已被他人办理或修改，页面已更新为最新内容。请核对后再操作。',
    'cv.done': '“{action}”已办理，办件状态：{state}。',
    'cv.reloaded': '已刷新。',
    'cv.reload': '刷新',
    'd.cancel': '取消',
    'd.opinion': '意见',
    'd.reason': '理由',
    'd.days': '期限（工作日）',
    'd.required': '（必填）',
    'd.pre_review.lead': '核对网上申报的申请表和材料，记录预审意见。预审后办件仍为“已提交”，可继续受理或告知补正。',
    'd.pre_review.submit': '记录预审意见',
    'd.accept.lead': '材料齐全、符合法定形式，予以受理。受理后出具受理通知书，并按承诺时限计算办结日期。',
    'd.accept.submit': '确认受理',
    'd.refuse.lead': '申请事项不属于本机关职权范围或依法不需要取得行政许可的，不予受理，出具不予受理通知书并说明理由。不予受理记入否定报备。',
    'd.refuse.reason.hint': '写明不予受理的事实和依据，将载入不予受理通知书。',
    'd.refuse.submit': '确认不予受理',
    'd.rc.lead': '一次性告知申请人需要补正的全部内容，出具补正材料通知书。补正期间暂停计时。',
    'd.rc.faults': '补正内容',
    'd.rc.fault': '第 {n} 项',
    'd.rc.material': '涉及材料',
    'd.rc.general': '通用问题（不针对具体材料）',
    'd.rc.problem': '问题说明',
    'd.rc.add': '添加一项',
    'd.rc.remove': '删除第 {n} 项',
    'd.rc.days.hint': '申请人应在此期限内补正，默认 5 个工作日。',
    'd.rc.submit': '出具补正通知书',
    'd.rc.need': '请至少填写一项补正内容。',
    'd.am.lead': 'B 类事项中允许容缺的非关键材料可以暂缺，申请人签署容缺受理承诺书，在期限内补交。',
    'd.am.materials': '容缺的材料',
    'd.am.none': '本办件没有允许容缺的材料。',
    'd.am.need': '请至少选择一项容缺的材料。',
    'd.am.days.hint': '申请人应在此期限内补交，默认 10 个工作日。',
    'd.am.submit': '容缺受理',
    'd.ac.lead': '申请人以书面承诺代替下列证明材料，出具告知承诺书。高风险事项不适用告知承诺。',
    'd.ac.materials': '以承诺代替的材料',
    'd.ac.none': '本办件没有允许告知承诺的材料。',
    'd.ac.need': '请至少选择一项以承诺代替的材料。',
    'd.ac.submit': '告知承诺受理',
    'd.review.lead': '完成本环节的审查，填写审查意见后转下一环节。',
    'd.review.submit': '提交审查意见',
    'd.decide.lead': '作出准予或者不予行政许可的决定，出具决定书。不予许可须说明理由，并告知申请人依法申请行政复议或者提起行政诉讼的权利。',
    'd.decide.decision': '决定',
    'd.decide.approve': '准予许可',
    'd.decide.deny': '不予许可',
    'd.decide.reasons': '不予许可的理由',
    'd.decide.reasons.hint': '选择“不予许可”时必填，将载入不予许可决定书。',
    'd.decide.participants': '联席会议参会人员',
    'd.decide.participants.hint': '本环节须由联席会议集体决定。每行填写一位参会人员姓名，至少 3 人。',
    'd.decide.participants.need': '联席会议至少需要 3 位参会人员。',
    'd.decide.reasons.need': '不予许可必须说明理由。',
    'd.decide.submit': '确认决定',
    'd.suspend.lead': '启动本事项的特别程序。特别程序所需时间不计入办理时限。',
    'd.suspend.procedure': '特别程序',
    'd.suspend.limit': '{name}（{n} 个工作日）',
    'd.suspend.none': '本事项没有特别程序。',
    'd.suspend.submit': '启动特别程序',
    'd.resume.lead': '结束当前的特别程序或中止，恢复办理并继续计时；到期日相应顺延。',
    'd.resume.submit': '恢复办理',
    'd.extend.lead': '依照《行政许可法》第四十二条，经批准可以延长办理期限，最多 10 个工作日，并将延长理由告知申请人。',
    'd.extend.days.hint': '1 至 10 个工作日。',
    'd.extend.submit': '延长期限',
    'd.terminate.lead': '终止办理本办件。终止后不能恢复。',
    'd.terminate.submit': '确认终止',
    'd.deliver.lead': '将办理结果送达申请人。送达后办件办结。',
    'd.deliver.method': '送达方式',
    'd.deliver.window': '窗口领取',
    'd.deliver.post': '邮寄送达',
    'd.deliver.electronic': '电子送达',
    'd.deliver.submit': '确认送达',
    'd.deliver.lead.window': '申请人到窗口领取办理结果：核对身份，请申请人出示取件码并输入。交付后办件办结，计一次跑动。',
    'd.deliver.lead.post': '快递公司反馈邮件已由收件人签收后，确认送达。确认后办件办结。',
    'd.deliver.lead.electronic': '办理结果以电子方式送达申请人。确认后办件办结。',
    'd.deliver.code': '取件码',
    'd.deliver.code.hint': '8 位数字。申请人可在“我的办件”中查看取件码。',
    'd.deliver.code.format': '取件码为 8 位数字。',
    'd.deliver.code.wrong': '取件码不正确，请核对后重新输入。',
    'd.deliver.post.info': '{carrier} 运单号 {no}',
    'd.deliver.submit.window': '确认交付',
    'd.deliver.submit.post': '确认签收',
    'd.dispatch.lead': '将办理结果交快递寄出，登记快递公司和运单号。寄出后申请人可在“我的办件”中看到运单号。',
    'd.dispatch.to': '寄往：{who} {phone}，{address}',
    'd.dispatch.carrier': '快递公司',
    'd.dispatch.carrier.choose': '请选择',
    'd.dispatch.carrier.ems': 'EMS（中国邮政速递物流）',
    'd.dispatch.carrier.post': '中国邮政',
    'd.dispatch.carrier.sf': '顺丰速运',
    'd.dispatch.carrier.jd': '京东物流',
    'd.dispatch.tracking': '运单号',
    'd.dispatch.tracking.hint': '快递面单上的运单号，字母和数字。',
    'd.dispatch.tracking.format': '运单号为 6 至 30 位字母或数字。',
    'd.dispatch.submit': '登记寄出',
    'cv.col.remaining': '剩余时间',
    'cv.remaining.past': '已过承诺办结日期',
    'cv.col.delivery': '送达',
    'cv.dl.title': '办理时限',
    'cv.dl.none': '办件受理后开始计算办理时限。',
    'cv.dl.running': '计时状态',
    'cv.dl.running.yes': '计时中',
    'cv.dl.running.suspended': '暂停计时（特别程序或中止期间不计入办理时限）',
    'cv.dl.running.no': '已停止计时',
    'cv.dl.promised': '承诺办结日期',
    'cv.dl.legal': '法定办结日期',
    'cv.dl.original': '原定 {date}',
    'cv.dl.promised.days': '承诺时限',
    'cv.dl.legal.days': '法定时限',
    'cv.dl.days': '{n} 个工作日',
    'cv.dl.starts': '起算规则',
    'cv.dl.starts.next_day': '次日起算（受理次日为第 1 个工作日）',
    'cv.dl.starts.same_day': '当日起算（受理当日为第 1 个工作日）',
    'cv.dl.extended': '延长期限',
    'cv.dl.suspended': '中止计时',
    'cv.dl.zero': '无',
    'cv.dl.remaining': '剩余时间',
    'cv.dl.remaining.none': '不计时',
    'cv.dl.warning': '时限预警',
    'cv.dl.summary.promised': '承诺 {date} 办结',
    'cv.dl.steps': '各环节办理时限',
    'cv.dl.s.name': '环节',
    'cv.dl.s.limit': '时限',
    'cv.dl.s.due': '到期日',
    'cv.dl.s.remaining': '剩余时间',
    'cv.dl.s.warning': '预警',
    'cv.dl.s.done': '已于 {date} 办结',
    'cv.su.caption': '特别程序与中止计时台账',
    'cv.su.days': '中止工作日',
    'cv.su.days.value': '{n} 个工作日',
    'cv.su.limit.value': '不超过 {n} 个工作日',
    'cv.su.total': '合计中止 {n} 个工作日，办结日期相应顺延。',
    'cv.ext.title': '延期记录',
    'cv.ext.caption': '延长办理期限的记录',
    'cv.ext.days': '延长',
    'cv.ext.reason': '理由',
    'cv.ext.by': '批准人',
    'cv.ext.at': '时间',
    'cv.ext.promised': '承诺办结日期',
    'cv.ext.legal': '法定办结日期',
    'cv.ext.move': '{before} → {after}',
    'cv.orig.title': '纸质原件',
    'cv.orig.lead': '以下材料的纸质原件已在窗口核验：',
    'cv.dv.title': '送达与跑动',
    'cv.dv.method': '送达方式',
    'cv.dv.status': '送达状态',
    'cv.dv.options': '可选送达方式',
    'cv.dv.free_post': '本事项免费寄递（邮费由政府承担）。',
    'cv.dv.recipient': '收件人',
    'cv.dv.phone': '联系电话',
    'cv.dv.address': '邮寄地址',
    'cv.dv.carrier': '快递公司',
    'cv.dv.tracking': '运单号',
    'cv.dv.dispatched': '寄出时间',
    'cv.dv.delivered': '送达时间',
    'cv.dv.trips': '跑动次数',
    'cv.dv.trips.value': '{n} 次 / 承诺 {m}',
    'cv.dv.trips.0': '零跑动',
    'cv.dv.trips.1': '最多跑一次',
    'cv.dv.trips.n': '按办事指南',
    'cv.dv.trips.exceeded': '超过承诺跑动次数',
    'cv.dv.code': '取件码',
    'cv.dv.code.lead': '办理结果已可领取。请凭取件码到窗口领取：',
    'cv.dv.code.how': '凭取件码到窗口领取。请携带本人身份证件；取件码请勿告诉他人。',
    'cv.dv.copy': '复制取件码',
    'cv.dv.copied': '取件码已复制。',
    'cv.dv.copy.failed': '无法自动复制，请手动记下取件码。',
    'cv.dv.tracking.note': '办理结果已交 {carrier} 寄出，运单号 {no}。',
    'cv.dc.method': '办理结果送达方式',
    'cv.dc.window': '办理结果出具后，凭取件码到政务服务大厅综合窗口领取。',
    'cv.dc.post': '邮寄到您指定的地址。',
    'cv.dc.post.free': '免费邮寄到您指定的地址（邮费由政府承担）。',
    'cv.dc.electronic': '在“我的办件”中查看和下载电子结果，无需跑动。',
    'cv.dc.post.lead': '请填写收件信息，办理结果将寄往此地址。',
  },
  en: {
    'cv.caseno': 'Case number',
    'cv.item': 'Service',
    'cv.applicant': 'Applicant',
    'cv.channel': 'Channel',
    'cv.state': 'State',
    'cv.submitted': 'Submitted',
    'cv.accepted': 'Accepted',
    'cv.promised': 'Promised by',
    'cv.legal': 'Legal deadline',
    'cv.warning': 'Deadline',
    'cv.next': 'Next step',
    'cv.next.value': '{name} ({level})',
    'cv.level': 'authority level {n}',
    'cv.level.1': 'level 1 (window staff)',
    'cv.level.2': 'level 2 (section chief)',
    'cv.level.3': 'level 3 (leader in charge)',
    'cv.level.4': 'level 4 (joint meeting)',
    'cv.search': 'Case number',
    'cv.search.hint': 'The first digits are enough',
    'cv.search.go': 'Search',
    'cv.filter.warning': 'Deadline',
    'cv.filter.all': 'All',
    'cv.filters': 'Filter cases',
    'cv.count': '{total} cases; showing {from}–{to}.',
    'cv.empty': 'No cases match.',
    'cv.prev': 'Previous',
    'cv.next.page': 'Next',
    'cv.pager': 'Pages',
    'cv.load.failed': 'Could not read the cases: {title}',
    'cv.open': 'Open',
    'cv.open.label': 'Open {no}',
    'cv.notfound': 'No such case, or you may not see it.',
    'cv.noid': 'The address names no case.',
    'cv.back': 'Back to the list',
    'cv.facts': 'Case',
    'cv.item.code': 'Implementation code',
    'cv.item.version': 'Item version',
    'cv.item.kind': 'Case kind',
    'cv.item.kind.1': 'Instant',
    'cv.item.kind.2': 'Promised',
    'cv.item.class': 'Item class',
    'cv.item.class.value': 'Class {c}',
    'cv.org': 'Deciding body',
    'cv.window': 'Accepted at',
    'cv.clerk': 'Accepted by',
    'cv.decided': 'Decided',
    'cv.closed': 'Closed',
    'cv.correction.due': 'Corrections due',
    'cv.delivery': 'Delivery',
    'cv.created': 'Created',
    'cv.extended': 'Extended',
    'cv.extended.value': '{n} working days',
    'cv.corrections': 'Corrections',
    'cv.trips': 'Trips',
    'cv.applicant.name': 'Name',
    'cv.applicant.kind': 'Kind',
    'cv.applicant.id.person': 'Resident ID number',
    'cv.applicant.id.org': 'Unified social credit code',
    'cv.applicant.id': 'ID number',
    'cv.values': 'Application form',
    'cv.values.empty': 'The form is empty.',
    'cv.yes': 'Yes',
    'cv.no': 'No',
    'cv.money': 'CNY {v}',
    'cv.materials': 'Materials',
    'cv.materials.table': 'Materials and how each was provided',
    'cv.m.no': 'No.',
    'cv.m.name': 'Material',
    'cv.m.required': 'Required',
    'cv.m.optional': 'Optional',
    'cv.m.source': 'Source',
    'cv.m.provision': 'Provided as',
    'cv.m.file': 'File',
    'cv.m.paper': 'Original checked',
    'cv.m.licence': 'Electronic licence {no}',
    'cv.m.licence.no': 'Licence number {no}',
    'cv.m.licence.none': 'Not found in the licence library',
    'cv.m.due': 'Due {date}',
    'cv.m.supplied': 'Supplied {time}',
    'cv.m.allows': 'May be missing',
    'cv.m.allows.commitment': 'Commitment allowed',
    'cv.m.download': 'Download {name}',
    'cv.m.size': '{kb} KB',
    'cv.materials.empty': 'This service needs no materials.',
    'cv.steps': 'Procedure',
    'cv.s.no': 'No.',
    'cv.s.name': 'Step',
    'cv.s.level': 'Authority',
    'cv.s.limit': 'Limit',
    'cv.s.limit.value': '{n} working days',
    'cv.s.due': 'Due',
    'cv.s.done': 'Done by / at',
    'cv.s.outcome': 'Outcome and opinion',
    'cv.s.current': 'Current step',
    'cv.s.pending': 'Pending',
    'cv.s.participants': 'Joint meeting: {names}',
    'cv.outcome.pass': 'Passed',
    'cv.outcome.approve': 'Approved',
    'cv.outcome.deny': 'Denied',
    'cv.outcome.accept': 'Accepted',
    'cv.steps.empty': 'No steps yet (they are set at acceptance).',
    'cv.suspensions': 'Special procedures and clock stops',
    'cv.su.kind': 'Kind',
    'cv.su.reason': 'Reason',
    'cv.su.limit': 'Limit',
    'cv.su.started': 'Started',
    'cv.su.ended': 'Ended',
    'cv.su.open': 'Running',
    'cv.notices': 'Documents',
    'cv.n.none': 'No documents yet.',
    'cv.n.number': 'No. {number}',
    'cv.n.issued': 'issued {time}',
    'cv.n.pdf': 'PDF',
    'cv.events': 'History',
    'cv.events.table': 'Every action on this case',
    'cv.e.time': 'Time',
    'cv.e.actor': 'By',
    'cv.e.action': 'Action',
    'cv.e.states': 'State',
    'cv.e.detail': 'Detail',
    'cv.e.none': 'Nothing recorded yet.',
    'cv.e.failed': 'Could not read the history: {title}',
    'cv.e.faults': 'To correct: {list}',
    'cv.e.general': 'general',
    'cv.e.days': 'within {n} working days',
    'cv.e.faultcount': '{n} things to correct',
    'cv.e.due': 'due {date}',
    'cv.e.result': 'Result: {r}',
    'cv.e.method': 'Delivered by: {m}',
    'cv.e.decision': 'Decision: {d}',
    'cv.e.procedure': 'Procedure: {p}',
    'cv.e.materials': 'Materials: {list}',
    'cv.flags': 'Supervision flags',
    'cv.flag.refusal': 'Not accepted (reported)',
    'cv.flag.denial': 'Denied (reported)',
    'cv.flag.second_correction': 'Second correction',
    'cv.flag.broken_commitment': 'Missing materials not supplied in time',
    'cv.flag.trips_exceeded': 'More trips than promised',
    'cv.flags.none': 'No flags.',
    'cv.actions': 'Actions',
    'cv.actions.none': 'There is nothing for you to do on this case now.',
    'cv.authority': 'The current step “{step}” needs {need}; yours is {mine}, so you cannot take this step.',
    'cv.actions.lead': 'Only the actions you may take now are shown.',
    'cv.stale': 'Someone else has just acted on or changed this case; the page now shows the latest. Please check before you act.',
    'cv.done': '“{action}” done; the case is now: {state}.',
    'cv.reloaded': 'Refreshed.',
    'cv.reload': 'Refresh',
    'd.cancel': 'Cancel',
    'd.opinion': 'Opinion',
    'd.reason': 'Reason',
    'd.days': 'Working days',
    'd.required': '(required)',
    'd.pre_review.lead': 'Check the online form and materials and record your opinion. The case stays submitted; you can accept it or ask for corrections afterwards.',
    'd.pre_review.submit': 'Record the pre-check',
    'd.accept.lead': 'The materials are complete and in legal form: accept. A notice of acceptance is issued and the completion date set from the promised limit.',
    'd.accept.submit': 'Accept',
    'd.refuse.lead': 'Outside this body’s powers, or no licence is needed: refuse to accept, with a notice stating the reason. Refusals are reported to supervision.',
    'd.refuse.reason.hint': 'State the facts and the legal basis; this goes into the notice.',
    'd.refuse.submit': 'Refuse to accept',
    'd.rc.lead': 'Tell the applicant everything to correct at once, in one notice. The clock stops while they correct.',
    'd.rc.faults': 'What to correct',
    'd.rc.fault': 'Item {n}',
    'd.rc.material': 'Material',
    'd.rc.general': 'General (no single material)',
    'd.rc.problem': 'Problem',
    'd.rc.add': 'Add an item',
    'd.rc.remove': 'Remove item {n}',
    'd.rc.days.hint': 'The applicant corrects within this time; 5 working days by default.',
    'd.rc.submit': 'Issue the correction notice',
    'd.rc.need': 'Fill in at least one thing to correct.',
    'd.am.lead': 'Class B items: non-essential materials that allow it may follow later. The applicant signs an undertaking and supplies them in time.',
    'd.am.materials': 'Materials to follow',
    'd.am.none': 'No material of this case may be missing.',
    'd.am.need': 'Choose at least one material.',
    'd.am.days.hint': 'The applicant supplies them within this time; 10 working days by default.',
    'd.am.submit': 'Accept with materials to follow',
    'd.ac.lead': 'The applicant’s written commitment replaces these proofs; a commitment form is issued. Not for high-risk items.',
    'd.ac.materials': 'Replaced by commitment',
    'd.ac.none': 'No material of this case allows a commitment.',
    'd.ac.need': 'Choose at least one material.',
    'd.ac.submit': 'Accept on commitment',
    'd.review.lead': 'Complete this review step with your opinion; the case goes on to the next step.',
    'd.review.submit': 'Submit the review',
    'd.decide.lead': 'Grant or refuse the licence; a decision is issued. A refusal states its reasons and tells the applicant of the right to administrative reconsideration or litigation.',
    'd.decide.decision': 'Decision',
    'd.decide.approve': 'Grant',
    'd.decide.deny': 'Refuse',
    'd.decide.reasons': 'Reasons for refusal',
    'd.decide.reasons.hint': 'Required when refusing; they go into the decision.',
    'd.decide.participants': 'Joint meeting participants',
    'd.decide.participants.hint': 'This step is decided by a joint meeting: one name per line, at least 3.',
    'd.decide.participants.need': 'A joint meeting needs at least 3 participants.',
    'd.decide.reasons.need': 'A refusal must state its reasons.',
    'd.decide.submit': 'Decide',
    'd.suspend.lead': 'Start one of this service’s special procedures. Their time does not count towards the limit.',
    'd.suspend.procedure': 'Special procedure',
    'd.suspend.limit': '{name} ({n} working days)',
    'd.suspend.none': 'This service has no special procedures.',
    'd.suspend.submit': 'Start',
    'd.resume.lead': 'End the running procedure or stop and go on; due dates move by the time it took.',
    'd.resume.submit': 'Resume',
    'd.extend.lead': 'Licensing Law art. 42: with approval the time limit may be extended by up to 10 working days; the applicant is told why.',
    'd.extend.days.hint': '1 to 10 working days.',
    'd.extend.submit': 'Extend',
    'd.terminate.lead': 'Stop handling this case. This cannot be undone.',
    'd.terminate.submit': 'Terminate',
    'd.deliver.lead': 'Deliver the result to the applicant. The case is then closed.',
    'd.deliver.method': 'Delivery',
    'd.deliver.window': 'Collected at the window',
    'd.deliver.post': 'By post',
    'd.deliver.electronic': 'Electronically',
    'd.deliver.submit': 'Deliver',
    'd.deliver.lead.window': 'The applicant collects the result at the window: check their identity and enter the pickup code they show. The case is then closed; this counts as one trip.',
    'd.deliver.lead.post': 'Once the carrier reports the item received, confirm the delivery. The case is then closed.',
    'd.deliver.lead.electronic': 'The result is delivered electronically. The case is then closed.',
    'd.deliver.code': 'Pickup code',
    'd.deliver.code.hint': '8 digits. The applicant finds it under “My cases”.',
    'd.deliver.code.format': 'A pickup code is 8 digits.',
    'd.deliver.code.wrong': 'The pickup code is not right. Check it and enter it again.',
    'd.deliver.post.info': '{carrier}, tracking number {no}',
    'd.deliver.submit.window': 'Hand over',
    'd.deliver.submit.post': 'Confirm receipt',
    'd.dispatch.lead': 'Post the result and record the carrier and the tracking number. The applicant then sees the tracking number under “My cases”.',
    'd.dispatch.to': 'To: {who} {phone}, {address}',
    'd.dispatch.carrier': 'Carrier',
    'd.dispatch.carrier.choose': 'Please choose',
    'd.dispatch.carrier.ems': 'EMS (China Post Express)',
    'd.dispatch.carrier.post': 'China Post',
    'd.dispatch.carrier.sf': 'SF Express',
    'd.dispatch.carrier.jd': 'JD Logistics',
    'd.dispatch.tracking': 'Tracking number',
    'd.dispatch.tracking.hint': 'The number on the waybill: letters and digits.',
    'd.dispatch.tracking.format': 'A tracking number is 6 to 30 letters or digits.',
    'd.dispatch.submit': 'Record as posted',
    'cv.col.remaining': 'Time left',
    'cv.remaining.past': 'Past the promised date',
    'cv.col.delivery': 'Delivery',
    'cv.dl.title': 'Time limits',
    'cv.dl.none': 'The time limits are counted from acceptance.',
    'cv.dl.running': 'Clock',
    'cv.dl.running.yes': 'Running',
    'cv.dl.running.suspended': 'Stopped (special procedures and suspensions do not count)',
    'cv.dl.running.no': 'Stopped',
    'cv.dl.promised': 'Promised by',
    'cv.dl.legal': 'Legal deadline',
    'cv.dl.original': 'originally {date}',
    'cv.dl.promised.days': 'Promised limit',
    'cv.dl.legal.days': 'Legal limit',
    'cv.dl.days': '{n} working days',
    'cv.dl.starts': 'Counting',
    'cv.dl.starts.next_day': 'from the next day (the day after acceptance is day 1)',
    'cv.dl.starts.same_day': 'from the same day (the day of acceptance is day 1)',
    'cv.dl.extended': 'Extended by',
    'cv.dl.suspended': 'Clock stopped for',
    'cv.dl.zero': 'none',
    'cv.dl.remaining': 'Time left',
    'cv.dl.remaining.none': 'clock not running',
    'cv.dl.warning': 'Warning',
    'cv.dl.summary.promised': 'promised by {date}',
    'cv.dl.steps': 'Time limits of the steps',
    'cv.dl.s.name': 'Step',
    'cv.dl.s.limit': 'Limit',
    'cv.dl.s.due': 'Due',
    'cv.dl.s.remaining': 'Time left',
    'cv.dl.s.warning': 'Warning',
    'cv.dl.s.done': 'done {date}',
    'cv.su.caption': 'Ledger of special procedures and clock stops',
    'cv.su.days': 'Working days stopped',
    'cv.su.days.value': '{n} working days',
    'cv.su.limit.value': 'at most {n} working days',
    'cv.su.total': '{n} working days stopped in all; the due dates moved by as much.',
    'cv.ext.title': 'Extensions',
    'cv.ext.caption': 'Extensions of the time limit',
    'cv.ext.days': 'Days',
    'cv.ext.reason': 'Reason',
    'cv.ext.by': 'Approved by',
    'cv.ext.at': 'When',
    'cv.ext.promised': 'Promised by',
    'cv.ext.legal': 'Legal deadline',
    'cv.ext.move': '{before} → {after}',
    'cv.orig.title': 'Paper originals',
    'cv.orig.lead': 'The paper originals of these materials were checked at the window:',
    'cv.dv.title': 'Delivery and trips',
    'cv.dv.method': 'Delivery',
    'cv.dv.status': 'Status',
    'cv.dv.options': 'Methods offered',
    'cv.dv.free_post': 'Postage for this service is free (paid by the government).',
    'cv.dv.recipient': 'Recipient',
    'cv.dv.phone': 'Phone',
    'cv.dv.address': 'Address',
    'cv.dv.carrier': 'Carrier',
    'cv.dv.tracking': 'Tracking number',
    'cv.dv.dispatched': 'Posted',
    'cv.dv.delivered': 'Delivered',
    'cv.dv.trips': 'Trips',
    'cv.dv.trips.value': '{n} / promised {m}',
    'cv.dv.trips.0': 'no trip',
    'cv.dv.trips.1': 'at most one trip',
    'cv.dv.trips.n': 'as the guide says',
    'cv.dv.trips.exceeded': 'More trips than promised',
    'cv.dv.code': 'Pickup code',
    'cv.dv.code.lead': 'The result is ready. Collect it at the window with this pickup code:',
    'cv.dv.code.how': 'Show the pickup code at the window to collect the result. Bring your ID; do not tell anyone else the code.',
    'cv.dv.copy': 'Copy the pickup code',
    'cv.dv.copied': 'Pickup code copied.',
    'cv.dv.copy.failed': 'Could not copy; please write the code down.',
    'cv.dv.tracking.note': 'The result was posted with {carrier}, tracking number {no}.',
    'cv.dc.method': 'How the result reaches you',
    'cv.dc.window': 'Collect it at the comprehensive window of the service hall with a pickup code once it is out.',
    'cv.dc.post': 'Posted to the address you give.',
    'cv.dc.post.free': 'Posted free of charge to the address you give (the government pays the postage).',
    'cv.dc.electronic': 'See and download the electronic result under “My cases”; no trip needed.',
    'cv.dc.post.lead': 'Where should the result go? It is posted to this address.',
  },
});

/* ================================================================ helpers */

const NONE = () => t('common.none');

function text(v) {
  return v === null || v === undefined || v === '' ? NONE() : String(v);
}

/* The name of a thing that may come as a string or as {name}. */
function nameOf(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return v.name || v.username || '';
  return String(v);
}

/* '2 级（科室负责人）'; an unknown level as '{n} 级审批权限'. */
export function levelLabel(n) {
  const key = `cv.level.${n}`;
  const s = t(key);
  return s === key ? t('cv.level', { n }) : s;
}

/*
 * A deadline-warning badge: the colour, a shape and the words (never colour
 * alone). zh: the API's warning_zh, used when the table has no word for w.
 */
export function warningBadge(w, zh) {
  if (!w) return NONE();
  const known = WARNING_LEVELS.includes(w);
  return el(
    'span',
    { class: `badge cw-warning cw-warn-${known ? w : 'unknown'}`, 'data-warning': w },
    el('span', { class: 'cw-warn-mark', 'aria-hidden': 'true' }),
    warningLabel(w) === w && zh ? zh : warningLabel(w),
  );
}

/*
 * '剩余 3 个工作日' / '超期 2 个工作日' as a line, or null when the clock does
 * not run. warning: the case's level; a red one whose working days left are
 * not negative (a weekend after the due date: no working day has passed
 * yet) says 已过承诺办结日期 rather than 今日到期.
 */
export function remainingEl(n, extraClass = '', warning = null) {
  const s = remainingText(n);
  if (!s) return null;
  const v = Number(n);
  const past = v >= 0 && (warning === 'red' || warning === 'severe');
  return el(
    'span',
    { class: `cw-remaining ${v < 0 || past ? 'is-over' : v <= 1 ? 'is-near' : ''} ${extraClass}`.trim(), 'data-remaining': v },
    past ? t('cv.remaining.past') : s,
  );
}

/* The delivery's status in words (a window result that is ready is 待领取, a post one 待寄出). */
function deliveryStatusText(d) {
  if (!d || !d.status) return null;
  return deliveryStatusLabel(d.status, d.status_zh, d.method);
}

function timeEl(value) {
  if (!value) return NONE();
  return el('time', { datetime: isoTime(value) }, formatTime(value));
}

function dayEl(value) {
  if (!value) return NONE();
  return el('time', { datetime: /^\d{4}-\d{2}-\d{2}$/.test(String(value)) ? value : isoTime(value) }, formatDay(value));
}

function listJoin(parts) {
  return parts.join(lang() === 'en' ? '; ' : '；');
}

let idSeq = 0;
function uid(prefix) {
  idSeq += 1;
  return `${prefix}-${idSeq}`;
}

/* A random key for Idempotency-Key (crypto.randomUUID needs a secure context). */
export function newIdempotencyKey() {
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/* ================================================================ API */

export function casePath(id) {
  return `/api/v1/cases/${encodeURIComponent(id)}`;
}

export function getCase(id) {
  return apiGet(casePath(id));
}

/*
 * POST a transition with If-Match of the case as the page holds it; answers
 * the case after it. Throws ApiError (412 when someone acted first).
 */
export function sendTransition(c, action, body = {}) {
  return api(`${casePath(c.id)}/transitions`, {
    method: 'POST',
    headers: { 'If-Match': `"${c.etag}"` },
    body: { action, ...body },
  });
}

/* ================================================================ queues */

/*
 * The columns a queue may show; each is {key, label, cell(c)}. Pages pick
 * theirs by key.
 */
const COLUMNS = {
  case_no: { label: 'cv.caseno', cell: (c, o) => el('a', { href: o.caseHref(c), class: 'cw-caseno' }, c.case_no || c.id) },
  item: { label: 'cv.item', cell: (c) => nameOf(c.item) || NONE() },
  applicant: { label: 'cv.applicant', cell: (c) => text(c.applicant_name) },
  channel: { label: 'cv.channel', cell: (c) => (c.channel ? channelLabel(c.channel) : NONE()) },
  state: { label: 'cv.state', cell: (c) => caseStateBadge(c.state, c.state_zh) },
  next_step: {
    label: 'cv.next',
    cell: (c) =>
      c.next_step ? el('span', {}, c.next_step.name, el('span', { class: 'who-sub' }, levelLabel(c.next_step.authority_level))) : NONE(),
  },
  submitted_at: { label: 'cv.submitted', cell: (c) => timeEl(c.submitted_at) },
  accepted_at: { label: 'cv.accepted', cell: (c) => timeEl(c.accepted_at) },
  promised_due: { label: 'cv.promised', cell: (c) => dayEl(c.promised_due) },
  warning: {
    label: 'cv.warning',
    cell: (c) => (c.warning ? el('div', { class: 'cw-warn-cell' }, warningBadge(c.warning, c.warning_zh), remainingEl(c.remaining_workdays, '', c.warning)) : NONE()),
  },
  delivery: {
    label: 'cv.col.delivery',
    cell: (c) =>
      c.delivery && c.delivery.method
        ? el(
            'div',
            { class: 'cw-delivery-cell', 'data-method': c.delivery.method, 'data-delivery-status': c.delivery.status || '' },
            el('span', {}, deliveryMethodLabel(c.delivery.method, c.delivery.method_zh)),
            c.delivery.status ? el('span', { class: `badge ${deliveryBadgeClass(c.delivery.status)}` }, deliveryStatusText(c.delivery)) : null,
          )
        : NONE(),
  },
};

function deliveryBadgeClass(status) {
  if (status === 'delivered') return 'badge-on';
  if (status === 'ready') return 'badge-warn';
  if (status === 'dispatched') return 'badge-flag';
  return 'badge-muted';
}

const PAGE_SIZE = 20;

/*
 * Fill host with a queue: a search form (case number prefix, and the
 * warning colour when filters includes 'warning'), the table and paging.
 * opts: queue (the API's queue name, or null for everything the account
 * may see), columns (keys of COLUMNS), caseHref(c), captionKey, loginPage.
 */
export function mountQueue(host, opts) {
  const { queue = null, columns, caseHref, captionKey, loginPage, filters = [] } = opts;
  const formId = uid('cw-q');
  const captionId = uid('cw-cap');
  const form = el(
    'form',
    { class: 'form cw-filter', id: formId, role: 'search', novalidate: true, 'data-i18n-attr': 'aria-label:cv.filters' },
    el('div', { class: 'form-alert', role: 'alert', hidden: true }),
    el(
      'div',
      { class: 'cw-filter-row' },
      el(
        'div',
        { class: 'field' },
        el('label', { for: `${formId}-q`, 'data-i18n': 'cv.search' }),
        el('input', {
          id: `${formId}-q`,
          name: 'q',
          type: 'text',
          inputmode: 'text',
          autocomplete: 'off',
          spellcheck: 'false',
          'aria-describedby': `${formId}-q-hint`,
        }),
        el('p', { class: 'field-hint', id: `${formId}-q-hint`, 'data-i18n': 'cv.search.hint' }),
      ),
      filters.includes('warning')
        ? el(
            'div',
            { class: 'field' },
            el('label', { for: `${formId}-w`, 'data-i18n': 'cv.filter.warning' }),
            el(
              'select',
              { id: `${formId}-w`, name: 'warning' },
              el('option', { value: '', 'data-i18n': 'cv.filter.all' }),
              ...WARNING_LEVELS.map((w) => el('option', { value: w, 'data-i18n': `case.warning.${w}` })),
            ),
          )
        : null,
      el('div', { class: 'cw-filter-go' }, el('button', { type: 'submit', class: 'btn btn-primary', 'data-i18n': 'cv.search.go' })),
    ),
  );
  const status = el('p', { class: 'section-status', role: 'status' });
  const tbody = el('tbody');
  const table = el(
    'table',
    { class: 'data-table cw-queue' },
    el('caption', { id: captionId, class: 'visually-hidden', 'data-i18n': captionKey }),
    el('thead', {}, el('tr', {}, ...columns.map((k) => el('th', { scope: 'col', 'data-i18n': COLUMNS[k].label })))),
    tbody,
  );
  const wrap = el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': captionId, hidden: true }, table);
  const prev = el('button', { type: 'button', class: 'btn btn-secondary btn-small', 'data-i18n': 'cv.prev' });
  const next = el('button', { type: 'button', class: 'btn btn-secondary btn-small', 'data-i18n': 'cv.next.page' });
  const pager = el('nav', { class: 'cw-pager', 'data-i18n-attr': 'aria-label:cv.pager', hidden: true }, prev, next);
  host.append(form, status, wrap, pager);
  applyI18n(host);

  const state = { offset: 0, total: 0, cases: [], query: {} };
  // ?warning=red (a link from a warning message) starts the queue filtered.
  const askedWarning = new URLSearchParams(window.location.search).get('warning');
  if (form.elements.warning && WARNING_LEVELS.includes(askedWarning)) {
    form.elements.warning.value = askedWarning;
    state.query.warning = askedWarning;
  }
  const load = async () => {
    const params = new URLSearchParams();
    if (queue) params.set('queue', queue);
    for (const [k, v] of Object.entries(state.query)) if (v) params.set(k, v);
    params.set('limit', String(PAGE_SIZE));
    params.set('offset', String(state.offset));
    const done = setBusy(form);
    host.setAttribute('aria-busy', 'true');
    try {
      const answer = await apiGet(`/api/v1/cases?${params}`);
      state.cases = Array.isArray(answer && answer.cases) ? answer.cases : [];
      state.total = Number(answer && answer.total) || 0;
      render();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (onUnauthenticated(err, loginPage)) return;
      status.textContent = t('cv.load.failed', { title: err.detail || err.title });
      status.classList.add('notice');
    } finally {
      done();
      host.removeAttribute('aria-busy');
    }
  };
  const render = () => {
    status.classList.remove('notice');
    tbody.replaceChildren(
      ...state.cases.map((c) =>
        el(
          'tr',
          {
            'data-case': c.id,
            'data-state': c.state,
            'data-warning': c.warning || null,
            'data-remaining': c.remaining_workdays ?? null,
            class: c.warning ? `cw-row-${c.warning}` : null,
          },
          ...columns.map((k) => {
            const cell = COLUMNS[k].cell(c, { caseHref });
            return el('td', { 'data-label': t(COLUMNS[k].label) }, cell);
          }),
        ),
      ),
    );
    wrap.hidden = state.cases.length === 0;
    const from = state.cases.length ? state.offset + 1 : 0;
    status.textContent = state.cases.length ? t('cv.count', { total: state.total, from, to: state.offset + state.cases.length }) : t('cv.empty');
    pager.hidden = state.total <= PAGE_SIZE;
    prev.disabled = state.offset === 0;
    next.disabled = state.offset + state.cases.length >= state.total;
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    state.query = { q: form.elements.q.value.trim() };
    if (form.elements.warning) state.query.warning = form.elements.warning.value;
    state.offset = 0;
    load();
  });
  prev.addEventListener('click', () => {
    state.offset = Math.max(0, state.offset - PAGE_SIZE);
    load();
  });
  next.addEventListener('click', () => {
    state.offset += PAGE_SIZE;
    load();
  });
  onLangChange(() => {
    applyI18n(host);
    if (state.cases.length || state.total === 0) render();
  });
  load();
  return { reload: load };
}

/* ================================================================ the case page */

/*
 * Run the case page of a front end: read ?id=, load the case, its events
 * and its item version (for the form's labels), render, and wire the
 * actions. The HTML has #case-status (role=status), #case-heading (h1),
 * #case-lead and an empty #case-view. opts: loginPage; account (the
 * logged-in account: its authority level explains a step it cannot take).
 */
export async function mountCasePage({ loginPage, account = null }) {
  const view = document.getElementById('case-view');
  const status = document.getElementById('case-status');
  const id = new URLSearchParams(window.location.search).get('id');
  if (!id) {
    pageNotice(status, t('cv.noid'));
    return;
  }
  const page = { id, c: null, events: null, eventsError: null, form: null, loginPage, account, view, status, message: null };
  onLangChange(() => page.c && render(page));
  await reload(page);
}

/* Load the case (and what goes with it) again and render; messages survive. */
async function reload(page) {
  try {
    page.c = await getCase(page.id);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (onUnauthenticated(err, page.loginPage)) return;
    pageNotice(page.status, err.status === 404 ? t('cv.notfound') : t('cv.load.failed', { title: err.detail || err.title }));
    page.view.replaceChildren();
    return;
  }
  await Promise.all([loadEvents(page), loadForm(page)]);
  render(page);
}

async function loadEvents(page) {
  try {
    const answer = await apiGet(`${casePath(page.id)}/events`);
    page.events = Array.isArray(answer) ? answer : Array.isArray(answer && answer.events) ? answer.events : [];
    page.eventsError = null;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    page.events = null;
    page.eventsError = err;
  }
}

/* The item version's form (labels and option names of the values), once. */
async function loadForm(page) {
  const item = page.c.item || {};
  const key = `${item.code}@${item.version}`;
  if (page.form && page.form.key === key) return;
  page.form = { key, fields: [] };
  if (!item.code) return;
  try {
    const path = item.version
      ? `/api/v1/items/${encodeURIComponent(item.code)}/versions/${encodeURIComponent(item.version)}`
      : `/api/v1/items/${encodeURIComponent(item.code)}`;
    const answer = await apiGet(path);
    const doc = (answer && answer.item) || {};
    page.form.fields = (doc.form && Array.isArray(doc.form.fields) && doc.form.fields) || [];
  } catch {
    /* the values then show under their keys */
  }
}

function pageNotice(status, message) {
  status.classList.remove('loading');
  status.classList.add('notice');
  status.textContent = message;
}

function render(page) {
  const c = page.c;
  const heading = document.getElementById('case-heading');
  const lead = document.getElementById('case-lead');
  heading.removeAttribute('data-i18n');
  heading.textContent = c.case_no || c.id;
  heading.dataset.caseNo = c.case_no || '';
  lead.replaceChildren(el('span', { class: 'cw-lead-item' }, nameOf(c.item)), ' ', caseStateBadge(c.state, c.state_zh));
  document.title = `${c.case_no || ''} ${nameOf(c.item)} · ${document.title.split(' · ').slice(-2).join(' · ')}`;
  page.status.hidden = true;

  const main = el(
    'div',
    { class: 'cw-main' },
    factsSection(c),
    deadlinesSection(c),
    suspensionsSection(c),
    extensionsSection(c),
    deliverySection(c),
    applicantSection(c),
    valuesSection(c, page.form ? page.form.fields : []),
    materialsSection(c),
    originalsSection(c),
    stepsSection(c),
    eventsSection(page),
  );
  const side = el('div', { class: 'cw-side' }, actionsSection(page), noticesSection(c), c.flags ? flagsSection(c) : null);
  page.view.replaceChildren(el('div', { class: 'cw-layout' }, side, main));
  page.view.dataset.state = c.state;
  page.view.dataset.etag = String(c.etag);
  applyI18n(page.view);
}

/* ---------------------------------------------------------------- sections */

function section(id, titleKey, ...children) {
  return el(
    'section',
    { class: 'panel cw-section', id, 'aria-labelledby': `${id}-title` },
    el('h2', { class: 'panel-title', id: `${id}-title`, 'data-i18n': titleKey }),
    ...children,
  );
}

function facts(rows) {
  const dl = el('dl', { class: 'facts cw-facts' });
  for (const [key, value, attrs] of rows) {
    if (value === undefined) continue;
    dl.append(el('dt', { 'data-i18n': key }), el('dd', attrs || {}, value === null || value === '' ? NONE() : value));
  }
  return dl;
}

function factsSection(c) {
  const item = c.item || {};
  const dl = c.deadlines || null;
  const next = c.next_step ? t('cv.next.value', { name: c.next_step.name, level: levelLabel(c.next_step.authority_level) }) : null;
  return section(
    'case-facts',
    'cv.facts',
    facts([
      ['cv.caseno', el('span', { class: 'cw-mono', 'data-role': 'case-no' }, c.case_no || NONE())],
      ['cv.state', caseStateBadge(c.state, c.state_zh)],
      ['cv.item', item.name || NONE()],
      ['cv.item.code', item.code ? el('span', { class: 'cw-mono' }, item.code) : null],
      ['cv.item.version', item.version ?? null],
      ['cv.item.kind', item.kind ? t(`cv.item.kind.${item.kind}`) : item.instant ? t('cv.item.kind.1') : null],
      ['cv.item.class', item.item_class ? t('cv.item.class.value', { c: item.item_class }) : null],
      ['cv.org', nameOf(c.org) || null],
      ['cv.channel', c.channel ? channelLabel(c.channel) : null],
      ['cv.next', next, { 'data-role': 'next-step' }],
      ['cv.submitted', timeEl(c.submitted_at)],
      ['cv.accepted', timeEl(c.accepted_at)],
      ['cv.window', c.accepted_window ? [c.accepted_window.name, c.accepted_window.code].filter(Boolean).join(' ') : null],
      ['cv.clerk', nameOf(c.accepted_by) || null],
      ['cv.correction.due', c.correction_due ? dayEl(c.correction_due) : undefined],
      // the dates, the warning, trips and delivery have their own panels when the server gives them
      ['cv.promised', dl ? undefined : dayEl(c.promised_due), { 'data-role': 'promised' }],
      ['cv.legal', dl ? undefined : dayEl(c.legal_due)],
      ['cv.warning', c.warning ? el('span', { class: 'cw-warn-cell' }, warningBadge(c.warning, c.warning_zh), remainingEl(dl ? dl.remaining_workdays : c.remaining_workdays, '', c.warning)) : null],
      ['cv.extended', !dl && c.extended_days ? t('cv.extended.value', { n: c.extended_days }) : undefined],
      ['cv.corrections', c.corrections ?? null],
      ['cv.trips', c.trips && typeof c.trips === 'object' ? undefined : (c.trips ?? null)],
      ['cv.decided', c.decided_at ? timeEl(c.decided_at) : undefined],
      ['cv.delivery', c.delivery && typeof c.delivery !== 'object' ? deliveryText(c.delivery) : undefined],
      ['cv.closed', c.closed_at ? timeEl(c.closed_at) : undefined],
    ]),
  );
}

/* The delivery as the API gives it: a method name, or {method, ...}. */
function deliveryText(d) {
  if (typeof d === 'object' && d) return d.method ? deliveryMethodLabel(d.method, d.method_zh) : null;
  return deliveryMethodLabel(d);
}

function applicantSection(c) {
  const a = c.applicant || {};
  const idKey = a.kind === 'org' ? 'cv.applicant.id.org' : a.kind === 'person' ? 'cv.applicant.id.person' : 'cv.applicant.id';
  return section(
    'case-applicant',
    'cv.applicant',
    facts([
      ['cv.applicant.name', a.name || null],
      ['cv.applicant.kind', a.kind ? kindLabel(a.kind) : null],
      [idKey, a.id_number ? el('span', { class: 'masked', 'data-role': 'applicant-id' }, a.id_number) : null],
    ]),
  );
}

/* One value as text, using the field's type and options when the form is known. */
function valueText(value, field) {
  if (value === null || value === undefined || value === '') return NONE();
  if (typeof value === 'boolean') return t(value ? 'cv.yes' : 'cv.no');
  if (field) {
    if (field.type === 'select' && Array.isArray(field.options)) {
      const o = field.options.find((x) => String(x.value) === String(value));
      if (o) return o.label;
    }
    if (field.type === 'money_fen' && Number.isFinite(Number(value))) return t('cv.money', { v: fenToYuan(Number(value)) });
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/*
 * A form field's label. Money is kept in fen and the item's labels say so
 * ('注册资本（分）'); staff see and type yuan, so the unit goes.
 */
export function fieldLabel(f) {
  return f.type === 'money_fen' ? String(f.label).replace(/\s*[（(]分[)）]\s*$/, '') : f.label;
}

/* 1234567 fen -> '12,345.67' (integers only: no float rounding). */
export function fenToYuan(fen) {
  const neg = fen < 0;
  const s = String(Math.abs(Math.trunc(fen))).padStart(3, '0');
  const yuan = s.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const jiao = s.slice(-2);
  return `${neg ? '-' : ''}${yuan}${jiao === '00' ? '' : `.${jiao}`}`;
}

function valuesSection(c, fields) {
  const values = c.values && typeof c.values === 'object' ? c.values : {};
  const keys = Object.keys(values);
  if (!keys.length) return section('case-values', 'cv.values', el('p', { class: 'empty-note', 'data-i18n': 'cv.values.empty' }));
  const byKey = Object.fromEntries(fields.map((f) => [f.key, f]));
  // The form's order first, then anything the form does not name.
  const ordered = [...fields.map((f) => f.key).filter((k) => k in values), ...keys.filter((k) => !(k in byKey))];
  const dl = el('dl', { class: 'facts cw-facts' });
  for (const k of ordered) {
    const f = byKey[k];
    dl.append(el('dt', {}, f ? fieldLabel(f) : k), el('dd', { 'data-key': k }, valueText(values[k], f)));
  }
  return section('case-values', 'cv.values', dl);
}

function materialsSection(c) {
  const mats = Array.isArray(c.materials) ? c.materials : [];
  if (!mats.length) return section('case-materials', 'cv.materials', el('p', { class: 'empty-note', 'data-i18n': 'cv.materials.empty' }));
  const captionId = 'case-materials-caption';
  const rows = mats.map((m) => {
    const file = m.upload
      ? el(
          'a',
          {
            href: `/api/v1/uploads/${encodeURIComponent(m.upload.id)}`,
            class: 'cw-file',
            'aria-label': t('cv.m.download', { name: m.upload.name || m.name }),
            'data-upload': m.upload.id,
          },
          m.upload.name || m.upload.id,
        )
      : null;
    const sizeNote = m.upload && m.upload.size ? el('span', { class: 'who-sub' }, t('cv.m.size', { kb: Math.max(1, Math.round(m.upload.size / 1024)) })) : null;
    const provision = el(
      'div',
      { class: 'cw-provision' },
      el('span', { class: `badge ${m.source === 'licence' && m.provision === 'licence' && !m.licence ? 'badge-warn' : provisionClass(m.provision)}`, 'data-provision': m.provision ?? 'null' }, provisionLabel(m.provision)),
      m.paper ? el('span', { class: 'badge badge-flag' }, t('cv.m.paper')) : null,
      m.licence && m.licence.no ? el('span', { class: 'who-sub client-id cw-licence', 'data-licence': m.licence.no }, t(m.provision === 'licence' ? 'cv.m.licence.no' : 'cv.m.licence', { no: m.licence.no })) : null,
      m.source === 'licence' && m.provision === 'licence' && !m.licence ? el('span', { class: 'who-sub cw-licence-none' }, t('cv.m.licence.none')) : null,
      m.supplement_due && !m.supplied_at ? el('span', { class: 'who-sub' }, t('cv.m.due', { date: formatDay(m.supplement_due) })) : null,
      isLater(m.supplied_at, c.submitted_at) ? el('span', { class: 'who-sub' }, t('cv.m.supplied', { time: formatTime(m.supplied_at) })) : null,
    );
    const allows = [m.allows_missing ? t('cv.m.allows') : null, m.allows_commitment ? t('cv.m.allows.commitment') : null].filter(Boolean);
    return el(
      'tr',
      { 'data-index': m.index, 'data-provision': m.provision ?? 'null' },
      el('td', { 'data-label': t('cv.m.no') }, String(Number(m.index) + 1)),
      el(
        'td',
        { 'data-label': t('cv.m.name') },
        el(
          'div',
          {},
          el('span', { class: 'material-name' }, m.name),
          el('span', { class: 'who-sub' }, [t(m.is_required ? 'cv.m.required' : 'cv.m.optional'), ...allows].join(' · ')),
        ),
      ),
      el('td', { 'data-label': t('cv.m.source') }, m.source ? materialSourceLabel(m.source) : NONE()),
      el('td', { 'data-label': t('cv.m.provision') }, provision),
      el('td', { 'data-label': t('cv.m.file') }, el('div', {}, file || NONE(), sizeNote)),
    );
  });
  return section(
    'case-materials',
    'cv.materials',
    el(
      'div',
      { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': captionId },
      el(
        'table',
        { class: 'data-table' },
        el('caption', { id: captionId, class: 'visually-hidden', 'data-i18n': 'cv.materials.table' }),
        el(
          'thead',
          {},
          el('tr', {}, ...['cv.m.no', 'cv.m.name', 'cv.m.source', 'cv.m.provision', 'cv.m.file'].map((k) => el('th', { scope: 'col', 'data-i18n': k }))),
        ),
        el('tbody', {}, ...rows),
      ),
    ),
  );
}

/* True when time a is after time b (a material handed in after the application). */
function isLater(a, b) {
  if (!a || !b) return false;
  const x = Date.parse(a);
  const y = Date.parse(b);
  return Number.isFinite(x) && Number.isFinite(y) && x > y;
}

function provisionClass(p) {
  if (p === 'submitted' || p === 'licence' || p === 'shared') return 'badge-on';
  if (p === 'missing' || p === 'commitment') return 'badge-warn';
  if (p === null || p === undefined) return 'badge-off';
  return 'badge-muted';
}

function outcomeText(o) {
  if (!o) return '';
  const key = `cv.outcome.${o}`;
  const s = t(key);
  return s === key ? String(o) : s;
}

function stepsSection(c) {
  const steps = Array.isArray(c.steps) ? c.steps : [];
  if (!steps.length) return section('case-steps', 'cv.steps', el('p', { class: 'empty-note', 'data-i18n': 'cv.steps.empty' }));
  const current = c.next_step ? c.next_step.index : null;
  const items = steps.map((s) => {
    const isCurrent = current !== null && current !== undefined && s.index === current;
    const done = Boolean(s.done_at);
    const participants = Array.isArray(s.participants) && s.participants.length ? s.participants.map(nameOf).join('、') : null;
    return el(
      'li',
      { class: `cw-step${done ? ' is-done' : ''}${isCurrent ? ' is-current' : ''}`, 'data-index': s.index, 'aria-current': isCurrent ? 'step' : null },
      el('span', { class: 'cw-step-no', 'aria-hidden': 'true' }, done ? '✓' : String(Number(s.index) + 1)),
      el(
        'div',
        { class: 'cw-step-body' },
        el(
          'p',
          { class: 'cw-step-head' },
          el('strong', { class: 'cw-step-name' }, s.name),
          ' ',
          el('span', { class: 'badge badge-flag cw-level', 'data-level': s.authority_level }, levelLabel(s.authority_level)),
          ' ',
          isCurrent
            ? el('span', { class: 'badge badge-current' }, t('cv.s.current'))
            : done || !isOpenState(c.state)
              ? null
              : el('span', { class: 'badge badge-muted' }, t('cv.s.pending')),
        ),
        el(
          'p',
          { class: 'cw-step-meta' },
          s.limit_days !== undefined && s.limit_days !== null ? `${t('cv.s.limit')}：${t('cv.s.limit.value', { n: s.limit_days })}` : null,
          s.due ? el('span', {}, ` · ${t('cv.s.due')}：`, dayEl(s.due)) : null,
        ),
        done
          ? el(
              'p',
              { class: 'cw-step-done' },
              [nameOf(s.done_by), formatTime(s.done_at), outcomeText(s.outcome)].filter(Boolean).join(' · '),
            )
          : null,
        s.opinion ? el('p', { class: 'cw-step-opinion prewrap' }, s.opinion) : null,
        participants ? el('p', { class: 'cw-step-meta' }, t('cv.s.participants', { names: participants })) : null,
      ),
    );
  });
  return section('case-steps', 'cv.steps', el('ol', { class: 'cw-steps' }, ...items));
}

/* ---------------------------------------------------------------- time limits, ledger, delivery */

/*
 * These sections are shared with the portal's case page (web/portal/cases.js),
 * which shows the applicant the same facts without the staff's warning
 * colours. opts.audience: 'staff' (default) or 'applicant'. Each returns a
 * <section class="panel"> whose texts are data-i18n keys (the caller runs
 * applyI18n), or null when the case has nothing to show there.
 */

/* A small table: rows of cells, columns of i18n keys, in a labelled scroll region. */
function dataTable(id, captionKey, heads, rows, attrs = {}) {
  const captionId = `${id}-caption`;
  return el(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': captionId },
    el(
      'table',
      { class: 'data-table cw-table', ...attrs },
      el('caption', { id: captionId, class: 'visually-hidden', 'data-i18n': captionKey }),
      el('thead', {}, el('tr', {}, ...heads.map((k) => el('th', { scope: 'col', 'data-i18n': k })))),
      el(
        'tbody',
        {},
        ...rows.map((r) => el('tr', r.attrs || {}, ...r.cells.map((cell, j) => el('td', { 'data-label': t(heads[j]) }, cell === null || cell === undefined || cell === '' ? NONE() : cell)))),
      ),
    ),
  );
}

/* 'YYYY-MM-DD' and, when the original differs, '原定 YYYY-MM-DD' under it. */
function dueWithOriginal(due, original, role) {
  return el(
    'span',
    { class: 'cw-due' },
    el('strong', { 'data-role': role }, due ? dayEl(due) : NONE()),
    original && due && original !== due ? el('span', { class: 'who-sub cw-original', 'data-role': `${role}-original` }, t('cv.dl.original', { date: formatDay(original) })) : null,
  );
}

function daysText(n) {
  const v = Number(n) || 0;
  return v ? t('cv.dl.days', { n: v }) : t('cv.dl.zero');
}

/*
 * 办理时限: both due dates with the originals when they moved, the limits, the
 * counting rule, the extension and suspended days, the working days left and
 * the warning (staff); then each step's due date, warning and days left.
 */
export function deadlinesSection(c, { audience = 'staff' } = {}) {
  const d = c.deadlines;
  const staff = audience !== 'applicant';
  if (!d) {
    if (!c.accepted_at && !c.promised_due) return section('case-deadlines', 'cv.dl.title', el('p', { class: 'empty-note', 'data-i18n': 'cv.dl.none' }));
    return null;
  }
  const running = d.running ? 'yes' : c.state === 'suspended' ? 'suspended' : 'no';
  const summary = el(
    'div',
    { class: `cw-dl-summary cw-dl-${staff ? d.warning || 'none' : 'plain'}`, 'data-role': 'deadline-summary', 'data-warning': d.warning || '' },
    staff && d.warning ? warningBadge(d.warning, d.warning_zh) : null,
    d.running && d.remaining_workdays !== null && d.remaining_workdays !== undefined
      ? remainingEl(d.remaining_workdays, 'cw-dl-big', d.warning)
      : el('span', { class: 'cw-remaining cw-dl-big' }, t(`cv.dl.running.${running}`)),
    d.promised_due ? el('span', { class: 'cw-dl-promised' }, t('cv.dl.summary.promised', { date: formatDay(d.promised_due) })) : null,
  );
  const startsKey = `cv.dl.starts.${d.starts}`;
  const rows = [
    ['cv.dl.running', el('span', { 'data-role': 'clock', 'data-running': running }, t(`cv.dl.running.${running}`))],
    ['cv.dl.promised', dueWithOriginal(d.promised_due, d.promised_due_original, 'promised')],
    ['cv.dl.legal', dueWithOriginal(d.legal_due, d.legal_due_original, 'legal')],
    ['cv.dl.promised.days', d.promised_days !== undefined && d.promised_days !== null ? t('cv.dl.days', { n: d.promised_days }) : null],
    ['cv.dl.legal.days', d.legal_days !== undefined && d.legal_days !== null ? t('cv.dl.days', { n: d.legal_days }) : null],
    ['cv.dl.starts', d.starts ? (t(startsKey) === startsKey ? String(d.starts) : t(startsKey)) : null],
    ['cv.dl.extended', el('span', { 'data-role': 'dl-extended' }, daysText(d.extended_days))],
    ['cv.dl.suspended', el('span', { 'data-role': 'dl-suspended' }, daysText(d.suspended_workdays))],
    ['cv.dl.remaining', d.running ? remainingEl(d.remaining_workdays, '', d.warning) || NONE() : t('cv.dl.remaining.none')],
  ];
  if (staff) rows.push(['cv.dl.warning', warningBadge(d.warning, d.warning_zh)]);
  const steps = (Array.isArray(c.steps) ? c.steps : []).filter((s) => s.due || s.limit_days);
  const current = c.next_step ? c.next_step.index : null;
  const stepHeads = staff ? ['cv.dl.s.name', 'cv.dl.s.limit', 'cv.dl.s.due', 'cv.dl.s.remaining', 'cv.dl.s.warning'] : ['cv.dl.s.name', 'cv.dl.s.limit', 'cv.dl.s.due', 'cv.dl.s.remaining'];
  const stepRows = steps.map((s) => {
    const done = Boolean(s.done_at);
    const cells = [
      el('span', {}, s.name, s.index === current && isOpenState(c.state) ? el('span', { class: 'badge badge-current cw-inline-badge' }, t('cv.s.current')) : null),
      s.limit_days !== undefined && s.limit_days !== null ? t('cv.dl.days', { n: s.limit_days }) : null,
      dayEl(s.due),
      done ? t('cv.dl.s.done', { date: formatDay(s.done_at) }) : remainingEl(s.remaining_workdays, '', s.warning),
    ];
    if (staff) cells.push(done || !s.warning ? null : warningBadge(s.warning, s.warning_zh));
    return { attrs: { 'data-index': s.index, 'data-warning': done ? null : s.warning || null }, cells };
  });
  const dl = el('dl', { class: 'facts cw-facts' });
  for (const [k, v] of rows) if (v !== null && v !== undefined) dl.append(el('dt', { 'data-i18n': k }), el('dd', {}, v));
  return section(
    'case-deadlines',
    'cv.dl.title',
    summary,
    dl,
    stepRows.length ? el('h3', { class: 'subpanel-title cw-sub', id: 'case-deadlines-steps', 'data-i18n': 'cv.dl.steps' }) : null,
    stepRows.length ? dataTable('case-dl-steps', 'cv.dl.steps', stepHeads, stepRows, { 'data-role': 'step-deadlines' }) : null,
  );
}

/* 中止 / 特别程序 ledger: every clock stop with its working days. */
export function suspensionsSection(c) {
  const list = Array.isArray(c.suspensions) ? c.suspensions : [];
  if (!list.length) return null;
  const rows = list.map((s) => ({
    attrs: { 'data-kind': s.kind, 'data-open': s.ended_at ? null : 'true' },
    cells: [
      el('strong', {}, suspensionKindLabel(s.kind, s.kind_zh)),
      s.reason ? el('span', { class: 'prewrap' }, s.reason) : null,
      timeEl(s.started_at),
      s.ended_at ? timeEl(s.ended_at) : el('span', { class: 'badge badge-warn' }, t('cv.su.open')),
      s.workdays !== undefined && s.workdays !== null ? el('span', { 'data-role': 'workdays' }, t('cv.su.days.value', { n: s.workdays })) : null,
      s.limit_days ? t('cv.su.limit.value', { n: s.limit_days }) : null,
    ],
  }));
  const total = list.reduce((n, s) => n + (Number(s.workdays) || 0), 0);
  return section(
    'case-suspensions',
    'cv.suspensions',
    dataTable('case-su', 'cv.su.caption', ['cv.su.kind', 'cv.su.reason', 'cv.su.started', 'cv.su.ended', 'cv.su.days', 'cv.su.limit'], rows),
    total ? el('p', { class: 'cw-table-note', 'data-role': 'suspended-total' }, t('cv.su.total', { n: total })) : null,
  );
}

/* 延期记录 (行政许可法 §42): days, reason, who, when, and how the dates moved. */
export function extensionsSection(c) {
  const list = Array.isArray(c.extensions) ? c.extensions : [];
  if (!list.length) return null;
  const move = (before, after) => (before && after && before !== after ? t('cv.ext.move', { before: formatDay(before), after: formatDay(after) }) : formatDay(after || before));
  const rows = list.map((x) => ({
    cells: [
      t('cv.dl.days', { n: x.days }),
      x.reason ? el('span', { class: 'prewrap' }, x.reason) : null,
      nameOf(x.by) || null,
      timeEl(x.at),
      move(x.promised_due_before, x.promised_due),
      move(x.legal_due_before, x.legal_due),
    ],
  }));
  return section(
    'case-extensions',
    'cv.ext.title',
    dataTable('case-ext', 'cv.ext.caption', ['cv.ext.days', 'cv.ext.reason', 'cv.ext.by', 'cv.ext.at', 'cv.ext.promised', 'cv.ext.legal'], rows),
  );
}

/* 纸质原件: the materials whose paper originals the window checked. */
export function originalsSection(c) {
  const list = Array.isArray(c.originals) ? c.originals : [];
  if (!list.length) return null;
  return section(
    'case-originals',
    'cv.orig.title',
    el('p', { class: 'cw-table-note', 'data-i18n': 'cv.orig.lead' }),
    el('ul', { class: 'cw-plain cw-originals' }, ...list.map((o) => el('li', { 'data-index': o.index }, `${Number(o.index) + 1}. ${o.name}`))),
  );
}

/* 跑动次数 n / 承诺 m, flagged when more than the item declares. */
function tripsEl(trips) {
  if (trips === null || trips === undefined) return null;
  if (typeof trips !== 'object') return String(trips);
  const declared = trips.declared === undefined || trips.declared === null ? null : String(trips.declared);
  const key = declared !== null ? `cv.dv.trips.${declared}` : null;
  const promise = key && t(key) !== key ? t(key) : declared;
  return el(
    'span',
    { class: 'cw-trips', 'data-role': 'trips', 'data-count': trips.count ?? 0, 'data-exceeded': trips.exceeded ? 'true' : 'false' },
    promise !== null ? t('cv.dv.trips.value', { n: trips.count ?? 0, m: promise }) : String(trips.count ?? 0),
    trips.exceeded ? el('span', { class: 'badge badge-off cw-inline-badge' }, t('cv.dv.trips.exceeded')) : null,
  );
}

/*
 * 送达与跑动: the method and its status, the post address (masked for those
 * who see it masked), carrier and tracking number, the pickup code for the
 * applicant while the result waits at the window (large, with a copy button
 * and how to use it), the free-post note, and the trips.
 */
export function deliverySection(c, { audience = 'staff', extra = null } = {}) {
  const d = c.delivery && typeof c.delivery === 'object' ? c.delivery : null;
  if (!d && (c.trips === undefined || c.trips === null)) return null;
  const post = d && d.post ? d.post : null;
  const code = d && d.pickup_code && audience === 'applicant' && d.status === 'ready' ? pickupCodeBox(d.pickup_code) : null;
  const rows = [];
  if (d) {
    rows.push(['cv.dv.method', el('span', { 'data-role': 'delivery-method', 'data-method': d.method || '' }, d.method ? deliveryMethodLabel(d.method, d.method_zh) : NONE())]);
    if (d.status) rows.push(['cv.dv.status', el('span', { class: `badge ${deliveryBadgeClass(d.status)}`, 'data-role': 'delivery-status', 'data-status': d.status }, deliveryStatusText(d))]);
    if (audience === 'staff' && d.status !== 'delivered' && Array.isArray(d.options) && d.options.length > 1) rows.push(['cv.dv.options', d.options.map((m) => deliveryMethodLabel(m)).join(lang() === 'en' ? ', ' : '、')]);
    if (post && (d.method === 'post' || post.carrier)) {
      rows.push(['cv.dv.recipient', post.recipient || null]);
      rows.push(['cv.dv.phone', post.phone ? el('span', { class: 'masked' }, post.phone) : null]);
      rows.push(['cv.dv.address', post.address ? el('span', { class: 'prewrap' }, post.address) : null]);
      if (post.carrier) rows.push(['cv.dv.carrier', post.carrier]);
      if (post.tracking_no) rows.push(['cv.dv.tracking', el('span', { class: 'cw-mono', 'data-role': 'tracking-no' }, post.tracking_no)]);
      if (post.dispatched_at) rows.push(['cv.dv.dispatched', timeEl(post.dispatched_at)]);
    }
    if (d.delivered_at) rows.push(['cv.dv.delivered', timeEl(d.delivered_at)]);
  }
  if (c.trips !== undefined && c.trips !== null) rows.push(['cv.dv.trips', tripsEl(c.trips)]);
  const dl = el('dl', { class: 'facts cw-facts' });
  for (const [k, v] of rows) if (v !== null && v !== undefined) dl.append(el('dt', { 'data-i18n': k }), el('dd', {}, v));
  // 免费寄递: for a result going by post, or while the applicant may still choose post
  const freePost = d && d.free_post && (d.method === 'post' || (d.status === 'pending' && Array.isArray(d.options) && d.options.includes('post')));
  return section(
    'case-delivery',
    'cv.dv.title',
    code,
    audience === 'applicant' && post && post.tracking_no && d.status === 'dispatched'
      ? el('p', { class: 'notice-ok cw-tracking-note' }, t('cv.dv.tracking.note', { carrier: post.carrier || '', no: post.tracking_no }))
      : null,
    dl,
    freePost ? el('p', { class: 'cw-free-post', 'data-role': 'free-post' }, el('span', { class: 'badge badge-on', 'aria-hidden': 'true' }, '✉'), ' ', t('cv.dv.free_post')) : null,
    extra,
  );
}

/* The pickup code, large and copyable, with what to do with it. */
function pickupCodeBox(code) {
  const status = el('p', { class: 'cw-copy-status', role: 'status' });
  const copy = el('button', { type: 'button', class: 'btn btn-secondary btn-small', 'data-role': 'copy-code' }, t('cv.dv.copy'));
  const codeEl = el('span', { class: 'cw-pickup-code', id: 'pickup-code', 'data-role': 'pickup-code' }, String(code));
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(String(code));
      status.textContent = t('cv.dv.copied');
    } catch {
      const range = document.createRange();
      range.selectNodeContents(codeEl);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      status.textContent = t('cv.dv.copy.failed');
    }
  });
  return el(
    'div',
    { class: 'cw-pickup', 'data-role': 'pickup' },
    el('p', { class: 'cw-pickup-lead' }, t('cv.dv.code.lead')),
    el('p', { class: 'cw-pickup-row' }, el('span', { class: 'visually-hidden' }, t('cv.dv.code')), codeEl, copy),
    el('p', { class: 'cw-pickup-how' }, t('cv.dv.code.how')),
    status,
  );
}

function noticesSection(c) {
  const notices = Array.isArray(c.notices) ? c.notices : [];
  const list = notices.length
    ? el(
        'ul',
        { class: 'cw-notices' },
        ...notices.map((n) =>
          el(
            'li',
            { 'data-kind': n.kind },
            el(
              'a',
              { href: `${casePath(c.id)}/notices/${encodeURIComponent(n.id)}`, class: 'cw-notice-link', type: 'application/pdf' },
              el('span', { class: 'cw-pdf', 'aria-hidden': 'true' }, t('cv.n.pdf')),
              el('span', {}, noticeKindLabel(n.kind, n.kind_zh)),
            ),
            el('span', { class: 'who-sub' }, [n.number ? t('cv.n.number', { number: n.number }) : null, n.issued_at ? t('cv.n.issued', { time: formatTime(n.issued_at) }) : null].filter(Boolean).join(' · ')),
          ),
        ),
      )
    : el('p', { class: 'empty-note', 'data-i18n': 'cv.n.none' });
  return section('case-notices', 'cv.notices', list);
}

function flagLabel(kind) {
  const key = `cv.flag.${kind}`;
  const s = t(key);
  return s === key ? String(kind) : s;
}

function flagsSection(c) {
  const flags = c.flags || [];
  const body = flags.length
    ? el(
        'ul',
        { class: 'cw-plain cw-flags' },
        ...flags.map((f) =>
          el(
            'li',
            { 'data-kind': f.kind },
            el('span', { class: 'badge badge-off' }, flagLabel(f.kind)),
            el('span', { class: 'who-sub' }, formatTime(f.at)),
            f.reason ? el('span', { class: 'who-sub prewrap' }, f.reason) : null,
          ),
        ),
      )
    : el('p', { class: 'empty-note', 'data-i18n': 'cv.flags.none' });
  return section('case-flags', 'cv.flags', body);
}

/* What an event says beyond its action: its data (as the server records it) and reason. */
function eventDetail(e, c) {
  const d = e.data && typeof e.data === 'object' ? e.data : {};
  const mats = Array.isArray(c.materials) ? c.materials : [];
  const matName = (i) => (i === null || i === undefined ? t('cv.e.general') : (mats.find((m) => m.index === i) || {}).name || `#${Number(i) + 1}`);
  const parts = [];
  if (Array.isArray(d.faults)) parts.push(t('cv.e.faults', { list: d.faults.map((f) => `${matName(f.material)}：${f.problem}`).join('；') }));
  else if (Number.isInteger(d.faults)) parts.push(t('cv.e.faultcount', { n: d.faults }));
  for (const k of ['materials', 'missing', 'commitments']) {
    if (Array.isArray(d[k]) && d[k].length) parts.push(t('cv.e.materials', { list: d[k].map((x) => matName(typeof x === 'object' && x ? x.index : x)).join('、') }));
  }
  if (d.channel) parts.push(channelLabel(d.channel));
  if (d.due) parts.push(t('cv.e.due', { date: formatDay(d.due) }));
  if (d.days) parts.push(t('cv.e.days', { n: d.days }));
  if (d.method) parts.push(t('cv.e.method', { m: deliveryMethodLabel(d.method) }));
  if (d.carrier || d.tracking_no) parts.push([d.carrier, d.tracking_no].filter(Boolean).join(' '));
  if (d.decision) parts.push(t('cv.e.decision', { d: t(`d.decide.${d.decision}`) }));
  if (d.procedure) parts.push(t('cv.e.procedure', { p: suspensionKindLabel(d.procedure) }));
  if (d.result) parts.push(t('cv.e.result', { r: d.result }));
  for (const v of [d.opinion, Array.isArray(d.reasons) ? d.reasons.join('；') : d.reasons, e.reason, e.opinion]) {
    if (v && !parts.includes(String(v))) parts.push(String(v));
  }
  return parts.length ? listJoin(parts) : NONE();
}

function eventsSection(page) {
  if (page.eventsError) return section('case-events', 'cv.events', el('p', { class: 'notice' }, t('cv.e.failed', { title: page.eventsError.title })));
  const events = page.events || [];
  if (!events.length) return section('case-events', 'cv.events', el('p', { class: 'empty-note', 'data-i18n': 'cv.e.none' }));
  const captionId = 'case-events-caption';
  const rows = events.map((e) => {
    const from = e.from_state || e.from;
    const to = e.to_state || e.to;
    const actor = nameOf(e.actor_name || e.actor) || NONE();
    return el(
      'tr',
      { 'data-action': e.action },
      el('td', { 'data-label': t('cv.e.time') }, timeEl(e.at)),
      el('td', { 'data-label': t('cv.e.actor') }, el('div', {}, actor, e.role ? el('span', { class: 'who-sub' }, caseRoleLabel(e.role)) : null)),
      el('td', { 'data-label': t('cv.e.action') }, caseActionLabel(e.action)),
      el('td', { 'data-label': t('cv.e.states') }, from && to && from !== to ? `${caseStateLabel(from)} → ${caseStateLabel(to)}` : to ? caseStateLabel(to) : NONE()),
      el('td', { 'data-label': t('cv.e.detail'), class: 'prewrap' }, eventDetail(e, page.c)),
    );
  });
  return section(
    'case-events',
    'cv.events',
    el(
      'div',
      { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': captionId },
      el(
        'table',
        { class: 'data-table' },
        el('caption', { id: captionId, class: 'visually-hidden', 'data-i18n': 'cv.events.table' }),
        el('thead', {}, el('tr', {}, ...['cv.e.time', 'cv.e.actor', 'cv.e.action', 'cv.e.states', 'cv.e.detail'].map((k) => el('th', { scope: 'col', 'data-i18n': k })))),
        el('tbody', {}, ...rows),
      ),
    ),
  );
}

/* ================================================================ actions */

/*
 * The dialogs, one per action staff take. build(c) returns the form's
 * fields; body(form, c) the transition's body, or throws a FormHint naming
 * the field a client-side hint is about. Order is the order of the buttons.
 */
const DIALOGS = {
  pre_review: {
    build: () => [textArea('opinion', 'd.opinion', { required: true })],
    body: (f) => ({ opinion: val(f, 'opinion') }),
  },
  accept: { build: () => [], body: () => ({}), tone: 'primary' },
  request_correction: { build: (c) => faultsEditor(c), body: faultsBody },
  accept_with_missing: {
    build: (c) => materialChecks(c, 'missing', 'd.am', (m) => m.allows_missing).concat(numberField('days', 'd.days', { min: 1, max: 60, value: 10, hint: 'd.am.days.hint' })),
    body: (f) => ({ missing: checked(f, 'missing', 'd.am.need'), days: Number(val(f, 'days')) || 10 }),
  },
  accept_with_commitment: {
    build: (c) => materialChecks(c, 'commitments', 'd.ac', (m) => m.allows_commitment),
    body: (f) => ({ commitments: checked(f, 'commitments', 'd.ac.need') }),
  },
  review: {
    build: (c) => [textArea('opinion', 'd.opinion', { required: true }), ...participantsField(c)],
    body: (f) => withParticipants(f, { opinion: val(f, 'opinion'), outcome: 'pass' }),
    tone: 'primary',
  },
  decide: { build: decideFields, body: decideBody, tone: 'primary' },
  dispatch: { build: dispatchFields, body: dispatchBody, tone: 'primary' },
  deliver: {
    build: deliverFields,
    body: deliverBody,
    lead: (c) => (deliveryMethodOf(c) ? `d.deliver.lead.${deliveryMethodOf(c)}` : 'd.deliver.lead'),
    submit: (c) => (['window', 'post'].includes(deliveryMethodOf(c)) ? `d.deliver.submit.${deliveryMethodOf(c)}` : 'd.deliver.submit'),
    tone: 'primary',
  },
  suspend: { build: suspendFields, body: (f) => ({ procedure: val(f, 'procedure'), reason: val(f, 'reason') }) },
  resume: { build: () => [], body: () => ({}) },
  extend: {
    build: () => [numberField('days', 'd.days', { min: 1, max: 10, value: '', hint: 'd.extend.days.hint', required: true }), textArea('reason', 'd.reason', { required: true })],
    body: (f) => ({ days: Number(val(f, 'days')), reason: val(f, 'reason') }),
  },
  refuse: {
    build: () => [textArea('reason', 'd.reason', { required: true, hint: 'd.refuse.reason.hint' })],
    body: (f) => ({ reason: val(f, 'reason') }),
    tone: 'danger',
  },
  terminate: { build: () => [textArea('reason', 'd.reason', { required: true })], body: (f) => ({ reason: val(f, 'reason') }), tone: 'danger' },
};
const DIALOG_KEYS = { request_correction: 'rc', accept_with_missing: 'am', accept_with_commitment: 'ac' };
const dkey = (action) => `d.${DIALOG_KEYS[action] || action}`;

class FormHint extends Error {
  constructor(field, key) {
    super(key);
    this.field = field;
    this.key = key;
  }
}

function val(form, name) {
  const c = form.elements[name];
  return c ? String(c.value).trim() : '';
}

function checked(form, name, needKey) {
  const out = [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => Number(i.value));
  if (!out.length) throw new FormHint(name, needKey);
  return out;
}

function actionsSection(page) {
  const c = page.c;
  const actions = (Array.isArray(c.actions) ? c.actions : []).filter((a) => DIALOGS[a]);
  const order = Object.keys(DIALOGS);
  actions.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const msg = el('div', { class: 'cw-message', 'data-role': 'message', tabindex: '-1' });
  if (page.message) {
    msg.classList.add(page.message.kind === 'stale' ? 'notice' : 'notice-ok');
    msg.setAttribute('role', page.message.kind === 'stale' ? 'alert' : 'status');
    msg.textContent = page.message.text;
  } else {
    msg.hidden = true;
  }
  const buttons = actions.map((a) => {
    const tone = DIALOGS[a].tone || 'secondary';
    const b = el('button', { type: 'button', class: `btn btn-${tone} cw-action`, 'data-action': a, 'aria-haspopup': 'dialog' }, caseActionLabel(a));
    b.addEventListener('click', () => openDialog(page, a, b));
    return b;
  });
  const reloadButton = el('button', { type: 'button', class: 'btn btn-secondary btn-small cw-reload', 'data-i18n': 'cv.reload' });
  reloadButton.addEventListener('click', async () => {
    page.message = null;
    await reload(page);
    const m = page.view.querySelector('[data-role="message"]');
    if (m) {
      m.hidden = false;
      m.className = 'cw-message notice-ok';
      m.setAttribute('role', 'status');
      m.textContent = t('cv.reloaded');
    }
  });
  return section(
    'case-actions',
    'cv.actions',
    msg,
    authorityNote(page),
    buttons.length ? el('p', { class: 'cw-actions-lead', 'data-i18n': 'cv.actions.lead' }) : el('p', { class: 'empty-note', 'data-i18n': 'cv.actions.none' }),
    buttons.length ? el('div', { class: 'cw-action-list' }, ...buttons) : null,
    el('div', { class: 'cw-reload-row' }, reloadButton),
  );
}

/*
 * The server offers a handler only the steps their authority level reaches
 * (SPEC §5); when the current step needs more, say so rather than show
 * nothing: which step, the level it needs and the account's own.
 */
function authorityNote(page) {
  const c = page.c;
  const mine = Number((page.account && page.account.authority_level) || 0);
  const step = c.next_step;
  if (c.role !== 'handler' || !step || !['accepted', 'in_review'].includes(c.state)) return null;
  if (!(mine < Number(step.authority_level))) return null;
  return el(
    'p',
    { class: 'notice cw-authority', 'data-role': 'authority', 'data-need': step.authority_level, 'data-mine': mine },
    t('cv.authority', { step: step.name, need: levelLabel(step.authority_level), mine: mine ? levelLabel(mine) : t('common.none') }),
  );
}

/* The one dialog of the page, made on first use. */
function dialogElement() {
  let d = document.getElementById('cw-dialog');
  if (!d) {
    d = el('dialog', { id: 'cw-dialog', class: 'dialog cw-dialog', 'aria-labelledby': 'cw-dialog-title' });
    (document.getElementById('main') || document.body).append(d);
  }
  return d;
}

function openDialog(page, action, opener) {
  const c = page.c;
  const spec = DIALOGS[action];
  const dialog = dialogElement();
  const k = dkey(action);
  const submit = el('button', { type: 'submit', class: `btn ${spec.tone === 'danger' ? 'btn-danger' : 'btn-primary'}`, 'data-i18n': spec.submit ? spec.submit(c) : `${k}.submit` });
  const cancel = el('button', { type: 'button', class: 'btn btn-secondary', 'data-role': 'cancel', 'data-i18n': 'd.cancel' });
  const form = el(
    'form',
    { class: 'form', novalidate: true, 'data-action': action },
    el('h2', { id: 'cw-dialog-title', class: 'subpanel-title' }, caseActionLabel(action)),
    el('p', { class: 'cw-dialog-lead', 'data-i18n': spec.lead ? spec.lead(c) : `${k}.lead` }),
    el('p', { class: 'cw-dialog-case' }, `${c.case_no || ''} · ${nameOf(c.item)}`),
    el('div', { class: 'form-alert', role: 'alert', hidden: true }),
    ...spec.build(c),
    el('div', { class: 'form-actions' }, submit, cancel),
  );
  // Nothing to choose from (no material allows it, no special procedure): nothing to send.
  if (form.querySelector('[data-role="no-choice"]')) submit.disabled = true;
  dialog.replaceChildren(form);
  applyI18n(dialog);
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => opener && opener.isConnected && opener.focus(), { once: true });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitDialog(page, action, form, dialog);
  });
  dialog.showModal();
  const first = form.querySelector('textarea, input:not([type="hidden"]), select');
  (first || submit).focus();
}

async function submitDialog(page, action, form, dialog) {
  clearErrors(form);
  if (!checkFilled(form)) return;
  let body;
  try {
    body = DIALOGS[action].body(form, page.c);
  } catch (e) {
    if (!(e instanceof FormHint)) throw e;
    showHint(form, e.field, t(e.key));
    return;
  }
  const done = setBusy(form);
  try {
    const after = await sendTransition(page.c, action, body);
    dialog.close();
    page.message = { kind: 'ok', text: t('cv.done', { action: caseActionLabel(action), state: caseStateLabel(after.state, after.state_zh) }) };
    page.c = after;
    await Promise.all([loadEvents(page), loadForm(page)]);
    render(page);
    focusMessage(page);
  } catch (err) {
    done();
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 401) {
      goToLogin(page.loginPage);
      return;
    }
    if (err.status === 412) {
      dialog.close();
      page.message = { kind: 'stale', text: t('cv.stale') };
      await reload(page);
      focusMessage(page);
      return;
    }
    showDialogProblem(form, err);
  }
}

function focusMessage(page) {
  const m = page.view.querySelector('[data-role="message"]');
  if (m && !m.hidden) m.focus();
}

/* A refusal in the dialog: a 422's list of faults, or the problem at its field. */
function showDialogProblem(form, err) {
  const errors = Array.isArray(err.errors) ? err.errors : [];
  // 422 pickup_code_wrong (the code is the problem's code or, beside it, its reason)
  if (form.elements.pickup_code && err.status === 422 && !errors.length) {
    clearErrors(form);
    showHint(form, 'pickup_code', t('d.deliver.code.wrong'));
    return;
  }
  if (err.status === 422 && errors.length) {
    clearErrors(form);
    const list = el('ul', { class: 'error-list' });
    for (const e of errors) {
      const msg = (lang() === 'en' ? e.message_en || e.en : e.message_zh || e.zh) || e.message_zh || e.zh || e.code;
      list.append(el('li', {}, msg));
      if (e.path) showFieldError(form, fieldNameOf(e.path), msg);
    }
    showAlert(form, el('span', {}, err.title), list);
    return;
  }
  showProblem(form, err.field ? Object.assign(err, { field: fieldNameOf(err.field) }) : err);
}

/* 'faults[0].problem' -> 'faults'; '/reason' -> 'reason'. */
function fieldNameOf(path) {
  return String(path).replace(/^\/+/, '').split(/[./[]/)[0];
}

function showHint(form, field, message) {
  if (!showFieldError(form, field, message)) showAlert(form, message);
  else showAlert(form, t('form.check'));
  const target = form.querySelector('[aria-invalid="true"], .is-invalid input, .is-invalid textarea');
  if (target) target.focus();
}

/* Required fields that are empty: mark them (the server checks again). */
function checkFilled(form) {
  let ok = true;
  for (const c of form.querySelectorAll('textarea[required], input[required]:not([type="checkbox"]):not([type="radio"]), select[required]')) {
    if (c.closest('[hidden]') || c.disabled) continue;
    if (String(c.value).trim() === '') {
      markInvalid(form, c, t('form.required'));
      ok = false;
    }
  }
  if (!ok) {
    showAlert(form, t('form.check'));
    form.querySelector('[aria-invalid="true"]')?.focus();
  }
  return ok;
}

function markInvalid(form, control, message) {
  const id = `${control.id}-error`;
  const node = el('p', { class: 'field-error', id }, el('span', { class: 'field-error-icon', 'aria-hidden': 'true' }, '!'), ` ${message}`);
  const wrapper = control.closest('.field') || control.parentElement;
  wrapper.append(node);
  wrapper.classList.add('is-invalid');
  control.setAttribute('aria-invalid', 'true');
  control.setAttribute('aria-describedby', [control.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
}

/* ---------------------------------------------------------------- dialog fields */

function requiredMark() {
  return el('span', { class: 'req', 'aria-hidden': 'true' }, ' *');
}

function textArea(name, labelKey, { required = false, hint = null, rows = 4 } = {}) {
  const id = uid(`d-${name}`);
  const hintId = hint ? `${id}-hint` : null;
  return el(
    'div',
    { class: 'field' },
    el('label', { for: id }, el('span', { 'data-i18n': labelKey }), required ? requiredMark() : null),
    el('textarea', { id, name, rows, required, 'aria-describedby': hintId, maxlength: 2000 }),
    hint ? el('p', { class: 'field-hint', id: hintId, 'data-i18n': hint }) : null,
  );
}

function numberField(name, labelKey, { min, max, value, hint = null, required = false }) {
  const id = uid(`d-${name}`);
  const hintId = hint ? `${id}-hint` : null;
  return el(
    'div',
    { class: 'field cw-narrow' },
    el('label', { for: id }, el('span', { 'data-i18n': labelKey }), required ? requiredMark() : null),
    el('input', { id, name, type: 'number', inputmode: 'numeric', min, max, step: 1, value, required, 'aria-describedby': hintId }),
    hint ? el('p', { class: 'field-hint', id: hintId, 'data-i18n': hint }) : null,
  );
}

function radios(name, legendKey, options, value) {
  const id = uid(`d-${name}`);
  return el(
    'fieldset',
    { class: 'cw-choices', id, 'data-field': name },
    el('legend', { 'data-i18n': legendKey }),
    ...options.map(([v, key]) =>
      el('label', { class: 'check' }, el('input', { type: 'radio', name, value: v, checked: v === value }), el('span', { 'data-i18n': key })),
    ),
  );
}

/* Checkboxes for the materials that pass allow(m); a note when none does. */
function materialChecks(c, name, k, allow) {
  const mats = (Array.isArray(c.materials) ? c.materials : []).filter(allow);
  if (!mats.length) return [el('p', { class: 'notice', 'data-role': 'no-choice', 'data-i18n': `${k}.none` })];
  return [
    el(
      'fieldset',
      { class: 'cw-choices role-picker', id: uid(`d-${name}`), 'data-field': name },
      el('legend', { 'data-i18n': `${k}.materials` }),
      ...mats.map((m) =>
        el(
          'label',
          { class: 'check cw-check-material' },
          el('input', { type: 'checkbox', name, value: m.index }),
          el('span', {}, `${Number(m.index) + 1}. ${m.name}`, m.provision ? el('span', { class: 'who-sub' }, provisionLabel(m.provision)) : null),
        ),
      ),
    ),
  ];
}

/* 一次性告知: a list of faults, each about one material or general, and the days. */
function faultsEditor(c) {
  const list = el('ol', { class: 'cw-faults', 'data-role': 'faults' });
  const add = el('button', { type: 'button', class: 'btn btn-secondary btn-small', 'data-role': 'add-fault', 'data-i18n': 'd.rc.add' });
  const renumber = () => {
    [...list.children].forEach((li, i) => {
      li.querySelector('legend').textContent = t('d.rc.fault', { n: i + 1 });
      const rm = li.querySelector('[data-role="remove-fault"]');
      rm.textContent = t('d.rc.remove', { n: i + 1 });
      rm.hidden = list.children.length === 1;
    });
  };
  const addRow = () => {
    const id = uid('d-fault');
    const mats = Array.isArray(c.materials) ? c.materials : [];
    const remove = el('button', { type: 'button', class: 'btn btn-danger btn-small', 'data-role': 'remove-fault' });
    const li = el(
      'li',
      { class: 'cw-fault' },
      el(
        'fieldset',
        {},
        el('legend'),
        el(
          'div',
          { class: 'field' },
          el('label', { for: `${id}-m`, 'data-i18n': 'd.rc.material' }),
          el(
            'select',
            { id: `${id}-m`, name: 'fault_material' },
            el('option', { value: '', 'data-i18n': 'd.rc.general' }),
            ...mats.map((m) => el('option', { value: m.index }, `${Number(m.index) + 1}. ${m.name}`)),
          ),
        ),
        el(
          'div',
          { class: 'field' },
          el('label', { for: `${id}-p` }, el('span', { 'data-i18n': 'd.rc.problem' }), requiredMark()),
          el('textarea', { id: `${id}-p`, name: 'fault_problem', rows: 2, maxlength: 500, required: true }),
        ),
        remove,
      ),
    );
    remove.addEventListener('click', () => {
      li.remove();
      renumber();
      list.querySelector('select')?.focus();
    });
    list.append(li);
    applyI18n(li);
    renumber();
    return li;
  };
  add.addEventListener('click', () => addRow().querySelector('select').focus());
  addRow();
  return [
    el('fieldset', { class: 'cw-faults-box', 'data-field': 'faults', id: uid('d-faults') }, el('legend', { 'data-i18n': 'd.rc.faults' }), list, add),
    numberField('days', 'd.days', { min: 1, max: 60, value: 5, hint: 'd.rc.days.hint' }),
  ];
}

function faultsBody(form) {
  const faults = [...form.querySelectorAll('.cw-fault')].map((li) => {
    const m = li.querySelector('select[name="fault_material"]').value;
    return { material: m === '' ? null : Number(m), problem: li.querySelector('textarea[name="fault_problem"]').value.trim() };
  });
  if (!faults.length) throw new FormHint('faults', 'd.rc.need');
  return { faults, days: Number(val(form, 'days')) || 5 };
}

/* The next step is a joint meeting (联席会议, level 4): its participants are recorded. */
function isJointStep(c) {
  return Boolean(c.next_step && Number(c.next_step.authority_level) === 4);
}

function participantsField(c) {
  return isJointStep(c) ? [textArea('participants', 'd.decide.participants', { required: true, hint: 'd.decide.participants.hint', rows: 4 })] : [];
}

/* body with the participants' names when the form asks for them (one per line, at least 3). */
function withParticipants(form, body) {
  if (!form.elements.participants) return body;
  const names = val(form, 'participants')
    .split(/[\n,，、;；]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length < 3) throw new FormHint('participants', 'd.decide.participants.need');
  return { ...body, participants: names };
}

function decideFields(c) {
  return [
    radios('decision', 'd.decide.decision', [['approve', 'd.decide.approve'], ['deny', 'd.decide.deny']], 'approve'),
    textArea('opinion', 'd.opinion', { required: true }),
    textArea('reasons', 'd.decide.reasons', { hint: 'd.decide.reasons.hint' }),
    ...participantsField(c),
  ];
}

function decideBody(form) {
  const decision = form.querySelector('input[name="decision"]:checked')?.value || 'approve';
  const body = { decision, opinion: val(form, 'opinion') };
  const reasons = val(form, 'reasons');
  if (decision === 'deny') {
    if (!reasons) throw new FormHint('reasons', 'd.decide.reasons.need');
    body.reasons = reasons;
  }
  return withParticipants(form, body);
}

function suspendFields(c) {
  const procs = (c.item && Array.isArray(c.item.special_procedures) && c.item.special_procedures) || [];
  if (!procs.length) return [el('p', { class: 'notice', 'data-role': 'no-choice', 'data-i18n': 'd.suspend.none' })];
  const id = uid('d-procedure');
  return [
    el(
      'div',
      { class: 'field' },
      el('label', { for: id }, el('span', { 'data-i18n': 'd.suspend.procedure' }), requiredMark()),
      el(
        'select',
        { id, name: 'procedure', required: true },
        ...procs.map((p) =>
          el('option', { value: p.kind }, p.limit_days ? t('d.suspend.limit', { name: suspensionKindLabel(p.kind, p.name_zh), n: p.limit_days }) : suspensionKindLabel(p.kind, p.name_zh)),
        ),
      ),
    ),
    textArea('reason', 'd.reason', { required: true }),
  ];
}

/* ---------------------------------------------------------------- delivery dialogs */

/* The method the applicant chose (docs/cases.md "Delivery and trips"), or null from an older answer. */
function deliveryMethodOf(c) {
  return c.delivery && typeof c.delivery === 'object' && ['window', 'post', 'electronic'].includes(c.delivery.method) ? c.delivery.method : null;
}

const CARRIERS = [
  ['EMS', 'd.dispatch.carrier.ems'],
  ['中国邮政', 'd.dispatch.carrier.post'],
  ['顺丰速运', 'd.dispatch.carrier.sf'],
  ['京东物流', 'd.dispatch.carrier.jd'],
];

function textInput(name, labelKey, { required = false, hint = null, ...attrs } = {}) {
  const id = uid(`d-${name}`);
  const hintId = hint ? `${id}-hint` : null;
  return el(
    'div',
    { class: 'field' },
    el('label', { for: id }, el('span', { 'data-i18n': labelKey }), required ? requiredMark() : null),
    el('input', { id, name, type: 'text', required, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': hintId, ...attrs }),
    hint ? el('p', { class: 'field-hint', id: hintId, 'data-i18n': hint }) : null,
  );
}

/* Where the post goes (as the server shows it to the window) above the form. */
function postAddressNote(c) {
  const p = c.delivery && c.delivery.post;
  if (!p || !(p.recipient || p.address)) return null;
  return el('p', { class: 'cw-dialog-case', 'data-role': 'post-to' }, t('d.dispatch.to', { who: p.recipient || '', phone: p.phone || '', address: p.address || '' }));
}

/* 寄出: the carrier and the tracking number. */
function dispatchFields(c) {
  const id = uid('d-carrier');
  return [
    postAddressNote(c),
    el(
      'div',
      { class: 'field' },
      el('label', { for: id }, el('span', { 'data-i18n': 'd.dispatch.carrier' }), requiredMark()),
      el(
        'select',
        { id, name: 'carrier', required: true },
        el('option', { value: '', 'data-i18n': 'd.dispatch.carrier.choose' }),
        ...CARRIERS.map(([v, key]) => el('option', { value: v, 'data-i18n': key })),
      ),
    ),
    textInput('tracking_no', 'd.dispatch.tracking', { required: true, hint: 'd.dispatch.tracking.hint', maxlength: 30, autocapitalize: 'characters' }),
  ].filter(Boolean);
}

function dispatchBody(form) {
  const tracking = val(form, 'tracking_no').replace(/\s+/g, '').toUpperCase();
  if (!/^[0-9A-Z]{6,30}$/.test(tracking)) throw new FormHint('tracking_no', 'd.dispatch.tracking.format');
  return { carrier: val(form, 'carrier'), tracking_no: tracking };
}

/*
 * 送达: at the window the applicant's pickup code; by post the confirmation
 * of receipt (the carrier and number shown); electronically nothing. An
 * answer without the delivery object (an older server) keeps the choice of
 * method.
 */
function deliverFields(c) {
  const m = deliveryMethodOf(c);
  if (!m) return [radios('method', 'd.deliver.method', ['window', 'post', 'electronic'].map((x) => [x, `d.deliver.${x}`]), 'window')];
  if (m === 'window') {
    return [textInput('pickup_code', 'd.deliver.code', { required: true, hint: 'd.deliver.code.hint', inputmode: 'numeric', maxlength: 8, pattern: '[0-9]{8}', class: 'cw-code-input' })];
  }
  if (m === 'post') {
    const p = (c.delivery && c.delivery.post) || {};
    return [postAddressNote(c), p.tracking_no ? el('p', { 'data-role': 'post-tracking' }, t('d.deliver.post.info', { carrier: p.carrier || '', no: p.tracking_no })) : null].filter(Boolean);
  }
  return [];
}

function deliverBody(form, c) {
  const m = deliveryMethodOf(c);
  if (!m) return { method: form.querySelector('input[name="method"]:checked')?.value || 'window' };
  if (m !== 'window') return { method: m };
  const code = val(form, 'pickup_code').replace(/\s+/g, '');
  if (!/^\d{8}$/.test(code)) throw new FormHint('pickup_code', 'd.deliver.code.format');
  return { method: 'window', pickup_code: code };
}

/* ---------------------------------------------------------------- the applicant's choice of delivery */

/*
 * The applicant's choice of how the result reaches them (apply.html at
 * submission, cases.html until the result is out): one radio per method the
 * item offers, and for post the recipient, phone and address. Controls are
 * named by the API's paths (delivery.method, delivery.post.phone ...) so a
 * 422 lands at its field. opts: options (the item's delivery codes), value
 * ({method, post} or null), freePost, defaults ({recipient, phone}: the
 * account's, for an empty address form), idPrefix.
 * Returns {element, value(), check(form)}: value() is the body's
 * {"method", "post"?}; check(form) marks what is missing and answers false.
 */
export function deliveryChoice({ options, value = null, freePost = false, defaults = {}, idPrefix = 'dv' }) {
  const methods = (Array.isArray(options) ? options : []).filter((m) => ['window', 'post', 'electronic'].includes(m));
  const chosen = value && methods.includes(value.method) ? value.method : methods[0];
  const post = (value && value.post) || {};
  const radiosBox = el(
    'fieldset',
    { class: 'cw-choices cw-delivery-choice', id: `${idPrefix}-method`, 'data-field': 'delivery.method' },
    el('legend', {}, t('cv.dc.method')),
    ...methods.map((m) =>
      el(
        'label',
        { class: 'check cw-check-material' },
        el('input', { type: 'radio', name: `${idPrefix}-method`, value: m, checked: m === chosen }),
        el('span', {}, deliveryMethodLabel(m), el('span', { class: 'who-sub' }, t(m === 'post' && freePost ? 'cv.dc.post.free' : `cv.dc.${m}`))),
      ),
    ),
  );
  const input = (key, labelKey, attrs, tag = 'input') => {
    const id = `${idPrefix}-${key}`;
    const control = el(tag, { id, name: `delivery.post.${key}`, required: true, ...attrs });
    control.value = post[key] || defaults[key] || '';
    return el('div', { class: 'field' }, el('label', { for: id }, t(labelKey), el('span', { class: 'req', 'aria-hidden': 'true' }, ' *')), control);
  };
  const postBox = el(
    'div',
    { class: 'cw-post-fields', 'data-role': 'post-fields' },
    el('p', { class: 'field-hint' }, t('cv.dc.post.lead')),
    el(
      'div',
      { class: 'form-grid' },
      input('recipient', 'cv.dv.recipient', { type: 'text', autocomplete: 'name', maxlength: 50 }),
      input('phone', 'cv.dv.phone', { type: 'tel', autocomplete: 'tel', inputmode: 'tel', maxlength: 30 }),
      el('div', { class: 'field-wide' }, input('address', 'cv.dv.address', { rows: 2, autocomplete: 'street-address', maxlength: 200 }, 'textarea')),
    ),
  );
  const element = el('div', { class: 'cw-delivery-form' }, radiosBox, postBox);
  const method = () => element.querySelector(`input[name="${idPrefix}-method"]:checked`)?.value || chosen;
  const sync = () => {
    const isPost = method() === 'post';
    postBox.hidden = !isPost;
    for (const c of postBox.querySelectorAll('input, textarea')) c.disabled = !isPost;
  };
  radiosBox.addEventListener('change', sync);
  sync();
  return {
    element,
    value() {
      const m = method();
      if (m !== 'post') return { method: m };
      const v = (k) => String(postBox.querySelector(`[name="delivery.post.${k}"]`).value).trim();
      return { method: m, post: { recipient: v('recipient'), phone: v('phone'), address: v('address') } };
    },
    check(form) {
      if (method() !== 'post') return true;
      let ok = true;
      for (const c of postBox.querySelectorAll('input, textarea')) {
        if (String(c.value).trim() === '') {
          markInvalid(form, c, t('form.required'));
          ok = false;
        }
      }
      return ok;
    },
  };
}
