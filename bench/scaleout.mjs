// scaleout.mjs - the scale-out test (scripts/test-scaleout.sh): two
// `tongban serve` processes on one PostgreSQL database, C clients spread
// over both (bench/caseload.mjs: applicants submitting with Idempotency-Key,
// staff acting with If-Match), the server running the periodic jobs killed
// with SIGKILL at a random moment mid-load; the clients of the dead server
// send their request again to the survivor and the load goes on. Then:
//   - every acknowledged write is there exactly once (caseload.mjs check());
//   - no case number twice and no more cases than keys sent (psql);
//   - the survivor took the jobs over: /metrics says tongban_jobs_leader 1
//     and tongban_jobs_rounds_total keeps growing, and the jobs really run:
//     it sends message copies (notification outbox, its DATA/outbox/*.log),
//     which it never did while the other one led; never two leaders at once;
//   - a file uploaded through server 1 downloads through server 2 (shared
//     uploads_dir), byte for byte;
//   - the survivor stops cleanly on SIGTERM, and `tongban audit verify
//     --data DIR1 --db URL` passes (hash chain, checkpoints, head MAC).
// Node built-ins and psql.
//
//   node bench/scaleout.mjs --bin build/tongban --database postgresql://.../DB
//        --data DIR1 --data2 DIR2 --uploads DIR [--clients 32]
//        [--kill-min-ms 1500] [--kill-max-ms 4000] [--after-ms 5000] [--log-dir DIR]
//        [--timeout-s 110]
//
// DB must have been made by `tongban init --demo` (with DIR1 as its data
// directory); DIR2 holds a copy of DIR1/keys. The servers listen on free
// ports with jobs_interval_s=1; their logs go to LOGDIR/server1.log and
// server2.log, their process ids to LOGDIR/pids (for the caller's clean-up).
// Prints one line:
//   "scaleout servers 2 killed <1|2> kill_ms <ms> acked_cases <n> acked_transitions <n>
//    lost <n> duplicates <n> case_numbers <n> distinct <n> keys <n> audit ok|FAIL
//    leader_after_ms <ms> rounds_after_kill <n> copies_sent_after_kill <n>
//    upload shared|FAIL failovers <n> retries <n> replayed_submissions <n>
//    lost_answers <n> seconds <s>"
// Exit status 0 only when every check passed; 1 also when the whole run
// takes longer than --timeout-s (the servers are killed then).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CaseLoad, noter, sleep } from './caseload.mjs';

const START_TIMEOUT_MS = 30000;
const LEADER_TIMEOUT_MS = 15000; // a leader among the two, the survivor taking over
const JOBS_TIMEOUT_MS = 20000; // rounds and sent copies after the kill
const ROUNDS_AFTER_KILL = 3;
const POLL_MS = 100;

const { values: args } = parseArgs({
    options: {
        bin: { type: 'string' },
        database: { type: 'string' },
        data: { type: 'string' },
        data2: { type: 'string' },
        uploads: { type: 'string' },
        clients: { type: 'string', default: '32' },
        'kill-min-ms': { type: 'string', default: '1500' },
        'kill-max-ms': { type: 'string', default: '4000' },
        'after-ms': { type: 'string', default: '5000' },
        'log-dir': { type: 'string' },
        psql: { type: 'string', default: 'psql' },
        'timeout-s': { type: 'string', default: '110' },
    },
});
if (!args.bin || !args.database || !args.data || !args.data2 || !args.uploads) {
    console.error(
        'usage: scaleout.mjs --bin TONGBAN --database URL --data DIR1 --data2 DIR2 --uploads DIR ' +
            '[--clients C] [--kill-min-ms A] [--kill-max-ms B] [--after-ms T] [--log-dir DIR]',
    );
    process.exit(2);
}
const CLIENTS = Number(args.clients);
const KILL_MIN = Number(args['kill-min-ms']);
const KILL_MAX = Number(args['kill-max-ms']);
const AFTER_MS = Number(args['after-ms']);
const note = noter('scaleout');
const problems = []; // every failed check, in words

function fail(msg) {
    problems.push(msg);
    console.error(`scaleout: FAIL: ${msg}`);
}

// ---------------------------------------------------------------- the servers

const servers = []; // {n, data, proc, exited, url, alive}

