// register.js - 用户注册 for a 自然人 (person) or a 法人 (org).
//
// POST /api/v1/accounts with the fields docs/accounts.md lists for the kind.
// The form checks only that required fields are filled and that the two
// passwords agree; the server judges everything else (the 居民身份证号 and
// 统一社会信用代码 check digits, the phone, the password policy) and its
// problem `detail` is shown under the field it names. The other kind's
// fieldset is disabled, so its inputs are neither sent nor matched. On 201
// the browser goes to the login page with a notice.

import { api, ApiError } from '../common/api.js';
import { checkRequired, clearErrors, formValues, setBusy, showAlert, showFieldError, showProblem } from '../common/forms.js';
import { addMessages, t } from '../common/i18n.js';
import { startPortalPage } from './portal.js';

addMessages({
  'zh-CN': {
    'reg.title': '用户注册 · 办事门户 · 一网通办',
    'reg.heading': '用户注册',
    'reg.lead': '注册后即可在网上申报事项、查询办理进度。带 * 的为必填项。',
    'reg.form.title': '注册信息',
    'reg.kind': '注册类型',
    'reg.kind.person.desc': '个人办理事项，使用居民身份证号注册',
    'reg.kind.org.desc': '企业、事业单位、社会组织，使用统一社会信用代码注册',
    'reg.person': '个人信息',
    'reg.p.name': '姓名',
    'reg.p.id': '居民身份证号',
    'reg.p.id.hint': '18 位，最后一位可能是 X。',
    'reg.org': '单位信息',
    'reg.o.name': '单位名称',
    'reg.o.code': '统一社会信用代码',
    'reg.o.code.hint': '18 位数字或大写字母，见营业执照或登记证书。',
    'reg.o.rep': '法定代表人',
    'reg.o.contact': '联系人',
    'reg.login': '联系方式与登录',
    'reg.phone': '手机号码',
    'reg.username': '用户名',
    'reg.optional': '（选填）',
    'reg.username.hint': '不填也可以：用证件号码登录。',
    'reg.password': '密码',
    'reg.password.hint': '至少 12 个字符；不要使用常见密码。',
    'reg.password2': '确认密码',
    'reg.privacy': '您的证件号码和手机号码加密存储，页面上只显示脱敏后的号码。',
    'reg.submit': '注册',
    'reg.haveaccount': '已有账号，去登录',
  },
  en: {
    'reg.title': 'Register · Service Portal · tongban',
    'reg.heading': 'Register',
    'reg.lead': 'With an account you can apply online and follow your cases. Fields marked * are required.',
    'reg.form.title': 'Registration details',
    'reg.kind': 'Register as',
    'reg.kind.person.desc': 'An individual, registering with a resident ID number',
    'reg.kind.org.desc': 'A company, public institution or social organisation, with its unified social credit code',
    'reg.person': 'Personal details',
    'reg.p.name': 'Name',
    'reg.p.id': 'Resident ID number (居民身份证号)',
    'reg.p.id.hint': '18 characters; the last may be X.',
    'reg.org': 'Organisation details',
    'reg.o.name': 'Organisation name',
    'reg.o.code': 'Unified social credit code',
    'reg.o.code.hint': '18 digits or capital letters, as on the business licence or registration certificate.',
    'reg.o.rep': 'Legal representative',
    'reg.o.contact': 'Contact person',
    'reg.login': 'Contact and login',
    'reg.phone': 'Mobile phone number',
    'reg.username': 'User name',
    'reg.optional': '(optional)',
    'reg.username.hint': 'You may leave it empty and log in with your ID number or credit code.',
    'reg.password': 'Password',
    'reg.password.hint': 'At least 12 characters; not a common password.',
    'reg.password2': 'Repeat the password',
    'reg.privacy': 'Your ID number and phone number are stored encrypted; pages show them masked only.',
    'reg.submit': 'Register',
    'reg.haveaccount': 'I have an account: log in',
  },
});

/* Fields sent for each kind (docs/accounts.md, "Register body"). */
const BODY_FIELDS = {
  person: ['name', 'id_number', 'phone', 'password', 'username'],
  org: ['name', 'credit_code', 'legal_representative', 'contact_name', 'phone', 'password', 'username'],
};

const form = document.getElementById('register-form');

startPortalPage({ checkAccount: false });
for (const radio of form.querySelectorAll('input[name="kind"]')) radio.addEventListener('change', showKind);
showKind();
form.addEventListener('submit', submit);

function kind() {
  return form.querySelector('input[name="kind"]:checked').value;
}

/* Show and enable the fieldset of the chosen kind; hide and disable the other. */
function showKind() {
  const k = kind();
  for (const fs of form.querySelectorAll('fieldset[data-kind]')) {
    const on = fs.dataset.kind === k;
    fs.hidden = !on;
    fs.disabled = !on;
  }
  clearErrors(form);
}

async function submit(ev) {
  ev.preventDefault();
  clearErrors(form);
  if (!checkRequired(form)) return;
  const values = formValues(form);
  if (values.password !== values.password_confirm) {
    showFieldError(form, 'password_confirm', t('form.password-mismatch'));
    showAlert(form, t('form.check'));
    form.elements.password_confirm.focus();
    return;
  }
  const k = kind();
  const body = { kind: k };
  for (const f of BODY_FIELDS[k]) {
    if (f === 'username' && !values.username) continue; // optional
    body[f] = values[f];
  }
  const done = setBusy(form);
  try {
    await api('/api/v1/accounts', { method: 'POST', body });
    window.location.assign('login.html?registered=1');
    return;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    showProblem(form, err);
  }
  done();
}
