#!/usr/bin/env node
/*
 * gen-catalog.mjs - writes data/demo/catalog.json, the demo catalogue that
 * `tongban init --demo` imports (docs/catalogue.md, "Import and export").
 *
 *   node data/demo/gen-catalog.mjs            writes catalog.json next to this file
 *   node data/demo/gen-catalog.mjs --stdout   prints it instead
 *
 * Everything here is fictitious demo data modelled on the seed documents
 * (../../../shared/seeds): the organisations of 示范市 and its district,
 * the proof and intermediary lists, the service items and two halls. Laws
 * and articles cited as setting bases are real; names, codes, addresses and
 * telephone numbers are made up. Items are written in the canonical form
 * item_doc_read produces (documented keys in documented order, defaults
 * filled in), so that importing the file and exporting it again gives the
 * same documents.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/* ---- codes ------------------------------------------------------------------------ */

/* GB 11714 check character of an 8-character organisation code body. */
function orgCodeCheck(body) {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = body[i];
    sum += (/[0-9]/.test(c) ? Number(c) : c.charCodeAt(0) - 55) * weights[i];
  }
  const r = 11 - (sum % 11);
  return r === 10 ? 'X' : r === 11 ? '0' : String(r);
}

/* GB 32100 统一社会信用代码 of a 机关 (registration authority 1, category 1):
 * "11" + region + organisation code (body + GB 11714 check) + MOD 31 check. */
const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
function creditCode(region, body) {
  const s = '11' + region + body + orgCodeCheck(body);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CHARS.indexOf(s[i]) * CREDIT_WEIGHTS[i];
  return s + CREDIT_CHARS[(31 - (sum % 31)) % 31];
}

/* Licence-type codes (SPEC §7): the issuing ministry's credit code + a 3-digit
 * sequence. The ministries' codes here are made up (region 100000). */
const MINISTRY = {
  公安部: 'MB000101', 国家移民管理局: 'MB000102', 市场监管总局: 'MB000103',
  国家药监局: 'MB000104', 自然资源部: 'MB000105', 住建部: 'MB000106', 交通运输部: 'MB000107',
  国家林草局: 'MB000108', 人社部: 'MB000109', 民政部: 'MB000110', 教育部: 'MB000111',
  卫健委: 'MB000112', 文旅部: 'MB000113', 水利部: 'MB000114', 应急管理部: 'MB000115',
  农业农村部: 'MB000116',
};
const LICENCE_TYPES = [
  ['居民身份证', '公安部', 1], ['居民户口簿', '公安部', 2], ['机动车驾驶证', '公安部', 3],
  ['机动车行驶证', '公安部', 4], ['居住证', '公安部', 5],
  ['普通护照', '国家移民管理局', 1],
  ['营业执照', '市场监管总局', 1], ['食品经营许可证', '市场监管总局', 2],
  ['食品生产许可证', '市场监管总局', 3], ['特种设备使用登记证', '市场监管总局', 4],
  ['药品经营许可证', '国家药监局', 1], ['执业药师注册证', '国家药监局', 2],
  ['不动产权证书', '自然资源部', 1], ['不动产登记证明', '自然资源部', 2],
  ['建设用地规划许可证', '自然资源部', 3], ['建设工程规划许可证', '自然资源部', 4],
  ['乡村建设规划许可证', '自然资源部', 5], ['建设项目用地预审与选址意见书', '自然资源部', 6],
  ['建筑工程施工许可证', '住建部', 1], ['燃气经营许可证', '住建部', 2],
  ['城镇污水排入排水管网许可证', '住建部', 3], ['房地产开发企业资质证书', '住建部', 4],
  ['商品房预售许可证', '住建部', 5],
  ['道路运输经营许可证', '交通运输部', 1], ['道路运输从业人员从业资格证', '交通运输部', 2],
  ['超限运输车辆通行证', '交通运输部', 3],
  ['林木采伐许可证', '国家林草局', 1], ['木材经营（加工）许可证', '国家林草局', 2],
  ['植物检疫证书', '国家林草局', 3],
  ['社会保障卡', '人社部', 1], ['人力资源服务许可证', '人社部', 2], ['劳务派遣经营许可证', '人社部', 3],
  ['结婚证', '民政部', 1], ['社会团体法人登记证书', '民政部', 2],
  ['办学许可证', '教育部', 1], ['教师资格证书', '教育部', 2], ['学历证书', '教育部', 3],
  ['医疗机构执业许可证', '卫健委', 1], ['公共场所卫生许可证', '卫健委', 2], ['医师资格证书', '卫健委', 3],
  ['医师执业证书', '卫健委', 4],
  ['娱乐经营许可证', '文旅部', 1], ['网络文化经营许可证', '文旅部', 2],
  ['取水许可证', '水利部', 1],
  ['危险化学品经营许可证', '应急管理部', 1], ['安全生产知识和管理能力考核合格证', '应急管理部', 2],
  ['烟花爆竹经营（零售）许可证', '应急管理部', 3],
  ['农药经营许可证', '农业农村部', 1],
];
const LT = Object.fromEntries(
  LICENCE_TYPES.map(([name, ministry, seq]) => [
    name, creditCode('100000', MINISTRY[ministry]) + String(seq).padStart(3, '0'),
  ]));
function lt(name) {
  if (!LT[name]) throw new Error(`unknown licence type ${name}`);
  return LT[name];
}

/* ---- organisations ------------------------------------------------------------------ */

const CITY_REGION = '500100';
const DIST_REGION = '500107';

/* [code, name, level, kind, parent, address, phone, credit-code body] */
const ORGS = [
  ['DEMO-CITY', '示范市', 1, 'region', null, '示范市中央大道1号', '023-61200001', 'MB010001'],
  ['DEMO-CITY-XZSPJ', '示范市行政审批局', 1, 'bureau', 'DEMO-CITY', '示范市中央大道100号（示范市政务服务中心）', '023-61230001', 'MB010002'],
  ['DEMO-CITY-SCJGJ', '示范市市场监督管理局', 1, 'department', 'DEMO-CITY', '示范市建设路36号', '023-61250012', 'MB010003'],
  ['DEMO-DIST', '示范市示范区', 2, 'region', 'DEMO-CITY', '示范区政务路1号', '023-65800001', 'MB020001'],
  ['DEMO-DIST-XZSPJ', '示范区行政审批局', 2, 'bureau', 'DEMO-DIST', '示范区滨江路88号（示范区政务服务中心）', '023-65880001', 'MB020002'],
  ['DEMO-DIST-FGW', '示范区发展和改革委员会', 2, 'department', 'DEMO-DIST', '示范区政务路1号行政中心2号楼', '023-65810021', 'MB020003'],
  ['DEMO-DIST-CJW', '示范区城乡建设委员会', 2, 'department', 'DEMO-DIST', '示范区建新路18号', '023-65810032', 'MB020004'],
  ['DEMO-DIST-GHZRJ', '示范区规划和自然资源局', 2, 'department', 'DEMO-DIST', '示范区建新路20号', '023-65810043', 'MB020005'],
  ['DEMO-DIST-STHJJ', '示范区生态环境局', 2, 'department', 'DEMO-DIST', '示范区青年路9号', '023-65810054', 'MB020006'],
  ['DEMO-DIST-SCJGJ', '示范区市场监督管理局', 2, 'department', 'DEMO-DIST', '示范区人民路128号', '023-65810065', 'MB020007'],
  ['DEMO-DIST-JTJ', '示范区交通局', 2, 'department', 'DEMO-DIST', '示范区滨江路56号', '023-65810076', 'MB020008'],
  ['DEMO-DIST-LYJ', '示范区林业局', 2, 'department', 'DEMO-DIST', '示范区青山路3号', '023-65810087', 'MB020009'],
  ['DEMO-DIST-GAFJ', '示范区公安分局', 2, 'department', 'DEMO-DIST', '示范区平安路1号', '023-65810098', 'MB020010'],
  ['DEMO-DIST-MZJ', '示范区民政局', 2, 'department', 'DEMO-DIST', '示范区政务路1号行政中心3号楼', '023-65810109', 'MB020011'],
  ['DEMO-DIST-JW', '示范区教育委员会', 2, 'department', 'DEMO-DIST', '示范区文化路12号', '023-65810110', 'MB020012'],
  ['DEMO-DIST-SWW', '示范区商务委员会', 2, 'department', 'DEMO-DIST', '示范区政务路1号行政中心4号楼', '023-65810121', 'MB020013'],
  ['DEMO-DIST-WJW', '示范区卫生健康委员会', 2, 'department', 'DEMO-DIST', '示范区康宁路7号', '023-65810132', 'MB020014'],
  ['DEMO-DIST-WLW', '示范区文化和旅游委员会', 2, 'department', 'DEMO-DIST', '示范区文化路16号', '023-65810143', 'MB020015'],
  ['DEMO-DIST-SWJ', '示范区水务局', 2, 'department', 'DEMO-DIST', '示范区滨江路60号', '023-65810154', 'MB020016'],
  ['DEMO-DIST-SWUJ', '示范区税务局', 2, 'department', 'DEMO-DIST', '示范区人民路150号', '023-65810165', 'MB020017'],
  ['DEMO-DIST-RSJ', '示范区人力资源和社会保障局', 2, 'department', 'DEMO-DIST', '示范区政务路5号', '023-65810176', 'MB020018'],
  ['DEMO-DIST-ZFGLJ', '示范区住房管理局', 2, 'department', 'DEMO-DIST', '示范区建新路22号', '023-65810187', 'MB020019'],
  ['DEMO-DIST-CGJ', '示范区城市管理局', 2, 'department', 'DEMO-DIST', '示范区青年路21号', '023-65810198', 'MB020020'],
  ['DEMO-DIST-NYW', '示范区农业农村委员会', 2, 'department', 'DEMO-DIST', '示范区青山路5号', '023-65810209', 'MB020021'],
  ['DEMO-TOWN', '示范区示范街道', 3, 'region', 'DEMO-DIST', '示范区人民路20号', '023-65710001', 'MB030001'],
  ['DEMO-HEPING', '示范区和平街道', 3, 'region', 'DEMO-DIST', '示范区和平路66号', '023-65720001', 'MB030002'],
  ['DEMO-QINGSHAN', '示范区青山镇', 3, 'region', 'DEMO-DIST', '示范区青山镇青山大道8号', '023-65730001', 'MB030003'],
  ['DEMO-TOWN-XINYUAN', '示范街道新苑社区', 4, 'region', 'DEMO-TOWN', '示范区人民路新苑小区3栋1楼', '023-65710020', 'MB040001'],
  ['DEMO-HEPING-BINJIANG', '和平街道滨江社区', 4, 'region', 'DEMO-HEPING', '示范区滨江路210号', '023-65720020', 'MB040002'],
  ['DEMO-QINGSHAN-LIUSHU', '青山镇柳树村', 4, 'region', 'DEMO-QINGSHAN', '示范区青山镇柳树村村民委员会', '023-65730020', 'MB040003'],
];
const ORG = Object.fromEntries(ORGS.map(([code, name, level, kind, parent, address, phone, body]) => [
  code, { code, name, level, kind, parent, address, phone,
          credit: creditCode(level === 1 ? CITY_REGION : DIST_REGION, body) },
]));
function org(code) {
  if (!ORG[code]) throw new Error(`unknown org ${code}`);
  return ORG[code];
}

/* ---- proofs and intermediaries ------------------------------------------------------ */

const PROOFS = [
  ['PROOF-001', '无犯罪记录证明', '示范区公安分局（户籍地或居住地公安派出所）', '《公安机关办理犯罪记录查询工作规定》（公通字〔2021〕19号）'],
  ['PROOF-002', '出生医学证明', '助产医疗机构', '《中华人民共和国母婴保健法》第二十三条'],
  ['PROOF-003', '亲属关系证明', '户籍地公安派出所', '《中华人民共和国户口登记条例》第四条'],
  ['PROOF-004', '居民死亡医学证明（推断）书', '医疗卫生机构', '《国家卫生计生委 公安部 民政部关于进一步规范人口死亡医学证明和信息登记管理工作的通知》（国卫规划发〔2013〕57号）'],
  ['PROOF-005', '婚姻登记记录证明', '婚姻登记机关（示范区民政局婚姻登记处）', '《婚姻登记档案管理办法》（民政部 国家档案局令第32号）'],
  ['PROOF-006', '居民家庭经济状况核对报告', '示范区民政局（居民家庭经济状况核对中心）', '《社会救助暂行办法》第十一条'],
  ['PROOF-007', '社会保险参保缴费证明', '示范区社会保险事业管理中心', '《中华人民共和国社会保险法》第七十四条'],
  ['PROOF-008', '税收完税证明', '示范区税务局', '《税收完税证明管理办法》（国家税务总局令第34号）'],
  ['PROOF-009', '不动产登记资料查询结果证明', '示范区不动产登记中心', '《不动产登记暂行条例》第二十七条'],
  ['PROOF-010', '学籍证明', '学籍所在学校', '《中小学生学籍管理办法》（教基一〔2013〕7号）'],
];
const PROOF_CODES = new Set(PROOFS.map((p) => p[0]));

const MARKET_PRICE = '实行市场调节价，由委托人与中介机构依法协商确定';
const PRICE_BASIS = '《国家发展改革委关于进一步放开建设项目专业服务价格的通知》（发改价格〔2015〕299号）';
const INTERMEDIARIES = [
  ['INT-001', '施工图设计文件审查', '经省级住房城乡建设主管部门认定的施工图审查机构',
    '政府购买服务，建设单位不付费', '《示范市房屋建筑和市政基础设施工程施工图审查政府购买服务实施办法》',
    '《建设工程质量管理条例》第十一条；《房屋建筑和市政基础设施工程施工图设计文件审查管理办法》第三条'],
  ['INT-002', '建设项目环境影响报告书（表）编制', '具备环境影响评价技术能力的单位',
    MARKET_PRICE, PRICE_BASIS, '《中华人民共和国环境影响评价法》第十六条、第十九条'],
  ['INT-003', '房屋安全鉴定', '房屋安全鉴定机构', MARKET_PRICE,
    '《国家发展改革委关于放开部分服务价格意见的通知》（发改价格〔2014〕2755号）', '《城市危险房屋管理规定》第六条'],
  ['INT-004', '地质灾害危险性评估', '具备地质灾害危险性评估能力的单位', MARKET_PRICE, PRICE_BASIS,
    '《地质灾害防治条例》第二十一条'],
  ['INT-005', '建设工程规划测量（放线、竣工测量）', '具有相应测绘资质的单位', MARKET_PRICE,
    '《国家发展改革委关于放开部分服务价格意见的通知》（发改价格〔2014〕2755号）', '《中华人民共和国测绘法》第二十七条'],
  ['INT-006', '建筑消防设施检测', '消防技术服务机构', MARKET_PRICE,
    '《国家发展改革委关于放开部分服务价格意见的通知》（发改价格〔2014〕2755号）', '《中华人民共和国消防法》第十六条、第三十四条'],
  ['INT-007', '生产建设项目水土保持方案编制', '具备水土保持方案编制能力的单位', MARKET_PRICE, PRICE_BASIS,
    '《中华人民共和国水土保持法》第二十五条'],
  ['INT-008', '公共场所卫生检测', '取得资质认定的检验检测机构', MARKET_PRICE,
    '《国家发展改革委关于放开部分服务价格意见的通知》（发改价格〔2014〕2755号）', '《公共场所卫生管理条例实施细则》第十九条'],
  ['INT-009', '工程咨询（项目建议书、可行性研究报告、项目申请报告编制）', '在全国投资项目在线审批监管平台备案的工程咨询单位',
    MARKET_PRICE, PRICE_BASIS, '《政府投资条例》第九条；《企业投资项目核准和备案管理条例》第六条'],
];
const INTERMEDIARY_CODES = new Set(INTERMEDIARIES.map((i) => i[0]));

/* ---- halls ------------------------------------------------------------------------- */

const HALL_HOURS = '周一至周五 9:00—12:00，13:30—17:30；周六 9:00—12:00 延时服务（法定节假日除外）';
const CITY_HALL = { code: 'HALL-CITY', name: '示范市政务服务中心', org: 'DEMO-CITY',
  address: '示范市中央大道100号', phone: '023-61230000', hours: HALL_HOURS };
const DIST_HALL = { code: 'HALL-DIST', name: '示范区政务服务中心', org: 'DEMO-DIST',
  address: '示范区滨江路88号', phone: '023-65880000', hours: HALL_HOURS };
const TOWN_CENTRE = { name: '示范街道便民服务中心', address: '示范区人民路20号', phone: '023-65710011',
  hours: '周一至周五 9:00—12:00，13:30—17:30' };
const QINGSHAN_CENTRE = { name: '青山镇便民服务中心', address: '示范区青山镇青山大道8号', phone: '023-65730011',
  hours: '周一至周五 9:00—12:00，13:30—17:30' };

/* ---- item builders ------------------------------------------------------------------ */

function mat(name, o) {
  return {
    name,
    is_required: !o.optional,
    copies: o.copies,
    form: o.form,
    source: o.source,
    licence_type: o.licence_type ?? '',
    allows_missing: !!o.missing,
    allows_commitment: !!o.commit,
    is_proof: !!o.proof_code,
    proof_code: o.proof_code ?? '',
    sample: o.sample ?? '',
    mistakes: o.mistakes ?? '',
    note: o.note ?? '',
    basis: o.basis ?? '',
  };
}
/* Paper and electronic, from the applicant (the usual form). */
const app = (name, o = {}) => mat(name, { form: 'both', copies: 1, source: 'applicant', ...o });
/* Paper only (signed originals). */
const paper = (name, o = {}) => mat(name, { form: 'paper', copies: 1, source: 'applicant', ...o });
/* Filled in online. */
const online = (name, o = {}) => mat(name, { form: 'electronic', copies: 0, source: 'applicant', ...o });
/* From the electronic-licence library. */
const lic = (name, type, o = {}) =>
  mat(name, { form: 'electronic', copies: 0, source: 'licence', licence_type: lt(type), ...o });
