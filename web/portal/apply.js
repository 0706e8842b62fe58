// apply.js - 在线申报: apply online for one item (apply.html?item=IMPL_CODE),
// or go on with a saved draft (apply.html?case=ID).
//
// The item document (GET /api/v1/items/{code}) gives the application form
// (form.fields: typed fields, docs/catalogue.md "Form") and the materials;
// GET /api/v1/cases/prefill?item= fills what the platform already knows
// (name, ID number, phone ...; for materials, the file last used for a
// material of the same name). A material the applicant provides is chosen
// from the materials library (GET /api/v1/uploads) or uploaded at once
// (POST /api/v1/uploads); one from shared data or the department needs
// nothing, nor one the prefill finds in the licence library ("licence":
// {no, type, issuer}: 已从电子证照库获取, docs/licences.md "Reuse"); a
// licence material the library has none for ("licence": null) may be
// uploaded, or else the window checks the original at acceptance.
// 保存草稿 creates a draft (POST /api/v1/cases, submit:false) and later
// saves it (PATCH with If-Match); 提交申请 submits (POST with submit:true, or
// PATCH then the transition "submit" for a saved draft).
// Every such request carries an Idempotency-Key kept for its attempt
// (case-client.js). A 422 shows each fault at its field (values.<key>,
// materials[i]). 结果送达: one of the item's delivery methods (window, post
// with recipient, phone and address, electronic) goes with the submission
// as "delivery"; a saved draft's choice goes by PUT .../delivery. On
// success the case number and the query code are shown, the code this
// once. docs/cases.md is the contract.

import { ApiError, apiGet } from '../common/api.js';
import { deliveryChoice } from '../common/case-view.js';
import { clearErrors, focusFirstInvalid, setBusy, showAlert, showFieldError } from '../common/forms.js';
import { addMessages, applyI18n, onLangChange, t } from '../common/i18n.js';
import { el } from '../common/layout.js';
import { hasPermission, onUnauthenticated } from '../common/session.js';
import { Attempt, caseRequest, errorText, faultsOf, fieldNameOfPath, Library, materialNotNeeded, materialPicker, transition, uploadFile } from './case-client.js';
import { startPortalPage } from './portal.js';

