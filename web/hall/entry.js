// entry.js - 窗口代录: window staff enter an application for an applicant
// standing at the counter.
//
// 1. find the item (GET /api/v1/items?q=) and read its guide
//    (GET /api/v1/items/{code}: the form's fields and the materials);
// 2. name the applicant (user name, 居民身份证号 or 统一社会信用代码);
// 3. fill the form (one control per field type, docs/catalogue.md "Form");
// 4. tick each material whose paper original was checked at the counter;
// 5. the applicant's choice of delivery (window, post with the address, or
//    electronic: the item's methods, docs/cases.md "Delivery and trips");
// then POST /api/v1/cases {item, values, materials: [{index, paper: true}],
// delivery, submit: true, channel: "window", applicant} with an Idempotency-Key. The
// key stays the same while the body does (a retry after a lost answer gets
// the same case back), and is new for any other body. A 422 lists every
// fault; each shows under its field (values.<key>, materials[i], applicant)
// and all of them in the list at the top. The answer's query code is shown
// this once, to be handed to the applicant.

import { api, apiGet, ApiError } from '../common/api.js';
import { caseStateBadge, materialSourceLabel } from '../common/case-text.js';
import { deliveryChoice, fieldLabel, newIdempotencyKey } from '../common/case-view.js';
import { addMessages, applyI18n, lang, onLangChange, t } from '../common/i18n.js';
import { el } from '../common/layout.js';
import { goToLogin } from '../common/session.js';
import { HALL_LOGIN, startHallPage } from './hall.js';

addMessages({
  'zh-CN': {
    'he.title': '窗口代录 · 政务大厅 · 一网通办',
    'he.item': '1. 选择事项',
    'he.item.lead': '窗口人员代申请人录入申请。先按名称或编码查找事项。',
    'he.item.search': '查找事项',
    'he.item.q': '事项名称或实施编码',
    'he.item.q.ph': '如：企业设立登记',
    'he.item.go': '查找',
    'he.item.found': '找到 {n} 项，请选择。',
    'he.item.none': '没有找到事项，请换个关键词。',
    'he.item.need': '请输入事项名称或编码。',
    'he.item.choose': '选择',
    'he.item.choose.label': '选择 {name}',
    'he.item.change': '更换事项',
    'he.item.dept': '实施机构：{org}',
    'he.item.failed': '无法读取事项：{title}',
    'he.applicant': '2. 申请人',
    'he.applicant.id': '申请人账号',
    'he.applicant.hint': '申请人在平台的用户名、居民身份证号或统一社会信用代码。申请人须已在平台注册。',
    'he.values': '3. 申请表',
    'he.values.lead': '按申请人提供的信息填写。带 * 的为必填项。',
    'he.values.none': '本事项没有申请表。',
    'he.money.unit': '元',
    'he.select.choose': '请选择',
    'he.materials': '4. 申请材料',
    'he.materials.lead': '对申请人当场提交的纸质原件逐项核验，勾选已核验的材料。电子证照、共享材料由平台获取，无需申请人提交。',
    'he.materials.none': '本事项没有申请材料。',
    'he.m.paper': '已核验纸质原件',
    'he.m.required': '必要',
    'he.m.optional': '非必要',
    'he.m.platform': '由平台获取：{source}',
    'he.m.allows': '可容缺',
    'he.m.commitment': '可告知承诺',
    'he.submit': '提交申请',
    'he.delivery': '5. 结果送达',
    'he.delivery.lead': '询问申请人希望以何种方式领取办理结果。选择邮寄的，请录入收件人、联系电话和邮寄地址。',
    'he.errors': '申请有 {n} 处问题，请逐项修改：',
    'he.done.title': '申请已录入',
    'he.done.code': '查询码',
    'he.done.code.once': '查询码只显示这一次，请打印或告知申请人，凭办件编号和查询码可查询办理进度。',
    'he.done.open': '打开办件，继续受理',
    'he.done.again': '录入下一件',
  },
  en: {
    'he.title': 'Enter an application · Service Hall · tongban',
    'he.item': '1. Choose the service',
    'he.item.lead': 'Window staff enter the application for the applicant. First find the service by name or code.',
    'he.item.search': 'Find a service',
    'he.item.q': 'Service name or implementation code',
    'he.item.q.ph': 'e.g. 企业设立登记',
    'he.item.go': 'Find',
    'he.item.found': '{n} found; choose one.',
    'he.item.none': 'Nothing found; try other words.',
    'he.item.need': 'Type a service name or code.',
    'he.item.choose': 'Choose',
    'he.item.choose.label': 'Choose {name}',
    'he.item.change': 'Choose another service',
    'he.item.dept': 'Deciding body: {org}',
    'he.item.failed': 'Could not read the service: {title}',
    'he.applicant': '2. Applicant',
    'he.applicant.id': 'Applicant’s account',
    'he.applicant.hint': 'The applicant’s user name, resident ID number or unified social credit code. The applicant must be registered.',
    'he.values': '3. Application form',
    'he.values.lead': 'Fill in what the applicant tells you. Fields marked * are required.',
    'he.values.none': 'This service has no form.',
    'he.money.unit': 'CNY',
    'he.select.choose': 'Choose',
    'he.materials': '4. Materials',
    'he.materials.lead': 'Check each paper original the applicant hands in and tick it. Electronic licences and shared data are fetched by the platform.',
    'he.materials.none': 'This service needs no materials.',
    'he.m.paper': 'Paper original checked',
    'he.m.required': 'Required',
    'he.m.optional': 'Optional',
    'he.m.platform': 'Fetched by the platform: {source}',
    'he.m.allows': 'may be missing',
    'he.m.commitment': 'commitment allowed',
    'he.submit': 'Submit the application',
    'he.delivery': '5. Delivery of the result',
    'he.delivery.lead': 'Ask the applicant how they want the result. For post, enter the recipient, phone and postal address.',
    'he.errors': 'The application has {n} problems:',
    'he.done.title': 'Application entered',
    'he.done.code': 'Query code',
    'he.done.code.once': 'The query code is shown only this once: print it or tell the applicant. With the case number and this code anyone can look up the progress.',
    'he.done.open': 'Open the case to accept it',
    'he.done.again': 'Enter another',
  },
});

