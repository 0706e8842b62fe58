// api.js - the one way pages talk to the tongban server.
//
// A thin wrapper over fetch: JSON in and out, cookies only to our own origin,
// Accept-Language from the page's language (the server answers titles in the
// same language), and a timeout. Any failure becomes an ApiError: the server's
// RFC 9457 problem+json (code, title, detail, field, request id) when it sent
// one, otherwise a synthetic code ('network', 'timeout', 'http_<status>',
// 'bad_response') with a localised title, so callers show err.title and never
// need to look at a Response.
//
// State-changing requests (POST, PUT, PATCH, DELETE) carry the session's CSRF
// token as X-CSRF-Token when the page holds one (common/session.js keeps it
// in sessionStorage under CSRF_KEY after a login); without it the server
// answers 403 csrf_failed.

import { lang, t } from './i18n.js';

const TIMEOUT_MS = 15000;
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/* sessionStorage key of the CSRF token (written by common/session.js). */
export const CSRF_KEY = 'tb.csrf';

export class ApiError extends Error {
  constructor({ status = 0, code, title, detail = '', field = null, requestId = null, type = null, retryAfter = null, errors = null, reason = null }) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'ApiError';
    this.status = status; // HTTP status, 0 when no answer came
    this.code = code; // stable machine code, e.g. 'invalid', 'not_found'
    this.title = title; // short text for the user
    this.detail = detail; // longer explanation, may be empty
    this.field = field; // offending field (JSON pointer or name), or null
    this.requestId = requestId; // quote this when reporting a problem
    this.type = type;
    this.retryAfter = retryAfter; // seconds from a Retry-After header (429, 503), or null
    this.errors = errors; // a 422's list of faults [{path, code, zh, en}], or null
    this.reason = reason; // a case refusal's stable reason (e.g. 'pickup_code_wrong'), or null
  }
}

/*
 * Send a request to path (absolute, e.g. '/api/v1/...') and return the parsed
 * JSON body (null for 204). opts: method, body (an object, sent as JSON),
 * headers, signal, timeoutMs. Throws ApiError.
 */
export async function api(path, opts = {}) {
  const { method = 'GET', body, headers = {}, signal, timeoutMs = TIMEOUT_MS } = opts;
  const h = {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': lang() === 'en' ? 'en, zh-CN;q=0.5' : 'zh-CN, en;q=0.5',
    ...headers,
  };
  const init = { method, headers: h, credentials: 'same-origin', cache: 'no-store' };
  if (UNSAFE_METHODS.has(method)) {
    const token = csrfToken();
    if (token && !('X-CSRF-Token' in h)) h['X-CSRF-Token'] = token;
  }
  if (body !== undefined) {
    h['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  // One controller for both the caller's signal and our timeout.
  const ctl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctl.abort();
  }, timeoutMs);
  const relay = () => ctl.abort();
  if (signal) signal.addEventListener('abort', relay, { once: true });
  init.signal = ctl.signal;

  try {
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      if (signal && signal.aborted) throw e; // the caller cancelled: not an error to show
      throw new ApiError({
        code: timedOut ? 'timeout' : 'network',
        title: t('error.network'),
        detail: String(e && e.message ? e.message : e),
      });
    }
    if (res.ok) return await readJson(res);
    throw await problemFrom(res);
  } finally {
    clearTimeout(timer);
    if (signal) signal.removeEventListener('abort', relay);
  }
}

/* The CSRF token this tab holds, or null (storage may be disabled). */
function csrfToken() {
  try {
    return window.sessionStorage.getItem(CSRF_KEY);
  } catch {
    return null;
  }
}

/* GET shorthand. */
export function apiGet(path, opts = {}) {
  return api(path, { ...opts, method: 'GET' });
}

async function readJson(res) {
  if (res.status === 204) return null;
  const text = await res.text();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError({
      status: res.status,
      code: 'bad_response',
      title: t('error.http', { status: res.status }),
      detail: 'response is not JSON',
      requestId: res.headers.get('X-Request-Id'),
    });
  }
}

/* An ApiError from an error response, preferring its problem+json members. */
async function problemFrom(res) {
  const fallback = {
    status: res.status,
    code: `http_${res.status}`,
    title: t('error.http', { status: res.status }),
    requestId: res.headers.get('X-Request-Id'),
    retryAfter: retryAfterSeconds(res.headers.get('Retry-After')),
  };
  const type = res.headers.get('Content-Type') || '';
  if (!/^application\/(problem\+)?json/i.test(type)) return new ApiError(fallback);
  let p;
  try {
    p = await res.json();
  } catch {
    return new ApiError(fallback);
  }
  if (!p || typeof p !== 'object') return new ApiError(fallback);
  return new ApiError({
    status: Number.isInteger(p.status) ? p.status : res.status,
    code: typeof p.code === 'string' ? p.code : fallback.code,
    title: typeof p.title === 'string' && p.title ? p.title : fallback.title,
    detail: typeof p.detail === 'string' ? p.detail : '',
    field: typeof p.field === 'string' ? p.field : null,
    requestId: p.request_id || fallback.requestId,
    type: typeof p.type === 'string' ? p.type : null,
    retryAfter: fallback.retryAfter,
    errors: Array.isArray(p.errors) ? p.errors : null,
    reason: typeof p.reason === 'string' ? p.reason : null,
  });
}

/* Retry-After as seconds: delta-seconds or an HTTP date; null if absent or unreadable. */
function retryAfterSeconds(value) {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const when = Date.parse(value);
  return Number.isNaN(when) ? null : Math.max(0, Math.ceil((when - Date.now()) / 1000));
}