function startServer(n, data) {
    const log = args['log-dir'] ? openSync(join(args['log-dir'], `server${n}.log`), 'a') : 'ignore';
    const proc = spawn(
        args.bin,
        [
            'serve', '--data', data, '--listen', '127.0.0.1:0',
            '--set', `database=${args.database}`,
            '--set', `uploads_dir=${args.uploads}`,
            '--set', 'jobs_interval_s=1',
            '--set', 'access_log=false',
        ],
        { stdio: ['ignore', 'pipe', log] },
    );
    if (typeof log === 'number') closeSync(log);
    const s = { n, data, proc, url: null, alive: true };
    s.exited = new Promise((resolve) =>
        proc.on('exit', (code, signal) => {
            s.alive = false;
            resolve({ code, signal });
        }),
    );
    servers.push(s);
    if (args['log-dir'])
        writeFileSync(join(args['log-dir'], 'pids'), servers.map((x) => x.proc.pid).join('\n') + '\n');
    return new Promise((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`server ${n} did not start`)), START_TIMEOUT_MS);
        proc.stdout.on('data', (chunk) => {
            out += chunk;
            const m = out.match(/listening on (\S+)/);
            if (m && !s.url) {
                clearTimeout(timer);
                s.url = new URL(m[1]);
                resolve(s);
            }
        });
        s.exited.then(({ code, signal }) => {
            clearTimeout(timer);
            if (!s.url) reject(new Error(`server ${n} exited at start (code ${code}, signal ${signal})`));
        });
    });
}

function killAll() {
    for (const s of servers) if (s.alive) s.proc.kill('SIGKILL');
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'])
    process.on(sig, () => {
        killAll();
        process.exit(1);
    });

// {leader, rounds} of server s from its /metrics, or null when it does not answer.
async function jobsOf(load, s) {
    try {
        const res = await load.call({ i: s.n - 1 }, 'GET', '/metrics');
        if (res.status !== 200) return null;
        const num = (name) => Number((String(res.body).match(new RegExp(`^${name} (\\S+)$`, 'm')) || [])[1]);
        return { leader: num('tongban_jobs_leader'), rounds: num('tongban_jobs_rounds_total') };
    } catch {
        return null;
    }
}

// Lines the log gateway wrote to DATA/outbox/*.log of server s: message
// copies it sent, which only the jobs leader does.
function copiesSent(s) {
    const dir = join(s.data, 'outbox');
    if (!existsSync(dir)) return 0;
    let n = 0;
    for (const f of readdirSync(dir))
        if (f.endsWith('.log')) n += readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).length;
    return n;
}

// Watches both servers' jobs gauges until stopped: notes two leaders at once.
function watchLeaders(load) {
    const w = { stop: false, both: 0 };
    w.done = (async () => {
        while (!w.stop) {
            const j = await Promise.all(servers.map((s) => (s.alive ? jobsOf(load, s) : null)));
            if (j.every((x) => x && x.leader === 1) && servers.every((s) => s.alive)) w.both++;
            await sleep(POLL_MS * 2);
        }
    })();
    return w;
}

// ---------------------------------------------------------------- psql

