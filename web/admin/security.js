// security.js - 安全设置 (permission security.settings, the 安全管理员):
// show and change what GET /api/v1/security/settings answers:
// {"settings": {name: value}, "limits": {name: {"min", "max"}}}.
//
// The form is built from the answer itself, one input per setting: a number
// becomes a number input bounded by its limits, true/false a checkbox, text
// a text input. So a setting the server adds shows up without a change
// here; the table below only gives known settings a readable label and
// unit (an unknown one is labelled with its name). Saving PUTs the settings
// object; the server checks every value (the security administrator may
// only tighten them) and names the one it refuses.

import { api, apiGet, ApiError } from '../common/api.js';
import { checkRequired, clearErrors, setBusy, showProblem } from '../common/forms.js';
import { addMessages, lang, onLangChange, t } from '../common/i18n.js';
import { el } from '../common/layout.js';
import { LOGIN_PAGES, onUnauthenticated } from '../common/session.js';

export const id = 'security';
export const permission = 'security.settings';
export const titleKey = 'sec.title';

addMessages({
  'zh-CN': {
    'sec.title': '安全设置',
    'sec.lead': '登录锁定、会话时限和密码策略。修改后立即生效，并记入审计日志。',
    'sec.save': '保存设置',
    'sec.reset': '恢复为当前值',
    'sec.saved': '安全设置已保存。',
    'sec.loaded': '以下为当前生效的设置。',
    'sec.unit.s': '秒',
    'sec.unit.ms': '毫秒',
    'sec.unit.min': '分钟',
    'sec.unit.days': '天',
    'sec.unit.times': '次',
    'sec.unit.chars': '个字符',
    'sec.on': '启用',
    'sec.range': '允许范围：{min} – {max}',
  },
  en: {
    'sec.title': 'Security settings',
    'sec.lead': 'Login lockout, session limits and password policy. Changes apply at once and are written to the audit log.',
    'sec.save': 'Save settings',
    'sec.reset': 'Back to the current values',
    'sec.saved': 'Security settings saved.',
    'sec.loaded': 'These are the settings in force.',
    'sec.unit.s': 'seconds',
    'sec.unit.ms': 'milliseconds',
    'sec.unit.min': 'minutes',
    'sec.unit.days': 'days',
    'sec.unit.times': 'times',
    'sec.unit.chars': 'characters',
    'sec.on': 'On',
    'sec.range': 'Allowed: {min} – {max}',
  },
});

/* Labels of known settings: key -> [zh, en, unit key]. The unit is guessed from the suffix otherwise. */
const KNOWN = {
  session_idle_staff_min: ['工作人员会话空闲超时', 'Staff session idle timeout', 'min'],
  session_idle_applicant_min: ['申请人会话空闲超时', 'Applicant session idle timeout', 'min'],
  lockout_failures: ['锁定前允许的连续失败次数', 'Failed logins before lockout', 'times'],
  login_failures_max: ['锁定前允许的连续失败次数', 'Failed logins before lockout', 'times'],
  lockout_window_s: ['失败次数统计时段', 'Window for counting failures', 's'],
  lockout_window_ms: ['失败次数统计时段', 'Window for counting failures', 'ms'],
  staff_lock_s: ['工作人员锁定时长', 'Staff lockout duration', 's'],
  staff_lockout_s: ['工作人员锁定时长', 'Staff lockout duration', 's'],
  applicant_lock_base_s: ['申请人首次锁定时长（此后逐次加倍）', 'Applicant first lockout (doubles after)', 's'],
  session_idle_staff_s: ['工作人员会话空闲超时', 'Staff session idle timeout', 's'],
  session_idle_applicant_s: ['申请人会话空闲超时', 'Applicant session idle timeout', 's'],
  session_absolute_s: ['会话最长时间', 'Session maximum length', 's'],
  session_idle_staff_ms: ['工作人员会话空闲超时', 'Staff session idle timeout', 'ms'],
  session_idle_applicant_ms: ['申请人会话空闲超时', 'Applicant session idle timeout', 'ms'],
  session_absolute_ms: ['会话最长时间', 'Session maximum length', 'ms'],
  pbkdf2_iterations: ['密码哈希迭代次数（PBKDF2-HMAC-SM3）', 'Password hash iterations (PBKDF2-HMAC-SM3)', 'times'],
  password_min_chars: ['密码最短长度', 'Minimum password length', 'chars'],
  staff_password_max_age_days: ['工作人员密码有效期', 'Staff password maximum age', 'days'],
};

/* Fill section from its template and load the settings. */
export function mount(section) {
  section.append(document.getElementById('tpl-security').content.cloneNode(true));
  const ui = {
    section,
    status: section.querySelector('[data-role="status"]'),
    form: section.querySelector('#security-form'),
    fields: section.querySelector('[data-role="fields"]'),
    settings: null,
    limits: {},
  };
  ui.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    save(ui);
  });
  ui.form.addEventListener('reset', (ev) => {
    ev.preventDefault();
    clearErrors(ui.form);
    render(ui);
  });
  onLangChange(() => ui.settings && render(ui));
  load(ui);
}

