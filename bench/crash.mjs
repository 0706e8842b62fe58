// crash.mjs - the crash test (bench/run.sh section 7, scripts/test-crash.sh):
// C clients submit cases with Idempotency-Key and act on them through the
// HTTP API while a supervisor kills the server with SIGKILL at random
// moments and starts it again on the same data directory and port. Then,
// with the server up for good, it checks that every acknowledged write is
// there exactly once, and that the audit chain verifies
// (docs/benchmarks.md "Crash test"). Node built-ins only.
//
//   node bench/crash.mjs --bin build/tongban --data DIR [--kills 100] [--clients 32]
//                        [--min-ms 50] [--max-ms 400] [--log FILE]
//
// DIR must be made with `tongban init --demo` and not served by anyone else.
// Each client loops: submit (POST /api/v1/cases, hengxin, the demo sample of
// 企业设立登记, a key of its own) -> accept (window01) -> review (reviewer01)
// -> decide approve (decider01). A request that fails with a connection error
// or a 5xx is sent again: a submission with the SAME key and body, a
// transition after reading the case again (its state and ETag), skipped when
// the case is already past it (the answer was lost, the write was not).
// Acknowledged = a 2xx answer; only those are recorded.
//
// Checks, after the last kill: every acknowledged case is visible to its
// applicant; its key sent again returns the same case (200, no new case);
// the applicant has no more cases than keys were ever sent; every
// acknowledged transition is in the case's events exactly once and no case
// has any action twice; `tongban audit verify` passes (server stopped).
// Prints one line:
//   "crash kills <n> acked_cases <n> acked_transitions <n> lost <n> duplicates <n>
//    audit ok|FAIL seconds <s> restart_ms_p50 <ms> retries <n> replayed_submissions <n>
//    lost_answers <n>"
// (retries: requests sent again after a kill; replayed_submissions: a key
// sent again answered with the case its lost first answer had made;
// lost_answers: transitions found done after their answer was lost.)
// Exit status 0 only when kills reached, something was acknowledged, nothing
// was lost or duplicated and the audit chain verifies.
import { spawn, spawnSync } from 'node:child_process';
import { openSync, readFileSync, closeSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

const ROOT = new URL('../', import.meta.url);
const ITEM = '11500100MB01000285010130001000'; // 企业设立登记: 受理 L1, 审查 L2, 决定 L3
const PASSWORD = 'Demo-Pass-2026';
const USERS = { applicant: 'hengxin', accept: 'window01', review: 'reviewer01', decide: 'decider01' };
const START_TIMEOUT_MS = 30000;
const REQUEST_TIMEOUT_MS = 30000;
const RETRY_PAUSE_MS = 20;
const CONFLICTS_MAX = 50; // 409/412 answers in a row on one transition before giving up
const ERRORS_SHOWN = 5;

const { values: args } = parseArgs({
    options: {
        bin: { type: 'string' },
        data: { type: 'string' },
        kills: { type: 'string', default: '100' },
        clients: { type: 'string', default: '32' },
        'min-ms': { type: 'string', default: '50' },
        'max-ms': { type: 'string', default: '400' },
        log: { type: 'string', default: '/dev/null' },
    },
});
if (!args.bin || !args.data) {
    console.error('usage: crash.mjs --bin TONGBAN --data DIR [--kills N] [--clients C] [--min-ms A] [--max-ms B] [--log FILE]');
    process.exit(2);
}
const KILLS = Number(args.kills);
const CLIENTS = Number(args.clients);
const MIN_MS = Number(args['min-ms']);
const MAX_MS = Number(args['max-ms']);
const run = randomBytes(4).toString('hex');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let shown = 0;
function note(msg) {
    if (shown++ < ERRORS_SHOWN) console.error(`crash: ${msg}`);
}

// ---------------------------------------------------------------- the server

let base = null; // URL once the first start chose the port
let server = null; // {proc, exited: Promise}
const restartMs = [];

function startServer() {
    const listen = base ? `${base.hostname}:${base.port}` : '127.0.0.1:0';
    const log = openSync(args.log, 'a');
    const proc = spawn(args.bin, ['serve', '--data', args.data, '--listen', listen, '--set', 'access_log=false'], {
        stdio: ['ignore', 'pipe', log],
    });
    closeSync(log);
    const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error('the server did not start')), START_TIMEOUT_MS);
        proc.stdout.on('data', (chunk) => {
            out += chunk;
            const m = out.match(/listening on (\S+)/);
            if (m && !server) {
                clearTimeout(timer);
                base ||= new URL(m[1]);
                server = { proc, exited };
                restartMs.push(performance.now() - t0);
                resolve();
            }
        });
        exited.then(({ code, signal }) => {
            clearTimeout(timer);
            if (!server) reject(new Error(`the server exited at start (code ${code}, signal ${signal})`));
        });
    });
}

