// cases-scale.mjs - the driver of bench/run.sh section 6 ("1M cases"): case
// lists and the warning sweep of a running tongban-test over a database
// filled by `tongban demo generate` (docs/benchmarks.md). Node built-ins only.
//
//   node bench/cases-scale.mjs lists URL [-n N]
//       logs in as reviewer01 (a handler of 示范市行政审批局) and window01 (the
//       city's comprehensive window) and asks each of the four lists N times,
//       and zhangsan (an applicant, a quarter of the cases) his own list
//       (default 200), one request at a time; prints one line a list:
//       "list <user> <path> p50_ms <ms> p99_ms <ms> max_ms <ms> n <n> total <total> per_s <n>"
//   node bench/cases-scale.mjs lists URL URL2 ... [-n N]
//       the same with one client per server (servers sharing one PostgreSQL
//       database) asking at the same time, each one request at a time, N
//       requests each; p50/p99 over all of them, per_s their sum
//   node bench/cases-scale.mjs sweep URL --today YYYY-MM-DD
//       sets the test clock (PUT /api/v1/test/clock) and runs the platform
//       sweep once (POST /api/v1/test/sweep); prints
//       "sweep today <date> seconds <s> moved <n> warned <n>"
//
// Logins are PBKDF2 and lockout-protected, so each list logs in once and
// reuses the session (a session kept for all of a user's lists could expire
// while another user's slow lists run). Any answer other than 200 is an
// error (exit 1).
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';

const PASSWORD = 'Demo-Pass-2026';
const LISTS = [
    ['reviewer01', '/api/v1/cases?queue=work'],
    ['reviewer01', '/api/v1/cases'],
    ['window01', '/api/v1/cases?queue=work'],
    ['window01', '/api/v1/cases'],
    ['zhangsan', '/api/v1/cases'],
];
const SWEEP_TIMEOUT_MS = 3 * 3600 * 1000;

const { values: args, positionals } = parseArgs({
    allowPositionals: true,
    options: {
        n: { type: 'string', short: 'n', default: '200' },
        today: { type: 'string' },
    },
});
const [mode, ...baseArgs] = positionals;
if (!['lists', 'sweep'].includes(mode) || baseArgs.length === 0 || (mode === 'sweep' && !args.today)) {
    console.error('usage: cases-scale.mjs lists URL [URL...] [-n N] | sweep URL --today YYYY-MM-DD');
    process.exit(2);
}
const bases = baseArgs.map((u) => new URL(u));
const base = bases[0];
const agent = new Agent({ keepAlive: true, maxSockets: 1 }); // one connection per server

// One request (to `to`, the first server by default); resolves with
// {status, headers, body (parsed JSON when JSON)}.
function call(method, path, { session, body, timeout = 600000, to = base } = {}) {
    const h = {};
    let payload = null;
    if (body !== undefined) {
        payload = Buffer.from(JSON.stringify(body));
        h['Content-Type'] = 'application/json';
        h['Content-Length'] = payload.length;
    }
    if (session) {
        h.Cookie = session.cookie;
        if (method !== 'GET') h['X-CSRF-Token'] = session.csrf;
    }
    return new Promise((resolve, reject) => {
        const req = request(new URL(path, to), { method, headers: h, agent, timeout }, (res) => {
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
        req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
        req.on('error', reject);
        req.end(payload);
    });
}

function expect200(what, res) {
    if (res.status !== 200)
        throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    return res;
}

async function login(username) {
    const res = expect200(
        `login ${username}`,
        await call('POST', '/api/v1/sessions', { body: { username, password: PASSWORD } }),
    );
    const cookie = [].concat(res.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; ');
    return { cookie, csrf: res.body.csrf_token };
}

function pct(sorted, p) {
    return sorted[Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))];
}

async function lists(n) {
    for (const [user, path] of LISTS) {
        const session = await login(user);
        const d = [];
        let total = 0;
        const t0 = performance.now();
        await Promise.all(
            bases.map(async (to) => {
                for (let i = 0; i < n; i++) {
                    const t1 = performance.now();
                    const res = expect200(`${user} ${path}`, await call('GET', path, { session, to }));
                    d.push(performance.now() - t1);
                    total = res.body.total;
                }
            }),
        );
        const perS = d.length / ((performance.now() - t0) / 1000);
        d.sort((a, b) => a - b);
        console.log(
            `list ${user} ${path} p50_ms ${pct(d, 0.5).toFixed(1)} p99_ms ${pct(d, 0.99).toFixed(1)} ` +
                `max_ms ${d[d.length - 1].toFixed(1)} n ${d.length} total ${total} per_s ${perS.toFixed(1)}`,
        );
    }
}

async function sweep(today) {
    expect200('test clock', await call('PUT', '/api/v1/test/clock', { body: { today } }));
    const t0 = performance.now();
    const res = expect200('sweep', await call('POST', '/api/v1/test/sweep', { timeout: SWEEP_TIMEOUT_MS }));
    const s = (performance.now() - t0) / 1000;
    console.log(`sweep today ${res.body.today} seconds ${s.toFixed(2)} moved ${res.body.moved} warned ${res.body.warned}`);
}

try {
    if (mode === 'lists') await lists(Number(args.n));
    else await sweep(args.today);
} catch (e) {
    console.error(`cases-scale: ${e.message}`);
    process.exit(1);
} finally {
    agent.destroy();
}