const ui = {
  item: null, // the guide's item document
  sent: null, // {json, key}: the last body sent and its Idempotency-Key
  delivery: null, // the choice of delivery (common/case-view.js deliveryChoice), when the item offers one
};

init();

async function init() {
  const account = await startHallPage();
  if (!account) return;
  document.getElementById('item-search').addEventListener('submit', (ev) => {
    ev.preventDefault();
    searchItems();
  });
  document.querySelector('#item-chosen [data-role="change"]').addEventListener('click', () => {
    ui.item = null;
    document.getElementById('item-chosen').hidden = true;
    document.getElementById('entry-form').hidden = true;
    document.getElementById('item-search').hidden = false;
    document.getElementById('item-q').focus();
  });
  document.getElementById('entry-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit();
  });
  onLangChange(() => ui.item && renderItemForm(true));
  const code = new URLSearchParams(window.location.search).get('item');
  if (code) chooseItem(code);
}

/* ---------------------------------------------------------------- the item */

async function searchItems() {
  const form = document.getElementById('item-search');
  const status = document.getElementById('item-status');
  const list = document.getElementById('item-results');
  const q = form.elements.q.value.trim();
  status.classList.remove('notice');
  if (!q) {
    status.textContent = t('he.item.need');
    form.elements.q.focus();
    return;
  }
  try {
    const answer = await apiGet(`/api/v1/items?q=${encodeURIComponent(q)}&per_page=20`);
    const items = (answer && answer.items) || [];
    list.replaceChildren(
      ...items.map((it) => {
        const choose = el('button', { type: 'button', class: 'btn btn-secondary btn-small', 'data-code': it.impl_code, 'aria-label': t('he.item.choose.label', { name: it.name }) }, t('he.item.choose'));
        choose.addEventListener('click', () => chooseItem(it.impl_code));
        return el(
          'li',
          { 'data-code': it.impl_code },
          el('span', { class: 'cw-item-name' }, it.name),
          choose,
          el('span', { class: 'who-sub' }, `${t('he.item.dept', { org: (it.org && it.org.name) || '' })} · `, el('span', { class: 'cw-mono' }, it.impl_code)),
        );
      }),
    );
    list.hidden = items.length === 0;
    status.textContent = items.length ? t('he.item.found', { n: items.length }) : t('he.item.none');
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    status.classList.add('notice');
    status.textContent = t('he.item.failed', { title: err.detail || err.title });
  }
}