/* Fetched from another department's data. */
const shared = (name, o = {}) => mat(name, { form: 'electronic', copies: 0, source: 'shared', ...o });
/* Produced by the deciding department itself. */
const dept = (name, o = {}) => mat(name, { form: 'electronic', copies: 0, source: 'department', ...o });
/* A proof on the proof list (目录外无证明), checked by sharing unless said otherwise. */
const proof = (name, code, o = {}) => {
  if (!PROOF_CODES.has(code)) throw new Error(`unknown proof ${code}`);
  return mat(name, { form: 'electronic', copies: 0, source: 'shared', proof_code: code, ...o });
};

const idCard = (who = '申请人', o = {}) => lic(`${who}居民身份证`, '居民身份证', o);
const bizLicence = (o = {}) => lic('营业执照', '营业执照', o);
const proxy = () => app('授权委托书及受托人居民身份证（委托他人办理的）', {
  optional: true, missing: true,
  note: '受托人身份证件可通过电子证照库核验；授权委托书可在承诺时限内补交。',
});

const step = (name, level, days) => ({ name, authority_level: level, limit_days: days });

/* The procedure of an item: 受理 (level 1), 审查 (2), 决定 (3), and for major items
 * 集体研究 (4); the step limits add up to the promised limit. Instant items are
 * accepted and decided at the window (审决合一, authority level 1). */
function stepsFor(kind, promised, major) {
  if (kind === '1') return [step('受理', 1, 0), step('审查决定（窗口审批）', 1, 0)];
  if (major) {
    const meeting = promised >= 15 ? 3 : 2;
    const decide = promised >= 15 ? 2 : 1;
    return [step('受理', 1, 1), step('审查', 2, promised - 1 - meeting - decide),
      step('集体研究', 4, meeting), step('决定', 3, decide)];
  }
  if (promised === 2) return [step('受理', 1, 1), step('审查决定', 3, 1)];
  if (promised === 3) return [step('受理', 1, 1), step('审查', 2, 1), step('决定', 3, 1)];
  const decide = promised >= 10 ? 2 : 1;
  return [step('受理', 1, 1), step('审查', 2, promised - 1 - decide), step('决定', 3, decide)];
}

const basicCodes = new Set();
const items = [];
const byKey = {};

function contactsFor(o, spec) {
  if (spec.contact) return spec.contact;
  const complaintDist = '示范区政务服务管理办公室 023-65880012；12345政务服务便民热线';
  if (o.code === 'DEMO-TOWN')
    return { phone: TOWN_CENTRE.phone, consult: `${TOWN_CENTRE.name}综合窗口；12345政务服务便民热线`,
      complaint: `示范街道党政办公室 023-65710002；${complaintDist}`, address: TOWN_CENTRE.address,
      hours: TOWN_CENTRE.hours };
  if (o.code === 'DEMO-QINGSHAN')
    return { phone: QINGSHAN_CENTRE.phone, consult: `${QINGSHAN_CENTRE.name}综合窗口；12345政务服务便民热线`,
      complaint: `青山镇党政办公室 023-65730002；${complaintDist}`, address: QINGSHAN_CENTRE.address,
      hours: QINGSHAN_CENTRE.hours };
  if (o.level === 1)
    return { phone: o.phone, consult: `${CITY_HALL.name}${spec.window ?? '综合窗口'}；12345政务服务便民热线`,
      complaint: '示范市政务服务管理办公室 023-61230012；12345政务服务便民热线',
      address: `${CITY_HALL.address}（${CITY_HALL.name}）`, hours: CITY_HALL.hours };
  return { phone: o.phone, consult: `${DIST_HALL.name}${spec.window ?? '综合窗口'}；12345政务服务便民热线`,
    complaint: complaintDist, address: `${DIST_HALL.address}（${DIST_HALL.name}）`, hours: DIST_HALL.hours };
}

/* One item. Required: key, org, type, min (4-digit ministry series of the
 * basic code), seq, name, audience, topics, basis, conditions, materials,
 * legal, promised, trips, result. The rest has defaults (see below). */
function item(s) {
  const o = org(s.org);
  const kind = s.kind ?? '2';
  const isOnline = s.online ?? true;
  const basic = `${s.type}${s.min}${String(s.seq).padStart(3, '0')}000`;
  if (basicCodes.has(basic)) throw new Error(`basic code ${basic} twice`);
  basicCodes.add(basic);
  const defaultPower = o.kind === 'bureau' ? '3' : o.level >= 3 ? '2' : '1';
  const defaultLevels = { 1: ['3'], 2: ['4'], 3: ['5'], 4: ['6'] }[o.level];
  const [resultKind, resultName, resultLicence] = s.result;
  const doc = {
    impl_code: o.credit + basic,
    basic_code: basic,
    local_impl_code: '',
    local_basic_code: '',
    handling_code: '',
    name: s.name,
    type: s.type,
    org: s.org,
    audience: s.audience,
    levels: s.levels ?? defaultLevels,
    topics: s.topics,
    power_source: s.power ?? defaultPower,
    handling_mode: s.mode ?? '1',
    basis: s.basis.map(([law, article]) => ({ law, article })),
    conditions: s.conditions,
    materials: s.materials,
    steps: s.steps ?? stepsFor(kind, s.promised, s.major),
    special_procedures: (s.special ?? []).map(([k, days]) => ({ kind: k, limit_days: days })),
    legal_limit_days: s.legal,
    promised_limit_days: s.promised,
    limit_starts: s.starts ?? (kind === '1' ? 'same_day' : 'next_day'),
    is_exempt: !!s.exempt,
    is_high_risk: !!s.risk,
    fee: s.fee ? { is_free: false, amount_fen: s.fee[0], basis: s.fee[1] }
      : { is_free: true, amount_fen: 0, basis: '' },
    result: { kind: resultKind, name: resultName ?? '', licence_type: resultLicence ? lt(resultLicence) : '' },
    kind,
    item_class: s.cls ?? 'A',
    trips: s.trips,
    is_immediate: !!s.immediate,
    is_online: isOnline,
    is_nearby: !!s.nearby,
    is_one_visit: s.once ?? s.trips === '1',
    delivery: s.delivery ?? (isOnline ? ['window', 'post', 'electronic'] : ['window', 'post']),
    // 一邮送达: results of items handled online go by post free of charge
    free_post: s.freePost ?? (isOnline && (s.delivery ?? ['post']).includes('post')),
    channels: s.channels ?? (isOnline ? ['window', 'online', 'express'] : ['window']),
    intermediaries: s.inter ?? [],
    contacts: contactsFor(o, s),
    notes: s.notes ?? '',
    form: formFor(s, o.credit + basic),
    status: s.status ?? 'published',
  };
  for (const c of doc.intermediaries)
    if (!INTERMEDIARY_CODES.has(c)) throw new Error(`unknown intermediary ${c}`);
  if (byKey[s.key]) throw new Error(`item key ${s.key} twice`);
  byKey[s.key] = doc;
  items.push(doc);
  return doc;
}

/* ---- application forms (一表申请) -------------------------------------------------------
 * Each item's form in the canonical form item_doc_read produces (every key of
 * a field present, defaults filled in: docs/catalogue.md, "Form"). A field
 * builder returns [field, example]; the example is the value the demo
 * application (applications.json) gives when the field is not prefilled. */

const NUMBER_LIMIT = 1e15; /* FORM_NUMBER_LIMIT */
const TEXT_TYPES = new Set(['text', 'textarea', 'address']);
const RANGE_TYPES = new Set(['number', 'money_fen']);

function field(key, label, type, ex, o = {}) {
  const f = {
    key, label, type,
    required: o.required ?? true,
    max_length: TEXT_TYPES.has(type) ? (o.max ?? 200) : 0,
    min: RANGE_TYPES.has(type) ? (o.min ?? 0) : 0,
    max: RANGE_TYPES.has(type) ? (o.max ?? NUMBER_LIMIT) : 0,
    options: (o.options ?? []).map(([value, lbl]) => ({ value, label: lbl })),
    prefill: o.prefill ?? '',
    help: o.help ?? '',
  };
  if (!/^[a-z][a-z0-9_]{0,39}$/.test(key)) throw new Error(`form key ${key}`);
  return [f, ex];
}
const line = (k, l, ex, o = {}) => field(k, l, 'text', ex, { max: 100, ...o });
const area = (k, l, ex, o = {}) => field(k, l, 'textarea', ex, { max: 1000, ...o });
const addr = (k, l, ex, o = {}) => field(k, l, 'address', ex, o);
const num = (k, l, ex, min, max, o = {}) => field(k, l, 'number', ex, { min, max, ...o });
const money = (k, l, ex, o = {}) => field(k, l, 'money_fen', ex, o);
const date = (k, l, ex, o = {}) => field(k, l, 'date', ex, o);
const sel = (k, l, options, ex, o = {}) => field(k, l, 'select', ex, { options, ...o });
const check = (k, l, o = {}) => field(k, l, 'checkbox', true, o);
const idn = (k, l, ex, o = {}) => field(k, l, 'id_number', ex, o);
const phone = (k, l, ex, o = {}) => field(k, l, 'phone', ex, o);
const email = (k, l, ex, o = {}) => field(k, l, 'email', ex, { required: false, ...o });

/* The applicant blocks: filled from the account (SPEC §3 一号申请). */
const PERSON = () => [
  line('applicant_name', '申请人姓名', null, { max: 50, prefill: 'applicant.name' }),
  idn('id_number', '公民身份号码', null, { prefill: 'applicant.id_number' }),
  phone('phone', '联系电话', null, { prefill: 'applicant.phone' }),
];
const ORG_BLOCK = (nameLabel = '单位名称') => [
  line('org_name', nameLabel, null, { prefill: 'applicant.name' }),
  field('credit_code', '统一社会信用代码', 'credit_code', null, { prefill: 'applicant.credit_code' }),
  line('legal_rep', '法定代表人', null, { max: 50, prefill: 'applicant.legal_rep' }),
  phone('phone', '联系电话', null, { prefill: 'applicant.phone' }),
];
const OFFICE = '示范区人民路128号恒信大厦5楼';
const HOME = '示范区人民路新苑小区3栋2单元501';
const PROJECT = '示范区滨江新城恒信科技研发中心项目';
const PROJECT_SITE = '示范区滨江路以东、青年路以北（滨江新城B-07地块）';
const CONTACT = (ex = '赵敏') => line('contact_name', '联系人', ex, { max: 50 });

