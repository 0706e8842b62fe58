// forms.js - showing a form's errors, the server's first.
//
// The server is the authority on every value: a refused request answers a
// problem with `detail` (the precise reason, in the page's language) and
// `field` (which value). showProblem() puts the detail right under the input
// the field names, marks it aria-invalid and links it with
// aria-describedby, and puts the title in the form's alert box
// (.form-alert, role="alert"); a problem without a field, or with one the
// form does not have, goes to the alert box whole. Client-side checks are
// hints only (an empty required field, two passwords that differ): they use
// the same display.
//
// A field is found by [data-field="name"] (a fieldset of checkboxes, say)
// or else by an enabled control with name="name"; disabled fieldsets (the
// other kind on the registration form) are skipped.

import { t } from './i18n.js';
import { el } from './layout.js';

/* The control (or group) for a field name, or null. */
export function findField(form, field) {
  if (!field) return null;
  const name = String(field).replace(/^\/+/, '').split('/')[0];
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) return null;
  return form.querySelector(`[data-field="${name}"]`) || form.querySelector(`[name="${name}"]:enabled`);
}

/* Remove every error shown on form. */
export function clearErrors(form) {
  for (const node of form.querySelectorAll('.field-error')) {
    const owner = form.querySelector(`[aria-describedby~="${node.id}"]`);
    if (owner) {
      owner.removeAttribute('aria-invalid');
      const rest = owner.getAttribute('aria-describedby').split(/\s+/).filter((id) => id !== node.id);
      if (rest.length) owner.setAttribute('aria-describedby', rest.join(' '));
      else owner.removeAttribute('aria-describedby');
    }
    node.remove();
  }
  for (const node of form.querySelectorAll('.is-invalid')) node.classList.remove('is-invalid');
  const alert = alertBox(form);
  alert.replaceChildren();
  alert.hidden = true;
}

/* Show message under the control or group for field. Returns false if the form has no such field. */
export function showFieldError(form, field, message) {
  const target = findField(form, field);
  if (!target) return false;
  const id = `${target.id || target.getAttribute('name') || field}-error`;
  const node = el('p', { class: 'field-error', id }, el('span', { class: 'field-error-icon', 'aria-hidden': 'true' }, '!'), ` ${message}`);
  const wrapper = target.closest('.field') || target;
  if (target.matches('fieldset')) target.append(node);
  else wrapper.append(node);
  wrapper.classList.add('is-invalid');
  const describedBy = (target.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
  target.setAttribute('aria-describedby', [...describedBy, id].join(' '));
  if (!target.matches('fieldset')) target.setAttribute('aria-invalid', 'true');
  return true;
}

/* Put text (or nodes) into the form's alert box. */
export function showAlert(form, ...content) {
  const alert = alertBox(form);
  alert.replaceChildren(...content);
  alert.hidden = false;
}

/*
 * Show an ApiError on form: the detail at its field when there is one (and
 * the title in the alert box), else title and detail in the alert box.
 * Moves focus to the offending control so keyboard users land on it.
 */
export function showProblem(form, err) {
  clearErrors(form);
  const detail = err.detail || '';
  if (err.field && detail && showFieldError(form, err.field, detail)) {
    showAlert(form, t('form.see-field', { title: err.title }));
    focusFirstInvalid(form);
    return;
  }
  showAlert(form, detail ? t('form.title-detail', { title: err.title, detail }) : err.title, requestIdNote(err));
}

/* A small "quote this number" note for unexpected server errors. */
function requestIdNote(err) {
  if (!err.requestId || (err.status >= 400 && err.status < 500)) return '';
  return el('span', { class: 'request-id' }, ` ${t('form.request-id', { id: err.requestId })}`);
}

/* Focus the first control marked invalid. */
export function focusFirstInvalid(form) {
  const first = form.querySelector('[aria-invalid="true"], fieldset[aria-describedby] input');
  if (first) first.focus();
}

/*
 * Hint check before sending: every enabled [required] control has a value.
 * Returns true when all do; otherwise marks the empty ones and returns false.
 */
export function checkRequired(form) {
  let ok = true;
  for (const input of form.querySelectorAll('input[required]:enabled, select[required]:enabled, textarea[required]:enabled')) {
    if (input.type === 'checkbox' || input.value.trim() !== '') continue;
    showFieldError(form, input.name, t('form.required'));
    ok = false;
  }
  if (!ok) {
    showAlert(form, t('form.check'));
    focusFirstInvalid(form);
  }
  return ok;
}

/* Disable the submit buttons while a request runs; returns a function that restores them. */
export function setBusy(form) {
  const buttons = [...form.querySelectorAll('button[type="submit"]')];
  for (const b of buttons) b.disabled = true;
  form.setAttribute('aria-busy', 'true');
  return () => {
    for (const b of buttons) b.disabled = false;
    form.removeAttribute('aria-busy');
  };
}

/* The enabled named controls of form as an object of trimmed strings (passwords untrimmed). */
export function formValues(form) {
  const out = {};
  for (const input of form.querySelectorAll('input[name]:enabled, select[name]:enabled, textarea[name]:enabled')) {
    if (input.type === 'checkbox' || input.type === 'radio') continue;
    out[input.name] = input.type === 'password' ? input.value : input.value.trim();
  }
  return out;
}

/* The form's alert box, created at its top when the HTML has none. */
function alertBox(form) {
  let box = form.querySelector('.form-alert');
  if (!box) {
    box = el('div', { class: 'form-alert', role: 'alert', hidden: true });
    form.prepend(box);
  }
  return box;
}
