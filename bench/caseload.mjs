// caseload.mjs - the clients of the crash tests (bench/crash.mjs: one server
// killed and restarted; bench/scaleout.mjs: two servers on one PostgreSQL,
// one killed): applicants submitting cases with Idempotency-Key and staff
// acting on them through the HTTP API, every request sent again after a
// connection error or a 5xx, and the check that every acknowledged write is
// there exactly once (docs/benchmarks.md "Crash test"). Node built-ins only.
//
//   const load = new CaseLoad({ servers: () => [url, ...], clients: 32, run: 'abcd' });
//   await load.setup();       logs in, uploads the sample PDF, builds the application
//   const done = load.start();  the clients, until load.stop(); `await done` rejects with
//                             the first client failure (an answer it cannot explain),
//                             also in load.error at once (the other clients stop)
//   const { lost, duplicates } = await load.check();
//
// Servers: client n starts on servers()[n % count]. A request that fails
// (connection refused or reset, timed out, 5xx) is sent again to the next
// server of the list, so with one server (restarted on the same port) it
// goes back to the same one, and with several the clients of a dead server
// move to a live one, like a load balancer that stops sending to it.
// Sessions live in the database, so a session made on one server works on
// the others.
//
// Each client loops: submit (POST /api/v1/cases, hengxin, the demo sample of
// 企业设立登记, a key of its own) -> accept (window01) -> review (reviewer01)
// -> decide approve (decider01). A submission that failed is sent again with
// the SAME key and body; a transition after reading the case again (its
// state and ETag), skipped when the case is already past it (the answer was
// lost, the write was not). Acknowledged = a 2xx answer; only those are
// recorded.
//
// check(): every acknowledged case is visible to its applicant; its key
// sent again returns the same case (200, no new case); the applicant has no
// more cases than keys were ever sent; every acknowledged transition is in
// the case's events exactly once and no case has any action twice.
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';

const ROOT = new URL('../', import.meta.url);
export const ITEM = '11500100MB01000285010130001000'; // 企业设立登记: 受理 L1, 审查 L2, 决定 L3
export const PASSWORD = 'Demo-Pass-2026';
export const USERS = { applicant: 'hengxin', accept: 'window01', review: 'reviewer01', decide: 'decider01' };
const REQUEST_TIMEOUT_MS = 30000;
const RETRY_PAUSE_MS = 20;
const RETRY_FOR_MS = 30000; // a request failing this long is an error, not a kill
const CONFLICTS_MAX = 50; // 409/412 answers in a row on one transition before giving up
const ERRORS_SHOWN = 5;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The first ERRORS_SHOWN messages on stderr, prefixed with `prefix: `.
export function noter(prefix) {
    let shown = 0;
    return (msg) => {
        if (shown++ < ERRORS_SHOWN) console.error(`${prefix}: ${msg}`);
    };
}

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

function countBy(list, key) {
    const m = new Map();
    for (const x of list) m.set(key(x), (m.get(key(x)) || 0) + 1);
    return m;
}

export class CaseLoad {
    // servers: () => [URL, ...], the base URLs now (the list may not change
    // length); clients: how many; run: a string that makes the keys of this
    // run unique; note: where explanations of a failure go.
    constructor({ servers, clients = 32, run, note = noter('caseload') }) {
        this.servers = servers;
        this.clients = clients;
        this.run = run;
        this.note = note;
        this.agent = new Agent({ keepAlive: true, maxSockets: clients + 4 });
        this.acked = { cases: new Map(), transitions: [] }; // key -> id; {id, action}
        this.keysSent = new Set();
        // requests sent again after a failure; submissions answered with the
        // existing case (200); transitions found done whose answer was lost;
        // moves of a client to another server
        this.seen = { retries: 0, replayed: 0, lostAnswers: 0, failovers: 0 };
        this.stopping = false;
        this.error = null; // the first client failure
        this.S = null; // role -> session
        this.body = null; // the application
        this.upload = null; // the answer to the sample's upload
    }

    // One request to the server at cursor `at` ({i}); resolves with {status,
    // headers, body (parsed JSON when it is JSON)}, rejects on a connection error.
    call(at, method, path, { session, headers = {}, body } = {}) {
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
        const list = this.servers();
        const base = list[at.i % list.length];
        return new Promise((resolve, reject) => {
            const req = request(
                new URL(path, base),
                { method, headers: h, agent: this.agent, timeout: REQUEST_TIMEOUT_MS },
                (res) => {
                    const chunks = [];
                    res.on('data', (c) => chunks.push(c));
                    res.on('end', () => {
                        const raw = Buffer.concat(chunks);
                        let parsed = raw.toString('utf8');
                        try {
                            parsed = JSON.parse(parsed);
                        } catch {
                            /* keep the text */
                        }
                        resolve({ status: res.statusCode, headers: res.headers, body: parsed, raw });
                    });
                    res.on('error', reject);
                },
            );
            req.on('timeout', () => req.destroy(new Error('timed out')));
            req.on('error', reject);
            req.end(payload);
        });
    }

    // After a failed request (why: a message): wait a little and move the
    // cursor to the next server (the same one when there is only one). A
    // request that keeps failing for RETRY_FOR_MS (a 5xx the server answers
    // every time) is an error: t.since is when its first failure was.
    async failed(at, why, t) {
        this.seen.retries++;
        t.since ??= performance.now();
        if (performance.now() - t.since > RETRY_FOR_MS)
            throw new Error(`no answer but failures for ${RETRY_FOR_MS / 1000} s; the last: ${why}`);
        const n = this.servers().length;
        if (n > 1) {
            at.i = (at.i + 1) % n;
            this.seen.failovers++;
        }
        await sleep(RETRY_PAUSE_MS);
    }