/* Forms by item key; an item not listed gets formDefault. */
const FORMS = {
  qysl: () => [
    line('company_name', '企业名称', '示范恒信云数据服务有限公司', { help: '已通过企业名称自主申报系统申报的名称' }),
    sel('company_type', '企业类型', [['llc', '有限责任公司'], ['llc_single', '有限责任公司（自然人独资）'],
      ['jsc', '股份有限公司']], 'llc'),
    addr('domicile', '住所', '示范区滨江路88号5幢301室'),
    money('registered_capital_fen', '注册资本（分）', 1000000000, { min: 1 }),
    line('legal_rep_name', '法定代表人姓名', '王恒信', { max: 50 }),
    idn('legal_rep_id', '法定代表人公民身份号码', '110101199003074258'),
    area('business_scope', '经营范围', '软件开发；信息系统集成服务；数据处理和存储支持服务'),
    phone('phone', '联系电话', null, { prefill: 'applicant.phone' }),
    email('email', '电子邮箱', 'zhaomin@hengxin.example.cn'),
  ],
  qybg: () => [
    ...ORG_BLOCK('企业名称'),
    sel('change_item', '变更事项', [['name', '名称'], ['domicile', '住所'], ['legal_rep', '法定代表人'],
      ['capital', '注册资本'], ['scope', '经营范围']], 'domicile'),
    area('before', '变更前内容', '示范区人民路128号恒信大厦5楼'),
    area('after', '变更后内容', '示范区滨江路88号5幢301室'),
    date('resolution_date', '股东会决议日期', '2026-01-15'),
  ],
  gsba: () => [
    ...ORG_BLOCK('企业名称'),
    sel('filing_item', '备案事项', [['articles', '章程'], ['directors', '董事、监事、经理'],
      ['liaison', '登记联络员']], 'liaison'),
    line('new_person', '新任人员姓名', '赵敏', { max: 50 }),
    idn('new_person_id', '新任人员公民身份号码', '110101199003074258'),
  ],
  qyzx: () => [
    ...ORG_BLOCK('企业名称'),
    sel('cancel_kind', '注销方式', [['simple', '简易注销'], ['normal', '一般注销']], 'simple'),
    area('reason', '注销原因', '经营期限届满，股东会决议解散'),
    date('announcement_date', '公告日期', '2026-01-05', { required: false }),
  ],
  rlzy: () => [
    ...ORG_BLOCK(),
    addr('premises', '服务场所地址', OFFICE),
    num('premises_area', '服务场所面积（平方米）', 320, 1, 100000),
    num('staff', '专职工作人员数', 8, 1, 10000),
    area('services', '服务范围', '职业介绍；人力资源供求信息的收集和发布；人力资源管理咨询'),
  ],
  czqc: () => [
    ...ORG_BLOCK('企业名称'),
    num('vehicles', '拟投入车辆数', 50, 1, 5000),
    sel('fuel', '车辆燃料类型', [['electric', '纯电动'], ['gas', '天然气'], ['hybrid', '油电混合']], 'electric'),
    addr('parking', '停车场地址', '示范区滨江路210号停车场'),
  ],
  spsc: () => [
    ...ORG_BLOCK('生产者名称'),
    addr('factory', '生产地址', '示范区青山镇工业园区8号'),
    area('categories', '食品类别', '糕点；饼干'),
    num('staff', '食品安全管理人员数', 3, 1, 1000),
  ],
  tzsb: () => [
    ...ORG_BLOCK('使用单位名称'),
    sel('equipment', '设备类别', [['elevator', '电梯'], ['boiler', '锅炉'], ['vessel', '压力容器'],
      ['crane', '起重机械']], 'elevator'),
    line('equipment_code', '设备代码', '31105001002026010001', { max: 20 }),
    addr('location', '设备使用地点', '示范区人民路128号恒信大厦'),
    date('commissioning_date', '投入使用日期', '2026-01-20'),
  ],
  sgxk: () => [
    ...ORG_BLOCK('建设单位名称'),
    line('project_name', '工程名称', PROJECT),
    addr('site', '建设地址', PROJECT_SITE),
    money('contract_price_fen', '合同价格（分）', 8600000000, { min: 1 }),
    num('floor_area', '建筑面积（平方米）', 24800, 1, 10000000),
    line('contractor', '施工总承包单位', '示范建工集团有限公司'),
    date('planned_start', '计划开工日期', '2026-04-01'),
  ],
  gcgh: () => [
    ...ORG_BLOCK('建设单位名称'),
    line('project_name', '项目名称', PROJECT),
    addr('site', '建设位置', PROJECT_SITE),
    num('floor_area', '总建筑面积（平方米）', 24800, 1, 10000000),
    line('land_certificate', '建设用地规划许可证编号', '地字第500107202600012号', { max: 40 }),
  ],
  spjy: () => [
    line('operator_name', '经营者名称', null, { prefill: 'applicant.name' }),
    field('credit_code', '统一社会信用代码', 'credit_code', null, { prefill: 'applicant.credit_code' }),
    line('legal_rep', '法定代表人（负责人）', null, { max: 50, prefill: 'applicant.legal_rep' }),
    addr('premises', '经营场所', '示范区人民路128号恒信大厦1楼'),
    sel('business_form', '主体业态', [['sales', '食品销售经营者'], ['catering', '餐饮服务经营者'],
      ['canteen', '单位食堂']], 'canteen'),
    area('items', '经营项目', '热食类食品制售；冷食类食品制售（不含生食）'),
    line('safety_manager', '食品安全管理员', '赵敏', { max: 50 }),
    phone('phone', '联系电话', null, { prefill: 'applicant.phone' }),
  ],
  hyys: () => [
    ...ORG_BLOCK('经营者名称'),
    num('vehicles', '拟投入车辆数', 10, 1, 10000),
    sel('scope', '经营范围', [['general', '道路普通货物运输'], ['container', '货物专用运输（集装箱）'],
      ['cold', '货物专用运输（冷藏保鲜）']], 'general'),
    addr('parking', '停车场地址', '示范区青山镇物流园3号'),
  ],
  ggcs: () => [
    ...ORG_BLOCK('单位名称'),
    line('venue_name', '场所名称', '恒信大厦健身中心'),
    sel('venue_kind', '场所类别', [['hotel', '住宿场所'], ['bath', '沐浴场所'], ['beauty', '美容美发场所'],
      ['gym', '游泳场所和健身场所'], ['entertainment', '文化娱乐场所']], 'gym'),
    addr('premises', '经营地址', '示范区人民路128号恒信大厦3楼'),
    num('venue_area', '营业面积（平方米）', 860, 1, 1000000),
    num('staff', '从业人员数', 12, 1, 10000),
  ],
  yplsh: () => [
    ...ORG_BLOCK('企业名称'),
    addr('premises', '经营场所', '示范区人民路128号恒信大厦1楼'),
    line('pharmacist', '执业药师姓名', '赵敏', { max: 50 }),
    sel('scope', '经营范围', [['otc', '乙类非处方药'], ['all', '处方药、甲类非处方药、乙类非处方药'],
      ['tcm', '中药饮片']], 'all'),
  ],
  tzba: () => [
    ...ORG_BLOCK('项目单位'),
    line('project_name', '项目名称', PROJECT),
    addr('site', '建设地点', PROJECT_SITE),
    money('investment_fen', '总投资（分）', 12000000000, { min: 1 }),
    area('content', '建设规模及内容', '新建研发楼及配套用房，总建筑面积24800平方米'),
    date('planned_start', '拟开工时间', '2026-06-01'),
  ],
  tzhz: () => [
    ...ORG_BLOCK('项目单位'),
    line('project_name', '项目名称', PROJECT),
    addr('site', '建设地点', PROJECT_SITE),
    money('investment_fen', '总投资（分）', 12000000000, { min: 1 }),
    area('content', '建设规模及内容', '新建数据中心一座，规划机柜3000架'),
  ],
  qybdc: () => [
    ...ORG_BLOCK('权利人'),
    sel('reg_kind', '登记类型', [['first', '首次登记'], ['transfer', '转移登记'], ['change', '变更登记']],
      'transfer'),
    addr('location', '不动产坐落', '示范区滨江路88号5幢'),
    line('unit_no', '不动产单元号', '500107001001GB00012F00050001', { max: 28 }),
    num('area', '建筑面积（平方米）', 1260, 1, 10000000),
  ],
  dyqdj: () => [
    ...ORG_BLOCK('抵押人'),
    line('mortgagee', '抵押权人', '示范银行股份有限公司示范区支行'),
    addr('location', '不动产坐落', '示范区滨江路88号5幢'),
    money('secured_fen', '被担保主债权数额（分）', 3000000000, { min: 1 }),
    date('debt_end', '债务履行期限（止）', '2031-03-31'),
  ],
  bdccx: () => [
    ...ORG_BLOCK('查询人'),
    addr('location', '查询的不动产坐落', '示范区滨江路88号5幢'),
    sel('purpose', '查询目的', [['own', '查询本单位名下不动产'], ['litigation', '诉讼'], ['other', '其他']],
      'own'),
  ],
  clfzy: () => [
    ...PERSON(),
    addr('location', '房屋坐落', '示范区人民路新苑小区3栋2单元501'),
    line('seller', '转让方姓名', '李四', { max: 50 }),
    idn('seller_id', '转让方公民身份号码', '110101199003074258'),
    money('price_fen', '成交价格（分）', 128000000, { min: 1 }),
    num('area', '建筑面积（平方米）', 89, 1, 100000),
  ],
  gtgsh: () => [
    ...PERSON(),
    line('shop_name', '个体工商户名称', '示范区张三便利店'),
    addr('premises', '经营场所', '示范区人民路20号1楼'),
    area('scope', '经营范围', '食品销售（仅销售预包装食品）；日用百货销售'),
    money('capital_fen', '资金数额（分）', 5000000, { min: 1 }),
  ],
  hkqy: () => [
    ...PERSON(),
    addr('from_address', '迁出地址', '北京市朝阳区和平里街道1号'),
    addr('to_address', '迁入地址', HOME),
    sel('reason', '迁移原因', [['house', '购房'], ['work', '就业'], ['family', '投靠亲属'], ['study', '就学']],
      'house'),
  ],
  csdj: () => [
    ...PERSON(),
    line('baby_name', '新生儿姓名', '张小满', { max: 50 }),
    sel('baby_sex', '性别', [['m', '男'], ['f', '女']], 'f'),
    date('birth_date', '出生日期', '2026-01-08'),
    line('birth_cert_no', '出生医学证明编号', 'Y500123456', { max: 20 }),
  ],
  jszg: () => [
    ...PERSON(),
    sel('level', '资格种类', [['kindergarten', '幼儿园'], ['primary', '小学'], ['junior', '初级中学'],
      ['senior', '高级中学']], 'primary'),
    line('subject', '任教学科', '语文', { max: 20 }),
    line('exam_cert_no', '考试合格证明编号', '2026500107000123', { max: 20 }),
    email('email', '电子邮箱', 'zhangsan@example.com'),
  ],
  yszc: () => [
    ...PERSON(),
    line('qualification_no', '医师资格证书编码', '202650110500001', { max: 30 }),
    sel('category', '执业类别', [['clinical', '临床'], ['tcm', '中医'], ['dental', '口腔'],
      ['public_health', '公共卫生']], 'clinical'),
    line('hospital', '拟执业机构', '示范区人民医院'),
  ],
  sybx: () => [
    ...PERSON(),
    date('separation_date', '离职日期', '2026-01-31'),
    line('last_employer', '原工作单位', '示范华信商贸有限公司'),
    num('paid_months', '累计缴费月数', 96, 12, 1200),
    line('bank_account', '社会保障卡银行账号', '6217000012345678901', { max: 30 }),
  ],
  gljt: () => [
    ...PERSON(),
    addr('address', '户籍地址', HOME),
    line('bank_account', '社会保障卡银行账号', '6217000012345678901', { max: 30 }),
  ],
  cxjm: () => [
    ...PERSON(),
    addr('address', '户籍地址', HOME),
    sel('grade', '缴费档次', [['g200', '每年200元'], ['g500', '每年500元'], ['g1000', '每年1000元'],
      ['g2000', '每年2000元']], 'g1000'),
  ],
  gzf: () => [
    ...PERSON(),
    num('family_size', '家庭人口数', 3, 1, 20),
    money('family_income_fen', '家庭上年度收入（分）', 7200000),
    addr('address', '现居住地址', HOME),
  ],
  ylcb: () => [
    ...ORG_BLOCK(),
    num('employees', '参保职工人数', 36, 1, 100000),
    date('start_date', '参保起始日期', '2026-02-01'),
    CONTACT(),
  ],
  swdj: () => [
    ...ORG_BLOCK('纳税人名称'),
    line('finance_officer', '财务负责人', '赵敏', { max: 50 }),
    sel('accounting', '会计核算方式', [['independent', '独立核算'], ['non_independent', '非独立核算']],
      'independent'),
  ],
  fpsl: () => [
    ...ORG_BLOCK('纳税人名称'),
    sel('invoice_kind', '发票种类', [['digital', '数电发票'], ['special', '增值税专用发票'],
      ['ordinary', '增值税普通发票']], 'digital'),
    num('monthly_count', '每月领用数量（份）', 50, 1, 10000),
  ],
  hpbgb: () => [
    ...ORG_BLOCK('建设单位'),
    line('project_name', '项目名称', PROJECT),
    addr('site', '建设地点', PROJECT_SITE),
    line('eia_agency', '环评文件编制单位', '示范环科咨询有限公司'),
    money('env_investment_fen', '环保投资（分）', 300000000),
  ],
  hpdjb: () => [
    ...ORG_BLOCK('建设单位'),
    line('project_name', '项目名称', PROJECT),
    addr('site', '建设地点', PROJECT_SITE),
    area('measures', '主要环境保护措施', '施工期洒水降尘，设置沉淀池；运营期生活污水经化粪池处理后排入市政管网'),
  ],
  dyk: () => [
    ...ORG_BLOCK('发卡企业名称'),
    sel('card_kind', '预付卡类型', [['single', '单用途记名卡'], ['anonymous', '单用途不记名卡']], 'single'),
    money('deposit_fen', '预收资金存管额度（分）', 5000000),
    CONTACT(),
  ],
  zszy: () => [
    ...ORG_BLOCK('经营者名称'),
    addr('premises', '回收经营场所', '示范区青山镇物流园6号'),
    area('categories', '回收品种', '废纸；废塑料；废旧金属'),
  ],
  ysxk: () => [
    ...ORG_BLOCK('开发企业'),
    line('project_name', '项目名称', '恒信滨江花园二期'),
    addr('site', '项目坐落', '示范区滨江路300号'),
    num('units', '预售套数', 420, 1, 100000),
    num('presale_area', '预售面积（平方米）', 39800, 1, 10000000),
    line('escrow_account', '预售资金监管账号', '500107001234567890', { max: 30 }),
  ],
  hwgg: () => [
    ...ORG_BLOCK('设置单位'),
    addr('location', '设置地点', '示范区人民路128号恒信大厦楼顶'),
    num('sign_area', '广告面积（平方米）', 120, 1, 10000),
    date('end_date', '设置期限（至）', '2028-12-31'),
  ],
  nyjy: () => [
    ...ORG_BLOCK('经营者名称'),
    addr('premises', '经营场所', '示范区青山镇农贸市场2号'),
    addr('warehouse', '仓储场所', '示范区青山镇物流园9号'),
    sel('scope', '经营范围', [['general', '农药（不含限制使用农药）'], ['restricted', '农药（含限制使用农药）']],
      'general'),
  ],
};

/* An item without a form of its own: the applicant block, an address and what
 * is applied for. person: the item serves natural persons only. */
function formDefault(name, person) {
  if (person)
    return [...PERSON(), addr('address', '联系地址', HOME),
      area('reason', '申请事项说明', `申请办理${name}`, { max: 500 })];
  return [...ORG_BLOCK(), addr('address', '住所（经营场所）', OFFICE),
    area('description', '申请事项说明', `申请办理${name}`, { max: 500 })];
}

const EXAMPLES = {}; /* impl_code -> {key: example} of the fields not prefilled */

function formFor(s, implCode) {
  const person = s.audience.length === 1 && s.audience[0] === '1';
  const pairs = FORMS[s.key] ? FORMS[s.key]() : formDefault(s.name, person);
  if (pairs.length < 3 || pairs.length > 10) throw new Error(`form of ${s.key}: ${pairs.length} fields`);
  const keys = new Set();
  const ex = {};
  for (const [f, e] of pairs) {
    if (keys.has(f.key)) throw new Error(`form of ${s.key}: key ${f.key} twice`);
    keys.add(f.key);
    if (!f.prefill && e !== null) ex[f.key] = e;
    if (!f.prefill && e === null && f.required) throw new Error(`form of ${s.key}: ${f.key} has no example`);
  }
  EXAMPLES[implCode] = ex;
  return { fields: pairs.map(([f]) => f) };
}

/* Ministry series of the basic codes. */
const FGW = '0101', JY = '0104', GA = '0106', MZ = '0108', RS = '0112', ZR = '0113',
  ST = '0114', ZJ = '0115', JT = '0116', SL = '0117', NY = '0118', SW = '0119', WL = '0120',
  WJ = '0121', YJ = '0124', SWU = '0127', SJ = '0130', YP = '0131', LC = '0135';

const LICENSING_LAW_42 = ['《中华人民共和国行政许可法》', '第四十二条'];
const REGISTRATION_FEE = '《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）';
const EXIT_ENTRY_FEE = '《国家发展改革委 财政部关于降低部分行政事业性收费标准的通知》（发改价格规〔2019〕914号）';

/* ==== 示范市行政审批局 (items transferred from the city's departments) ==================== */

item({
  key: 'qysl', org: 'DEMO-CITY-XZSPJ', type: '01', min: SJ, seq: 1, name: '企业设立登记',
  audience: ['2', '5'], levels: ['3', '4'], topics: ['企业开办'],
  basis: [['《中华人民共和国公司法》', '第二十九条'], ['《中华人民共和国市场主体登记管理条例》', '第三条']],
  conditions: '申请设立有限责任公司或者股份有限公司，应当符合《中华人民共和国公司法》规定的设立条件：股东符合法定人数；' +
    '有符合公司章程规定的全体股东认缴的出资额；股东共同制定公司章程；有公司名称，建立符合要求的组织机构；有公司住所。' +
    '企业名称已通过企业名称自主申报系统申报，不含有法律、行政法规禁止的内容。',
  materials: [
    online('公司登记（备案）申请书', { sample: '通过“示范市企业开办一网通”在线填写，全体股东和法定代表人在线电子签名。',
      mistakes: '经营范围未按《经营范围登记规范表述目录》选择；法定代表人电子签名与身份信息不一致。' }),
    app('公司章程', { mistakes: '章程载明的出资额、出资方式、出资期限与申请书不一致；未由全体股东签署。' }),
    idCard('自然人股东'),
    lic('企业股东营业执照（股东为企业的）', '营业执照', { optional: true }),
    app('法定代表人、董事、监事和经理的任职文件'),
    app('住所（经营场所）使用证明', { commit: true, missing: true,
      note: '可选择告知承诺，填写《住所（经营场所）信息申报承诺书》代替产权证明。' }),
    proxy(),
  ],
  legal: 15, promised: 3, kind: '2', cls: 'B', trips: '0',
  result: ['licence', '营业执照', '营业执照'],
  notes: '企业开办“一件事”：营业执照、公章刻制、涉税事项、社会保险登记和银行开户预约同步办理，' +
    '3个工作日内办结，电子营业执照即时发放，纸质执照可免费邮寄。',
});

item({
  key: 'qybg', org: 'DEMO-CITY-XZSPJ', type: '01', min: SJ, seq: 2, name: '企业变更登记',
  audience: ['2', '5'], levels: ['3', '4'], topics: ['企业开办'],
  basis: [['《中华人民共和国市场主体登记管理条例》', '第二十四条'], ['《中华人民共和国公司法》', '第三十四条']],
  conditions: '企业登记事项（名称、住所、法定代表人、注册资本、经营范围、类型、股东）发生变化的，' +
    '应当自作出变更决议、决定或者法定变更事项发生之日起30日内申请变更登记。',
  materials: [
    online('企业变更登记（备案）申请书'),
    app('股东会决议或者股东决定'),
    app('修改后的公司章程或者章程修正案'),
    bizLicence(),
  ],
  legal: 15, promised: 0, kind: '1', cls: 'A', trips: '0', immediate: true,
  result: ['licence', '营业执照（换发）', '营业执照'],
  notes: '材料齐全、符合法定形式的，窗口当场办结；变更后的电子营业执照同步更新。',
});

item({
  key: 'gsba', org: 'DEMO-CITY-XZSPJ', type: '10', min: SJ, seq: 3,
  name: '企业备案（章程、董事、监事、经理、联络员备案）',
  audience: ['2', '5'], levels: ['3', '4'], topics: ['企业开办'],
  basis: [['《中华人民共和国市场主体登记管理条例》', '第九条、第二十九条']],
  conditions: '企业章程修改未涉及登记事项，或者董事、监事、高级管理人员、登记联络员发生变化的，' +
    '应当自作出变更决议、决定之日起30日内向登记机关办理备案。',
  materials: [
    online('企业备案申请书'),
    app('章程修正案或者董事、监事、经理的任免文件'),
    idCard('新任董事、监事、经理或者联络员'),
  ],
  legal: 15, promised: 0, kind: '1', cls: 'A', trips: '0', immediate: true,
  result: ['document', '备案通知书'],
});

item({
  key: 'qyzx', org: 'DEMO-CITY-XZSPJ', type: '01', min: SJ, seq: 4, name: '企业注销登记（含简易注销）',
  audience: ['2', '5'], levels: ['3', '4'], topics: ['企业开办'],
  basis: [['《中华人民共和国市场主体登记管理条例》', '第三十一条、第三十三条'], ['《中华人民共和国公司法》', '第二百三十九条']],
  conditions: '企业解散并依法完成清算，或者未发生债权债务、已将债权债务清偿完结、未发生或者已结清清偿费用、' +
    '职工工资、社会保险费用、法定补偿金、应缴纳税款，并由全体投资人书面承诺对上述情况的真实性承担法律责任的，' +
    '可以申请简易注销登记。',
  materials: [
    online('注销登记申请书'),
    app('清算报告或者全体投资人承诺书（简易注销）', { commit: true }),
    shared('清税信息（由税务部门共享）'),
    bizLicence(),
    proxy(),
  ],
  legal: 15, promised: 3, cls: 'B', trips: '0',
  special: [['publication', 20]],
  result: ['document', '准予注销登记通知书'],
  notes: '简易注销须在国家企业信用信息公示系统公示20日，公示期不计入承诺时限。',
});

item({
  key: 'wmba', org: 'DEMO-CITY-XZSPJ', type: '10', min: SW, seq: 1, name: '对外贸易经营者备案登记',
  audience: ['1', '2', '5'], topics: ['商贸流通'],
  basis: [['《中华人民共和国对外贸易法》（2016年修正）', '第九条'], ['《对外贸易经营者备案登记办法》', '第二条、第七条']],
  conditions: '从事货物进出口或者技术进出口的对外贸易经营者，应当在开展对外贸易经营活动前办理备案登记。',
  materials: [
    online('对外贸易经营者备案登记表'),
    bizLicence(),
  ],
  legal: 5, promised: 0, kind: '1', cls: 'A', trips: '0', immediate: true,
  result: ['document', '对外贸易经营者备案登记表（加盖备案印章）'],
  notes: '2022年12月30日修正的《中华人民共和国对外贸易法》删去了对外贸易经营者备案登记的规定，' +
    '本事项自2022年12月30日起暂停办理，待权责清单调整后注销。',
  status: 'suspended',
});