addMessages({
  'zh-CN': {
    'ap.title': '在线申报 · 办事门户 · 一网通办',
    'ap.title.item': '在线申报：{name} · 一网通办',
    'ap.heading': '在线申报',
    'ap.sub': '在线申报 · {org} · 实施编码 {code}',
    'ap.form': '申请表',
    'ap.form.lead': '带',
    'ap.form.lead2': '的为必填项。已从您的账号带出的信息请核对。',
    'ap.form.none': '本事项无需填写申请表。',
    'ap.materials': '申请材料',
    'ap.materials.lead': '请为每项需要提交的材料选择材料库中的文件，或上传新文件。由部门共享获取的材料无需提交。',
    'ap.materials.none': '本事项无需提交材料。',
    'ap.delivery': '结果送达',
    'ap.delivery.lead': '选择办理结果（证照、批文或决定书）送达您的方式。办理结果出具前，可以在“我的办件”中更改。',
    'ap.select.choose': '请选择',
    'ap.money.unit': '元',
    'ap.money.hint': '以元为单位，最多两位小数。',
    'ap.submit': '提交申请',
    'ap.save': '保存草稿',
    'ap.saving': '正在保存…',
    'ap.submitting': '正在提交…',
    'ap.saved': '草稿已保存（{time}）。可以随时在“我的办件”中继续填写。',
    'ap.draft.note': '您正在继续填写草稿 {no}。',
    'ap.draft.note.new': '草稿已保存，办件编号 {no}。提交前可以继续修改。',
    'ap.check.required': '请勾选此项。',
    'ap.fault.where': '{where}：{message}',
    'ap.fault.title': '申请未通过检查，请按提示修改：',
    'ap.stale': '这份草稿已在其他页面或设备上修改过。已载入最新内容，请核对后再保存或提交。',
    'ap.not-draft': '该办件已提交，不能再修改。',
    'ap.not-draft.link': '查看办件',
    'ap.failed': '操作未成功：{title}',
    'ap.no-item': '没有指定要申报的事项。请从事项的办事指南进入在线申报。',
    'ap.notfound': '未找到该事项或办件。它可能不存在、尚未公布，或不属于您的账号。',
    'ap.suspended': '该事项目前暂停办理或已取消，不能申报。',
    'ap.not-online': '该事项暂不支持网上申报，请按办事指南到窗口办理。',
    'ap.not-applicant': '在线申报供企业和群众的申请人账号使用，当前账号不能申报。',
    'ap.guide': '查看办事指南',
    'ap.items': '返回事项清单',
    'ap.load.failed': '无法读取申报信息：{title}',
    'ap.done.title': '申请已提交',
    'ap.done.item': '事项',
    'ap.done.case-no': '办件编号',
    'ap.done.code': '查询码',
    'ap.done.once': '请记下查询码，并妥善保管。',
    'ap.done.once.text': '凭办件编号和查询码，可以在“办件进度查询”中随时查看办理进度，无需登录；登录后也可在“我的办件”中再次查看查询码。',
    'ap.done.view': '查看办件',
    'ap.demo.text': '演示环境：可以填入一份示例申请，再按需修改。',
    'ap.demo.fill': '填入示例数据',
    'ap.demo.filled': '已填入示例数据，请核对后保存或提交。',
    'ap.demo.busy': '正在填入示例数据…',
    'ap.lic.got': '已从电子证照库获取',
    'ap.lic.no': '证照编号：',
    'ap.lic.issuer': '发证机关：{issuer}',
    'ap.lic.none': '无需上传。',
    'ap.lic.missing': '电子证照库中未找到该证照。可以上传材料；不上传的，受理时由窗口核验原件。',
  },
  en: {
    'ap.title': 'Apply online · Service Portal · tongban',
    'ap.title.item': 'Apply: {name} · tongban',
    'ap.heading': 'Apply online',
    'ap.sub': 'Online application · {org} · code {code}',
    'ap.form': 'Application form',
    'ap.form.lead': 'Fields marked',
    'ap.form.lead2': 'are required. Check the details taken from your account.',
    'ap.form.none': 'This service has no application form.',
    'ap.materials': 'Materials',
    'ap.materials.lead': 'For each material you hand in, choose a file from your materials or upload a new one. Materials the departments share need nothing from you.',
    'ap.materials.none': 'No materials are needed.',
    'ap.delivery': 'Delivery of the result',
    'ap.delivery.lead': 'Choose how the result (licence, approval or decision) reaches you. You can change it under “My cases” until the result is out.',
    'ap.select.choose': 'Please choose',
    'ap.money.unit': 'CNY',
    'ap.money.hint': 'In yuan, at most two decimals.',
    'ap.submit': 'Submit application',
    'ap.save': 'Save draft',
    'ap.saving': 'Saving…',
    'ap.submitting': 'Submitting…',
    'ap.saved': 'Draft saved ({time}). You can go on with it from “My cases” at any time.',
    'ap.draft.note': 'You are going on with draft {no}.',
    'ap.draft.note.new': 'Draft saved as case {no}. You can still change it before submitting.',
    'ap.check.required': 'Please tick this.',
    'ap.fault.where': '{where}: {message}',
    'ap.fault.title': 'The application did not pass the checks. Please correct:',
    'ap.stale': 'This draft was changed on another page or device. The latest version is loaded; please check it before saving or submitting.',
    'ap.not-draft': 'This case has been submitted and can no longer be changed.',
    'ap.not-draft.link': 'See the case',
    'ap.failed': 'That did not work: {title}',
    'ap.no-item': 'No service given. Start an online application from the service guide.',
    'ap.notfound': 'No such service or case. It may not exist, not be published, or not belong to your account.',
    'ap.suspended': 'This service is suspended or cancelled and takes no applications.',
    'ap.not-online': 'This service cannot be applied for online. Please apply at a window as the guide says.',
    'ap.not-applicant': 'Online applications are for applicant accounts of citizens and businesses; this account cannot apply.',
    'ap.guide': 'Read the service guide',
    'ap.items': 'Back to the service list',
    'ap.load.failed': 'Could not read the application: {title}',
    'ap.done.title': 'Application submitted',
    'ap.done.item': 'Service',
    'ap.done.case-no': 'Case number',
    'ap.done.code': 'Query code',
    'ap.done.once': 'Write down the query code and keep it safe.',
    'ap.done.once.text': 'With the case number and the query code you can follow the case under “Track a case” at any time, without logging in; logged in, “My cases” shows the code again.',
    'ap.done.view': 'See the case',
    'ap.demo.text': 'Demonstration: fill in a sample application, then change what you like.',
    'ap.demo.fill': 'Fill in sample data',
    'ap.demo.filled': 'Sample data filled in. Check it, then save or submit.',
    'ap.demo.busy': 'Filling in sample data…',
    'ap.lic.got': 'Taken from the electronic licence library',
    'ap.lic.no': 'Licence number: ',
    'ap.lic.issuer': 'Issued by: {issuer}',
    'ap.lic.none': 'Nothing to upload.',
    'ap.lic.missing': 'The licence library has no such licence for you. You may upload the material; otherwise the window checks the original at acceptance.',
  },
});

