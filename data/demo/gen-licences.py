#!/usr/bin/env python3
"""Generates data/demo/licences.json from data/demo/catalog.json: credit
codes (GB 32100, valid check characters) for the demo organisations, the
licence types the demo catalogue names (face fields from the issuing item's
form), and historical licences of the demo applicants (tongban licences
import format). Run from the repository root; the output is committed."""
import json

CAT = json.load(open('data/demo/catalog.json'))

ALPHA31 = '0123456789ABCDEFGHJKLMNPQRTUWXY'
W32100 = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
W11714 = [3, 7, 9, 10, 5, 8, 4, 2]


def org_code(body8):
    s = sum(int(c) * w for c, w in zip(body8, W11714))
    c = 11 - s % 11
    return body8 + ('X' if c == 10 else '0' if c == 11 else str(c))


def credit_code(area, n):
    # 1 机构编制 registration, 1 机关; then the area and a GB 11714 code
    body = '11' + area + org_code('%08d' % (11500000 + n))
    s = sum(ALPHA31.index(c) * w for c, w in zip(body, W32100))
    return body + ALPHA31[(31 - s % 31) % 31]


codes = {}
for i, o in enumerate(CAT['orgs']):
    if o['kind'] in ('bureau', 'department'):
        codes[o['code']] = credit_code('500100' if o['level'] == 1 else '500101', i + 1)

SKIP = {'applicant_name', 'id_number', 'phone', 'email', 'org_name', 'credit_code', 'reason',
        'company_name', 'operator_name', 'legal_rep_id'}
PERSON = {'居民身份证', '居住证', '普通护照', '居民户口簿', '结婚证', '教师资格证书', '社会保障卡',
          '机动车驾驶证', '道路运输从业人员从业资格证', '医师资格证书', '医师执业证书',
          '执业药师注册证', '安全生产知识和管理能力考核合格证'}
YEARS = {'居民身份证': 20, '普通护照': 10, '居住证': 1, '食品经营许可证': 5, '食品生产许可证': 5,
         '药品经营许可证': 5, '道路运输经营许可证': 4, '人力资源服务许可证': 0,
         '劳务派遣经营许可证': 3, '危险化学品经营许可证': 3, '烟花爆竹经营（零售）许可证': 1,
         '农药经营许可证': 5, '医疗机构执业许可证': 5, '公共场所卫生许可证': 4,
         '娱乐经营许可证': 2, '网络文化经营许可证': 3, '取水许可证': 5, '燃气经营许可证': 3,
         '林木采伐许可证': 1, '植物检疫证书': 1, '超限运输车辆通行证': 1, '办学许可证': 5,
         '城镇污水排入排水管网许可证': 5, '机动车行驶证': 6, '机动车驾驶证': 6}


def clean(name):
    for p in ('申请人及共同申请家庭成员', '申请人', '法定代表人、财务负责人和办税人员', '法定代表人',
              '投资人、法定代表人、主要负责人', '新任董事、监事、经理或者联络员', '自然人股东',
              '企业股东', '负责人', '经办人', '抵押人', '抵押权人', '查询人', '买卖双方', '经营者',
              '报检人', '申报人', '双方', '拟任', '家庭成员', '父亲或者母亲', '死者', '父母',
              '合法稳定住所', '林地、林木', '国有建设用地使用权', '车辆', '驾驶人', '驾驶员',
              '驾驶人员', '主要负责人和安全生产管理人员'):
        if name.startswith(p) and len(name) > len(p) + 2:
            name = name[len(p):]
    if name.endswith('）') and '（' in name:
        name = name[:name.rindex('（')]
    return name


types = {}
for it in CAT['items']:
    r = it['result']
    t = r.get('licence_type')
    if not t:
        continue
    name = clean(r['name'])
    e = types.setdefault(t, {'code': t, 'name': name, 'issuers': [], 'fields': None})
    if it['org'] not in e['issuers']:
        e['issuers'].append(it['org'])
    if e['fields'] is None:
        fields = []
        for f in it['form']['fields']:
            if f['key'] in SKIP or f['type'] in ('phone', 'email', 'id_number', 'credit_code'):
                continue
            fields.append({'key': f['key'], 'label': f['label'][:40], 'type':
                           'date' if f['type'] == 'date' else 'text', 'required': False,
                           'from': f['key']})
        e['fields'] = fields[:6]