item({
  key: 'hpbgs', org: 'DEMO-CITY-XZSPJ', type: '01', min: ST, seq: 1, name: '建设项目环境影响报告书审批',
  audience: ['2', '3', '9'], topics: ['生态环境', '工程建设'],
  basis: [['《中华人民共和国环境影响评价法》', '第十六条、第二十二条'], ['《建设项目环境保护管理条例》', '第九条']],
  conditions: '建设项目可能造成重大环境影响、依法应当编制环境影响报告书；建设项目类型及其选址、布局、规模符合环境保护法律法规' +
    '和相关法定规划；所在区域环境质量未达到国家或者地方环境质量标准的，建设项目拟采取的措施能够满足区域环境质量改善目标管理要求；' +
    '已依法开展公众参与。',
  materials: [
    app('建设项目环境影响报告书审批申请书'),
    app('建设项目环境影响报告书（全本及删除涉及国家秘密、商业秘密内容的公开版本）', { copies: 2 }),
    app('建设项目环境影响评价公众参与说明'),
    shared('项目备案证明或者核准批复（投资项目在线审批监管平台共享）'),
    bizLicence(),
  ],
  legal: 60, promised: 40, exempt: true, risk: true, major: true, trips: 'n',
  special: [['expert_review', 15], ['publication', 10]],
  inter: ['INT-002'],
  result: ['document', '建设项目环境影响报告书批复'],
  window: '投资项目综合窗口',
  notes: '属环境保护类技术性事项，承诺时限按法定时限的三分之二执行；技术评估和拟审批公示时间不计入承诺时限。',
});

item({
  key: 'rlzy', org: 'DEMO-CITY-XZSPJ', type: '01', min: RS, seq: 1, name: '人力资源服务许可',
  audience: ['2', '5'], topics: ['社会保障', '企业开办'],
  basis: [['《人力资源市场暂行条例》', '第十八条、第十九条'], ['《中华人民共和国就业促进法》', '第四十条']],
  conditions: '经营性人力资源服务机构从事职业中介活动的，应当有明确的章程和管理制度，有开展业务必备的固定场所、办公设施' +
    '和一定数额的开办资金，有一定数量具备相应职业资格的专职工作人员。',
  materials: [
    online('人力资源服务许可申请书'),
    bizLicence(),
    app('经营场所使用证明', { commit: true }),
    app('专职工作人员名单及其职业资格证明', { missing: true }),
    app('人力资源服务工作规则和管理制度文本'),
  ],
  legal: 20, promised: 5, cls: 'B', trips: '0',
  result: ['licence', '人力资源服务许可证', '人力资源服务许可证'],
  notes: '本事项实行告知承诺制：申请人承诺符合条件并提交材料的，当场作出许可决定；审批后开展核查。',
});

item({
  key: 'czqc', org: 'DEMO-CITY-XZSPJ', type: '01', min: JT, seq: 1, name: '巡游出租汽车经营许可',
  audience: ['2'], topics: ['交通运输'],
  basis: [['《巡游出租汽车经营服务管理规定》', '第八条、第十条'], LICENSING_LAW_42],
  conditions: '有符合机动车管理要求并满足条件的车辆或者提供保证满足条件的车辆承诺书；有取得出租汽车驾驶员从业资格证的驾驶员；' +
    '有健全的经营管理制度、安全生产管理制度和服务质量保障制度；有固定的经营场所和停车场地；已取得车辆经营权。',
  materials: [
    online('巡游出租汽车经营申请表'),
    bizLicence(),
    dept('车辆经营权配置结果通知书'),
    app('拟投入车辆承诺书'),
    lic('驾驶员道路运输从业人员从业资格证', '道路运输从业人员从业资格证'),
    app('经营管理制度、安全生产管理制度和服务质量保障制度文本'),
    app('经营场所、停车场地使用证明', { commit: true }),
  ],
  legal: 20, promised: 10, trips: '1',
  result: ['licence', '道路运输经营许可证（巡游出租汽车）', '道路运输经营许可证'],
  window: '交通运输窗口',
});

/* ==== 示范市市场监督管理局 ================================================================ */

item({
  key: 'spsc', org: 'DEMO-CITY-SCJGJ', type: '01', min: SJ, seq: 11, name: '食品生产许可',
  audience: ['2', '5'], topics: ['医疗卫生', '商贸流通'],
  basis: [['《中华人民共和国食品安全法》', '第三十五条'], ['《食品生产许可管理办法》', '第二条']],
  conditions: '具有与生产的食品品种、数量相适应的食品原料处理和食品加工、包装、贮存等场所；具有相应的生产设备或者设施；' +
    '有专职或者兼职的食品安全专业技术人员、食品安全管理人员和保证食品安全的规章制度；具有合理的设备布局和工艺流程。',
  materials: [
    online('食品生产许可申请书'),
    bizLicence(),
    app('食品生产加工场所及其周围环境平面图、各功能区间布局平面图、工艺设备布局图和食品生产工艺流程图'),
    app('食品生产主要设备、设施清单'),
    app('食品安全专业技术人员、食品安全管理人员信息和食品安全管理制度'),
  ],
  legal: 20, promised: 10, risk: true, trips: '1',
  special: [['site_survey', 10]],
  result: ['licence', '食品生产许可证', '食品生产许可证'],
  window: '市场监管窗口',
});

item({
  key: 'tzsb', org: 'DEMO-CITY-SCJGJ', type: '01', min: SJ, seq: 12, name: '特种设备使用登记',
  audience: ['2', '3', '5', '9'], topics: ['工程建设'],
  basis: [['《中华人民共和国特种设备安全法》', '第三十三条'], ['《特种设备安全监察条例》', '第二十五条']],
  conditions: '特种设备（锅炉、压力容器、电梯、起重机械、场（厂）内专用机动车辆等）在投入使用前或者投入使用后30日内，' +
    '使用单位应当向负责特种设备安全监督管理的部门办理使用登记；设备已经监督检验合格。',
  materials: [
    online('特种设备使用登记表'),
    bizLicence(),
    app('特种设备产品合格证（含产品数据表）'),
    shared('特种设备监督检验证明（由检验机构共享）'),
  ],
  legal: 15, promised: 0, kind: '1', risk: true, trips: '0', immediate: true,
  result: ['licence', '特种设备使用登记证', '特种设备使用登记证'],
  window: '市场监管窗口',
});

/* ==== 示范区行政审批局 (items transferred from district departments, 相对集中行政许可权) ====== */

item({
  key: 'ydyx', org: 'DEMO-DIST-XZSPJ', type: '01', min: ZR, seq: 1, name: '建设项目用地预审与选址意见书核发',
  audience: ['2', '3', '9'], topics: ['工程建设'],
  basis: [['《中华人民共和国土地管理法》', '第五十二条'], ['《中华人民共和国城乡规划法》', '第三十六条']],
  conditions: '以划拨方式提供国有土地使用权的建设项目，以及需要办理用地预审的建设项目，在可行性研究阶段申请；' +
    '项目选址符合国土空间规划和用途管制要求，用地规模符合土地使用标准，节约集约用地。',
  materials: [
    online('建设项目用地预审与选址申请表'),
    app('建设项目用地预审与选址申请报告'),
    app('拟建项目用地边界拐点坐标表（2000国家大地坐标系）'),
    shared('项目建议书批复或者项目备案证明'),
    app('地质灾害危险性评估报告（位于地质灾害易发区的）', { optional: true, missing: true }),
  ],
  legal: 20, promised: 7, cls: 'B', trips: '0',
  inter: ['INT-004'],
  result: ['licence', '建设项目用地预审与选址意见书', '建设项目用地预审与选址意见书'],
  window: '投资项目窗口',
  notes: '工程建设项目审批“立项用地规划许可阶段”事项，与项目审批（核准、备案）并联办理。',
});

item({
  key: 'ydgh', org: 'DEMO-DIST-XZSPJ', type: '01', min: ZR, seq: 2, name: '建设用地规划许可证核发',
  audience: ['2', '3', '9'], topics: ['工程建设'],
  basis: [['《中华人民共和国城乡规划法》', '第三十七条、第三十八条']],
  conditions: '以划拨方式取得国有土地使用权的建设项目已经有关部门批准、核准或者备案；以出让方式取得国有土地使用权的，' +
    '已签订国有建设用地使用权出让合同，出让合同中的规划条件符合控制性详细规划。',
  materials: [
    online('建设用地规划许可申请表'),
    bizLicence(),
    shared('建设项目批准、核准或者备案文件'),
    app('国有建设用地使用权出让合同（出让方式取得用地的）', { optional: true }),
    app('建设项目总平面布置示意图', { missing: true }),
  ],
  legal: 20, promised: 5, cls: 'B', trips: '0',
  result: ['licence', '建设用地规划许可证', '建设用地规划许可证'],
  window: '投资项目窗口',
  notes: '工程建设项目“50个工作日取得施工许可”链条中的立项用地规划许可阶段事项。',
});

item({
  key: 'gcgh', org: 'DEMO-DIST-XZSPJ', type: '01', min: ZR, seq: 3, name: '建设工程规划许可证核发',
  audience: ['2', '3', '9'], topics: ['工程建设'],
  basis: [['《中华人民共和国城乡规划法》', '第四十条']],
  conditions: '已取得建设用地规划许可证或者不动产权证书；建设工程设计方案符合控制性详细规划和规划条件；' +
    '建筑间距、日照、退让等符合城市规划管理技术规定。',
  materials: [
    online('建设工程规划许可申请表'),
    lic('建设用地规划许可证', '建设用地规划许可证'),
    app('建设工程设计方案（总平面图及建筑单体方案图）', { copies: 2 }),
    app('建设工程规划报建测量成果（现状地形图）', { missing: true }),
    bizLicence(),
  ],
  legal: 20, promised: 5, cls: 'B', trips: '0',
  inter: ['INT-005'],
  result: ['licence', '建设工程规划许可证', '建设工程规划许可证'],
  window: '投资项目窗口',
  notes: '工程建设项目“50个工作日取得施工许可”链条中的工程建设许可阶段事项；设计方案审查与规划许可合并办理。',
});

item({
  key: 'xcgh', org: 'DEMO-DIST-XZSPJ', type: '01', min: ZR, seq: 4, name: '乡村建设规划许可证核发',
  audience: ['1', '2', '9'], levels: ['4', '5'], topics: ['工程建设', '农林水利'],
  basis: [['《中华人民共和国城乡规划法》', '第四十一条']],
  conditions: '在乡、村庄规划区内进行乡镇企业、乡村公共设施和公益事业建设以及农村村民住宅建设，不得占用农用地；' +
    '确需占用农用地的，应当依法办理农用地转用审批手续；建设符合乡规划、村庄规划。',
  materials: [
    online('乡村建设规划许可申请表'),
    idCard(),
    app('宅基地批准文件或者农村集体建设用地使用证明'),
    app('建设工程设计图或者农村住房通用图集选用说明'),
    paper('村民委员会意见'),
  ],
  legal: 20, promised: 10, trips: 'n', online: false, nearby: true,
  special: [['site_survey', 5]],
  result: ['licence', '乡村建设规划许可证', '乡村建设规划许可证'],
  notes: '可在所在镇（街道）便民服务中心提交申请，由区行政审批局作出决定。',
});

item({
  key: 'sgxk', org: 'DEMO-DIST-XZSPJ', type: '01', min: ZJ, seq: 1, name: '建筑工程施工许可证核发',
  audience: ['2', '3', '9'], topics: ['工程建设'],
  basis: [['《中华人民共和国建筑法》', '第七条、第八条'], ['《建筑工程施工许可管理办法》', '第四条']],
  conditions: '已经办理该建筑工程用地批准手续；依法应当办理建设工程规划许可证的，已经取得建设工程规划许可证；' +
    '需要拆迁的，其拆迁进度符合施工要求；已经确定施工企业；有满足施工需要的技术资料，施工图设计文件已按规定审查合格；' +
    '有保证工程质量和安全的具体措施；建设资金已经落实。',
  materials: [
    online('建筑工程施工许可证申请表'),
    lic('建设工程规划许可证', '建设工程规划许可证'),
    shared('中标通知书或者直接发包批准文件（公共资源交易平台共享）'),
    shared('施工图设计文件审查合格书', { missing: true,
      note: '联合审图完成前可容缺受理，审查合格书出具后方可发证。' }),
    app('建设资金已经落实承诺书', { commit: true }),
    app('保证工程质量和安全的具体措施（施工组织设计）'),
  ],
  legal: 7, promised: 3, cls: 'B', trips: '0',
  inter: ['INT-001'],
  result: ['licence', '建筑工程施工许可证', '建筑工程施工许可证'],
  window: '投资项目窗口',
  notes: '工程建设项目“50个工作日取得施工许可”链条的最后一个环节；工程质量安全监督手续与施工许可合并办理。',
});

item({
  key: 'xfsj', org: 'DEMO-DIST-XZSPJ', type: '01', min: ZJ, seq: 12, name: '特殊建设工程消防设计审查',
  audience: ['2', '3', '9'], topics: ['工程建设'],
  basis: [['《中华人民共和国消防法》', '第十一条'], ['《建设工程消防设计审查验收管理暂行规定》（住房和城乡建设部令第51号）', '第三章']],
  conditions: '属于特殊建设工程；消防设计文件由具有相应资质的设计单位编制，符合国家工程建设消防技术标准。',
  materials: [
    online('特殊建设工程消防设计审查申请表'),
    app('消防设计文件'),
    lic('建设工程规划许可证', '建设工程规划许可证'),
    app('特殊消防设计技术资料（需要组织专家评审的）', { optional: true }),
  ],
  legal: 15, promised: 7, risk: true, trips: '0',
  special: [['expert_review', 10]],
  inter: ['INT-001'],
  result: ['document', '特殊建设工程消防设计审查意见书'],
  window: '投资项目窗口',
});

item({
  key: 'xfys', org: 'DEMO-DIST-XZSPJ', type: '01', min: ZJ, seq: 2, name: '特殊建设工程消防验收',
  audience: ['2', '3', '9'], topics: ['工程建设'],
  basis: [['《中华人民共和国消防法》', '第十三条'], ['《建设工程消防设计审查验收管理暂行规定》（住房和城乡建设部令第51号）', '第四章']],
  conditions: '特殊建设工程竣工后，建设单位已组织竣工验收，消防设施检测合格，工程符合经审查合格的消防设计文件。',
  materials: [
    online('特殊建设工程消防验收申请表'),
    app('工程竣工验收报告'),
    app('涉及消防的建设工程竣工图纸'),
    app('建筑消防设施检测报告'),
  ],
  legal: 15, promised: 7, exempt: true, risk: true, trips: '1',
  special: [['site_survey', 5]],
  inter: ['INT-006'],
  result: ['document', '特殊建设工程消防验收意见书'],
  window: '投资项目窗口',
});

item({
  key: 'jgba', org: 'DEMO-DIST-XZSPJ', type: '10', min: ZJ, seq: 3, name: '建设工程竣工验收备案',
  audience: ['2', '3', '9'], topics: ['工程建设'],
  basis: [['《建设工程质量管理条例》', '第四十九条'], ['《房屋建筑和市政基础设施工程竣工验收备案管理办法》', '第四条、第五条']],
  conditions: '建设工程竣工验收合格之日起15日内，建设单位向工程所在地建设主管部门备案。',
  materials: [
    online('工程竣工验收备案表'),
    app('工程竣工验收报告'),
    app('施工单位签署的工程质量保修书'),
    shared('建设工程规划核实意见书和特殊建设工程消防验收意见书'),
    app('住宅质量保证书和住宅使用说明书（商品住宅工程）', { optional: true }),
  ],
  legal: 15, promised: 0, kind: '1', trips: '0', immediate: true,
  result: ['document', '建设工程竣工验收备案证明'],
  window: '投资项目窗口',
});

item({
  key: 'qzjx', org: 'DEMO-DIST-XZSPJ', type: '10', min: ZJ, seq: 4, name: '建筑起重机械使用登记',
  audience: ['2'], topics: ['工程建设'],
  basis: [['《建设工程安全生产管理条例》', '第三十五条'], ['《建筑起重机械安全监督管理规定》', '第十七条']],
  conditions: '建筑起重机械安装验收合格之日起30日内，使用单位向工程所在地建设主管部门办理使用登记；设备已经检验检测合格。',
  materials: [
    online('建筑起重机械使用登记表'),
    app('建筑起重机械安装验收记录'),
    shared('建筑起重机械检验检测报告'),
    app('特种作业人员名单及其操作资格证书'),
  ],
  legal: 7, promised: 2, risk: true, trips: '0',
  result: ['document', '建筑起重机械使用登记证明'],
  window: '投资项目窗口',
});

item({
  key: 'spjy', org: 'DEMO-DIST-XZSPJ', type: '01', min: SJ, seq: 21, name: '食品经营许可',
  audience: ['1', '2', '5'], topics: ['医疗卫生', '商贸流通'],
  basis: [['《中华人民共和国食品安全法》', '第三十五条'], LICENSING_LAW_42],
  conditions: '具有与经营的食品品种、数量相适应的食品原料处理和食品加工、销售、贮存等场所；具有相应的经营设备或者设施；' +
    '有专职或者兼职的食品安全管理人员和保证食品安全的规章制度；具有合理的设备布局和工艺流程。',
  materials: [
    online('食品经营许可申请书'),
    bizLicence(),
    app('主要设备设施清单及经营场所布局、操作流程说明'),
    app('食品安全管理制度文本（含自查、从业人员健康管理、进货查验记录和食品安全事故处置）'),
    shared('食品安全管理人员健康证明'),
  ],
  legal: 20, promised: 15, exempt: true, risk: true, trips: '1',
  special: [['site_survey', 5]],
  result: ['licence', '食品经营许可证', '食品经营许可证'],
  notes: '属人身健康类事项，需现场核查，承诺时限不执行压缩一半的要求；仅销售预包装食品的，办理备案，无需许可。',
});