const params = new URLSearchParams(window.location.search);
const form = document.getElementById('apply-form');
const statusNode = document.getElementById('apply-status');
const saveStatus = document.getElementById('save-status');
const enc = encodeURIComponent;

let account = null;
let itemCode = params.get('item') || '';
let caseId = params.get('case') || null;
let caseNo = null;
let etag = null;
let itemAnswer = null; // GET /api/v1/items/{code}
let library = null;
let pickers = [];
const licences = {}; // material index -> {no, type, issuer}: provided from the licence library (docs/licences.md "Reuse")
const noLicence = new Set(); // indices of licence materials the library has none for: an upload is offered, not required
let deliveryPicker = null; // the choice of delivery (docs/cases.md "Delivery and trips"), when the item offers one
let deliveryValue = null; // {method, post} as the draft or the page last had it
const attempts = { create: new Attempt(), patch: new Attempt(), submit: new Attempt(), delivery: new Attempt() };

init();

/* ------------------------------------------------------------ loading */

async function init() {
  account = await startPortalPage({ needAccount: true });
  if (!account) return;
  if (!hasPermission(account, 'case.apply')) {
    fail(t('ap.not-applicant'));
    return;
  }
  let values = {};
  const chosen = {};
  const extraUploads = [];
  try {
    if (caseId) {
      const c = await apiGet(`/api/v1/cases/${enc(caseId)}`);
      if (c.state !== 'draft') {
        window.location.replace(`cases.html?id=${enc(caseId)}`);
        return;
      }
      takeCase(c);
      values = c.values || {};
      if (c.delivery && c.delivery.method) deliveryValue = { method: c.delivery.method, post: c.delivery.post || null };
      for (const m of c.materials || []) {
        if (m.upload) {
          chosen[m.index] = m.upload.id;
          extraUploads.push(m.upload);
        }
        if (m.licence) licences[m.index] = m.licence;
        else if (m.licence === null && m.source === 'licence') noLicence.add(m.index);
      }
      itemAnswer = await loadItem(itemCode, c.item && c.item.version);
    } else {
      if (!itemCode) {
        fail(t('ap.no-item'), itemsLink());
        return;
      }
      itemAnswer = await apiGet(`/api/v1/items/${enc(itemCode)}`);
      if (itemAnswer.status && itemAnswer.status !== 'published') {
        fail(t('ap.suspended'), guideLink());
        return;
      }
      if (!itemAnswer.item.is_online) {
        fail(t('ap.not-online'), guideLink());
        return;
      }
      const pre = await apiGet(`/api/v1/cases/prefill?item=${enc(itemCode)}`);
      values = (pre && pre.values) || {};
      for (const m of (pre && pre.materials) || []) {
        if (m.upload) {
          chosen[m.index] = m.upload.id;
          extraUploads.push(m.upload);
        }
        if (m.licence) licences[m.index] = m.licence;
        else if (m.licence === null && m.source === 'licence') noLicence.add(m.index);
      }
    }
    const lib = await apiGet('/api/v1/uploads');
    library = new Library((lib && lib.uploads) || []);
    for (const up of extraUploads) if (!library.find(up.id)) library.list.push(up);
  } catch (e) {
    if (onUnauthenticated(e)) return;
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) fail(t('ap.notfound'), itemsLink());
    else fail(t('ap.load.failed', { title: e.title || String(e) }));
    return;
  }
  statusNode.hidden = true;
  render(values, chosen);
  form.hidden = false;
  if (caseNo) showDraftNote('ap.draft.note');
  onLangChange(() => {
    if (deliveryPicker) deliveryValue = deliveryPicker.value();
    render(collectValues(), chosenMap());
    if (caseNo) showDraftNote('ap.draft.note');
  });
  offerDemo();
}