for it in CAT['items']:
    for m in it['materials']:
        t = m.get('licence_type')
        if m.get('source') == 'licence' and t and t not in types:
            types[t] = {'code': t, 'name': clean(m['name']), 'issuers': [], 'fields': []}

out_types = []
for t in sorted(types.values(), key=lambda x: x['code']):
    holder = 'person' if t['name'] in PERSON else 'any' if t['name'] in (
        '不动产权证书', '不动产登记证明', '机动车行驶证') else 'org'
    if not t['fields']:
        t['fields'] = [{'key': 'address', 'label': '地址', 'type': 'text', 'required': False,
                        'from': 'address'}]
    out_types.append({'code': t['code'], 'name': t['name'], 'holder_kind': holder,
                      'fields': t['fields'], 'validity_years': YEARS.get(t['name'], 0),
                      'issuers': t['issuers']})

ZS = ('张三', '111', '11010519491231002X')
LS = ('李四', '111', '110101199003074258')
HX = ('示范恒信科技有限公司', '001', '91350100M000100Y43')
HU = ('示范华信商贸有限公司', '001', '91440300MA01K3Q27W')


def lic(t, who, issuer, on, face, until=None, trust='B'):
    d = {'type': t, 'holder_name': who[0], 'holder_id_type': who[1], 'holder_id': who[2],
         'issuer': issuer, 'issued_on': on, 'face': face, 'trust_level': trust}
    if until:
        d['valid_until'] = until
    return d


licences = [
    lic('11100000MB00010113001', ZS, 'DEMO-DIST-GAFJ', '2019-05-20',
        {'address': '示范市示范区中山路 18 号'}),
    lic('11100000MB00010113002', ZS, 'DEMO-DIST-GAFJ', '2015-03-02',
        {'address': '示范市示范区中山路 18 号'}),
    lic('11100000MB0001054G001', ZS, 'DEMO-DIST-GHZRJ', '2020-08-11',
        {'location': '示范市示范区滨江路 66 号 3 栋 1201', 'area': '98.6'}),
    lic('11100000MB00010113001', LS, 'DEMO-DIST-GAFJ', '2010-09-01',
        {'address': '示范市示范区和平街道 2 号'}, until='2030-08-31'),
    lic('11100000MB00010113002', LS, 'DEMO-DIST-GAFJ', '2012-01-16',
        {'address': '示范市示范区和平街道 2 号'}),
    lic('11100000MB00010113004', LS, 'DEMO-DIST-GAFJ', '2018-06-01',
        {'address': '示范市示范区和平街道 2 号'}, until='2024-05-31'),
    lic('11100000MB0001038T001', HX, 'DEMO-CITY-XZSPJ', '2021-04-12',
        {'company_type': '有限责任公司（自然人投资或控股）', 'domicile': '示范市高新区创新大道 8 号',
         'registered_capital_fen': '5000000', 'legal_rep_name': '王恒信',
         'business_scope': '软件开发；信息技术咨询服务；计算机系统服务'}),
    lic('11100000MB0001054G001', HX, 'DEMO-DIST-GHZRJ', '2022-02-18',
        {'location': '示范市高新区创新大道 8 号', 'area': '1260.5'}),
    lic('11100000MB0001038T001', HU, 'DEMO-CITY-XZSPJ', '2019-11-05',
        {'company_type': '有限责任公司', 'domicile': '示范市示范区商贸城 B 区 12 号',
         'registered_capital_fen': '2000000', 'legal_rep_name': '陈华信',
         'business_scope': '日用百货、预包装食品销售'}),
]

json.dump({'format': 'tongban-licence-demo/1', 'org_credit_codes': codes, 'types': out_types,
           'licences': licences},
          open('data/demo/licences.json', 'w'), ensure_ascii=False, indent=1)
print(len(codes), 'codes', len(out_types), 'types', len(licences), 'licences')