item({
  key: 'hyys', org: 'DEMO-DIST-XZSPJ', type: '01', min: JT, seq: 11, name: '道路货物运输经营许可',
  audience: ['1', '2', '5'], topics: ['交通运输'],
  basis: [['《中华人民共和国道路运输条例》', '第二十一条、第二十四条'], ['《道路货物运输及站场管理规定》', '第六条']],
  conditions: '有与其经营业务相适应并经检测合格的车辆；有符合规定条件的驾驶人员；有健全的安全生产管理制度。' +
    '（使用总质量4500千克及以下普通货运车辆从事普通货运经营的，无需办理本许可。）',
  materials: [
    online('道路货物运输经营申请表'),
    idCard('负责人'),
    lic('机动车行驶证', '机动车行驶证', { optional: true }),
    app('拟投入车辆承诺书（尚未购置车辆的）', { optional: true }),
    lic('驾驶人员道路运输从业人员从业资格证', '道路运输从业人员从业资格证'),
    app('安全生产管理制度文本', { missing: true }),
    proxy(),
  ],
  legal: 20, promised: 5, cls: 'B', trips: '0',
  result: ['licence', '道路运输经营许可证', '道路运输经营许可证'],
  window: '交通窗口',
});

item({
  key: 'mcjg', org: 'DEMO-DIST-XZSPJ', type: '01', min: LC, seq: 11, name: '木材经营加工许可',
  audience: ['1', '2', '5'], topics: ['农林水利'],
  basis: [['《中华人民共和国森林法实施条例》', '第三十四条']],
  conditions: '在林区经营（含加工）木材的，有固定的经营（加工）场所和与经营（加工）规模相适应的设备，原料来源合法。',
  materials: [
    online('木材经营（加工）许可申请表'),
    bizLicence(),
    app('经营（加工）场所使用证明', { commit: true }),
    app('主要加工设备清单'),
    app('木材原料来源说明'),
  ],
  legal: 20, promised: 10, trips: '1',
  special: [['site_survey', 3]],
  result: ['licence', '木材经营（加工）许可证', '木材经营（加工）许可证'],
  delivery: ['window', 'post', 'electronic'],
  notes: '办理结果可免费快递送达。',
});

item({
  key: 'stbc', org: 'DEMO-DIST-XZSPJ', type: '01', min: SL, seq: 11, name: '生产建设项目水土保持方案审批',
  audience: ['2', '3', '9'], topics: ['工程建设', '农林水利'],
  basis: [['《中华人民共和国水土保持法》', '第二十五条、第二十六条']],
  conditions: '在山区、丘陵区、风沙区以及水土保持规划确定的容易发生水土流失的其他区域开办可能造成水土流失的生产建设项目，' +
    '应当编制水土保持方案；方案符合水土保持技术标准。',
  materials: [
    online('生产建设项目水土保持方案审批申请'),
    app('生产建设项目水土保持方案报告书（表）', { copies: 2 }),
    bizLicence(),
  ],
  legal: 20, promised: 10, exempt: true, trips: '0',
  special: [['expert_review', 10]],
  inter: ['INT-007'],
  result: ['document', '生产建设项目水土保持方案批复'],
  window: '投资项目窗口',
});

item({
  key: 'dlwj', org: 'DEMO-DIST-XZSPJ', type: '01', min: ZJ, seq: 5, name: '城市道路占用、挖掘审批',
  audience: ['1', '2', '3', '9'], topics: ['工程建设', '交通运输'],
  basis: [['《城市道路管理条例》', '第三十条、第三十一条、第三十三条']],
  conditions: '因工程建设需要挖掘城市道路，或者因特殊情况需要临时占用城市道路的，应当持有关批准文件向市政工程行政主管部门申请；' +
    '占用、挖掘期限和范围合理，有交通组织和安全防护措施。',
  materials: [
    online('占用、挖掘城市道路申请表'),
    app('施工方案及占道平面示意图'),
    app('交通组织方案（需要实施交通管制的）', { optional: true }),
    lic('建设工程规划许可证（新建管线工程的）', '建设工程规划许可证', { optional: true }),
  ],
  legal: 20, promised: 5, trips: '0',
  special: [['site_survey', 2]],
  result: ['document', '城市道路占用、挖掘许可决定书'],
});

item({
  key: 'lwpq', org: 'DEMO-DIST-XZSPJ', type: '01', min: RS, seq: 2, name: '劳务派遣经营许可',
  audience: ['2'], topics: ['社会保障', '企业开办'],
  basis: [['《中华人民共和国劳动合同法》', '第五十七条'], ['《劳务派遣行政许可实施办法》', '第六条、第七条']],
  conditions: '注册资本不得少于人民币二百万元；有与开展业务相适应的固定经营场所和设施；有符合法律、行政法规规定的劳务派遣管理制度。',
  materials: [
    online('劳务派遣经营许可申请书'),
    bizLicence(),
    app('注册资本实缴情况说明'),
    app('经营场所使用证明', { commit: true }),
    app('劳务派遣管理制度（劳动合同、劳动报酬、社会保险、工作时间、休息休假、劳动纪律）', { missing: true }),
  ],
  legal: 20, promised: 10, cls: 'B', trips: '0',
  result: ['licence', '劳务派遣经营许可证', '劳务派遣经营许可证'],
});

item({
  key: 'yplsh', org: 'DEMO-DIST-XZSPJ', type: '01', min: YP, seq: 1, name: '药品零售企业经营许可',
  audience: ['2', '5'], topics: ['医疗卫生', '商贸流通'],
  basis: [['《中华人民共和国药品管理法》', '第五十一条、第五十二条']],
  conditions: '有依法经过资格认定的药师或者其他药学技术人员；有与所经营药品相适应的营业场所、设备、仓储设施和卫生环境；' +
    '有与所经营药品相适应的质量管理机构或者人员；有保证药品质量的规章制度，并符合药品经营质量管理规范要求。',
  materials: [
    online('药品经营许可证申请表'),
    bizLicence(),
    lic('执业药师注册证', '执业药师注册证'),
    app('营业场所、仓库平面布置图及使用证明'),
    app('药品质量管理制度目录'),
  ],
  legal: 20, promised: 10, risk: true, trips: '1',
  special: [['site_survey', 5]],
  result: ['licence', '药品经营许可证', '药品经营许可证'],
});

item({
  key: 'whpjy', org: 'DEMO-DIST-XZSPJ', type: '01', min: YJ, seq: 1, name: '危险化学品经营许可（不带储存设施）',
  audience: ['2', '5'], topics: ['商贸流通'],
  basis: [['《危险化学品安全管理条例》', '第三十三条、第三十四条、第三十五条'], ['《危险化学品经营许可证管理办法》', '第六条']],
  conditions: '有符合国家标准、行业标准的经营场所；从业人员经过专业技术培训并经考核合格；有健全的安全管理规章制度；' +
    '有专职安全管理人员；有符合国家规定的危险化学品事故应急预案和必要的应急救援器材、设备。',
  materials: [
    online('危险化学品经营许可证申请表'),
    bizLicence(),
    app('经营场所产权证明或者租赁证明'),
    lic('主要负责人和安全生产管理人员安全生产知识和管理能力考核合格证', '安全生产知识和管理能力考核合格证'),
    app('安全生产规章制度和岗位操作规程目录清单'),
    app('危险化学品事故应急预案'),
  ],
  legal: 30, promised: 15, exempt: true, risk: true, trips: 'n',
  special: [['site_survey', 5]],
  result: ['licence', '危险化学品经营许可证', '危险化学品经营许可证'],
});

item({
  key: 'yhbz', org: 'DEMO-DIST-XZSPJ', type: '01', min: YJ, seq: 2, name: '烟花爆竹经营（零售）许可',
  audience: ['1', '2', '5'], topics: ['商贸流通'],
  basis: [['《烟花爆竹安全管理条例》', '第十八条、第十九条']],
  conditions: '零售经营场所符合所在地县级人民政府关于零售经营布点的规划；主要负责人经过安全知识教育；' +
    '实行专店或者专柜销售，设专人负责安全管理；经营场所配备必要的消防器材，张贴明显的安全警示标志。',
  materials: [
    online('烟花爆竹经营（零售）许可证申请书'),
    bizLicence(),
    app('零售经营场所产权证明或者租赁证明'),
    app('主要负责人安全知识培训合格证明'),
  ],
  legal: 20, promised: 10, risk: true, trips: 'n', online: false,
  special: [['site_survey', 3]],
  result: ['licence', '烟花爆竹经营（零售）许可证', '烟花爆竹经营（零售）许可证'],
  notes: '根据示范市烟花爆竹燃放管理规定，示范区城区全域调整为禁止销售燃放区域，本事项暂停受理。',
  status: 'suspended',
});

/* ==== 示范区发展和改革委员会 ================================================================ */

item({
  key: 'tzba', org: 'DEMO-DIST-FGW', type: '10', min: FGW, seq: 1, name: '企业投资项目备案',
  audience: ['2', '5'], topics: ['工程建设'],
  basis: [['《企业投资项目核准和备案管理条例》', '第三条、第十三条']],
  conditions: '企业在本区投资建设的、不属于《政府核准的投资项目目录》范围的固定资产投资项目，在开工建设前通过投资项目在线审批监管平台' +
    '告知项目信息。',
  materials: [
    online('企业投资项目备案信息表（在线填报）', { note: '包括企业基本情况、项目名称、建设地点、建设规模、建设内容、项目总投资额，以及项目符合产业政策的声明。' }),
    bizLicence(),
  ],
  legal: 5, promised: 0, kind: '1', trips: '0', immediate: true,
  result: ['document', '企业投资项目备案证明（含项目代码）'],
  window: '投资项目窗口',
});

item({
  key: 'kyps', org: 'DEMO-DIST-FGW', type: '10', min: FGW, seq: 2, name: '政府投资项目可行性研究报告审批',
  audience: ['3', '9'], topics: ['工程建设'],
  basis: [['《政府投资条例》', '第九条、第十一条']],
  conditions: '项目建议书已经批准；可行性研究报告对项目建设的必要性、技术经济可行性、社会效益、投资估算及资金来源、' +
    '环境影响和社会稳定风险作出分析论证，深度符合规定。',
  materials: [
    online('项目可行性研究报告审批申请文件'),
    app('项目可行性研究报告', { copies: 3 }),
    shared('项目建议书批复文件'),
    lic('建设项目用地预审与选址意见书', '建设项目用地预审与选址意见书'),
    app('社会稳定风险评估报告'),
  ],
  legal: 20, promised: 10, major: true, trips: 'n',
  special: [['expert_review', 15]],
  inter: ['INT-009'],
  result: ['document', '可行性研究报告批复'],
  window: '投资项目窗口',
  notes: '委托工程咨询机构评估的时间不计入承诺时限。',
});

item({
  key: 'tzhz', org: 'DEMO-DIST-FGW', type: '01', min: FGW, seq: 3, name: '企业投资项目核准',
  audience: ['2', '5'], topics: ['工程建设'],
  basis: [['《企业投资项目核准和备案管理条例》', '第六条、第九条、第十条']],
  conditions: '属于《政府核准的投资项目目录》范围且由区级核准的项目；不危害经济安全、社会安全、生态安全；' +
    '符合相关发展建设规划、产业政策和技术标准；合理开发并有效利用资源；不对重大公共利益产生不利影响。',
  materials: [
    app('项目申请报告', { copies: 3 }),
    lic('建设项目用地预审与选址意见书', '建设项目用地预审与选址意见书'),
    bizLicence(),
  ],
  legal: 20, promised: 10, major: true, trips: '1',
  special: [['expert_review', 20]],
  inter: ['INT-009'],
  result: ['document', '项目核准批复'],
  window: '投资项目窗口',
});

/* ==== 示范区城乡建设委员会 ================================================================= */

item({
  key: 'rqjy', org: 'DEMO-DIST-CJW', type: '01', min: ZJ, seq: 11, name: '燃气经营许可',
  audience: ['2'], topics: ['商贸流通'],
  basis: [['《城镇燃气管理条例》', '第十五条']],
  conditions: '符合燃气发展规划要求；有符合国家标准的燃气气源和燃气设施；有固定的经营场所、完善的安全管理制度和健全的经营方案；' +
    '企业的主要负责人、安全生产管理人员以及运行、维护和抢修人员经专业培训并考核合格。',
  materials: [
    online('燃气经营许可申请书'),
    bizLicence(),
    app('燃气设施建设工程竣工验收文件'),
    app('气源供应协议'),
    app('主要负责人、安全生产管理人员以及运行、维护和抢修人员的专业培训考核合格证明'),
    app('燃气安全事故应急预案'),
  ],
  legal: 20, promised: 10, risk: true, trips: 'n', online: false,
  special: [['site_survey', 5]],
  result: ['licence', '燃气经营许可证', '燃气经营许可证'],
});

/* ==== 示范区规划和自然资源局 (不动产登记中心) ================================================= */

item({
  key: 'qybdc', org: 'DEMO-DIST-GHZRJ', type: '07', min: ZR, seq: 11, name: '企业不动产登记',
  audience: ['2', '3', '4', '5', '9'], topics: ['不动产', '企业开办'], mode: '3',
  basis: [['《不动产登记暂行条例》', '第十四条、第二十条'], ['《中华人民共和国民法典》', '第二百零九条']],
  conditions: '企业办理不动产首次登记、转移登记、变更登记的，权属来源合法，申请材料齐全、符合法定形式，不存在查封、异议等限制登记情形。',
  materials: [
    online('不动产登记申请书'),
    bizLicence(),
    idCard('法定代表人'),
    app('不动产权属来源证明（买卖合同、出让合同或者生效法律文书）'),
    lic('不动产权证书（转移、变更登记的）', '不动产权证书', { optional: true }),
    shared('契税完税信息（税务部门共享）'),
    proxy(),
  ],
  legal: 30, promised: 5, cls: 'B', trips: '1',
  fee: [55000, REGISTRATION_FEE],
  result: ['licence', '不动产权证书', '不动产权证书'],
  notes: '登记、交易、缴税“一窗受理、并行办理”，5个工作日内办结；小微企业（含个体工商户）免收不动产登记费。',
});

item({
  key: 'dyqdj', org: 'DEMO-DIST-GHZRJ', type: '07', min: ZR, seq: 12, name: '不动产抵押权登记',
  audience: ['1', '2', '5', '9'], topics: ['不动产'],
  basis: [['《不动产登记暂行条例》', '第十四条'], ['《中华人民共和国民法典》', '第四百零二条']],
  conditions: '以建设用地使用权、房屋等不动产设立抵押的，抵押人与抵押权人签订抵押合同，共同申请抵押权登记。',
  materials: [
    online('不动产登记申请书'),
    lic('不动产权证书', '不动产权证书'),
    app('主债权合同和抵押合同'),
    idCard('抵押人'),
    lic('抵押权人营业执照', '营业执照'),
  ],
  legal: 30, promised: 3, trips: '0',
  fee: [8000, REGISTRATION_FEE],
  result: ['licence', '不动产登记证明', '不动产登记证明'],
  notes: '住宅类80元/件，非住宅类550元/件；在合作银行网点可直接提交申请，登记证明电子送达。',
});

item({
  key: 'bdccx', org: 'DEMO-DIST-GHZRJ', type: '20', min: ZR, seq: 13, name: '不动产登记资料查询',
  audience: ['1', '2', '3', '4', '5', '9'], levels: ['4', '5'], topics: ['不动产'],
  basis: [['《不动产登记暂行条例》', '第二十七条'], ['《不动产登记资料查询暂行办法》', '第十四条']],
  conditions: '权利人、利害关系人可以依法查询、复制不动产登记资料；查询目的明确，不得将查询获得的资料用于其他目的。',
  materials: [
    online('不动产登记资料查询申请书'),
    idCard('查询人'),
  ],
  legal: 5, promised: 2, trips: '0', nearby: true,
  result: ['document', '不动产登记资料查询结果证明'],
  notes: '权利人查询本人名下不动产信息的，可通过“示范政务”移动端自助查询，即时出具结果。',
});

item({
  key: 'clfzy', org: 'DEMO-DIST-GHZRJ', type: '07', min: ZR, seq: 14, name: '存量房转移登记（个人）',
  audience: ['1'], topics: ['不动产'], mode: '3',
  basis: [['《不动产登记暂行条例》', '第十四条、第二十条'], ['《中华人民共和国民法典》', '第二百零九条']],
  conditions: '房屋已办理不动产首次登记，买卖双方已签订存量房买卖合同并完成网签备案，不存在查封、异议等限制登记情形。',
  materials: [
    online('不动产登记申请书'),
    idCard('买卖双方'),
    lic('结婚证（已婚的）', '结婚证', { optional: true }),
    lic('不动产权证书', '不动产权证书'),
    shared('存量房买卖合同（网签备案）'),
    shared('契税和个人所得税完税信息（税务部门共享）'),
    proxy(),
  ],
  legal: 30, promised: 3, cls: 'B', trips: '1',
  fee: [8000, REGISTRATION_FEE],
  result: ['licence', '不动产权证书', '不动产权证书'],
  notes: '交易、缴税、登记一窗受理，买卖双方到场一次完成签字确认；证书可邮寄送达。',
});

/* ==== 示范区生态环境局 ===================================================================== */

item({
  key: 'hpbgb', org: 'DEMO-DIST-STHJJ', type: '01', min: ST, seq: 11, name: '建设项目环境影响报告表审批',
  audience: ['2', '3', '9'], topics: ['生态环境', '工程建设'],
  basis: [['《中华人民共和国环境影响评价法》', '第十六条、第二十二条'], ['《建设项目环境保护管理条例》', '第九条']],
  conditions: '建设项目可能造成轻度环境影响、依法应当编制环境影响报告表；建设项目类型及其选址、布局、规模符合环境保护法律法规' +
    '和相关法定规划；采取的污染防治措施能够确保污染物排放达到国家和地方排放标准。',
  materials: [
    online('建设项目环境影响报告表审批申请'),
    app('建设项目环境影响报告表（全本及公开版本）'),
    shared('项目备案证明或者核准批复'),
    bizLicence(),
  ],
  legal: 30, promised: 10, risk: true, trips: '0',
  special: [['publication', 5]],
  inter: ['INT-002'],
  result: ['document', '建设项目环境影响报告表批复'],
  window: '投资项目窗口',
});