/* The item version a draft was made for (a later version may have changed the form). */
async function loadItem(code, version) {
  const base = `/api/v1/items/${enc(code)}`;
  if (version) {
    try {
      return await apiGet(`${base}/versions/${enc(version)}`);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
  }
  return apiGet(base);
}

function takeCase(c) {
  caseId = c.id || caseId;
  caseNo = c.case_no || caseNo;
  if (c.etag !== undefined && c.etag !== null) etag = c.etag;
  if (c.item && c.item.code) itemCode = c.item.code;
}

function fail(message, link) {
  statusNode.classList.remove('loading');
  statusNode.classList.add('notice');
  statusNode.removeAttribute('data-i18n');
  statusNode.replaceChildren(message, link ? ' ' : '', link || '');
  statusNode.hidden = false;
}

function guideLink() {
  return el('a', { href: `/items/${enc(itemCode)}` }, t('ap.guide'));
}

function itemsLink() {
  return el('a', { href: 'items.html' }, t('ap.items'));
}

/* ------------------------------------------------------------ the form */

function render(values, chosen) {
  const it = itemAnswer.item;
  const orgName = itemAnswer.org ? itemAnswer.org.name : it.org;
  document.title = t('ap.title.item', { name: it.name });
  const h1 = document.getElementById('apply-heading');
  h1.removeAttribute('data-i18n');
  h1.textContent = it.name;
  document.getElementById('apply-sub').textContent = t('ap.sub', { org: orgName || '', code: it.impl_code });

  const fields = (it.form && it.form.fields) || [];
  const host = document.getElementById('form-fields');
  host.replaceChildren(...fields.map((f) => fieldBlock(f, values[f.key])));
  if (!fields.length) host.replaceChildren(el('p', { class: 'empty-note' }, t('ap.form.none')));

  const materials = it.materials || [];
  const list = document.getElementById('material-list');
  pickers = [];
  library.clearListeners();
  const blocks = materials.map((m, i) => {
    if (licences[i]) return materialFromLicence(i, m, licences[i]);
    const fromApplicant = m.source === 'applicant' || (m.source === 'licence' && noLicence.has(i));
    if (!fromApplicant) return materialNotNeeded(i, m);
    const extra = m.source === 'licence' ? el('p', { class: 'material-meta' }, t('ap.lic.missing')) : null;
    const p = materialPicker({ idPrefix: 'mat', index: i, m, library, selected: chosen[i] || null, extra });
    if (m.source === 'licence') p.required = false; // the window checks the original when no file comes
    pickers.push(p);
    return p.element;
  });
  list.replaceChildren(...blocks);
  if (!materials.length) list.replaceChildren(el('p', { class: 'empty-note' }, t('ap.materials.none')));
  renderDelivery(it);
  applyI18n(form);
}

/* A material the platform takes from the applicant's licence: 已从电子证照库获取, the number and issuer, no upload. */
function materialFromLicence(index, m, lic) {
  const issuer = lic.issuer && typeof lic.issuer === 'object' ? lic.issuer.name : lic.issuer;
  return el(
    'div',
    { class: 'material-pick is-shared is-licence', id: `mat-${index}`, 'data-licence': lic.no },
    el('p', { class: 'material-title' }, el('span', { class: 'material-no' }, `${index + 1}.`), ' ', m.name),
    el('p', { class: 'material-meta' }, el('span', { class: 'badge badge-on' }, t('ap.lic.got')), ' ', t('ap.lic.none')),
    el('p', { class: 'material-meta' }, t('ap.lic.no'), el('span', { class: 'client-id' }, lic.no)),
    issuer ? el('p', { class: 'material-meta' }, t('ap.lic.issuer', { issuer })) : null,
  );
}

/* 结果送达: the item's delivery methods (window / post / electronic), with a post address. */
function renderDelivery(it) {
  const panel = document.getElementById('delivery-panel');
  const options = Array.isArray(it.delivery) ? it.delivery : [];
  if (!options.length) {
    panel.hidden = true;
    deliveryPicker = null;
    return;
  }
  deliveryPicker = deliveryChoice({
    options,
    value: deliveryValue,
    freePost: Boolean(it.free_post),
    defaults: { recipient: account && account.name, phone: account && account.phone },
    idPrefix: 'dv',
  });
  document.getElementById('delivery-choice').replaceChildren(deliveryPicker.element);
  panel.hidden = false;
}

/* The body's "delivery", or nothing when the item offers no choice. */
function deliveryBody({ draft = false } = {}) {
  if (!deliveryPicker) return {};
  const dv = deliveryPicker.value();
  // a draft may leave the address for later; a submission is checked first (checkHints)
  if (draft && dv.method === 'post' && !Object.values(dv.post).every(Boolean)) return {};
  return { delivery: dv };
}

/* Money fields are kept in fen; the demo labels say so ("资金数额（分）"),
 * but people type yuan, so the unit moves from the label to the input. */
function fieldLabelText(f) {
  return f.type === 'money_fen' ? f.label.replace(/\s*[（(]分[)）]\s*$/, '') : f.label;
}

function fieldBlock(f, value) {
  const id = `f-${f.key}`;
  const name = `values.${f.key}`;
  const helpId = f.help ? `${id}-help` : null;
  const common = { id, name, required: f.required || null, 'aria-describedby': helpId };
  const star = f.required ? [' ', el('span', { class: 'req', 'aria-hidden': 'true' }, '*')] : [];
  const help = f.help ? el('p', { class: 'field-hint', id: helpId }, f.help) : null;
  const wide = f.type === 'textarea' || f.type === 'address';

  if (f.type === 'checkbox') {
    const box = el('input', { ...common, type: 'checkbox' });
    box.checked = value === true;
    return el('div', { class: 'field field-wide' }, el('label', { class: 'check', for: id }, box, el('span', {}, fieldLabelText(f), ...star)), help);
  }

  let control;
  let unit = null;
  switch (f.type) {
    case 'textarea':
      control = el('textarea', { ...common, rows: 4, maxlength: f.max_length || null });
      break;
    case 'address':
      control = el('textarea', { ...common, rows: 2, maxlength: f.max_length || null, autocomplete: 'off' });
      break;
    case 'number':
      control = el('input', { ...common, type: 'number', step: 1, min: f.min ?? null, max: f.max || null, inputmode: 'numeric' });
      break;
    case 'money_fen':
      control = el('input', { ...common, type: 'text', inputmode: 'decimal', autocomplete: 'off', 'aria-describedby': [helpId, `${id}-unit`].filter(Boolean).join(' ') });
      unit = el('span', { class: 'unit', id: `${id}-unit` }, t('ap.money.unit'));
      break;
    case 'select':
      control = el('select', common, el('option', { value: '' }, t('ap.select.choose')), ...(f.options || []).map((o) => el('option', { value: o.value }, o.label)));
      break;
    case 'date':
      control = el('input', { ...common, type: 'date' });
      break;
    case 'phone':
      control = el('input', { ...common, type: 'tel', autocomplete: 'tel', inputmode: 'tel', maxlength: 30 });
      break;
    case 'email':
      control = el('input', { ...common, type: 'email', autocomplete: 'email', maxlength: 100, spellcheck: 'false' });
      break;
    case 'id_number':
    case 'credit_code':
      control = el('input', { ...common, type: 'text', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', maxlength: 18 });
      break;
    default:
      control = el('input', { ...common, type: 'text', maxlength: f.max_length || null, autocomplete: f.prefill === 'applicant.name' ? 'name' : 'off' });
  }
  setControl(control, f, value);
  return el(
    'div',
    { class: wide ? 'field field-wide' : 'field' },
    el('label', { for: id }, fieldLabelText(f), ...star),
    unit ? el('div', { class: 'input-unit' }, control, unit) : control,
    help,
  );
}

/* Put an API value into a control (money in fen shows as yuan). */
function setControl(control, f, value) {
  if (f.type === 'checkbox') {
    control.checked = value === true;
    return;
  }
  if (value === null || value === undefined) {
    control.value = '';
  } else if (f.type === 'money_fen' && Number.isInteger(value)) {
    const fen = Math.abs(value);
    const cents = fen % 100;
    control.value = `${value < 0 ? '-' : ''}${Math.floor(fen / 100)}${cents ? `.${String(cents).padStart(2, '0')}` : ''}`;
  } else {
    control.value = String(value);
  }
}

/* The form's values as the API wants them: empty fields left out, numbers as
 * integers, money in fen; text that is not a number goes as typed, for the
 * server to name the fault (wrong_type) at its field. */
function collectValues() {
  const out = {};
  for (const f of fieldsOfItem()) {
    const c = document.getElementById(`f-${f.key}`);
    if (!c) continue;
    if (f.type === 'checkbox') {
      out[f.key] = c.checked;
      continue;
    }
    const v = c.value.trim();
    if (v === '') continue;
    if (f.type === 'number') {
      out[f.key] = /^-?\d+$/.test(v) ? Number(v) : v;
    } else if (f.type === 'money_fen') {
      const m = v.replace(/[,，\s]/g, '').match(/^(\d+)(?:\.(\d{1,2}))?$/);
      out[f.key] = m ? Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0')) : v;
    } else {
      out[f.key] = v;
    }
  }
  return out;
}

function fieldsOfItem() {
  const it = itemAnswer && itemAnswer.item;
  return (it && it.form && it.form.fields) || [];
}

function collectMaterials() {
  return pickers.filter((p) => p.value()).map((p) => ({ index: p.index, upload: p.value() }));
}

function chosenMap() {
  const out = {};
  for (const p of pickers) if (p.value()) out[p.index] = p.value();
  return out;
}

/* Hints before submitting (the server checks again): required fields and materials. */
function checkHints() {
  let ok = true;
  for (const f of fieldsOfItem()) {
    if (!f.required) continue;
    const c = document.getElementById(`f-${f.key}`);
    if (!c) continue;
    if (f.type === 'checkbox' ? !c.checked : c.value.trim() === '') {
      showFieldError(form, `values.${f.key}`, t(f.type === 'checkbox' ? 'ap.check.required' : 'form.required'));
      ok = false;
    }
  }
  for (const p of pickers) {
    if (p.required && !p.value()) {
      showFieldError(form, `materials.${p.index}`, t('cc.pick.required'));
      ok = false;
    }
  }
  if (deliveryPicker && !deliveryPicker.check(form)) ok = false;
  if (!ok) {
    showAlert(form, t('form.check'));
    focusFirstInvalid(form);
  }
  return ok;
}

/* ------------------------------------------------------------ saving and submitting */

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const intent = ev.submitter && ev.submitter.value === 'draft' ? 'draft' : 'submit';
  clearErrors(form);
  saveStatus.textContent = '';
  if (intent === 'submit' && !checkHints()) return;
  const done = setBusy(form);
  saveStatus.textContent = t(intent === 'draft' ? 'ap.saving' : 'ap.submitting');
  try {
    if (intent === 'draft') {
      const created = await saveDraft();
      saveStatus.textContent = t('ap.saved', { time: new Date().toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' }) });
      if (created) showDraftNote('ap.draft.note.new');
    } else {
      await submit();
    }
  } catch (e) {
    saveStatus.textContent = '';
    await showError(e);
  } finally {
    done();
  }
});

/* Create the draft, or save the one we have. Returns true when it was created now. */
async function saveDraft() {
  const values = collectValues();
  const materials = collectMaterials();
  if (!caseId) {
    const r = await caseRequest('/api/v1/cases', { body: { item: itemCode, values, materials, ...deliveryBody({ draft: true }), submit: false, channel: 'online' }, attempt: attempts.create });
    takeCase(r);
    window.history.replaceState(null, '', `apply.html?case=${enc(caseId)}`);
    return true;
  }
  const r = await caseRequest(`/api/v1/cases/${enc(caseId)}`, { method: 'PATCH', body: { values, materials }, etag, attempt: attempts.patch });
  if (r && r.etag !== undefined && r.etag !== null) takeCase(r);
  else takeCase(await apiGet(`/api/v1/cases/${enc(caseId)}`));
  // The delivery choice of a draft goes by its own route (PATCH takes values and materials).
  const dv = deliveryPicker ? deliveryPicker.value() : null;
  if (dv && (dv.method !== 'post' || Object.values(dv.post).every(Boolean))) {
    const d = await caseRequest(`/api/v1/cases/${enc(caseId)}/delivery`, { method: 'PUT', body: dv, etag, attempt: attempts.delivery });
    if (d && d.etag !== undefined && d.etag !== null) takeCase(d);
    else takeCase(await apiGet(`/api/v1/cases/${enc(caseId)}`));
  }
  return false;
}

async function submit() {
  let answer;
  if (!caseId) {
    answer = await caseRequest('/api/v1/cases', {
      body: { item: itemCode, values: collectValues(), materials: collectMaterials(), ...deliveryBody(), submit: true, channel: 'online' },
      attempt: attempts.create,
    });
  } else {
    await saveDraft();
    answer = await transition(caseId, etag, { action: 'submit' }, attempts.submit);
  }
  takeCase(answer || {});
  showDone(answer || {});
}

function showDone(answer) {
  const box = document.getElementById('apply-done');
  document.getElementById('done-item').textContent = itemAnswer.item.name;
  document.getElementById('done-case-no').textContent = answer.case_no || caseNo || '';
  document.getElementById('done-code').textContent = answer.query_code || t('case.none');
  document.getElementById('done-case-link').href = `cases.html?id=${enc(caseId)}`;
  document.getElementById('done-progress-link').href = `progress.html?case_no=${enc(answer.case_no || caseNo || '')}`;
  form.hidden = true;
  document.getElementById('demo-box').hidden = true;
  box.hidden = false;
  box.focus();
  box.scrollIntoView({ block: 'start' });
}

function showDraftNote(key) {
  const note = document.getElementById('draft-note');
  note.textContent = t(key, { no: caseNo });
  note.hidden = false;
}

/* A refused save or submission, shown where it belongs. */
async function showError(e) {
  if (onUnauthenticated(e)) return;
  if (!(e instanceof ApiError)) {
    showAlert(form, t('ap.failed', { title: String(e) }));
    return;
  }
  if (e.status === 412) {
    await reloadDraft();
    showAlert(form, t('ap.stale'));
    return;
  }
  if (e.status === 409 && caseId) {
    showAlert(form, t('ap.not-draft'), ' ', el('a', { href: `cases.html?id=${enc(caseId)}` }, t('ap.not-draft.link')));
    return;
  }
  const faults = faultsOf(e);
  if (e.status === 422 && faults.length) {
    const rest = [];
    for (const f of faults) {
      if (!showFieldError(form, fieldNameOfPath(f.path), f.message)) rest.push(f);
    }
    showAlert(
      form,
      el('span', {}, t('ap.fault.title')),
      el('ul', { class: 'error-list' }, ...faults.map((f) => el('li', {}, t('ap.fault.where', { where: faultWhere(f.path), message: f.message })))),
    );
    focusFirstInvalid(form);
    return;
  }
  if (e.field && e.detail && showFieldError(form, fieldNameOfPath(e.field), e.detail)) {
    showAlert(form, t('form.see-field', { title: e.title }));
    focusFirstInvalid(form);
    return;
  }
  showAlert(form, t('ap.failed', { title: errorText(e) }));
}

/* 'values.phone' -> the field's label; 'materials[2]' -> the material's name. */
function faultWhere(path) {
  const it = itemAnswer.item;
  const v = String(path).match(/^values\.([a-z0-9_]+)/);
  if (v) {
    const f = fieldsOfItem().find((x) => x.key === v[1]);
    return f ? fieldLabelText(f) : path;
  }
  const m = String(path).match(/^materials\[(\d+)\]/);
  if (m && it.materials && it.materials[Number(m[1])]) return it.materials[Number(m[1])].name;
  const d = String(path).match(/^delivery(?:\.post)?\.?([a-z_]*)/);
  if (d) return t(d[1] && ['recipient', 'phone', 'address'].includes(d[1]) ? `cv.dv.${d[1]}` : 'ap.delivery');
  return path;
}

/* After a 412: the server's version of the draft replaces the page's. */
async function reloadDraft() {
  try {
    const c = await apiGet(`/api/v1/cases/${enc(caseId)}`);
    takeCase(c);
    if (c.state !== 'draft') {
      window.location.replace(`cases.html?id=${enc(caseId)}`);
      return;
    }
    const chosen = {};
    for (const m of c.materials || []) {
      if (m.upload) {
        chosen[m.index] = m.upload.id;
        if (!library.find(m.upload.id)) library.list.push(m.upload);
      }
    }
    render(c.values || {}, chosen);
  } catch (e) {
    if (!onUnauthenticated(e)) showAlert(form, t('ap.failed', { title: e.title || String(e) }));
  }
}

/* ------------------------------------------------------------ demo data */

/*
 * In a demonstration installation the server may hand out the sample
 * applications of data/demo/applications.json (GET /api/v1/demo/applications,
 * and the sample files under /api/v1/demo/files/{name}); without that route
 * (a real installation) the button never appears.
 */
async function offerDemo() {
  let data;
  try {
    data = await apiGet(`/api/v1/demo/applications?item=${enc(itemCode)}`);
  } catch {
    return;
  }
  const apps = ((data && data.applications) || []).filter((a) => a.impl_code === itemCode);
  if (!apps.length) return;
  const sample = apps.find((a) => a.applicant === account.username) || apps[0];
  const box = document.getElementById('demo-box');
  const button = document.getElementById('demo-fill');
  box.hidden = false;
  button.addEventListener('click', async () => {
    button.disabled = true;
    saveStatus.textContent = t('ap.demo.busy');
    try {
      await fillSample(sample);
      saveStatus.textContent = t('ap.demo.filled');
    } finally {
      button.disabled = false;
    }
  });
}

async function fillSample(sample) {
  for (const f of fieldsOfItem()) {
    const c = document.getElementById(`f-${f.key}`);
    if (c && sample.values && f.key in sample.values) setControl(c, f, sample.values[f.key]);
  }
  const uploaded = new Map();
  for (const m of sample.materials || []) {
    const p = pickers.find((x) => x.index === m.index);
    if (!p || !m.file) continue;
    try {
      if (!uploaded.has(m.file)) {
        const res = await fetch(`/api/v1/demo/files/${enc(m.file)}`, { credentials: 'same-origin' });
        if (!res.ok) throw new Error(String(res.status));
        const up = await uploadFile(await res.blob(), m.file);
        library.add(up);
        uploaded.set(m.file, up.id);
      }
      p.setValue(uploaded.get(m.file));
    } catch {
      if (library.list.length) p.setValue(library.list[0].id); // no sample file: the newest of the library
    }
  }
}
