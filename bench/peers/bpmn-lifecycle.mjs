// bpmn-lifecycle.mjs - the baseline of the case lifecycle benchmark: the npm
// workflow engine bpmn-engine running the same three user tasks as a tongban
// case (受理 accept, 审查 review, 决定 decide), in memory, no HTTP, no disk.
//
// Each case is one process instance of a BPMN definition start → accept →
// review → decide → end, run by its own Engine (as a server keeps one engine
// per running process). Every user task is signalled on the next turn of the
// event loop, as a request from a clerk would arrive. C instances run at once
// for a fixed time after a short warm-up; the XML is parsed once and shared
// (the engine only serialises it per instance), which is the engine's fast path.
// JavaScript runs on one core, so the cases are spread over T worker threads
// (default: one per core, as tongban uses every core), each with its own
// engines and C/T of the concurrency; nothing is shared between them.
//
//   node bench/peers/bpmn-lifecycle.mjs [-d SECONDS] [-c CONCURRENCY] [-w WARMUP_S] [-t THREADS]
//
// Prints one line:
// "bpmn-engine cases/s <n> p50_ms <ms> p99_ms <ms> cases <n> seconds <s> threads <t>".
import { Engine } from 'bpmn-engine';
import BpmnModdle from 'bpmn-moddle';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const { values: args } = parseArgs({
    options: {
        duration: { type: 'string', short: 'd', default: '10' },
        concurrency: { type: 'string', short: 'c', default: '16' },
        warmup: { type: 'string', short: 'w', default: '2' },
        threads: { type: 'string', short: 't', default: String(availableParallelism()) },
    },
});
const durationS = Number(args.duration);
const warmupS = Number(args.warmup);
const threads = Math.max(1, Number(args.threads));
const concurrency = isMainThread ? Number(args.concurrency) : workerData.concurrency;

const SOURCE = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="case" targetNamespace="urn:tongban:bench">
  <process id="licence" isExecutable="true">
    <startEvent id="submitted" />
    <sequenceFlow id="f1" sourceRef="submitted" targetRef="accept" />
    <userTask id="accept" name="受理" />
    <sequenceFlow id="f2" sourceRef="accept" targetRef="review" />
    <userTask id="review" name="审查" />
    <sequenceFlow id="f3" sourceRef="review" targetRef="decide" />
    <userTask id="decide" name="决定" />
    <sequenceFlow id="f4" sourceRef="decide" targetRef="approved" />
    <endEvent id="approved" />
  </process>
</definitions>`;

const TASKS = ['accept', 'review', 'decide'];

const moddleContext = await new BpmnModdle().fromXML(SOURCE);

// One case: a new engine, run until its end event, each user task signalled
// with the clerk's outcome. Resolves with the case's duration in ms.
function runCase(n) {
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
        const engine = new Engine({ name: `case-${n}`, moddleContext });
        const seen = [];
        engine.once('end', () => {
            if (seen.join() !== TASKS.join())
                reject(new Error(`case-${n}: tasks ${seen.join()} instead of ${TASKS.join()}`));
            else resolve(performance.now() - t0);
        });
        engine.once('error', reject);
        engine
            .execute({
                variables: { caseNo: n },
                listener: {
                    emit(event, api) {
                        if (event !== 'activity.wait') return;
                        seen.push(api.id);
                        setImmediate(() => api.signal({ outcome: 'pass', by: `clerk-${api.id}` }));
                    },
                },
            })
            .catch(reject);
    });
}

// Keeps `concurrency` cases running until `untilMs`; returns their durations.
async function load(untilMs) {
    const durations = [];
    let next = 0;
    async function worker() {
        while (performance.now() < untilMs) durations.push(await runCase(next++));
    }
    await Promise.all(Array.from({ length: concurrency }, worker));
    return durations;
}

if (isMainThread) {
    // Every worker warms up, then measures the same window: start at t0, stop at t0 + duration.
    const t0 = Date.now() + 1000 + warmupS * 1000;
    const results = await Promise.all(
        Array.from({ length: threads }, (_, i) => {
            const share = Math.floor(concurrency / threads) + (i < concurrency % threads ? 1 : 0);
            const w = new Worker(new URL(import.meta.url), {
                argv: process.argv.slice(2),
                workerData: { concurrency: Math.max(1, share), t0, t1: t0 + durationS * 1000 },
            });
            return new Promise((resolve, reject) => {
                w.once('message', resolve);
                w.once('error', reject);
            });
        }),
    );
    const d = results.flatMap((r) => r.durations).sort((a, b) => a - b);
    const seconds = Math.max(...results.map((r) => r.seconds));
    const pct = (p) => d[Math.min(d.length - 1, Math.round(p * (d.length - 1)))];
    console.log(
        `bpmn-engine cases/s ${(d.length / seconds).toFixed(1)} p50_ms ${pct(0.5).toFixed(2)} ` +
            `p99_ms ${pct(0.99).toFixed(2)} cases ${d.length} seconds ${seconds.toFixed(2)} ` +
            `threads ${threads}`,
    );
} else {
    // performance.now() is per thread; the window is agreed in wall-clock time.
    const { t0, t1 } = workerData;
    const toPerf = (wall) => performance.now() + (wall - Date.now());
    await load(toPerf(t0));
    const start = performance.now();
    const durations = await load(toPerf(t1));
    parentPort.postMessage({ durations, seconds: (performance.now() - start) / 1000 });
}