item({
  key: 'hpdjb', org: 'DEMO-DIST-STHJJ', type: '10', min: ST, seq: 12, name: '建设项目环境影响登记表备案',
  audience: ['2', '3', '5', '9'], topics: ['生态环境', '工程建设'],
  basis: [['《中华人民共和国环境影响评价法》', '第十六条、第二十二条']],
  conditions: '对环境影响很小、不需要进行环境影响评价、依法应当填报环境影响登记表的建设项目，在建成并投入生产运营前填报备案。',
  materials: [
    online('建设项目环境影响登记表（网上填报）'),
    bizLicence(),
  ],
  legal: 1, promised: 0, kind: '1', trips: '0', immediate: true,
  result: ['document', '建设项目环境影响登记表备案回执'],
  window: '投资项目窗口',
});

/* ==== 示范区市场监督管理局 ================================================================= */

item({
  key: 'gtgsh', org: 'DEMO-DIST-SCJGJ', type: '01', min: SJ, seq: 31, name: '个体工商户登记',
  audience: ['1'], levels: ['4', '5'], topics: ['企业开办'],
  basis: [['《促进个体工商户发展条例》', '第二条'], ['《中华人民共和国市场主体登记管理条例》', '第三条、第十九条']],
  conditions: '有经营能力的公民从事工商业经营的，经营者身份信息真实，经营场所符合规定，经营范围不属于禁止经营的项目。',
  materials: [
    online('个体工商户登记（备案）申请书'),
    idCard('经营者'),
    app('经营场所使用证明', { commit: true }),
  ],
  legal: 15, promised: 0, kind: '1', trips: '0', immediate: true, nearby: true,
  result: ['licence', '营业执照', '营业执照'],
  notes: '可在各街道（镇）便民服务中心提交，当场发放营业执照。',
});

item({
  key: 'nmhzs', org: 'DEMO-DIST-SCJGJ', type: '01', min: SJ, seq: 32, name: '农民专业合作社设立登记',
  audience: ['1', '9'], topics: ['企业开办', '农林水利'],
  basis: [['《中华人民共和国农民专业合作社法》', '第十二条、第十六条']],
  conditions: '有五名以上符合规定的成员；有符合规定的章程；有符合规定的组织机构；有符合法律、行政法规规定的名称和章程确定的住所；' +
    '有符合章程规定的成员出资。',
  materials: [
    online('农民专业合作社登记申请书'),
    app('全体设立人签名、盖章的设立大会纪要'),
    app('全体设立人签名、盖章的章程'),
    app('法定代表人、理事的任职文件及身份证明'),
    app('出资成员签名、盖章的出资清单'),
    app('住所使用证明', { commit: true, missing: true }),
  ],
  legal: 15, promised: 3, cls: 'B', trips: '0',
  result: ['licence', '营业执照', '营业执照'],
});

/* ==== 示范区交通局 ========================================================================= */

item({
  key: 'cxys', org: 'DEMO-DIST-JTJ', type: '01', min: JT, seq: 21, name: '超限运输车辆行驶公路许可',
  audience: ['1', '2', '5'], topics: ['交通运输'],
  basis: [['《中华人民共和国公路法》', '第五十条'], ['《公路安全保护条例》', '第三十五条、第三十六条']],
  conditions: '车辆载运不可解体物品，车货总体的外廓尺寸或者总质量超过公路、公路桥梁、公路隧道的限载、限高、限宽、限长标准，' +
    '确需在公路上行驶的；车辆技术状况良好，有经核定的通行路线和护送方案。',
  materials: [
    online('公路超限运输申请表'),
    lic('车辆机动车行驶证', '机动车行驶证'),
    lic('驾驶人机动车驾驶证', '机动车驾驶证'),
    app('货物说明（载运不可解体物品的名称、外廓尺寸和质量）'),
    app('车货总体轮廓图和护送方案（三类大件运输）', { optional: true, missing: true }),
  ],
  legal: 15, promised: 5, cls: 'B', trips: '0',
  special: [['site_survey', 5]],
  result: ['licence', '超限运输车辆通行证', '超限运输车辆通行证'],
  window: '交通窗口',
  notes: '一类超限运输2个工作日内、二类5个工作日内办结；三类大件运输需勘测通行路线，勘测时间不计入承诺时限。',
});

item({
  key: 'slsg', org: 'DEMO-DIST-JTJ', type: '01', min: JT, seq: 22, name: '涉路施工许可',
  audience: ['2', '3', '9'], topics: ['交通运输', '工程建设'],
  basis: [['《中华人民共和国公路法》', '第四十四条、第四十五条'], ['《公路安全保护条例》', '第二十七条、第二十八条']],
  conditions: '因修建铁路、机场、供电、水利、通信等建设工程需要占用、挖掘公路、公路用地或者使公路改线，' +
    '以及跨越、穿越公路修建桥梁、渡槽或者架设、埋设管道、电缆等设施的，施工方案符合公路技术标准，有保障公路安全的措施。',
  materials: [
    online('涉路施工许可申请书'),
    app('涉路工程设计图和施工方案'),
    app('保障公路、公路附属设施质量和安全的技术评价报告'),
    app('处置施工险情和意外事故的应急预案', { missing: true }),
    bizLicence(),
  ],
  legal: 20, promised: 8, cls: 'B', trips: '1',
  special: [['site_survey', 5]],
  result: ['document', '涉路施工许可决定书'],
  window: '交通窗口',
});

/* ==== 示范区林业局 ========================================================================= */

item({
  key: 'lmcf', org: 'DEMO-DIST-LYJ', type: '01', min: LC, seq: 1, name: '林木采伐许可证核发',
  audience: ['1', '2', '3', '9'], levels: ['4', '5'], topics: ['农林水利'],
  basis: [['《中华人民共和国森林法》', '第五十六条、第五十七条']],
  conditions: '采伐林地上的林木，采伐地点、面积、蓄积、方式和更新措施符合森林经营方案和采伐限额管理规定；' +
    '上年度采伐后已完成更新造林。',
  materials: [
    online('林木采伐申请书'),
    lic('林地、林木不动产权证书', '不动产权证书'),
    app('伐区调查设计或者采伐作业说明'),
    dept('上年度采伐迹地更新造林验收情况', { missing: true }),
  ],
  legal: 20, promised: 5, cls: 'B', trips: '0', nearby: true,
  special: [['site_survey', 5]],
  result: ['licence', '林木采伐许可证', '林木采伐许可证'],
  notes: '可在镇（街道）林业工作站提交申请；采伐蓄积15立方米以下的，免于伐区调查设计。',
});

item({
  key: 'zwjy', org: 'DEMO-DIST-LYJ', type: '01', min: LC, seq: 2, name: '植物检疫证书核发（林业）',
  audience: ['1', '2', '5'], topics: ['农林水利'],
  basis: [['《植物检疫条例》', '第七条、第八条']],
  conditions: '调运的林业植物及其产品来自非疫区或者经产地检疫合格，调入地有检疫要求的，符合调入地检疫要求。',
  materials: [
    online('森林植物检疫报检单'),
    idCard('报检人'),
    app('产地检疫合格证（已实施产地检疫的）', { optional: true }),
  ],
  legal: 20, promised: 3, trips: '0',
  special: [['quarantine', 5]],
  result: ['licence', '植物检疫证书', '植物检疫证书'],
});

/* ==== 示范区公安分局 ======================================================================= */

item({
  key: 'hkqy', org: 'DEMO-DIST-GAFJ', type: '07', min: GA, seq: 1, name: '户口迁移（市外迁入）',
  audience: ['1'], levels: ['4', '5'], topics: ['户籍证件'], mode: '3',
  basis: [['《中华人民共和国户口登记条例》', '第十条、第十三条']],
  conditions: '符合示范市户口迁移政策（投靠亲属、合法稳定住所、稳定就业、人才引进）；迁入地有合法稳定住所。',
  materials: [
    online('户口迁移申请表'),
    lic('申请人居民户口簿', '居民户口簿'),
    idCard(),
    lic('合法稳定住所不动产权证书', '不动产权证书', { optional: true }),
    proof('亲属关系证明（投靠亲属迁入的）', 'PROOF-003', { optional: true, missing: true }),
    lic('结婚证（夫妻投靠的）', '结婚证', { optional: true }),
  ],
  legal: 20, promised: 5, cls: 'B', trips: '1', nearby: true,
  result: ['document', '准予迁入证明（电子迁移证）'],
  window: '公安窗口（户政、出入境）',
  notes: '实行户口迁移“跨省通办”，迁入地一站式办理，无需回迁出地开具迁移证。',
});

item({
  key: 'csdj', org: 'DEMO-DIST-GAFJ', type: '07', min: GA, seq: 2, name: '出生登记（新生儿入户）',
  audience: ['1'], levels: ['4', '5'], topics: ['户籍证件'],
  basis: [['《中华人民共和国户口登记条例》', '第七条']],
  conditions: '婴儿出生后一个月以内，由户主、亲属、抚养人或者邻居向婴儿常住地户口登记机关申报出生登记。',
  materials: [
    proof('出生医学证明', 'PROOF-002', { note: '由卫生健康部门共享，无需提交纸质件。' }),
    lic('父亲或者母亲居民户口簿', '居民户口簿'),
    lic('父母结婚证', '结婚证', { optional: true }),
  ],
  legal: 5, promised: 0, kind: '1', trips: '0', immediate: true, nearby: true,
  result: ['document', '居民户口簿（出生登记户口页）'],
  window: '公安窗口（户政、出入境）',
  notes: '出生“一件事”：出生医学证明、预防接种证、户口登记、医保参保和社会保障卡申领一次办结。',
});

item({
  key: 'swzx', org: 'DEMO-DIST-GAFJ', type: '07', min: GA, seq: 3, name: '死亡人员户口注销',
  audience: ['1'], levels: ['4', '5'], topics: ['户籍证件'],
  basis: [['《中华人民共和国户口登记条例》', '第八条']],
  conditions: '公民死亡，城市在葬前、农村在一个月以内，由户主、亲属、抚养人或者邻居向户口登记机关申报死亡登记，注销户口。',
  materials: [
    proof('居民死亡医学证明（推断）书', 'PROOF-004'),
    lic('死者居民户口簿', '居民户口簿'),
    idCard('申报人'),
  ],
  legal: 5, promised: 2, trips: '0', nearby: true,
  result: ['document', '户口注销证明'],
  window: '公安窗口（户政、出入境）',
});

item({
  key: 'hzqf', org: 'DEMO-DIST-GAFJ', type: '01', min: GA, seq: 11, name: '普通护照签发',
  audience: ['1'], topics: ['户籍证件'],
  basis: [['《中华人民共和国护照法》', '第五条、第六条'], ['《中华人民共和国出境入境管理法》', '第九条']],
  conditions: '中国公民因前往外国定居、探亲、学习、就业、旅行、从事商务活动等非公务原因出国的，' +
    '不具有《中华人民共和国护照法》第十三条规定的不予签发情形。',
  materials: [
    dept('中国公民出入境证件申请表（现场采集信息生成，本人签名确认）'),
    idCard(),
    dept('本人证件照片（现场采集）'),
    app('所在单位同意出境的意见（国家工作人员）', { optional: true }),
  ],
  legal: 15, promised: 7, trips: '1', online: false,
  fee: [12000, EXIT_ENTRY_FEE],
  result: ['licence', '普通护照', '普通护照'],
  delivery: ['window', 'post'], channels: ['window'],
  window: '公安窗口（户政、出入境）',
  notes: '全国通办，可在任一出入境接待大厅申请；须本人到场采集指纹和照片，证件可选择邮寄送达。',
});

item({
  key: 'gaqz', org: 'DEMO-DIST-GAFJ', type: '01', min: GA, seq: 12, name: '往来港澳通行证再次签注',
  audience: ['1'], levels: ['4', '5'], topics: ['户籍证件'],
  basis: [['《中华人民共和国出境入境管理法》', '第九条']],
  conditions: '持有效电子往来港澳通行证，此前已在本人户籍地或者居住地出入境管理机构办理过签注，申请个人旅游或者探亲签注再次签发。',
  materials: [
    paper('电子往来港澳通行证', { note: '原件，放置于自助签注设备读卡区。' }),
    idCard(),
  ],
  legal: 15, promised: 0, kind: '1', trips: '1', online: false, immediate: true, nearby: true,
  fee: [1500, EXIT_ENTRY_FEE],
  result: ['document', '往来港澳通行证签注'],
  delivery: ['window'], channels: ['window'],
  window: '公安窗口（户政、出入境）',
  notes: '各街道便民服务中心设24小时自助签注设备，即时签注、即时取证。',
});

item({
  key: 'sfz', org: 'DEMO-DIST-GAFJ', type: '07', min: GA, seq: 4, name: '居民身份证换领',
  audience: ['1'], levels: ['4', '5'], topics: ['户籍证件'],
  basis: [['《中华人民共和国居民身份证法》', '第八条、第十一条']],
  conditions: '居民身份证有效期满、登记项目变更或者严重损坏不能辨认的，应当申请换领新证。',
  materials: [
    paper('原居民身份证'),
    lic('居民户口簿', '居民户口簿'),
    dept('本人证件照片（现场采集）'),
  ],
  legal: 60, promised: 20, trips: '1', online: false,
  fee: [2000, '《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》（发改价格〔2003〕2322号）'],
  result: ['licence', '居民身份证', '居民身份证'],
  delivery: ['window', 'post'], channels: ['window'],
  window: '公安窗口（户政、出入境）',
  notes: '可在全市任一户籍窗口申请（异地受理），新证可选择邮寄送达，实现“最多跑一次”。',
});

item({
  key: 'jzz', org: 'DEMO-DIST-GAFJ', type: '07', min: GA, seq: 5, name: '居住证申领',
  audience: ['1'], levels: ['4', '5'], topics: ['户籍证件'],
  basis: [['《居住证暂行条例》', '第二条、第九条、第十条']],
  conditions: '离开常住户口所在地，到本区居住半年以上，符合有合法稳定就业、合法稳定住所、连续就读条件之一的。',
  materials: [
    online('居住证申领登记表'),
    idCard(),
    shared('本人证件照片（公安部门共享）'),
    app('居住地住址证明（房屋租赁合同或者住宿登记）', { missing: true }),
    app('就业证明（以就业为由申领的）', { optional: true }),
    proof('学籍证明（以连续就读为由申领的）', 'PROOF-010', { optional: true }),
  ],
  legal: 15, promised: 7, cls: 'B', trips: '1', online: false, nearby: true,
  result: ['licence', '居住证', '居住证'],
  window: '公安窗口（户政、出入境）',
  notes: '可在居住地社区警务室或者街道便民服务中心申领。',
});

/* ==== 示范区民政局 ========================================================================= */

item({
  key: 'jhdj', org: 'DEMO-DIST-MZJ', type: '07', min: MZ, seq: 1, name: '内地居民结婚登记',
  audience: ['1'], topics: ['户籍证件'],
  basis: [['《中华人民共和国民法典》', '第一千零四十九条'], ['《婚姻登记条例》', '第四条、第五条、第七条']],
  conditions: '男女双方完全自愿；男年满22周岁、女年满20周岁；双方均无配偶；双方没有直系血亲和三代以内旁系血亲关系；双方亲自到场。',
  materials: [
    lic('双方居民户口簿', '居民户口簿'),
    idCard('双方'),
    paper('双方近期半身免冠合影照片', { copies: 2 }),
    paper('本人无配偶以及与对方当事人没有直系血亲和三代以内旁系血亲关系的签字声明',
      { sample: '在婚姻登记员面前现场签署，不得代签。' }),
  ],
  legal: 1, promised: 0, kind: '1', trips: '1', online: false, immediate: true,
  result: ['licence', '结婚证', '结婚证'],
  delivery: ['window'], channels: ['window'],
  contact: { phone: '023-65810119', consult: '示范区婚姻登记处；12345政务服务便民热线',
    complaint: '示范区民政局 023-65810109；12345政务服务便民热线', address: '示范区政务路1号行政中心3号楼1楼（示范区婚姻登记处）',
    hours: '周一至周五 9:00—12:00，13:30—17:30；5月20日、七夕等特殊日期延时服务' },
  notes: '可通过“示范政务”预约；当事人须双方亲自到场，材料齐全当场登记发证。',
});

item({
  key: 'sttt', org: 'DEMO-DIST-MZJ', type: '07', min: MZ, seq: 2, name: '社会团体成立登记',
  audience: ['4', '9'], topics: [],
  basis: [['《社会团体登记管理条例》', '第三条、第十条、第十二条']],
  conditions: '有50个以上的个人会员或者30个以上的单位会员；有规范的名称和相应的组织机构；有固定的住所；' +
    '有与其业务活动相适应的专职工作人员；有合法的资产和经费来源，区级社会团体有3万元以上活动资金；有独立承担民事责任的能力。',
  materials: [
    app('社会团体成立登记申请书'),
    app('业务主管单位的批准文件'),
    app('验资报告和场所使用权证明'),
    app('章程草案'),
    idCard('拟任负责人'),
    app('发起人和会员名单'),
  ],
  legal: 30, promised: 15, major: true, trips: 'n', online: false,
  special: [['publication', 5]],
  result: ['licence', '社会团体法人登记证书', '社会团体法人登记证书'],
});