// Starts the server, retrying while the port is not free yet.
async function startServerRetrying() {
    for (let i = 0; ; i++) {
        try {
            return await startServer();
        } catch (e) {
            if (i >= 50) throw e;
            await sleep(50);
        }
    }
}

async function killServer(signal) {
    const s = server;
    server = null;
    s.proc.kill(signal);
    await s.exited;
}

// ---------------------------------------------------------------- HTTP

const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS + 4 });

function call(method, path, { session, headers = {}, body } = {}) {
    const h = { ...headers };
    let payload = null;
    if (body !== undefined) {
        payload = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
        h['Content-Type'] = Buffer.isBuffer(body) ? 'application/octet-stream' : 'application/json';
        h['Content-Length'] = payload.length;
    }
    if (session) {
        h.Cookie = session.cookie;
        if (method !== 'GET') h['X-CSRF-Token'] = session.csrf;
    }
    return new Promise((resolve, reject) => {
        const req = request(new URL(path, base), { method, headers: h, agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => {
                const text = Buffer.concat(chunks).toString('utf8');
                let parsed = text;
                try {
                    parsed = JSON.parse(text);
                } catch {
                    /* keep the text */
                }
                resolve({ status: res.statusCode, headers: res.headers, body: parsed });
            });
            res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error('timed out')));
        req.on('error', reject);
        req.end(payload);
    });
}

// How often the kills showed: requests sent again, submissions answered
// with the existing case (200), transitions found done whose answer was lost.
const seen = { retries: 0, replayed: 0, lostAnswers: 0 };

// The same request until the server answers with something other than a
// connection error or a 5xx (the server was killed or is starting).
async function persist(method, path, opts) {
    for (;;) {
        try {
            const res = await call(method, path, opts);
            if (res.status < 500) return res;
        } catch {
            /* killed meanwhile: send it again */
        }
        seen.retries++;
        await sleep(RETRY_PAUSE_MS);
    }
}

