// case-client.js - what the portal's case pages (apply, cases, progress)
// share: the requests the plain JSON helper cannot make (a raw file upload,
// idempotency keys, If-Match), a 422's faults by field, the materials
// picker (choose from the library or upload a new file), and the progress
// line of a case (docs/cases.md).
//
// Idempotency: every state-changing case request carries an
// Idempotency-Key. One key belongs to one attempt, that is one request
// body: a retry of the same body (after a timeout, a lost answer, a 5xx)
// reuses it, so the server answers the first result instead of acting
// twice; once the server has answered (2xx or 4xx) the attempt is over and
// the next request gets a new key.

import { api, ApiError, CSRF_KEY } from '../common/api.js';
import { formatDay } from '../common/case-text.js';
import { addMessages, lang, t } from '../common/i18n.js';
import { el } from '../common/layout.js';

addMessages({
  'zh-CN': {
    'cc.lib.label': '从材料库选择',
    'cc.lib.none': '未选择文件',
    'cc.lib.option': '{name}（{size}，{date}）',
    'cc.upload.label': '或上传新文件',
    'cc.upload.hint': 'PDF、JPG、PNG 或 OFD 文件，不超过 10 MB。',
    'cc.upload.busy': '正在上传“{name}”…',
    'cc.upload.done': '已上传“{name}”，并已选用。',
    'cc.upload.failed': '上传失败：{title}',
    'cc.upload.too-big': '文件超过 10 MB，请压缩后再上传。',
    'cc.current': '当前文件：',
    'cc.current.none': '尚未选择文件。',
    'cc.unnamed': '未命名文件',
    'cc.size.b': '{n} 字节',
    'cc.size.kb': '{n} KB',
    'cc.size.mb': '{n} MB',
    'cc.size.paren': '（{size}）',
    'cc.required': '必要',
    'cc.optional': '非必要',
    'cc.form.electronic': '电子材料',
    'cc.form.paper': '纸质材料 {n} 份',
    'cc.form.both': '电子材料；原件纸质 {n} 份',
    'cc.not-needed': '无需提交（由部门共享获取）',
    'cc.pick.required': '请选择或上传此项材料。',
    'cc.step.submitted': '提交申请',
    'cc.step.accept': '受理',
    'cc.step.closed': '办结',
    'cc.step.due': '期限 {date}',
    'cc.step.done': '已完成',
    'cc.step.pending': '未开始',
    'cc.step.current': '进行中',
    'cc.progress.label': '办理进度',
  },
  en: {
    'cc.lib.label': 'Choose from my materials',
    'cc.lib.none': 'No file chosen',
    'cc.lib.option': '{name} ({size}, {date})',
    'cc.upload.label': 'or upload a new file',
    'cc.upload.hint': 'PDF, JPG, PNG or OFD, at most 10 MB.',
    'cc.upload.busy': 'Uploading “{name}”…',
    'cc.upload.done': '“{name}” is uploaded and chosen.',
    'cc.upload.failed': 'Upload failed: {title}',
    'cc.upload.too-big': 'The file is larger than 10 MB. Please make it smaller.',
    'cc.current': 'Current file: ',
    'cc.current.none': 'No file chosen yet.',
    'cc.unnamed': 'Unnamed file',
    'cc.size.b': '{n} bytes',
    'cc.size.kb': '{n} KB',
    'cc.size.mb': '{n} MB',
    'cc.size.paren': ' ({size})',
    'cc.required': 'Required',
    'cc.optional': 'Optional',
    'cc.form.electronic': 'Electronic',
    'cc.form.paper': 'Paper, {n} copies',
    'cc.form.both': 'Electronic; paper original, {n} copies',
    'cc.not-needed': 'Nothing to hand in (obtained from the departments)',
    'cc.pick.required': 'Please choose or upload this material.',
    'cc.step.submitted': 'Submitted',
    'cc.step.accept': 'Acceptance',
    'cc.step.closed': 'Closed',
    'cc.step.due': 'Due {date}',
    'cc.step.done': 'Done',
    'cc.step.pending': 'Not started',
    'cc.step.current': 'In progress',
    'cc.progress.label': 'Progress',
  },
});

