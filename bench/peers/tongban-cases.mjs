// tongban-cases.mjs - the load driver of the case benchmarks: real cases
// through tongban's HTTP API (docs/cases.md) from a running server made with
// `tongban init --demo`, the demo accounts of data/demo/README.md.
//
//   node bench/peers/tongban-cases.mjs lifecycle URL [-d S] [-c C] [-w S]
//       C cases at once, each submit → accept (window01) → review
//       (reviewer01, level 2) → decide approve (decider01, level 3), every
//       step with If-Match; prints
//       "tongban cases/s <n> p50_ms <ms> p99_ms <ms> cases <n> errors <n> seconds <s>
//        batch <writes per commit> writes <writes per case>"
//   node bench/peers/tongban-cases.mjs submit URL [-d S] [-c C] [-w S]
//       C submissions at once (POST /api/v1/cases, submitted, durable when
//       answered); prints "tongban submissions/s <n> ..." in the same shape.
//
// Several URLs (servers sharing one PostgreSQL database) spread the C
// workers over them, worker k on URL k mod n; the sessions and the upload
// are made on the first (sessions live in the database), and `batch` and
// `writes` add up the servers' metrics.
//
// The application is the demo sample for 企业设立登记 (data/demo/applications.json),
// an item of 示范市行政审批局 (DEMO-CITY-XZSPJ) whose steps are 受理 level 1,
// 审查 level 2, 决定 level 3; its materials all point at one upload of
// data/demo/files/sample.pdf. Logins are PBKDF2 and lockout-protected, so
// each role logs in once and every request reuses that session (cookie plus
// X-CSRF-Token). Requests go over keep-alive connections, at most C at once.
// `batch` is the mean number of writes per group commit and `writes` the
// writes per case (or submission) during the measured window, from the
// server's /metrics. Errors are counted, the first few
// printed on stderr; the exit status is 1 when nothing succeeded.
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

const ROOT = new URL('../../', import.meta.url);
const ITEM = '11500100MB01000285010130001000'; // 企业设立登记
const PASSWORD = 'Demo-Pass-2026';
const APPLICANT = 'hengxin';
const STAFF = { accept: 'window01', review: 'reviewer01', decide: 'decider01' };
const MAX_ERRORS_SHOWN = 5;

const { values: args, positionals } = parseArgs({
    allowPositionals: true,
    options: {
        duration: { type: 'string', short: 'd', default: '10' },
        concurrency: { type: 'string', short: 'c', default: '16' },
        warmup: { type: 'string', short: 'w', default: '2' },
    },
});
const [mode, ...baseArgs] = positionals;
if (!['lifecycle', 'submit'].includes(mode) || baseArgs.length === 0) {
    console.error('usage: tongban-cases.mjs lifecycle|submit URL [URL...] [-d SECONDS] [-c CONCURRENCY] [-w WARMUP_S]');
    process.exit(2);
}
const bases = baseArgs.map((u) => new URL(u));
const durationS = Number(args.duration);
const concurrency = Number(args.concurrency);
const warmupS = Number(args.warmup);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const runId = randomBytes(6).toString('hex');

// ---------------------------------------------------------------- HTTP

// One request to server `at` (an index into bases); resolves with {status,
// headers, body (parsed JSON when JSON)}.
function call(at, method, path, { session, headers = {}, body } = {}) {
    const h = { ...headers };
    let payload = null;
    if (body !== undefined) {
        payload = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
        if (!Buffer.isBuffer(body)) h['Content-Type'] = 'application/json';
        h['Content-Length'] = payload.length;
    }
    if (session) {
        h.Cookie = session.cookie;
        if (method !== 'GET') h['X-CSRF-Token'] = session.csrf;
    }
    return new Promise((resolve, reject) => {
        const req = request(new URL(path, bases[at]), { method, headers: h, agent }, (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => {
                const text = Buffer.concat(chunks).toString('utf8');
                let parsed = text;
                if (/json/.test(res.headers['content-type'] || '')) {
                    try {
                        parsed = JSON.parse(text);
                    } catch {
                        /* keep the text */
                    }
                }
                resolve({ status: res.statusCode, headers: res.headers, body: parsed });
            });
            res.on('error', reject);
        });
        req.on('error', reject);
        req.end(payload);
    });
}

class HttpError extends Error {
    constructor(what, res) {
        const b = typeof res.body === 'object' ? JSON.stringify(res.body) : String(res.body);
        super(`${what}: HTTP ${res.status} ${b.slice(0, 300)}`);
    }
}

function expect(what, res, ...statuses) {
    if (!statuses.includes(res.status)) throw new HttpError(what, res);
    return res;
}