async function chooseItem(code) {
  const status = document.getElementById('item-status');
  try {
    const answer = await apiGet(`/api/v1/items/${encodeURIComponent(code)}`);
    ui.item = answer.item;
    ui.org = answer.org;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    status.classList.add('notice');
    status.textContent = t('he.item.failed', { title: err.detail || err.title });
    return;
  }
  status.textContent = '';
  document.getElementById('item-results').hidden = true;
  document.getElementById('item-search').hidden = true;
  const chosen = document.getElementById('item-chosen');
  chosen.querySelector('[data-role="name"]').textContent = ui.item.name;
  chosen.querySelector('[data-role="code"]').textContent = ui.item.impl_code;
  chosen.dataset.code = ui.item.impl_code;
  chosen.hidden = false;
  renderItemForm(false);
  const form = document.getElementById('entry-form');
  form.hidden = false;
  form.elements.applicant.focus();
}

/* ---------------------------------------------------------------- the form */

/* Build the fields and the materials for ui.item; keep what was typed when asked to. */
function renderItemForm(keep) {
  const form = document.getElementById('entry-form');
  const before = keep ? collectValues(form, true) : {};
  const paper = keep ? new Set([...form.querySelectorAll('input[name="paper"]:checked')].map((i) => i.value)) : new Set();
  const fields = (ui.item.form && ui.item.form.fields) || [];
  const host = document.getElementById('entry-fields');
  host.replaceChildren(...(fields.length ? fields.map((f) => fieldControl(f, before[f.key])) : [el('p', { class: 'empty-note' }, t('he.values.none'))]));
  const mats = ui.item.materials || [];
  const list = document.getElementById('entry-materials');
  list.replaceChildren(...(mats.length ? mats.map((m, i) => materialRow(m, i, paper.has(String(i)))) : [el('li', { class: 'empty-note' }, t('he.materials.none'))]));
  renderDelivery(keep && ui.delivery ? ui.delivery.value() : null);
  applyI18n(form);
}

/* 5. 结果送达: the item's methods; post asks for the address. Faults find their control by data-path. */
function renderDelivery(value) {
  const panel = document.getElementById('entry-delivery');
  const options = Array.isArray(ui.item.delivery) ? ui.item.delivery : [];
  ui.delivery = options.length ? deliveryChoice({ options, value, freePost: Boolean(ui.item.free_post), idPrefix: 'edv' }) : null;
  panel.hidden = !ui.delivery;
  if (!ui.delivery) return;
  for (const c of ui.delivery.element.querySelectorAll('[name^="delivery.post."]')) c.dataset.path = c.name;
  ui.delivery.element.querySelector('fieldset').dataset.path = 'delivery.method';
  document.getElementById('entry-delivery-choice').replaceChildren(ui.delivery.element);
}