async function load(ui) {
  try {
    take(ui, await apiGet('/api/v1/security/settings'));
    render(ui);
    say(ui, t('sec.loaded'));
    ui.form.hidden = false;
  } catch (err) {
    failed(ui, err);
  }
}

/* Keep the settings (and their limits, when the answer has them) of an answer. */
function take(ui, answer) {
  const a = answer && typeof answer === 'object' ? answer : {};
  ui.settings = a.settings && typeof a.settings === 'object' ? a.settings : a;
  if (a.limits && typeof a.limits === 'object') ui.limits = a.limits;
}

function failed(ui, err) {
  if (onUnauthenticated(err, LOGIN_PAGES.admin)) return;
  say(ui, t('admin.failed', { title: err.detail || err.title || String(err) }), true);
}

function say(ui, text, isProblem = false) {
  ui.status.textContent = text;
  ui.status.classList.toggle('notice', isProblem);
}

/* --------------------------------------------------------------- the form */

function render(ui) {
  ui.fields.replaceChildren(...controls(ui, ui.settings, ''));
}

/* Controls for every member of obj; path is the dotted prefix of nested members. */
function controls(ui, obj, path) {
  const out = [];
  for (const [key, value] of Object.entries(obj)) {
    const name = path ? `${path}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      out.push(el('fieldset', { class: 'form-group settings-group', 'data-field': key }, el('legend', {}, label(key)), ...controls(ui, value, name)));
    } else if (!Array.isArray(value)) {
      out.push(control(name, key, value, ui.limits[name]));
    }
  }
  return out;
}

function control(name, key, value, limit) {
  const inputId = `set-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  if (typeof value === 'boolean') {
    return el(
      'div',
      { class: 'field field-check' },
      el('label', { class: 'check', for: inputId }, el('input', { type: 'checkbox', id: inputId, name, checked: value, 'data-type': 'boolean' }), el('span', {}, label(key))),
    );
  }
  const isNumber = typeof value === 'number';
  const unit = unitOf(key);
  const hintId = `${inputId}-unit`;
  const rangeId = `${inputId}-range`;
  const hasRange = isNumber && limit && Number.isFinite(limit.min) && Number.isFinite(limit.max);
  return el(
    'div',
    { class: 'field' },
    el('label', { for: inputId }, label(key)),
    el(
      'div',
      { class: 'input-unit' },
      el('input', {
        id: inputId,
        name,
        type: isNumber ? 'number' : 'text',
        value: value === null ? '' : String(value),
        inputmode: isNumber ? 'numeric' : null,
        step: isNumber ? 1 : null,
        min: hasRange ? limit.min : null,
        max: hasRange ? limit.max : null,
        'data-type': isNumber ? 'number' : 'string',
        'aria-describedby': [unit ? hintId : '', hasRange ? rangeId : ''].join(' ').trim() || null,
        required: isNumber,
      }),
      unit ? el('span', { class: 'unit', id: hintId }, t(`sec.unit.${unit}`)) : null,
    ),
    el(
      'p',
      { class: 'field-hint', id: hasRange ? rangeId : null },
      hasRange ? `${t('sec.range', { min: limit.min, max: limit.max })} · ` : '',
      el('code', { class: 'setting-key' }, key),
    ),
  );
}

function label(key) {
  const known = KNOWN[key];
  if (known) return lang() === 'en' ? known[1] : known[0];
  return key;
}

function unitOf(key) {
  if (KNOWN[key]) return KNOWN[key][2];
  const m = /_(s|ms|min|days)$/.exec(key);
  return m ? m[1] : null;
}

/* --------------------------------------------------------------- saving */

async function save(ui) {
  const form = ui.form;
  clearErrors(form);
  if (!checkRequired(form)) return;
  const body = structuredClone(ui.settings);
  for (const input of form.querySelectorAll('input[name]')) {
    const path = input.name.split('.');
    let target = body;
    for (const p of path.slice(0, -1)) target = target[p];
    const last = path[path.length - 1];
    if (input.dataset.type === 'boolean') target[last] = input.checked;
    else if (input.dataset.type === 'number') target[last] = Number(input.value);
    else target[last] = input.value;
  }
  const done = setBusy(form);
  try {
    const answer = await api('/api/v1/security/settings', { method: 'PUT', body });
    if (answer && typeof answer === 'object') take(ui, answer);
    else ui.settings = body;
    render(ui);
    say(ui, t('sec.saved'));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (!onUnauthenticated(err, LOGIN_PAGES.admin)) showProblem(form, err);
  }
  done();
}