async function login(username) {
    const res = expect(
        `login ${username}`,
        await call(0, 'POST', '/api/v1/sessions', { body: { username, password: PASSWORD } }),
        200,
    );
    const cookie = [].concat(res.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; ');
    if (!cookie || !res.body.csrf_token) throw new Error(`login ${username}: no cookie or csrf_token`);
    return { cookie, csrf: res.body.csrf_token };
}

// The entity tag of an answer: the ETag header, else the body's etag.
function etagOf(res) {
    if (res.headers.etag) return res.headers.etag;
    if (res.body && res.body.etag !== undefined) return `"${res.body.etag}"`;
    throw new Error(`no ETag in the answer (${JSON.stringify(res.body).slice(0, 200)})`);
}

// ---------------------------------------------------------------- the case

function application(uploadId) {
    const apps = JSON.parse(readFileSync(new URL('data/demo/applications.json', ROOT), 'utf8'));
    const app = apps.applications.find((a) => a.impl_code === ITEM);
    if (!app) throw new Error(`no demo application for ${ITEM}`);
    return {
        item: ITEM,
        values: app.values,
        materials: app.materials.map((m) => ({ index: m.index, upload: uploadId })),
        submit: true,
        channel: 'online',
    };
}

let seq = 0;

async function submit(at, s, body) {
    const n = seq++;
    const res = expect(
        'submit',
        await call(at, 'POST', '/api/v1/cases', {
            session: s.applicant,
            headers: { 'Idempotency-Key': `bench-${runId}-${n}` },
            body,
        }),
        201,
    );
    if (res.body.state !== 'submitted') throw new Error(`submit: state ${res.body.state}`);
    return { id: res.body.id, etag: etagOf(res) };
}

const STEPS = [
    { role: 'accept', body: { action: 'accept' }, state: 'accepted' },
    { role: 'review', body: { action: 'review', opinion: '材料齐全，符合法定形式', outcome: 'pass' } },
    { role: 'decide', body: { action: 'decide', decision: 'approve', opinion: '准予许可' } },
];

const finalStates = new Map();

async function lifecycle(at, s, body) {
    let c = await submit(at, s, body);
    let res;
    for (const step of STEPS) {
        res = expect(
            step.body.action,
            await call(at, 'POST', `/api/v1/cases/${encodeURIComponent(c.id)}/transitions`, {
                session: s[step.role],
                headers: { 'If-Match': c.etag },
                body: step.body,
            }),
            200,
        );
        c.etag = etagOf(res);
    }
    finalStates.set(res.body.state, (finalStates.get(res.body.state) || 0) + 1);
}

// ---------------------------------------------------------------- load

let errors = 0;

async function load(untilMs, one) {
    const durations = [];
    async function worker(k) {
        while (performance.now() < untilMs) {
            const t0 = performance.now();
            try {
                await one(k % bases.length);
                durations.push(performance.now() - t0);
            } catch (e) {
                if (errors++ < MAX_ERRORS_SHOWN) console.error(`tongban-cases: ${e.message}`);
                if (errors > 100 && durations.length === 0) throw new Error('too many errors');
            }
        }
    }
    await Promise.all(Array.from({ length: concurrency }, (_, k) => worker(k)));
    return durations;
}

// The write batches of all servers: {sum: writes, count: batches}.
async function batchStats() {
    const total = { sum: 0, count: 0 };
    for (let at = 0; at < bases.length; at++) {
        const res = await call(at, 'GET', '/metrics');
        const num = (name) => Number((String(res.body).match(new RegExp(`^${name} (\\S+)$`, 'm')) || [])[1] || 0);
        total.sum += num('tongban_db_write_batch_size_sum');
        total.count += num('tongban_db_write_batch_size_count');
    }
    return total;
}

async function main() {
    const s = { applicant: await login(APPLICANT) };
    if (mode === 'lifecycle')
        for (const [role, user] of Object.entries(STAFF)) s[role] = await login(user);
    const pdf = readFileSync(new URL('data/demo/files/sample.pdf', ROOT));
    const up = expect(
        'upload',
        await call(0, 'POST', '/api/v1/uploads', {
            session: s.applicant,
            headers: { 'X-File-Name': encodeURIComponent('样例.pdf'), 'Content-Type': 'application/octet-stream' },
            body: pdf,
        }),
        201,
        200, // the same content again: the library's existing entry
    );
    const body = application(up.body.id);
    const one = mode === 'lifecycle' ? (at) => lifecycle(at, s, body) : (at) => submit(at, s, body);

    await load(performance.now() + warmupS * 1000, one);
    const errorsBefore = errors;
    const b0 = await batchStats();
    const t0 = performance.now();
    const d = await load(t0 + durationS * 1000, one);
    const seconds = (performance.now() - t0) / 1000;
    const b1 = await batchStats();
    agent.destroy();
    if (d.length === 0) {
        console.error('tongban-cases: no case succeeded');
        process.exit(1);
    }
    if (mode === 'lifecycle' && !finalStates.has('result_issued'))
        console.error(`tongban-cases: decided cases ended in ${[...finalStates.keys()].join(', ')}, not result_issued`);
    d.sort((a, b) => a - b);
    const pct = (p) => d[Math.min(d.length - 1, Math.round(p * (d.length - 1)))];
    const batch = b1.count > b0.count ? (b1.sum - b0.sum) / (b1.count - b0.count) : 0;
    const writes = (b1.sum - b0.sum) / d.length;
    const what = mode === 'lifecycle' ? 'cases/s' : 'submissions/s';
    console.log(
        `tongban ${what} ${(d.length / seconds).toFixed(1)} p50_ms ${pct(0.5).toFixed(2)} ` +
            `p99_ms ${pct(0.99).toFixed(2)} ${mode === 'lifecycle' ? 'cases' : 'submissions'} ${d.length} ` +
            `errors ${errors - errorsBefore} seconds ${seconds.toFixed(2)} batch ${batch.toFixed(1)} ` +
            `writes ${writes.toFixed(1)}`,
    );
}

main().catch((e) => {
    console.error(`tongban-cases: ${e.message}`);
    process.exit(1);
});