function psql(sql) {
    const r = spawnSync(args.psql, [args.database, '-XAtq', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`psql: ${r.stderr || r.error}`.trim());
    return r.stdout.trim().split('|');
}

// ---------------------------------------------------------------- main

async function main() {
    const t0 = performance.now();
    await Promise.all([startServer(1, args.data), startServer(2, args.data2)]);
    const load = new CaseLoad({
        servers: () => servers.map((s) => s.url),
        clients: CLIENTS,
        run: randomBytes(4).toString('hex'),
        note,
    });

    // the jobs leader: exactly one of the two
    let leader = null;
    for (const tl = performance.now() + LEADER_TIMEOUT_MS; !leader && performance.now() < tl; ) {
        const j = await Promise.all(servers.map((s) => jobsOf(load, s)));
        const leaders = servers.filter((s, i) => j[i] && j[i].leader === 1);
        if (leaders.length > 1) throw new Error('both servers report tongban_jobs_leader 1');
        if (leaders.length === 1) leader = leaders[0];
        else await sleep(POLL_MS);
    }
    if (!leader) throw new Error(`no server became the jobs leader within ${LEADER_TIMEOUT_MS / 1000} s`);
    const survivor = servers.find((s) => s !== leader);

    // one upload through server 1, downloaded through server 2
    await load.setup({ i: 0 });
    const down = await load.persist({ i: 1 }, 'GET', `/api/v1/uploads/${load.upload.id}`, {
        session: load.S.applicant,
    });
    const uploadOk = down.status === 200 && Buffer.compare(down.raw, load.pdf) === 0;
    if (!uploadOk)
        fail(`the upload made through server 1 read through server 2: HTTP ${down.status}, ` +
            `${down.raw.length} bytes (sent ${load.pdf.length})`);

    const watch = watchLeaders(load);
    const done = load.start();
    const killAt = KILL_MIN + Math.random() * (KILL_MAX - KILL_MIN);
    await sleep(killAt);
    if (load.error) throw load.error;
    const sentBefore = copiesSent(survivor);
    if (sentBefore > 0) fail(`server ${survivor.n} sent ${sentBefore} message copies while not the jobs leader`);
    const before = (await jobsOf(load, survivor)) || { leader: 0, rounds: 0 };
    const ackedAtKill = load.acked.cases.size;
    const tKill = performance.now();
    leader.proc.kill('SIGKILL');
    await leader.exited;
    console.error(`scaleout: server ${leader.n} (jobs leader) killed after ${killAt.toFixed(0)} ms of load; ` +
        `${ackedAtKill} cases acknowledged so far`);

    // the load goes on; meanwhile the survivor must take the jobs over
    let leaderAfterMs = null;
    const tEnd = performance.now() + AFTER_MS;
    while (performance.now() < tEnd && !load.error) {
        if (leaderAfterMs === null) {
            const j = await jobsOf(load, survivor);
            if (j && j.leader === 1) leaderAfterMs = performance.now() - tKill;
        }
        await sleep(POLL_MS);
    }
    load.stop();
    await done;

    // jobs on the survivor: leader, rounds going on, copies sent
    let after = null;
    let sentAfter = 0;
    for (const tl = performance.now() + JOBS_TIMEOUT_MS; performance.now() < tl; ) {
        after = await jobsOf(load, survivor);
        sentAfter = copiesSent(survivor);
        if (after && after.leader === 1 && leaderAfterMs === null) leaderAfterMs = performance.now() - tKill;
        if (after && after.leader === 1 && after.rounds >= before.rounds + ROUNDS_AFTER_KILL && sentAfter > 0) break;
        await sleep(POLL_MS * 2);
    }
    watch.stop = true;
    await watch.done;
    const roundsAfter = after ? after.rounds - before.rounds : 0;
    if (!after || after.leader !== 1) fail(`server ${survivor.n} did not become the jobs leader`);
    if (roundsAfter < ROUNDS_AFTER_KILL)
        fail(`server ${survivor.n} ran ${roundsAfter} rounds of jobs after the kill (want >= ${ROUNDS_AFTER_KILL})`);
    if (sentAfter === 0) fail(`server ${survivor.n} sent no message copy after the kill (the outbox job)`);
    if (watch.both) fail(`both servers reported tongban_jobs_leader 1 (${watch.both} samples)`);

    // every acknowledged write exactly once
    const { lost, duplicates } = await load.check({ i: survivor.n - 1 });
    if (lost) fail(`${lost} acknowledged writes lost`);
    if (duplicates) fail(`${duplicates} duplicate writes`);
    if (ackedAtKill === 0) fail('nothing was acknowledged before the kill');
    if (load.acked.cases.size <= ackedAtKill) fail('nothing was acknowledged after the kill');
    const [count, distinct] = psql('SELECT count(*), count(DISTINCT case_no) FROM cases').map(Number);
    if (count !== distinct) fail(`${count} cases but ${distinct} distinct case numbers`);
    if (count > load.keysSent.size) fail(`${count} cases for ${load.keysSent.size} idempotency keys sent`);
    if (count < load.acked.cases.size) fail(`${count} cases, fewer than the ${load.acked.cases.size} acknowledged`);

    // the survivor stops cleanly; the audit chain verifies
    survivor.proc.kill('SIGTERM');
    const ex = await survivor.exited;
    if (ex.code !== 0) fail(`server ${survivor.n} exited with code ${ex.code} signal ${ex.signal} on SIGTERM`);
    load.close();
    // (audit verify reads neither TONGBAN_DATABASE nor --set database: --db)
    const v = spawnSync(args.bin, ['audit', 'verify', '--data', args.data, '--db', args.database], {
        encoding: 'utf8',
    });
    const auditOk = v.status === 0;
    if (!auditOk) fail(`audit verify: ${v.stdout}${v.stderr}`.trim());

    const { acked, seen } = load;
    console.log(
        `scaleout servers 2 killed ${leader.n} kill_ms ${killAt.toFixed(0)} acked_cases ${acked.cases.size} ` +
            `acked_transitions ${acked.transitions.length} lost ${lost} duplicates ${duplicates} ` +
            `case_numbers ${count} distinct ${distinct} keys ${load.keysSent.size} audit ${auditOk ? 'ok' : 'FAIL'} ` +
            `leader_after_ms ${leaderAfterMs === null ? 'never' : leaderAfterMs.toFixed(0)} ` +
            `rounds_after_kill ${roundsAfter} copies_sent_after_kill ${sentAfter} ` +
            `upload ${uploadOk ? 'shared' : 'FAIL'} failovers ${seen.failovers} retries ${seen.retries} ` +
            `replayed_submissions ${seen.replayed} lost_answers ${seen.lostAnswers} ` +
            `seconds ${((performance.now() - t0) / 1000).toFixed(1)}`,
    );
    process.exit(problems.length === 0 ? 0 : 1);
}

setTimeout(() => {
    console.error(`scaleout: FAIL: not done after ${args['timeout-s']} s`);
    killAll();
    process.exit(1);
}, Number(args['timeout-s']) * 1000).unref();

main().catch((e) => {
    console.error(`scaleout: ${e.message}`);
    killAll();
    process.exit(1);
});