item({
  key: 'yljg', org: 'DEMO-DIST-MZJ', type: '10', min: MZ, seq: 3, name: '养老机构备案',
  audience: ['2', '3', '4', '5', '9'], topics: ['社会保障'],
  basis: [['《中华人民共和国老年人权益保障法》', '第四十三条'], ['《养老机构管理办法》', '第九条']],
  conditions: '设立养老机构，已依法办理营业执照或者事业单位、社会组织登记，养老服务场所符合消防、卫生与健康、环境保护、' +
    '食品药品、建筑、设施设备标准中的强制性规定及要求。',
  materials: [
    online('养老机构备案书'),
    online('养老机构备案承诺书'),
    bizLicence(),
    shared('养老服务场所消防验收意见或者备案凭证'),
  ],
  legal: 5, promised: 0, kind: '1', trips: '0', immediate: true,
  result: ['document', '养老机构备案回执'],
});

/* ==== 示范区教育委员会 ===================================================================== */

item({
  key: 'mbxx', org: 'DEMO-DIST-JW', type: '01', min: JY, seq: 1, name: '民办学校设立审批',
  audience: ['1', '2', '3', '4', '9'], topics: ['教育'],
  basis: [['《中华人民共和国民办教育促进法》', '第十条、第十二条'], LICENSING_LAW_42],
  conditions: '举办者具备相应条件；有组织机构和章程；有合格的教师；有符合规定标准的教学场所、设施和设备；' +
    '有必备的办学资金和稳定的经费来源；校舍经房屋安全鉴定合格。',
  materials: [
    app('民办学校设立申请报告'),
    bizLicence({ optional: true }),
    app('学校章程和首届学校理事会、董事会或者其他决策机构组成人员名单'),
    app('学校资产的有效证明'),
    app('校长、教师、财会人员的资格证明'),
    app('校舍房屋安全鉴定报告'),
  ],
  legal: 30, promised: 15, major: true, trips: 'n', online: false,
  special: [['expert_review', 20], ['site_survey', 5]],
  inter: ['INT-003'],
  result: ['licence', '办学许可证', '办学许可证'],
});

item({
  key: 'jszg', org: 'DEMO-DIST-JW', type: '07', min: JY, seq: 2, name: '教师资格认定',
  audience: ['1'], topics: ['教育'],
  basis: [['《中华人民共和国教师法》', '第十条、第十一条、第十三条']],
  conditions: '遵守宪法和法律，热爱教育事业，具有良好的思想品德；具备规定的学历或者经教师资格考试合格；' +
    '具有教育教学能力，普通话水平达到规定等级，身体条件合格。',
  materials: [
    online('教师资格认定申请表'),
    idCard(),
    shared('学历证书（学信网共享核验）'),
    shared('普通话水平测试等级证书（共享核验）'),
    app('体检合格证明', { missing: true, note: '可先行受理，在承诺时限内补交。' }),
    proof('无犯罪记录证明', 'PROOF-001', { note: '由认定机构通过公安部门信息核查，申请人无需提交。' }),
  ],
  legal: 30, promised: 10, cls: 'B', trips: '0',
  result: ['licence', '教师资格证书', '教师资格证书'],
});

/* ==== 示范区商务委员会 ===================================================================== */

item({
  key: 'dyk', org: 'DEMO-DIST-SWW', type: '10', min: SW, seq: 11, name: '单用途商业预付卡发卡企业备案',
  audience: ['2', '5'], topics: ['商贸流通'],
  basis: [['《单用途商业预付卡管理办法（试行）》', '第七条、第八条']],
  conditions: '从事零售业、住宿和餐饮业、居民服务业的企业法人发行单用途商业预付卡，应当自开展单用途卡业务之日起30日内办理备案。',
  materials: [
    online('单用途卡业务备案表'),
    bizLicence(),
    app('单用途卡章程和卡样'),
  ],
  legal: 5, promised: 0, kind: '1', trips: '0', immediate: true,
  result: ['document', '单用途商业预付卡备案回执'],
});

item({
  key: 'zszy', org: 'DEMO-DIST-SWW', type: '10', min: SW, seq: 12, name: '再生资源回收经营者备案',
  audience: ['1', '2', '5'], topics: ['商贸流通', '生态环境'],
  basis: [['《再生资源回收管理办法》', '第七条']],
  conditions: '从事再生资源回收经营活动的，应当在取得营业执照后30日内向所在地商务主管部门备案。',
  materials: [
    online('再生资源回收经营者备案登记表'),
    bizLicence(),
  ],
  legal: 5, promised: 0, kind: '1', trips: '0', immediate: true,
  result: ['document', '再生资源回收经营者备案回执'],
});

/* ==== 示范区卫生健康委员会 ================================================================= */

item({
  key: 'yljgzy', org: 'DEMO-DIST-WJW', type: '01', min: WJ, seq: 1, name: '医疗机构执业登记',
  audience: ['2', '3', '4', '5'], topics: ['医疗卫生'],
  basis: [['《医疗机构管理条例》', '第十五条、第十六条、第十七条']],
  conditions: '按照规定应当办理设置审批的已取得设置医疗机构批准书；有符合规定的名称、组织机构和场所；' +
    '有与其开展的业务相适应的经费、设施、设备和专业卫生技术人员；有相应的规章制度；能够独立承担民事责任。',
  materials: [
    online('医疗机构申请执业登记注册书'),
    app('医疗机构用房产权证明或者使用证明'),
    app('医疗机构建筑设计平面图'),
    app('医疗机构资产评估报告或者资金证明'),
    app('医疗机构规章制度'),
    app('法定代表人或者主要负责人以及各科室负责人名录及其医师资格证书、医师执业证书'),
  ],
  legal: 45, promised: 20, exempt: true, risk: true, trips: 'n', online: false,
  special: [['site_survey', 10]],
  result: ['licence', '医疗机构执业许可证', '医疗机构执业许可证'],
});

item({
  key: 'ggcs', org: 'DEMO-DIST-WJW', type: '01', min: WJ, seq: 2, name: '公共场所卫生许可',
  audience: ['2', '5'], topics: ['医疗卫生', '文化旅游'],
  basis: [['《公共场所卫生管理条例》', '第八条'], ['《公共场所卫生管理条例实施细则》', '第二十二条']],
  conditions: '经营宾馆、旅店、公共浴室、美容美发、游泳场所、影剧院、商场等公共场所，场所的空气、微小气候、水质、采光、照明、' +
    '噪声和顾客用品用具符合国家卫生标准和要求，有卫生管理制度和专（兼）职卫生管理人员，从业人员取得健康合格证明。',
  materials: [
    online('公共场所卫生许可证申请表'),
    bizLicence(),
    app('公共场所地址方位示意图、平面图和卫生设施平面布局图'),
    app('公共场所卫生检测或者评价报告'),
    app('公共场所卫生管理制度'),
    shared('从业人员健康合格证明'),
  ],
  legal: 20, promised: 12, exempt: true, risk: true, trips: '1',
  special: [['site_survey', 5]],
  inter: ['INT-008'],
  result: ['licence', '公共场所卫生许可证', '公共场所卫生许可证'],
  notes: '属人身健康类事项，需现场卫生审查，承诺时限不执行压缩一半的要求。',
});

item({
  key: 'yszc', org: 'DEMO-DIST-WJW', type: '01', min: WJ, seq: 3, name: '医师执业注册',
  audience: ['1'], topics: ['医疗卫生'],
  basis: [['《中华人民共和国医师法》', '第十三条、第十四条']],
  conditions: '取得医师资格，受聘于拟执业的医疗卫生机构，身体健康，不具有《中华人民共和国医师法》第十六条规定的不予注册情形。',
  materials: [
    online('医师执业注册申请审核表'),
    lic('医师资格证书', '医师资格证书'),
    idCard(),
    app('近6个月内的健康体检证明'),
    app('拟执业医疗卫生机构的聘用证明'),
  ],
  legal: 20, promised: 5, trips: '0',
  result: ['licence', '医师执业证书（电子证照）', '医师执业证书'],
  delivery: ['electronic'],
  notes: '实行医师电子化注册，全程网上办理。',
});

/* ==== 示范区文化和旅游委员会 =============================================================== */

item({
  key: 'ylcs', org: 'DEMO-DIST-WLW', type: '01', min: WL, seq: 1, name: '娱乐场所经营许可',
  audience: ['2', '5'], topics: ['文化旅游'],
  basis: [['《娱乐场所管理条例》', '第五条、第九条']],
  conditions: '投资人员、拟任的法定代表人和其他负责人没有《娱乐场所管理条例》第五条规定的情形；' +
    '娱乐场所的设置符合条例第七条的规定，使用面积、消防安全条件符合规定。',
  materials: [
    online('娱乐场所经营许可申请书'),
    bizLicence(),
    idCard('投资人、法定代表人、主要负责人'),
    proof('投资人、法定代表人、主要负责人无犯罪记录证明', 'PROOF-001'),
    app('娱乐场所平面示意图', { missing: true }),
    shared('公众聚集场所投入使用、营业前消防安全检查意见'),
  ],
  legal: 20, promised: 10, cls: 'B', trips: '1',
  special: [['site_survey', 5]],
  result: ['licence', '娱乐经营许可证', '娱乐经营许可证'],
});

item({
  key: 'swfw', org: 'DEMO-DIST-WLW', type: '01', min: WL, seq: 2, name: '互联网上网服务营业场所经营单位设立审批',
  audience: ['2', '5'], topics: ['文化旅游'],
  basis: [['《互联网上网服务营业场所管理条例》', '第七条、第八条、第十条、第十一条']],
  conditions: '有与其经营活动相适应的独立的营业场所和计算机等设备及附属设施；有与其经营活动相适应并取得从业资格的安全管理人员、' +
    '经营管理人员、专业技术人员；营业场所距中学、小学校园出入口符合规定距离。',
  materials: [
    online('互联网上网服务营业场所经营单位设立申请书'),
    bizLicence(),
    app('营业场所产权证明或者租赁协议'),
    app('安全管理人员、经营管理人员、专业技术人员名单及从业资格证明'),
  ],
  legal: 20, promised: 10, trips: '1',
  special: [['site_survey', 5]],
  result: ['licence', '网络文化经营许可证', '网络文化经营许可证'],
});

/* ==== 示范区水务局 ========================================================================= */

item({
  key: 'psxk', org: 'DEMO-DIST-SWJ', type: '01', min: ZJ, seq: 21, name: '城镇污水排入排水管网许可（排水许可）',
  audience: ['2', '5', '9'], topics: ['农林水利', '工程建设'],
  basis: [['《城镇排水与污水处理条例》', '第二十一条'], LICENSING_LAW_42],
  conditions: '从事工业、建筑、餐饮、医疗等活动的企业事业单位、个体工商户向城镇排水设施排放污水；' +
    '排放的污水符合国家和地方排放标准，按规定建设预处理设施和检测井。',
  materials: [
    online('城镇污水排入排水管网许可申请表'),
    bizLicence(),
    app('排水户内部排水管网、专用检测井、污水排放口位置和口径的图纸及说明'),
    app('排水水质、水量检测报告（列入重点排污单位名录的）', { optional: true, missing: true }),
  ],
  legal: 20, promised: 7, cls: 'B', trips: '0',
  special: [['site_survey', 3]],
  result: ['licence', '城镇污水排入排水管网许可证', '城镇污水排入排水管网许可证'],
  window: '投资项目窗口',
});

item({
  key: 'qsxk', org: 'DEMO-DIST-SWJ', type: '01', min: SL, seq: 21, name: '取水许可',
  audience: ['2', '3', '5', '9'], topics: ['农林水利'],
  basis: [['《中华人民共和国水法》', '第四十八条'], ['《取水许可和水资源费征收管理条例》', '第二十一条']],
  conditions: '直接从江河、湖泊或者地下取用水资源，取水符合水资源综合规划、流域综合规划、水中长期供求规划和水功能区划，' +
    '遵守经批准的水量分配方案，不影响第三者合法取水权益。',
  materials: [
    app('取水申请书'),
    app('建设项目水资源论证报告书（表）', { copies: 2 }),
    app('与第三者利害关系的说明及其书面意见'),
    bizLicence(),
  ],
  legal: 45, promised: 20, major: true, trips: 'n', online: false,
  special: [['expert_review', 10]],
  result: ['licence', '取水许可证', '取水许可证'],
});

item({
  key: 'hdgl', org: 'DEMO-DIST-SWJ', type: '01', min: SL, seq: 22, name: '河道管理范围内建设项目工程建设方案审批',
  audience: ['2', '3', '9'], topics: ['农林水利', '工程建设'],
  basis: [['《中华人民共和国水法》', '第三十八条'], ['《中华人民共和国河道管理条例》', '第十一条']],
  conditions: '在河道管理范围内建设桥梁、码头、道路、管道、缆线等建筑物及设施，符合防洪标准、岸线规划、航运要求和其他技术要求，' +
    '不危害堤防安全、不影响河势稳定、不妨碍行洪畅通。',
  materials: [
    online('河道管理范围内建设项目工程建设方案审批申请书'),
    shared('建设项目立项文件'),
    app('建设项目涉及河道与防洪部分的方案和防洪评价报告', { copies: 2 }),
    app('占用河道管理范围内土地情况及防御洪涝的设防标准与措施说明'),
    app('施工方案和施工度汛方案'),
  ],
  legal: 20, promised: 10, trips: '1',
  special: [['expert_review', 10], ['site_survey', 3]],
  result: ['document', '河道管理范围内建设项目工程建设方案审查同意书'],
  window: '投资项目窗口',
});

/* ==== 示范区税务局 ========================================================================= */

item({
  key: 'swdj', org: 'DEMO-DIST-SWUJ', type: '10', min: SWU, seq: 1, name: '新办纳税人税务登记信息确认',
  audience: ['2', '5'], topics: ['企业开办'],
  basis: [['《中华人民共和国税收征收管理法》', '第十五条']],
  conditions: '已领取“多证合一”营业执照的新设立企业、个体工商户，首次办理涉税事项时确认登记信息，无需另行办理税务登记证。',
  materials: [
    bizLicence(),
    idCard('法定代表人、财务负责人和办税人员'),
    online('纳税人登记信息补充确认表'),
  ],
  legal: 1, promised: 0, kind: '1', trips: '0', immediate: true,
  result: ['document', '税务事项通知书'],
  delivery: ['electronic'],
  window: '税务窗口',
  notes: '企业开办“一件事”的一部分，通过电子税务局全程网上办理。',
});

item({
  key: 'fpsl', org: 'DEMO-DIST-SWUJ', type: '10', min: SWU, seq: 2, name: '发票票种核定及首次领用',
  audience: ['1', '2', '5'], topics: ['企业开办'],
  basis: [['《中华人民共和国发票管理办法》', '第十五条'], ['《中华人民共和国税收征收管理法》', '第二十一条']],
  conditions: '已办理涉税信息确认的纳税人，有经营需要，需要领用发票的，依法办理票种核定和发票领用。',
  materials: [
    online('发票领用申请（网上填报）'),
    idCard('经办人'),
  ],
  legal: 5, promised: 2, trips: '0',
  result: ['document', '发票领用及数电发票授信额度核定结果'],
  delivery: ['electronic', 'post'],
  window: '税务窗口',
});

/* ==== 示范区人力资源和社会保障局 =========================================================== */

item({
  key: 'sbk', org: 'DEMO-DIST-RSJ', type: '20', min: RS, seq: 11, name: '社会保障卡申领',
  audience: ['1'], levels: ['4', '5'], topics: ['社会保障'],
  basis: [['《中华人民共和国社会保险法》', '第五十八条']],
  conditions: '参加本区社会保险或者在本区居住的人员，首次申领、补领或者换领社会保障卡。',
  materials: [
    idCard(),
    shared('本人证件照片（公安部门共享）'),
    dept('社会保障卡申领登记表（系统生成，本人确认）'),
  ],
  legal: 15, promised: 0, kind: '1', trips: '1', online: false, immediate: true, nearby: true,
  result: ['licence', '社会保障卡', '社会保障卡'],
  delivery: ['window', 'post'],
  notes: '全区各街道、社区和合作银行网点均可即时制卡；电子社会保障卡可在“示范政务”移动端在线签发。',
});

item({
  key: 'ylcb', org: 'DEMO-DIST-RSJ', type: '07', min: RS, seq: 12, name: '企业职工基本养老保险参保登记',
  audience: ['2', '3', '4', '5', '9'], topics: ['社会保障', '企业开办'],
  basis: [['《中华人民共和国社会保险法》', '第十条、第五十七条、第五十八条']],
  conditions: '用人单位应当自成立之日起30日内为单位办理社会保险登记，自用工之日起30日内为其职工申请办理社会保险登记。',
  materials: [
    bizLicence(),
    online('社会保险参保登记表（网上填报）'),
    online('职工劳动合同或者用工证明'),
  ],
  legal: 15, promised: 0, kind: '1', trips: '0', immediate: true,
  result: ['document', '社会保险参保登记信息'],
  delivery: ['electronic'],
});

item({
  key: 'sybx', org: 'DEMO-DIST-RSJ', type: '05', min: RS, seq: 13, name: '失业保险金申领',
  audience: ['1'], topics: ['社会保障'],
  basis: [['《中华人民共和国社会保险法》', '第四十五条、第五十条']],
  conditions: '失业前用人单位和本人已经缴纳失业保险费满一年；非因本人意愿中断就业；已经进行失业登记，并有求职要求。',
  materials: [
    idCard(),
    app('终止或者解除劳动关系的证明', { missing: true,
      note: '用人单位未及时出具的，可先行受理，由经办机构向用人单位核实。' }),
    lic('社会保障卡（用于发放待遇）', '社会保障卡'),
  ],
  legal: 15, promised: 5, cls: 'B', trips: '0',
  result: ['document', '失业保险待遇核定通知书'],
  delivery: ['electronic'],
  notes: '失业登记与失业保险金申领合并办理，全程网上办理，不需提供失业登记证明。',
});

