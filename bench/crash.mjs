// crash.mjs - the crash test (bench/run.sh section 7, scripts/test-crash.sh):
// C clients submit cases with Idempotency-Key and act on them through the
// HTTP API while a supervisor kills the server with SIGKILL at random
// moments and starts it again on the same data directory and port. Then,
// with the server up for good, it checks that every acknowledged write is
// there exactly once, and that the audit chain verifies
// (docs/benchmarks.md "Crash test"). The clients and the check are
// bench/caseload.mjs, shared with bench/scaleout.mjs. Node built-ins only.
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
import { openSync, closeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { CaseLoad, noter, sleep } from './caseload.mjs';

const START_TIMEOUT_MS = 30000;

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
const note = noter('crash');

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

// ---------------------------------------------------------------- main

async function main() {
    const t0 = performance.now();
    await startServerRetrying();
    const load = new CaseLoad({ servers: () => [base], clients: CLIENTS, run, note });
    await load.setup();
    const done = load.start();
    let kills = 0;
    while (kills < KILLS && !load.error) {
        await sleep(MIN_MS + Math.random() * (MAX_MS - MIN_MS));
        await killServer('SIGKILL');
        kills++;
        await startServerRetrying();
    }
    load.stop();
    await done;

    const { lost, duplicates } = await load.check();
    await killServer('SIGTERM');
    load.close();
    const v = spawnSync(args.bin, ['audit', 'verify', '--data', args.data], { encoding: 'utf8' });
    const auditOk = v.status === 0;
    if (!auditOk) note(`audit verify: ${v.stdout}${v.stderr}`.trim());
    const seconds = (performance.now() - t0) / 1000;
    const r = [...restartMs].sort((a, b) => a - b);
    const { acked, seen } = load;
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
