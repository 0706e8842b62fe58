// check.mjs - checks tongban's working-day calendar day by day against chinese-days.
//
// data/calendar/cn.csv is typed by hand from the State Council notices; a slip there moves
// every deadline that crosses the day. chinese-days (npm, pinned in package.json) is an
// independent transcription of the same notices, so comparing the two catches typos on
// either side. Input: the output of `tongban calendar dump --from 2018-01-01 --to 2026-12-31`
// ("YYYY-MM-DD<TAB>1|0<TAB>name" per day), from the file named on the command line or stdin.
//
// Fails (exit 1) on any working-day disagreement not in KNOWN_DIFFERENCES, and on a dump that
// does not hold every day of the range exactly once, in order. Holiday names are compared
// loosely ("清明节" = "清明", "春节调休" = "春节") and differences are printed as info only:
// the naming conventions differ (ours names a 中秋/国庆 day after the notice's paragraph).
// Run by scripts/test-calendar.sh.

import { readFileSync } from 'node:fs';

// chinese-days parses "YYYY-MM-DD" as UTC midnight and reads it back with local-time getters,
// which shifts days in zones west of UTC; pin the platform's zone before loading it.
process.env.TZ = 'Asia/Shanghai';
// The package is CommonJS (a UMD bundle): its functions hang off the default export.
const chineseDays = (await import('chinese-days')).default;
const { isWorkday, getDayDetail } = chineseDays;

const FROM = '2018-01-01';
const TO = '2026-12-31';

// Days where chinese-days is wrong against the official notice, each with the notice and why.
// One row per day: { date: 'YYYY-MM-DD', ours: true|false (workday), reason: '...' }.
// Keep it empty unless a notice proves the package wrong; then also report it upstream.
const KNOWN_DIFFERENCES = [];

const MS_PER_DAY = 24 * 60 * 60 * 1000;

function dayString(ms) {
    return new Date(ms).toISOString().slice(0, 10);
}

function utcMs(date) {
    const [y, m, d] = date.split('-').map(Number);
    return Date.UTC(y, m - 1, d);
}

// "春节调休" -> "春节", "清明节" -> "清明", "国庆节" -> "国庆": the festival, whatever the suffix.
function festival(name) {
    return name.replace(/调休$/, '').replace(/节$/, '');
}

// chinese-days names a special day "Spring Festival,春节,3" and an ordinary one "Tuesday".
function theirName(detail) {
    const parts = detail.name.split(',');
    return parts.length === 3 ? parts[1] : '';
}

function readDump(path) {
    const text = readFileSync(path ?? 0, 'utf8');
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines;
}

function main() {
    const lines = readDump(process.argv[2]);
    const known = new Map(KNOWN_DIFFERENCES.map((k) => [k.date, k]));
    const errors = [];
    const disagreements = [];
    const nameDiffs = [];
    const knownSeen = [];
    let expectMs = utcMs(FROM);
    let compared = 0;

    for (const [i, line] of lines.entries()) {
        const m = /^(\d{4}-\d{2}-\d{2})\t([01])\t([^\t]*)$/.exec(line);
        if (!m) {
            errors.push(`dump line ${i + 1}: malformed: ${JSON.stringify(line)}`);
            break;
        }
        const [, date, flag, ours] = m;
        if (date !== dayString(expectMs)) {
            errors.push(`dump line ${i + 1}: ${date}, expected ${dayString(expectMs)}`);
            break;
        }
        expectMs += MS_PER_DAY;

        const oursWork = flag === '1';
        const theirsWork = isWorkday(date);
        const detail = getDayDetail(date);
        if (detail.date !== date || detail.work !== theirsWork) {
            errors.push(`${date}: chinese-days answered for ${detail.date} (time zone?)`);
            break;
        }
        compared++;

        const k = known.get(date);
        if (oursWork !== theirsWork) {
            if (k && k.ours === oursWork) {
                knownSeen.push(k);
            } else {
                disagreements.push({
                    date,
                    ours: `${flag} ${ours || '(ordinary)'}`,
                    theirs: `${theirsWork ? 1 : 0} ${detail.name}`,
                });
            }
        } else if (k) {
            errors.push(`${date}: listed in KNOWN_DIFFERENCES but both now agree; remove the row`);
        }

        const theirs = theirName(detail);
        if ((ours || theirs) && festival(ours) !== festival(theirs)) {
            nameDiffs.push(`${date}\tours ${ours || '(ordinary)'}\ttheirs ${theirs || '(ordinary)'}`);
        }
    }
    if (errors.length === 0 && dayString(expectMs - MS_PER_DAY) !== TO) {
        errors.push(`dump ends at ${dayString(expectMs - MS_PER_DAY)}, expected ${TO}`);
    }
    for (const k of KNOWN_DIFFERENCES) {
        if (k.date < FROM || k.date > TO) errors.push(`KNOWN_DIFFERENCES ${k.date} is outside ${FROM}..${TO}`);
    }

    for (const d of disagreements) {
        console.log(`DISAGREE ${d.date}\tours ${d.ours}\ttheirs ${d.theirs}`);
    }
    for (const k of knownSeen) {
        console.log(`known    ${k.date}\tours ${k.ours ? 1 : 0}\t${k.reason}`);
    }
    for (const n of nameDiffs) {
        console.log(`info name ${n}`);
    }
    for (const e of errors) {
        console.log(`ERROR ${e}`);
    }
    console.log(
        `calendar-check: ${compared} days compared, ${disagreements.length} disagreements` +
            ` (${knownSeen.length} known, ${nameDiffs.length} name differences)`,
    );
    return disagreements.length === 0 && errors.length === 0 ? 0 : 1;
}

process.exitCode = main();