/* ==== 示范区住房管理局 ===================================================================== */

item({
  key: 'ysxk', org: 'DEMO-DIST-ZFGLJ', type: '01', min: ZJ, seq: 31, name: '商品房预售许可',
  audience: ['2'], topics: ['不动产', '工程建设'],
  basis: [['《中华人民共和国城市房地产管理法》', '第四十五条'], ['《城市商品房预售管理办法》', '第五条、第六条、第七条']],
  conditions: '已交付全部土地使用权出让金，取得土地使用权证书；持有建设工程规划许可证和施工许可证；' +
    '按提供预售的商品房计算，投入开发建设的资金达到工程建设总投资的25%以上，并已经确定施工进度和竣工交付日期。',
  materials: [
    online('商品房预售许可申请表'),
    bizLicence(),
    lic('房地产开发企业资质证书', '房地产开发企业资质证书'),
    lic('国有建设用地使用权不动产权证书', '不动产权证书'),
    lic('建设工程规划许可证', '建设工程规划许可证'),
    lic('建筑工程施工许可证', '建筑工程施工许可证'),
    app('投入开发建设资金达到工程建设总投资25%以上的证明'),
    app('商品房预售方案及预售资金监管协议'),
  ],
  legal: 10, promised: 5, trips: 'n',
  special: [['site_survey', 3]],
  result: ['licence', '商品房预售许可证', '商品房预售许可证'],
});

item({
  key: 'gzf', org: 'DEMO-DIST-ZFGLJ', type: '07', min: ZJ, seq: 32, name: '公共租赁住房保障资格审核',
  audience: ['1'], levels: ['4', '5'], topics: ['社会保障', '不动产'],
  basis: [['《公共租赁住房管理办法》', '第七条、第八条、第九条']],
  conditions: '在本区无住房或者住房面积低于规定标准；收入、财产低于规定标准；申请人为外来务工人员的，在本区稳定就业达到规定年限。',
  materials: [
    online('公共租赁住房申请表'),
    idCard('申请人及共同申请家庭成员'),
    proof('不动产登记资料查询结果证明（家庭住房情况）', 'PROOF-009'),
    proof('社会保险参保缴费证明（家庭收入和就业情况）', 'PROOF-007'),
    app('稳定就业证明（劳动合同）', { missing: true }),
  ],
  legal: 20, promised: 10, cls: 'B', trips: '0', nearby: true,
  special: [['publication', 5]],
  result: ['document', '公共租赁住房保障资格确认通知书'],
  notes: '可在户籍地或者居住地街道便民服务中心提交；审核结果在社区公示5日。',
});

/* ==== 示范区城市管理局 ===================================================================== */

item({
  key: 'jzlj', org: 'DEMO-DIST-CGJ', type: '01', min: ZJ, seq: 41, name: '城市建筑垃圾处置核准',
  audience: ['2', '3', '9'], topics: ['工程建设', '生态环境'],
  basis: [['《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）', '附件第101项'],
    ['《城市建筑垃圾管理规定》', '第七条']],
  conditions: '处置建筑垃圾的单位，有建筑垃圾分类处置方案，与依法核准的运输单位签订运输合同，消纳场所符合规定。',
  materials: [
    online('城市建筑垃圾处置核准申请表'),
    app('建筑垃圾处置方案（含运输路线和消纳场所）'),
    app('与核准运输单位签订的运输合同', { missing: true }),
    app('消纳场所土地使用证明', { optional: true }),
  ],
  legal: 20, promised: 5, cls: 'B', trips: '0',
  result: ['document', '城市建筑垃圾处置核准决定书'],
});

item({
  key: 'hwgg', org: 'DEMO-DIST-CGJ', type: '01', min: ZJ, seq: 42, name: '大型户外广告设置审批',
  audience: ['2', '5', '9'], topics: ['商贸流通'],
  basis: [['《城市市容和环境卫生管理条例》', '第十一条'], ['《中华人民共和国广告法》', '第四十一条']],
  conditions: '设置位置符合户外广告设置规划，广告设施结构安全，不影响市容、交通和居民生活。',
  materials: [
    online('户外广告设置申请表'),
    bizLicence(),
    app('广告设施设计图、效果图及设置位置示意图'),
    app('场地或者设施产权人同意设置的协议'),
    app('附着建筑物房屋安全鉴定报告（依附建筑物设置的）', { optional: true, missing: true }),
  ],
  legal: 20, promised: 5, cls: 'B', trips: '1',
  special: [['site_survey', 3]],
  inter: ['INT-003'],
  result: ['document', '户外广告设置许可决定书'],
});

/* ==== 示范区农业农村委员会 ================================================================= */

item({
  key: 'nyjy', org: 'DEMO-DIST-NYW', type: '01', min: NY, seq: 1, name: '农药经营许可',
  audience: ['2', '5'], topics: ['农林水利', '商贸流通'],
  basis: [['《农药管理条例》', '第二十四条、第二十五条'], ['《农药经营许可管理办法》', '第五条']],
  conditions: '有具备农药和病虫害防治专业知识，熟悉农药管理规定，能够指导安全合理使用农药的经营人员；' +
    '有与其他商品以及饮用水水源、生活区域等有效隔离的营业场所和仓储场所；有农药经营质量管理制度和岗位操作规程。',
  materials: [
    online('农药经营许可证申请表'),
    bizLicence(),
    app('经营人员农学或者植保专业学历证明（或者培训合格证明）'),
    app('营业场所和仓储场所地址、面积和平面示意图'),
    app('农药经营质量管理制度和岗位操作规程'),
  ],
  legal: 20, promised: 10, risk: true, trips: '1',
  special: [['site_survey', 5]],
  result: ['licence', '农药经营许可证', '农药经营许可证'],
});

/* ==== 示范区示范街道 (就近办) ============================================================== */

item({
  key: 'cxjm', org: 'DEMO-TOWN', type: '07', min: RS, seq: 21, name: '城乡居民基本养老保险参保登记',
  audience: ['1'], topics: ['社会保障'], power: '5',
  basis: [['《中华人民共和国社会保险法》', '第二十条、第二十二条'], ['《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）', '三、参保范围']],
  conditions: '年满16周岁（不含在校学生），非国家机关和事业单位工作人员及不属于职工基本养老保险制度覆盖范围的城乡居民，' +
    '在户籍地参加城乡居民养老保险。',
  materials: [
    idCard(),
    lic('居民户口簿', '居民户口簿'),
    online('城乡居民基本养老保险参保登记表'),
  ],
  legal: 15, promised: 0, kind: '1', trips: '0', immediate: true, nearby: true,
  result: ['document', '城乡居民基本养老保险参保登记信息'],
  delivery: ['window', 'electronic'],
});

item({
  key: 'dbsh', org: 'DEMO-TOWN', type: '05', min: MZ, seq: 21, name: '最低生活保障审核确认',
  audience: ['1'], topics: ['社会保障'],
  basis: [['《社会救助暂行办法》', '第九条、第十一条'], ['《最低生活保障审核确认办法》（民发〔2021〕57号）', '第四章 审核确认']],
  conditions: '共同生活的家庭成员人均收入低于本市最低生活保障标准，且家庭财产状况符合本市规定的；申请人户籍在本街道。',
  materials: [
    app('最低生活保障申请书'),
    idCard('家庭成员'),
    lic('居民户口簿', '居民户口簿'),
    paper('家庭经济状况核对授权书'),
    proof('居民家庭经济状况核对报告', 'PROOF-006', { source: 'department',
      note: '由街道提请区民政局核对，申请人无需提交。' }),
    app('家庭成员收入情况说明', { missing: true }),
  ],
  legal: 30, promised: 15, cls: 'B', trips: 'n', online: false, nearby: true,
  special: [['site_survey', 10], ['publication', 7]],
  result: ['document', '最低生活保障审核确认决定'],
  delivery: ['window', 'post'],
  notes: '审核确认权已由区民政局下放街道；入户调查和社区公示时间不计入承诺时限。',
});

item({
  key: 'lsjz', org: 'DEMO-TOWN', type: '05', min: MZ, seq: 22, name: '临时救助申请',
  audience: ['1'], topics: ['社会保障'],
  basis: [['《社会救助暂行办法》', '第四十七条、第四十八条']],
  conditions: '因火灾、交通事故等意外事件，家庭成员突发重大疾病，或者因生活必需支出突然增加超出家庭承受能力，' +
    '导致基本生活暂时出现严重困难的家庭或者个人。',
  materials: [
    app('临时救助申请书'),
    idCard(),
    lic('居民户口簿', '居民户口簿'),
    app('遭遇困难情况说明及医疗费用票据或者事故证明', { missing: true }),
    proof('居民家庭经济状况核对报告', 'PROOF-006', { source: 'department' }),
  ],
  legal: 15, promised: 5, cls: 'B', trips: '1', online: false, nearby: true,
  special: [['site_survey', 3]],
  result: ['document', '临时救助审批决定'],
  delivery: ['window', 'post'],
  notes: '情况紧急的，先行救助，事后补齐手续。',
});

item({
  key: 'gljt', org: 'DEMO-TOWN', type: '05', min: MZ, seq: 23, name: '高龄津贴申领',
  audience: ['1'], topics: ['社会保障'],
  basis: [['《中华人民共和国老年人权益保障法》', '第三十三条']],
  conditions: '具有本区户籍、年满80周岁的老年人。',
  materials: [
    idCard(),
    lic('社会保障卡（用于发放津贴）', '社会保障卡'),
    online('高龄津贴申请表'),
  ],
  legal: 20, promised: 5, trips: '0', nearby: true,
  result: ['document', '高龄津贴发放通知'],
  delivery: ['electronic', 'post'],
  notes: '系统根据户籍数据主动提醒，年满80周岁当月即可在线申请，“免跑腿”。',
});

/* ==== 示范区青山镇 ========================================================================= */

item({
  key: 'zjd', org: 'DEMO-QINGSHAN', type: '01', min: NY, seq: 11, name: '农村村民宅基地审批',
  audience: ['1'], topics: ['农林水利', '不动产'], power: '1',
  basis: [['《中华人民共和国土地管理法》', '第六十二条'], ['《农业农村部 自然资源部关于规范农村宅基地审批管理的通知》（农经发〔2019〕6号）', '二、依法规范农村宅基地审批和建房规划许可管理']],
  conditions: '本集体经济组织成员，一户只能拥有一处宅基地，面积不超过本市规定的标准；符合乡镇国土空间规划和村庄规划，' +
    '不占用永久基本农田；出卖、出租、赠与住宅后再申请宅基地的，不予批准。',
  materials: [
    paper('农村宅基地和建房（规划许可）申请表'),
    paper('农村宅基地使用承诺书'),
    lic('申请人居民户口簿', '居民户口簿'),
    paper('村民小组会议决议'),
    paper('村民委员会审查意见'),
    app('宅基地坐落平面位置图和住宅设计图', { missing: true }),
  ],
  legal: 20, promised: 10, cls: 'B', trips: 'n', online: false, nearby: true,
  special: [['site_survey', 5], ['publication', 5]],
  result: ['document', '农村宅基地批准书'],
  delivery: ['window'], channels: ['window'],
  notes: '宅基地审批和乡村建设规划许可“一个窗口对外、联审联办”；实地审查实行“四到场”。',
});

/* ---- halls and windows -------------------------------------------------------------- */

const letterItems = (keys) => keys.map((k) => {
  const d = byKey[k];
  if (!d) throw new Error(`letter item ${k} unknown`);
  if (d.kind !== '1' || d.status !== 'published') throw new Error(`letter item ${k} not a published instant item`);
  return d.impl_code;
});

const HALLS = [
  {
    ...CITY_HALL,
    windows: [
      { code: 'W01', name: '综合窗口', kind: 'comprehensive', theme: null, dept: null, staff: ['window01'],
        letter: {
          text: '授权通知书：根据《中华人民共和国行政许可法》和示范市“一窗受理、集成服务”改革要求，示范市行政审批局、' +
            '示范市市场监督管理局授权示范市政务服务中心综合窗口工作人员，对下列即办事项在申请材料齐全、符合法定形式时' +
            '当场受理、当场审查并作出决定，加盖行政审批专用章后即予办结。窗口工作人员应当严格按照办事指南和审批标准办理，' +
            '不得增加申请材料和办理环节；对不予办理的，应当出具书面决定并说明理由，实行否定报备。' +
            '授权事项调整的，另行书面通知并在窗口公示。',
          items: letterItems(['qybg', 'gsba', 'tzsb']),
        } },
      { code: 'W02', name: '投资项目综合窗口', kind: 'themed', theme: '投资项目', dept: null, staff: [], letter: null },
      { code: 'W03', name: '交通运输窗口', kind: 'themed', theme: '交通', dept: null, staff: [], letter: null },
      { code: 'W04', name: '市场监管窗口', kind: 'department', theme: null, dept: 'DEMO-CITY-SCJGJ', staff: [], letter: null },
    ],
  },
  {
    ...DIST_HALL,
    windows: [
      { code: 'W01', name: '综合窗口', kind: 'comprehensive', theme: null, dept: null, staff: [],
        letter: {
          text: '授权通知书：为落实“最多跑一次”改革和“前台综合受理、后台分类审批、统一窗口出件”工作要求，' +
            '示范区行政审批局和示范区发展和改革委员会、生态环境局、市场监督管理局、民政局、商务委员会、人力资源和社会保障局' +
            '授权示范区政务服务中心综合窗口工作人员，对下列即办事项在申请材料齐全、符合法定形式时当场审查、当场作出决定、' +
            '当场出件。窗口工作人员对所作决定负责，办理结果统一加盖行政审批专用章；不予办理的，当场出具不予受理（许可）决定书' +
            '并说明理由和救济途径，同时报本部门备案。本授权通知书在窗口醒目位置公示，接受群众监督。',
          items: letterItems(['jgba', 'tzba', 'hpdjb', 'gtgsh', 'yljg', 'dyk', 'zszy', 'ylcb']),
        } },
      { code: 'W02', name: '投资项目窗口', kind: 'themed', theme: '投资项目', dept: null, staff: [], letter: null },
      { code: 'W03', name: '交通窗口', kind: 'themed', theme: '交通', dept: null, staff: [], letter: null },
      { code: 'W04', name: '公安窗口（户政、出入境）', kind: 'department', theme: null, dept: 'DEMO-DIST-GAFJ', staff: [], letter: null },
      { code: 'W05', name: '税务窗口', kind: 'department', theme: null, dept: 'DEMO-DIST-SWUJ', staff: [], letter: null },
    ],
  },
];

/* ---- the file ------------------------------------------------------------------------ */

const catalogue = {
  format: 'tongban-catalogue',
  version: 1,
  orgs: ORGS.map(([code, name, level, kind, parent, address, phone]) =>
    ({ code, name, level, kind, parent, address, phone })),
  proofs: PROOFS.map(([code, name, issuer, basis]) => ({ code, name, issuer, basis })),
  intermediaries: INTERMEDIARIES.map(([code, name, provider, fee, fee_basis, basis]) =>
    ({ code, name, provider, fee, fee_basis, basis })),
  items,
  halls: HALLS,
};

/* ---- demo applications -------------------------------------------------------------
 * One application for every published online item, by the demo applicant
 * (data/demo/README.md) the item serves: zhangsan for items of natural
 * persons only, hengxin for the rest. Prefilled fields carry the account's
 * data, the others the form's examples; every required material the
 * applicant uploads is one of the sample files in files/. */

const APPLICANTS = {
  zhangsan: { name: '张三', id_number: '11010519491231002X', phone: '13800138000' },
  hengxin: { name: '示范恒信科技有限公司', credit_code: '91350100M000100Y43', phone: '13900139000',
    legal_rep: '王恒信' },
};

function application(doc) {
  const person = doc.audience.length === 1 && doc.audience[0] === '1';
  const who = person ? 'zhangsan' : 'hengxin';
  const values = {};
  for (const f of doc.form.fields) {
    const v = f.prefill ? APPLICANTS[who][f.prefill.slice('applicant.'.length)]
      : EXAMPLES[doc.impl_code][f.key];
    if (v === undefined) throw new Error(`${doc.name}: no value for ${f.key}`);
    values[f.key] = v;
  }
  const materials = [];
  doc.materials.forEach((m, index) => {
    if (m.is_required && m.source === 'applicant' && m.form !== 'paper')
      materials.push({ index, file: /照片|图/.test(m.name) ? 'sample.png' : 'sample.pdf' });
  });
  return { impl_code: doc.impl_code, applicant: who, values, materials };
}

const applications = {
  format: 'tongban-demo-applications',
  version: 1,
  applications: items.filter((d) => d.is_online && d.status === 'published').map(application),
};

const text = JSON.stringify(catalogue, null, 2) + '\n';
if (process.argv.includes('--stdout')) {
  process.stdout.write(text);
} else {
  const here = dirname(fileURLToPath(import.meta.url));
  const out = join(here, 'catalog.json');
  writeFileSync(out, text);
  writeFileSync(join(here, 'applications.json'), JSON.stringify(applications, null, 2) + '\n');
  process.stderr.write(`wrote ${out}: ${ORGS.length} orgs, ${PROOFS.length} proofs, ` +
    `${INTERMEDIARIES.length} intermediaries, ${items.length} items, ${HALLS.length} halls; ` +
    `applications.json: ${applications.applications.length} applications\n`);
}