    // The same request until a server answers with something other than a
    // connection error or a 5xx (killed, or starting).
    async persist(at, method, path, opts) {
        for (const t = {}; ; ) {
            let why;
            try {
                const res = await this.call(at, method, path, opts);
                if (res.status < 500) return res;
                why = `${method} ${path}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
            } catch (e) {
                why = `${method} ${path}: ${e.message}`; /* killed meanwhile: send it again */
            }
            await this.failed(at, why, t);
        }
    }

    async login(username, at = { i: 0 }) {
        const res = await this.persist(at, 'POST', '/api/v1/sessions', { body: { username, password: PASSWORD } });
        if (res.status !== 200) throw new Error(`login ${username}: HTTP ${res.status}`);
        const cookie = [].concat(res.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; ');
        return { cookie, csrf: res.body.csrf_token };
    }

    // Logins of the four roles and the upload of data/demo/files/sample.pdf,
    // both on the server at `at`; the application every client submits.
    async setup(at = { i: 0 }) {
        this.S = {};
        for (const [role, user] of Object.entries(USERS)) this.S[role] = await this.login(user, at);
        this.pdf = readFileSync(new URL('data/demo/files/sample.pdf', ROOT));
        const up = await this.persist(at, 'POST', '/api/v1/uploads', {
            session: this.S.applicant,
            headers: { 'X-File-Name': encodeURIComponent('样例.pdf') },
            body: this.pdf,
        });
        if (up.status !== 201 && up.status !== 200) throw new Error(`upload: HTTP ${up.status}`);
        this.upload = up.body;
        const apps = JSON.parse(readFileSync(new URL('data/demo/applications.json', ROOT), 'utf8'));
        const sample = apps.applications.find((a) => a.impl_code === ITEM);
        this.body = {
            item: ITEM,
            values: sample.values,
            materials: sample.materials.map((m) => ({ index: m.index, upload: up.body.id })),
            submit: true,
            channel: 'online',
        };
    }

    async submit(at, key) {
        this.keysSent.add(key);
        const res = await this.persist(at, 'POST', '/api/v1/cases', {
            session: this.S.applicant,
            headers: { 'Idempotency-Key': key },
            body: this.body,
        });
        if (res.status !== 201 && res.status !== 200)
            throw new Error(`submit: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        if (res.status === 200) this.seen.replayed++;
        this.acked.cases.set(key, res.body.id);
        return res.body.id;
    }

    // One transition: read the case, skip it when done, else send it with the
    // ETag just read; again after a lost answer, a stale ETag or a 5xx.
    async act(at, id, step) {
        const session = this.S[step.user];
        for (let conflicts = 0, sent = false, t = {}; ; ) {
            const cur = await this.persist(at, 'GET', `/api/v1/cases/${id}`, { session });
            if (cur.status !== 200) throw new Error(`${step.action}: reading the case: HTTP ${cur.status}`);
            if (step.done(cur.body.state)) {
                if (sent) this.seen.lostAnswers++;
                return;
            }
            sent = true;
            let res;
            try {
                res = await this.call(at, 'POST', `/api/v1/cases/${id}/transitions`, {
                    session,
                    headers: { 'If-Match': cur.headers.etag },
                    body: step.body,
                });
            } catch (e) {
                await this.failed(at, `${step.action}: ${e.message}`, t);
                continue;
            }
            if (res.status === 200) {
                this.acked.transitions.push({ id, action: step.action });
                return;
            }
            const stale = res.status === 412 || res.status === 409;
            if ((!stale && res.status < 500) || (stale && ++conflicts > CONFLICTS_MAX))
                throw new Error(`${step.action}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
            const why = `${step.action}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
            if (res.status >= 500) await this.failed(at, why, t);
            else await sleep(RETRY_PAUSE_MS);
        }
    }

    async client(n) {
        const at = { i: n };
        for (let seq = 0; !this.stopping; seq++) {
            const id = await this.submit(at, `crash-${this.run}-${n}-${seq}`);
            for (const step of STEPS) await this.act(at, id, step);
        }
    }

    // Starts the clients; the promise settles when all have stopped
    // (stop()), or rejects with the first failure (the others stop too).
    start() {
        const all = Array.from({ length: this.clients }, (_, n) =>
            this.client(n).catch((e) => {
                this.error ||= e;
                this.stopping = true;
            }),
        );
        return Promise.all(all).then(() => {
            if (this.error) throw this.error;
        });
    }

    stop() {
        this.stopping = true;
    }

    async check(at = { i: 0 }) {
        const { S, body, note } = this;
        let lost = 0;
        let duplicates = 0;
        const events = new Map(); // id -> Map(action -> count)
        for (const [key, id] of this.acked.cases) {
            const res = await this.persist(at, 'GET', `/api/v1/cases/${id}/events`, { session: S.applicant });
            if (res.status !== 200) {
                note(`acknowledged case ${id} (${key}): HTTP ${res.status}`);
                lost++;
                continue;
            }
            events.set(id, countBy(res.body.events, (e) => e.action));
            const again = await this.persist(at, 'POST', '/api/v1/cases', {
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
        for (const t of this.acked.transitions) {
            const n = events.get(t.id)?.get(t.action) || 0;
            if (n !== 1) {
                note(`acknowledged ${t.action} of case ${t.id}: ${n} events`);
                if (n === 0) lost++;
            }
        }
        const list = await this.persist(at, 'GET', '/api/v1/cases?limit=1', { session: S.applicant });
        if (list.status !== 200 || list.body.total > this.keysSent.size) {
            note(`the applicant has ${list.body.total} cases for ${this.keysSent.size} keys sent`);
            duplicates += Math.max(0, (list.body.total || 0) - this.keysSent.size);
        }
        return { lost, duplicates };
    }

    close() {
        this.agent.destroy();
    }
}