function fieldControl(f, value) {
  const id = `ef-${f.key}`;
  const hintId = f.help ? `${id}-hint` : null;
  const common = { id, name: `v.${f.key}`, 'data-path': `values.${f.key}`, 'data-type': f.type, required: Boolean(f.required), 'aria-describedby': hintId };
  const label = el('label', { for: id }, fieldLabel(f), f.required ? el('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null);
  let control;
  switch (f.type) {
    case 'textarea':
    case 'address':
      control = el('textarea', { ...common, rows: f.type === 'address' ? 2 : 4, maxlength: f.max_length || null });
      if (value !== undefined) control.value = value;
      break;
    case 'select':
      control = el(
        'select',
        common,
        el('option', { value: '' }, t('he.select.choose')),
        ...(f.options || []).map((o) => el('option', { value: o.value, selected: String(value) === String(o.value) }, o.label)),
      );
      break;
    case 'checkbox':
      control = el('input', { ...common, type: 'checkbox', checked: value === true });
      return el(
        'div',
        { class: 'field' },
        el('label', { class: 'check', for: id }, control, el('span', {}, f.label, f.required ? el('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null)),
        hintId ? el('p', { class: 'field-hint', id: hintId }, f.help) : null,
      );
    case 'number':
      control = el('input', { ...common, type: 'text', inputmode: 'numeric', autocomplete: 'off', value: value ?? null });
      break;
    case 'money_fen':
      control = el('input', { ...common, type: 'text', inputmode: 'decimal', autocomplete: 'off', value: value ?? null });
      return el('div', { class: 'field' }, label, el('div', { class: 'input-unit' }, control, el('span', { class: 'unit' }, t('he.money.unit'))), hintId ? el('p', { class: 'field-hint', id: hintId }, f.help) : null);
    case 'date':
      control = el('input', { ...common, type: 'date', value: value ?? null });
      break;
    case 'phone':
      control = el('input', { ...common, type: 'tel', autocomplete: 'off', value: value ?? null });
      break;
    case 'email':
      control = el('input', { ...common, type: 'text', inputmode: 'email', autocomplete: 'off', spellcheck: 'false', value: value ?? null });
      break;
    case 'id_number':
    case 'credit_code':
      control = el('input', { ...common, type: 'text', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', class: 'masked', value: value ?? null });
      break;
    default:
      control = el('input', { ...common, type: 'text', autocomplete: 'off', maxlength: f.max_length || null, value: value ?? null });
  }
  return el('div', { class: `field${f.type === 'textarea' ? ' cw-wide' : ''}` }, label, control, hintId ? el('p', { class: 'field-hint', id: hintId }, f.help) : null);
}

function materialRow(m, i, isChecked) {
  const fromApplicant = m.source === 'applicant';
  const id = `em-${i}`;
  const notes = [t(m.is_required ? 'he.m.required' : 'he.m.optional'), m.allows_missing ? t('he.m.allows') : null, m.allows_commitment ? t('he.m.commitment') : null].filter(Boolean).join(' · ');
  return el(
    'li',
    { 'data-index': i, 'data-path': `materials[${i}]`, 'data-source': m.source },
    el('span', { class: 'material-name' }, `${i + 1}. ${m.name}`),
    el('span', { class: 'who-sub' }, notes),
    fromApplicant
      ? el(
          'label',
          { class: 'check', for: id },
          el('input', { id, type: 'checkbox', name: 'paper', value: String(i), checked: isChecked }),
          el('span', {}, t('he.m.paper'), el('span', { class: 'visually-hidden' }, `：${m.name}`)),
        )
      : el('span', { class: 'who-sub' }, t('he.m.platform', { source: materialSourceLabel(m.source) })),
  );
}

/* The form's values by key; raw keeps the typed text (to rebuild the form). */
function collectValues(form, raw = false) {
  const out = {};
  for (const c of form.querySelectorAll('[data-type]')) {
    const key = c.name.slice(2);
    const type = c.dataset.type;
    if (type === 'checkbox') {
      out[key] = c.checked;
      continue;
    }
    const v = String(c.value).trim();
    if (raw) {
      out[key] = v;
      continue;
    }
    if (v === '') continue;
    if (type === 'number') out[key] = /^-?\d+$/.test(v) ? Number(v) : v;
    else if (type === 'money_fen') out[key] = yuanToFen(v);
    else out[key] = v;
  }
  return out;
}

/* '12,345.6' 元 -> 1234560 fen; anything else is sent as typed for the server to refuse. */
function yuanToFen(v) {
  const s = v.replace(/[,，\s]/g, '');
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return v;
  return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
}

/* ---------------------------------------------------------------- sending */

async function submit() {
  const form = document.getElementById('entry-form');
  clearEntryErrors(form);
  const applicant = form.elements.applicant.value.trim();
  if (!applicant) {
    showEntryErrors(form, [{ path: 'applicant', message_zh: t('form.required'), message_en: t('form.required') }], t('form.check'));
    return;
  }
  if (ui.delivery && !ui.delivery.check(form)) {
    showEntryErrors(form, [], t('form.check'));
    return;
  }
  const body = {
    item: ui.item.impl_code,
    values: collectValues(form),
    materials: [...form.querySelectorAll('input[name="paper"]:checked')].map((i) => ({ index: Number(i.value), paper: true })),
    ...(ui.delivery ? { delivery: ui.delivery.value() } : {}),
    submit: true,
    channel: 'window',
    applicant,
  };
  const json = JSON.stringify(body);
  if (!ui.sent || ui.sent.json !== json) ui.sent = { json, key: newIdempotencyKey() };
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  form.setAttribute('aria-busy', 'true');
  try {
    const answer = await api('/api/v1/cases', { method: 'POST', body, headers: { 'Idempotency-Key': ui.sent.key } });
    showDone(answer);
    return;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 401) {
      goToLogin(HALL_LOGIN);
      return;
    }
    if (err.status === 422 && Array.isArray(err.errors) && err.errors.length) showEntryErrors(form, err.errors);
    else if (err.field) showEntryErrors(form, [{ path: err.field, message_zh: err.detail || err.title, message_en: err.detail || err.title }], err.title);
    else showEntryErrors(form, [], err.detail ? t('form.title-detail', { title: err.title, detail: err.detail }) : err.title);
  } finally {
    button.disabled = false;
    form.removeAttribute('aria-busy');
  }
}

function showDone(answer) {
  ui.sent = null;
  const box = document.getElementById('entry-result');
  box.querySelector('[data-role="case-no"]').textContent = answer.case_no || '';
  box.querySelector('[data-role="query-code"]').textContent = answer.query_code || t('common.none');
  box.querySelector('[data-role="state"]').replaceChildren(caseStateBadge(answer.state, answer.state_zh));
  box.querySelector('[data-role="open"]').href = `case.html?id=${encodeURIComponent(answer.id)}`;
  box.dataset.case = answer.id;
  box.hidden = false;
  document.getElementById('entry-form').hidden = true;
  document.getElementById('entry-item').hidden = true;
  box.focus();
}

/* ---------------------------------------------------------------- faults */

function clearEntryErrors(form) {
  for (const n of form.querySelectorAll('.field-error')) n.remove();
  for (const n of form.querySelectorAll('[aria-invalid]')) {
    n.removeAttribute('aria-invalid');
    const rest = (n.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && !x.endsWith('-error'));
    if (rest.length) n.setAttribute('aria-describedby', rest.join(' '));
    else n.removeAttribute('aria-describedby');
  }
  for (const n of form.querySelectorAll('.is-invalid')) n.classList.remove('is-invalid');
  const alert = form.querySelector('.form-alert');
  alert.replaceChildren();
  alert.hidden = true;
}

let errorSeq = 0;

/* Each fault under its field (found by data-path), and all of them at the top. */
function showEntryErrors(form, errors, title) {
  const alert = form.querySelector('.form-alert');
  const list = el('ul', { class: 'error-list' });
  for (const e of errors) {
    const msg = (lang() === 'en' ? e.message_en || e.en : e.message_zh || e.zh) || e.message_zh || e.zh || e.code || '';
    const path = e.path || '';
    const target = form.querySelector(`[data-path="${CSS.escape(path)}"]`);
    const label = target ? labelOf(target) : '';
    list.append(el('li', {}, label ? el('strong', {}, `${label}：`) : null, msg));
    if (!target) continue;
    const errId = `entry-err-${++errorSeq}-error`;
    const node = el('p', { class: 'field-error', id: errId }, el('span', { class: 'field-error-icon', 'aria-hidden': 'true' }, '!'), ` ${msg}`);
    const control = target.matches('input, select, textarea') ? target : target.querySelector('input, select, textarea');
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-describedby', [control.getAttribute('aria-describedby'), errId].filter(Boolean).join(' '));
    }
    const holder = target.closest('.field') || target;
    holder.classList.add('is-invalid');
    holder.append(node);
  }
  alert.replaceChildren(el('span', {}, title || t('he.errors', { n: errors.length })), errors.length ? list : '');
  alert.hidden = false;
  const first = form.querySelector('[aria-invalid="true"]');
  if (first) first.focus();
  else alert.scrollIntoView({ block: 'center' });
}

function labelOf(target) {
  if (target.matches('li[data-index]')) return target.querySelector('.material-name').textContent;
  const label = target.id ? document.querySelector(`label[for="${CSS.escape(target.id)}"]`) : null;
  return label ? label.textContent.replace(/\s*\*$/, '').trim() : '';
}
