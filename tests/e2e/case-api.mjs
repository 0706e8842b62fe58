// case-api.mjs - the API side of the case tests (deadlines.test.mjs,
// delivery.test.mjs): demo accounts logged in through the API, a case
// handed in and taken through acceptance, review and decision quickly, and
// the test clock of the tongban-test binary (docs/cases.md "A test clock").
// The pages under test are driven through the browser; these calls only set
// the scene.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'playwright-core';
import { BASE, DEMO_PASSWORD } from './support.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const DEMO = join(HERE, '../../data/demo');
export const APPLICATIONS = JSON.parse(readFileSync(join(DEMO, 'applications.json'), 'utf8')).applications;
export const SAMPLE_PDF = readFileSync(join(DEMO, 'files/sample.pdf'));

/* An API session of a demo account: {ctx, csrf}; dispose with s.ctx.dispose(). */
export async function apiLogin(username) {
  const ctx = await request.newContext({ baseURL: BASE });
  const res = await ctx.post('/api/v1/sessions', { data: { username, password: DEMO_PASSWORD } });
  assert.ok(res.ok(), `login ${username}: ${res.status()}`);
  const { csrf_token: csrf } = await res.json();
  return { ctx, csrf };
}

/* A request as s (null: no session): {status, body}. */
export async function apiCall(s, method, path, { data, headers = {} } = {}) {
  let ctx = s && s.ctx;
  const own = !ctx;
  if (own) ctx = await request.newContext({ baseURL: BASE });
  try {
    const res = await ctx.fetch(path, { method, data, headers: { ...(s ? { 'X-CSRF-Token': s.csrf } : {}), ...headers } });
    const text = await res.text();
    let body = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: res.status(), body };
  } finally {
    if (own) await ctx.dispose();
  }
}

export async function getCase(s, id) {
  const r = await apiCall(s, 'GET', `/api/v1/cases/${id}`);
  assert.equal(r.status, 200, `GET case ${id}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/* One transition as s, with the case's current etag; answers the case after it. */
export async function act(s, id, data) {
  const c = await getCase(s, id);
  const r = await apiCall(s, 'POST', `/api/v1/cases/${id}/transitions`, { data, headers: { 'If-Match': `"${c.etag}"` } });
  assert.equal(r.status, 200, `${data.action}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/* The sample application of applications.json for item (impl_code). */
export function sampleOf(item) {
  const app = APPLICATIONS.find((a) => a.impl_code === item);
  assert.ok(app, `data/demo/applications.json has a sample for ${item}`);
  return app;
}

/* The applicant hands in the sample application online: {id, case_no, ...}. */
export async function applyOnline(s, item, { delivery } = {}) {
  const app = sampleOf(item);
  const up = await apiCall(s, 'POST', '/api/v1/uploads', {
    data: SAMPLE_PDF,
    headers: { 'Content-Type': 'application/octet-stream', 'X-File-Name': encodeURIComponent('申请材料.pdf') },
  });
  assert.ok(up.status === 201 || up.status === 200, `upload: ${up.status}`);
  const r = await apiCall(s, 'POST', '/api/v1/cases', {
    data: {
      item,
      values: app.values,
      materials: app.materials.map((m) => ({ index: m.index, upload: up.body.id })),
      submit: true,
      ...(delivery ? { delivery } : {}),
    },
    headers: { 'Idempotency-Key': `e2e-${Date.now()}-${Math.random().toString(16).slice(2)}` },
  });
  assert.equal(r.status, 201, `apply: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/*
 * The journey of cases-journey.test.mjs, through the API: window01 accepts,
 * reviewer01 reviews (then the case is in review, its next step 决定), and
 * with decide decider01 approves (the result is issued). accept: false
 * starts from a case already accepted.
 */
export async function takeThrough(id, { accept = true, review = true, decide = false } = {}) {
  const staff = [];
  try {
    let c = null;
    if (accept) {
      const w = await apiLogin('window01');
      staff.push(w);
      c = await act(w, id, { action: 'accept' });
    }
    if (review || decide) {
      const r = await apiLogin('reviewer01');
      staff.push(r);
      c = await act(r, id, { action: 'review', opinion: '经审查，申请材料齐全，符合法定条件。', outcome: 'pass' });
    }
    if (decide) {
      const d = await apiLogin('decider01');
      staff.push(d);
      c = await act(d, id, { action: 'decide', decision: 'approve', opinion: '同意准予许可。' });
    }
    return c;
  } finally {
    for (const s of staff) await s.ctx.dispose();
  }
}

/* ------------------------------------------------------------- the test clock */

/* 'YYYY-MM-DD' plus days (calendar days). */
export function addDays(day, n) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/* Today in Asia/Shanghai, 'YYYY-MM-DD'. */
export function realToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/* PUT /api/v1/test/clock: the business date the case code sees (tongban-test only). */
export async function setClock(today) {
  const r = await apiCall(null, 'PUT', '/api/v1/test/clock', { data: { today } });
  assert.equal(r.status, 200, `test clock ${today}: ${r.status} ${JSON.stringify(r.body)} (run with build/tongban-test)`);
  return r.body;
}

/* POST /api/v1/test/sweep: the platform's sweep now, at the test clock's date. */
export async function sweep() {
  const r = await apiCall(null, 'POST', '/api/v1/test/sweep');
  assert.equal(r.status, 200, `sweep: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