/* Largest file the server takes (docs/cases.md: ≤ 10 MiB). */
export const UPLOAD_MAX_BYTES = 10 * 1024 * 1024;
/* What the file chooser offers: the types the server recognises by content. */
const UPLOAD_ACCEPT = '.pdf,.jpg,.jpeg,.png,.ofd,application/pdf,image/jpeg,image/png,application/ofd';

/* ------------------------------------------------------------ requests */

/* A new idempotency key: a UUID (crypto.randomUUID needs a secure context,
 * so build one from getRandomValues where it is missing). */
export function newIdempotencyKey() {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
  const b = window.crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/*
 * The key of one attempt: the same body keeps its key until the server has
 * answered. Use one Attempt per kind of request on a page.
 */
export class Attempt {
  constructor() {
    this.key = null;
    this.body = null;
  }

  keyFor(bodyText) {
    if (!this.key || this.body !== bodyText) {
      this.key = newIdempotencyKey();
      this.body = bodyText;
    }
    return this.key;
  }

  /* After an answer: a network failure or a 5xx keeps the key for the retry. */
  settle(err) {
    if (!err || (err instanceof ApiError && err.status >= 400 && err.status < 500)) {
      this.key = null;
      this.body = null;
    }
  }
}

/*
 * A state-changing case request with an Idempotency-Key from attempt and,
 * with etag, If-Match: "<etag>". Returns the answer; throws ApiError.
 */
export async function caseRequest(path, { method = 'POST', body, etag = null, attempt }) {
  const headers = { 'Idempotency-Key': attempt.keyFor(JSON.stringify(body ?? null)) };
  if (etag !== null && etag !== undefined) headers['If-Match'] = `"${etag}"`;
  try {
    const answer = await api(path, { method, body, headers });
    attempt.settle(null);
    return answer;
  } catch (e) {
    attempt.settle(e);
    throw e;
  }
}

/* POST /api/v1/cases/{id}/transitions {action, ...} with If-Match. */
export function transition(id, etag, body, attempt) {
  return caseRequest(`/api/v1/cases/${encodeURIComponent(id)}/transitions`, { body, etag, attempt });
}

/*
 * Upload file (a File or Blob with a name) to the materials library: the
 * bytes as the body, the name percent-encoded in X-File-Name. Returns the
 * library entry {id, sm3, size, content_type, name, created_at}.
 */
export async function uploadFile(file, name = file.name) {
  if (file.size > UPLOAD_MAX_BYTES) {
    throw new ApiError({ status: 413, code: 'too_large', title: t('cc.upload.too-big') });
  }
  const headers = {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': lang() === 'en' ? 'en, zh-CN;q=0.5' : 'zh-CN, en;q=0.5',
    'Content-Type': 'application/octet-stream',
    'X-File-Name': encodeURIComponent(name || 'file'),
  };
  try {
    const token = window.sessionStorage.getItem(CSRF_KEY);
    if (token) headers['X-CSRF-Token'] = token;
  } catch {
    /* storage disabled: the server will refuse with 403 */
  }
  let res;
  try {
    res = await fetch('/api/v1/uploads', { method: 'POST', body: file, headers, credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    throw new ApiError({ code: 'network', title: t('error.network'), detail: String(e && e.message ? e.message : e) });
  }
  let json = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  if (res.ok && json) return json;
  throw new ApiError({
    status: res.status,
    code: (json && json.code) || `http_${res.status}`,
    title: (json && json.title) || t('error.http', { status: res.status }),
    detail: (json && json.detail) || '',
    requestId: (json && json.request_id) || res.headers.get('X-Request-Id'),
  });
}

/* An error as one line: the title, and the detail when it says more. */
export function errorText(e) {
  if (!e) return '';
  const title = e.title || String(e);
  return e.detail && e.detail !== title ? `${title}（${e.detail}）` : title;
}

/* The faults of a 422 as [{path, message}] in the page's language. */
export function faultsOf(err) {
  if (!err || !Array.isArray(err.errors)) return [];
  const en = lang() === 'en';
  return err.errors.map((f) => ({
    path: String(f.path || ''),
    code: f.code || '',
    message: (en ? f.message_en || f.en : f.message_zh || f.zh) || f.message || f.detail || f.code || err.title,
  }));
}

/* 'values.name' -> 'values.name'; 'materials[3]' or 'materials[3].upload' -> 'materials.3'. */
export function fieldNameOfPath(path) {
  const m = String(path).match(/^materials\[(\d+)\]/);
  if (m) return `materials.${m[1]}`;
  return String(path);
}

/* 1536 -> '1.5 KB'. */
export function sizeText(bytes) {
  const n = Number(bytes) || 0;
  if (n < 1024) return t('cc.size.b', { n });
  if (n < 1024 * 1024) return t('cc.size.kb', { n: (n / 1024).toFixed(n < 10240 ? 1 : 0) });
  return t('cc.size.mb', { n: (n / (1024 * 1024)).toFixed(1) });
}

/* A link that downloads an upload of the library. */
export function uploadLink(up) {
  const name = up.name || t('cc.unnamed');
  return el(
    'span',
    { class: 'upload-ref' },
    el('a', { href: `/api/v1/uploads/${encodeURIComponent(up.id)}`, download: up.name || '' }, name),
    up.size !== undefined && up.size !== null ? el('span', { class: 'muted' }, t('cc.size.paren', { size: sizeText(up.size) })) : '',
  );
}

/* ------------------------------------------------------------ materials library */

/*
 * The applicant's materials library, shared by every picker on a page: an
 * upload in one picker becomes an option in all of them.
 */
export class Library {
  constructor(list = []) {
    this.list = [...list];
    this.listeners = [];
  }

  add(up) {
    if (!this.list.some((x) => x.id === up.id)) this.list.unshift(up);
    for (const fn of this.listeners) fn();
  }

  find(id) {
    return this.list.find((x) => x.id === id) || null;
  }

  onChange(fn) {
    this.listeners.push(fn);
  }

  /* Forget the pickers listening (before the page builds them anew). */
  clearListeners() {
    this.listeners = [];
  }
}

/* The text of a material's form: 电子材料 / 纸质材料 2 份 ... */
export function materialFormText(m) {
  if (m.form === 'paper') return t('cc.form.paper', { n: m.copies });
  if (m.form === 'both') return t('cc.form.both', { n: m.copies });
  return t('cc.form.electronic');
}

/*
 * A fieldset to give one material: a select over the library and a file
 * input that uploads at once and chooses the new file. m is the item's
 * material, index its position; selected an upload id or null.
 * Returns {element, value(), setValue(id), statusNode}.
 */
export function materialPicker({ idPrefix, index, m, library, selected = null, extra = null }) {
  const base = `${idPrefix}-${index}`;
  const select = el('select', { id: `${base}-lib`, name: `${base}-lib` });
  const file = el('input', { id: `${base}-file`, type: 'file', accept: UPLOAD_ACCEPT, 'aria-describedby': `${base}-hint` });
  const status = el('p', { class: 'pick-status', id: `${base}-status`, role: 'status', 'aria-live': 'polite' });
  const current = el('p', { class: 'pick-current' });
  let value = selected;

  const fillSelect = () => {
    select.replaceChildren(
      el('option', { value: '' }, t('cc.lib.none')),
      ...library.list.map((up) =>
        el('option', { value: up.id }, t('cc.lib.option', { name: up.name || t('cc.unnamed'), size: sizeText(up.size), date: formatDay(up.created_at) })),
      ),
    );
    // a draft may use a file that has left the list (never expected; keep it choosable)
    if (value && !library.find(value)) select.append(el('option', { value }, value));
    select.value = value || '';
  };
  const showCurrent = () => {
    const up = value ? library.find(value) : null;
    current.replaceChildren(up ? el('span', {}, t('cc.current'), uploadLink(up)) : el('span', { class: 'muted' }, t('cc.current.none')));
  };
  fillSelect();
  showCurrent();
  library.onChange(() => {
    fillSelect();
    showCurrent();
  });
  select.addEventListener('change', () => {
    value = select.value || null;
    status.textContent = '';
    showCurrent();
  });
  file.addEventListener('change', async () => {
    const f = file.files && file.files[0];
    if (!f) return;
    status.classList.remove('is-error');
    status.textContent = t('cc.upload.busy', { name: f.name });
    file.disabled = true;
    try {
      const up = await uploadFile(f);
      value = up.id;
      library.add(up);
      status.textContent = t('cc.upload.done', { name: up.name || f.name });
    } catch (e) {
      status.classList.add('is-error');
      status.textContent = t('cc.upload.failed', { title: errorText(e) });
    } finally {
      file.disabled = false;
      file.value = '';
    }
  });

  const required = Boolean(m.is_required);
  const fieldset = el(
    'fieldset',
    { class: 'material-pick', id: `${base}`, 'data-field': `materials.${index}` },
    el(
      'legend',
      {},
      el('span', { class: 'material-no' }, `${index + 1}.`),
      ' ',
      m.name,
      ' ',
      el('span', { class: required ? 'badge badge-off' : 'badge badge-muted' }, t(required ? 'cc.required' : 'cc.optional')),
    ),
    el('p', { class: 'material-meta' }, materialFormText(m), m.note ? `；${m.note}` : ''),
    extra,
    el(
      'div',
      { class: 'pick-row' },
      el('div', { class: 'field' }, el('label', { for: select.id }, t('cc.lib.label')), select),
      el('div', { class: 'field' }, el('label', { for: file.id }, t('cc.upload.label')), file, el('p', { class: 'field-hint', id: `${base}-hint` }, t('cc.upload.hint'))),
    ),
    status,
    current,
  );
  return {
    element: fieldset,
    index,
    required,
    value: () => value,
    setValue: (id) => {
      value = id || null;
      fillSelect();
      showCurrent();
    },
    status,
  };
}

/* A material the applicant does not hand in: where it comes from instead. */
export function materialNotNeeded(index, m) {
  return el(
    'div',
    { class: 'material-pick is-shared', id: `mat-${index}` },
    el('p', { class: 'material-title' }, el('span', { class: 'material-no' }, `${index + 1}.`), ' ', m.name),
    el('p', { class: 'material-meta' }, t('cc.not-needed')),
  );
}

/* ------------------------------------------------------------ progress line */

/*
 * The milestones of a case or of a progress answer (GET /api/v1/progress):
 * 提交申请, the procedure steps (受理 first), then 办结, or the final state
 * that ended the case early. Each: {name, done, date, due, current, stopped}.
 */
export function milestones(c, stateLabel) {
  const submitted = c.submitted_at || c.submitted_on || null;
  const closed = c.closed_at || c.closed_on || null;
  const accepted = c.accepted_at || c.accepted_on || null;
  const out = [{ name: t('cc.step.submitted'), done: Boolean(submitted), date: submitted }];
  const steps = Array.isArray(c.steps) ? c.steps : [];
  if (steps.length) {
    for (const s of steps) {
      const when = s.done_at || s.done_on || null;
      out.push({ name: s.name, done: Boolean(when || s.done), date: when, due: s.due || null });
    }
  } else {
    out.push({ name: t('cc.step.accept'), done: Boolean(accepted), date: accepted });
  }
  const early = ['refused', 'withdrawn', 'terminated'].includes(c.state);
  if (early) {
    out.push({ name: stateLabel, done: true, date: closed || c.updated_at || null, stopped: true });
  } else {
    out.push({ name: t('cc.step.closed'), done: c.state === 'closed' || Boolean(closed), date: closed });
  }
  if (c.state !== 'draft' && !early && c.state !== 'closed') {
    const next = out.find((m) => !m.done);
    if (next) next.current = true;
  }
  return out;
}

/* <ol class="progress-line"> of milestones, labelled for screen readers. */
export function progressLine(list, labelId) {
  return el(
    'ol',
    { class: 'progress-line', 'aria-labelledby': labelId || null, 'aria-label': labelId ? null : t('cc.progress.label') },
    ...list.map((m) => {
      const cls = ['progress-step', m.done ? 'is-done' : '', m.current ? 'is-current' : '', m.stopped ? 'is-stopped' : ''].filter(Boolean).join(' ');
      const stateWord = m.done ? t('cc.step.done') : m.current ? t('cc.step.current') : t('cc.step.pending');
      return el(
        'li',
        { class: cls, 'aria-current': m.current ? 'step' : null },
        el('span', { class: 'progress-dot', 'aria-hidden': 'true' }, m.done ? '✓' : ''),
        el(
          'span',
          { class: 'progress-text' },
          el('span', { class: 'progress-name' }, m.name),
          el('span', { class: 'visually-hidden' }, `（${stateWord}）`),
          m.date ? el('span', { class: 'progress-date' }, formatDay(m.date)) : '',
          !m.done && m.due ? el('span', { class: 'progress-date' }, t('cc.step.due', { date: formatDay(m.due) })) : '',
        ),
      );
    }),
  );
}