async function login(username) {
    const res = await persist('POST', '/api/v1/sessions', { body: { username, password: PASSWORD } });
    if (res.status !== 200) throw new Error(`login ${username}: HTTP ${res.status}`);
    const cookie = [].concat(res.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; ');
    return { cookie, csrf: res.body.csrf_token };
}

// ---------------------------------------------------------------- the clients

const acked = { cases: new Map(), transitions: [] }; // key -> id; {id, action}
const keysSent = new Set();
let stopClients = false;

const STEPS = [
    { action: 'accept', user: 'accept', body: { action: 'accept' }, done: (s) => s !== 'submitted' },
    {
        action: 'review',
        user: 'review',
        body: { action: 'review', opinion: '材料齐全，符合法定形式', outcome: 'pass' },
        done: (s) => s !== 'accepted',
    },
    {
        action: 'decide',
        user: 'decide',
        body: { action: 'decide', decision: 'approve', opinion: '准予许可' },
        done: (s) => !['accepted', 'in_review'].includes(s),
    },
];

async function submit(S, body, key) {
    keysSent.add(key);
    const res = await persist('POST', '/api/v1/cases', {
        session: S.applicant,
        headers: { 'Idempotency-Key': key },
        body,
    });
    if (res.status !== 201 && res.status !== 200) throw new Error(`submit: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    if (res.status === 200) seen.replayed++;
    acked.cases.set(key, res.body.id);
    return res.body.id;
}

// One transition: read the case, skip it when done, else send it with the
// ETag just read; again after a lost answer, a stale ETag or a 5xx.
async function act(S, id, step) {
    for (let conflicts = 0, sent = false; ; ) {
        const cur = await persist('GET', `/api/v1/cases/${id}`, { session: S[step.user] });
        if (cur.status !== 200) throw new Error(`${step.action}: reading the case: HTTP ${cur.status}`);
        if (step.done(cur.body.state)) {
            if (sent) seen.lostAnswers++;
            return;
        }
        sent = true;
        let res;
        try {
            res = await call('POST', `/api/v1/cases/${id}/transitions`, {
                session: S[step.user],
                headers: { 'If-Match': cur.headers.etag },
                body: step.body,
            });
        } catch {
            seen.retries++;
            await sleep(RETRY_PAUSE_MS);
            continue;
        }
        if (res.status === 200) {
            acked.transitions.push({ id, action: step.action });
            return;
        }
        const stale = res.status === 412 || res.status === 409;
        if ((!stale && res.status < 500) || (stale && ++conflicts > CONFLICTS_MAX))
            throw new Error(`${step.action}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        await sleep(RETRY_PAUSE_MS);
    }
}

async function client(S, body, n) {
    for (let seq = 0; !stopClients; seq++) {
        const id = await submit(S, body, `crash-${run}-${n}-${seq}`);
        for (const step of STEPS) await act(S, id, step);
    }
}

// ---------------------------------------------------------------- checks

function countBy(list, key) {
    const m = new Map();
    for (const x of list) m.set(key(x), (m.get(key(x)) || 0) + 1);
    return m;
}

async function check(S, body) {
    let lost = 0;
    let duplicates = 0;
    const events = new Map(); // id -> Map(action -> count)
    for (const [key, id] of acked.cases) {
        const res = await persist('GET', `/api/v1/cases/${id}/events`, { session: S.applicant });
        if (res.status !== 200) {
            note(`acknowledged case ${id} (${key}): HTTP ${res.status}`);
            lost++;
            continue;
        }
        events.set(id, countBy(res.body.events, (e) => e.action));
        const again = await persist('POST', '/api/v1/cases', {
            session: S.applicant,
            headers: { 'Idempotency-Key': key },
            body,
        });
        if (again.status !== 200 || again.body.id !== id) {
            note(`key ${key} sent again: HTTP ${again.status} ${again.body.id} (acknowledged ${id})`);
            if (again.status === 201) lost++;
            else duplicates++;
        }
    }
    for (const [id, m] of events)
        for (const [action, n] of m)
            if (n > 1) {
                note(`case ${id}: ${action} ${n} times`);
                duplicates += n - 1;
            }
    for (const t of acked.transitions) {
        const n = events.get(t.id)?.get(t.action) || 0;
        if (n !== 1) {
            note(`acknowledged ${t.action} of case ${t.id}: ${n} events`);
            if (n === 0) lost++;
        }
    }
    const list = await persist('GET', '/api/v1/cases?limit=1', { session: S.applicant });
    if (list.status !== 200 || list.body.total > keysSent.size) {
        note(`the applicant has ${list.body.total} cases for ${keysSent.size} keys sent`);
        duplicates += Math.max(0, (list.body.total || 0) - keysSent.size);
    }
    return { lost, duplicates };
}

// ---------------------------------------------------------------- main

async function main() {
    const t0 = performance.now();
    await startServerRetrying();
    const S = {};
    for (const [role, user] of Object.entries(USERS)) S[role] = await login(user);
    const pdf = readFileSync(new URL('data/demo/files/sample.pdf', ROOT));
    const up = await persist('POST', '/api/v1/uploads', {
        session: S.applicant,
        headers: { 'X-File-Name': encodeURIComponent('样例.pdf') },
        body: pdf,
    });
    if (up.status !== 201 && up.status !== 200) throw new Error(`upload: HTTP ${up.status}`);
    const apps = JSON.parse(readFileSync(new URL('data/demo/applications.json', ROOT), 'utf8'));
    const sample = apps.applications.find((a) => a.impl_code === ITEM);
    const body = {
        item: ITEM,
        values: sample.values,
        materials: sample.materials.map((m) => ({ index: m.index, upload: up.body.id })),
        submit: true,
        channel: 'online',
    };

    let failure = null;
    const clients = Array.from({ length: CLIENTS }, (_, n) =>
        client(S, body, n).catch((e) => {
            failure ||= e;
            stopClients = true;
        }),
    );
    let kills = 0;
    while (kills < KILLS && !failure) {
        await sleep(MIN_MS + Math.random() * (MAX_MS - MIN_MS));
        await killServer('SIGKILL');
        kills++;
        await startServerRetrying();
    }
    stopClients = true;
    await Promise.all(clients);
    if (failure) throw failure;

    const { lost, duplicates } = await check(S, body);
    await killServer('SIGTERM');
    agent.destroy();
    const v = spawnSync(args.bin, ['audit', 'verify', '--data', args.data], { encoding: 'utf8' });
    const auditOk = v.status === 0;
    if (!auditOk) note(`audit verify: ${v.stdout}${v.stderr}`.trim());
    const seconds = (performance.now() - t0) / 1000;
    const r = [...restartMs].sort((a, b) => a - b);
    console.log(
        `crash kills ${kills} acked_cases ${acked.cases.size} acked_transitions ${acked.transitions.length} ` +
            `lost ${lost} duplicates ${duplicates} audit ${auditOk ? 'ok' : 'FAIL'} seconds ${seconds.toFixed(1)} ` +
            `restart_ms_p50 ${r[Math.floor(r.length / 2)].toFixed(0)} retries ${seen.retries} ` +
            `replayed_submissions ${seen.replayed} lost_answers ${seen.lostAnswers}`,
    );
    const ok = kills >= KILLS && acked.cases.size > 0 && lost === 0 && duplicates === 0 && auditOk;
    process.exit(ok ? 0 : 1);
}

main().catch(async (e) => {
    console.error(`crash: ${e.message}`);
    if (server) await killServer('SIGKILL');
    process.exit(1);
});
