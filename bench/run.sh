#!/bin/sh
# Benchmarks (not tests): each figure is printed beside a baseline measured
# in the same run on the same machine.
#   1. HTTP: tongban GET /healthz versus nginx serving a static file of the
#      same size, with wrk (keep-alive, 64 connections, 2 threads).
#   2. Durable writes: db_write with group commit versus one commit per write
#      (bench_dbwrite, 32 writer threads).
#   3. Catalogue search at 10,000 items: trigram index and short-word path
#      versus a LIKE scan with the same contract (bench_search).
#   4. Case lifecycle (submit -> accept -> review -> decide) through the HTTP
#      API of a demo tongban, 16 cases at once, versus the npm bpmn-engine
#      running the same three user tasks in memory (bench/peers/).
#   5. Durable submissions (POST /api/v1/cases), 32 at once: a server with
#      group commit versus one with db_write_batch_max=1 (one commit per
#      request), each on a fresh copy of the same demo data.
#   6. 1,000,000 cases (`tongban demo generate`): generation time; the case
#      lists of a department handler (reviewer01) and of a window (window01),
#      p50 and p99 over 200 requests each; the warning sweep with the test
#      clock five working days ahead; all beside the same at 10,000 cases,
#      and the sweep beside a bare UPDATE of the same column in sqlite3.
#   8. Electronic licences: licences issued per second (checked, signed with
#      SM2-SM3, sealed, stored durably) and verified per second, beside bare
#      SM2 sign/verify in the same process and `openssl speed sm2` (bench_licences).
#   7. Crash test: 32 clients submit and act with idempotency keys while the
#      server is killed with SIGKILL 100 times at random and restarted; then
#      nothing acknowledged may be lost or duplicated and the audit chain
#      must verify (bench/crash.mjs; scripts/test-crash.sh is the short one).
# Sections 4 to 7 need node; bench/peers/ is installed with `npm ci` from its
# committed lock file when missing. Section 6 needs the sqlite3 shell and
# takes long (about an hour on 2 cores: the lists at 1M are slow, see
# docs/benchmarks.md).
# Usage: bench/run.sh [SECONDS]   (default 10 per HTTP and case run)
# Settings: BUILD (build directory, default build), BENCH_SECTIONS (e.g. "6 7";
# default all), BENCH_CONNS, BENCH_CASES (default 1000000), BENCH_CASES_BASE
# (10000), BENCH_LIST_N (200), BENCH_KILLS (100).
set -eu
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${BENCH_CONNS:-64}
build=${BUILD:-build}
sections=${BENCH_SECTIONS:-1 2 3 4 5 6 7 8}
cmake --build "$build" -j "$(nproc)" --target tongban tongban-test bench_dbwrite bench_search bench_licences >/dev/null
status=0

# want N: section N is asked for.
want() {
    case " $sections " in *" $1 "*) return 0 ;; *) return 1 ;; esac
}

work=$(mktemp -d)
srv_pid=""
ngx_pid=""
cleanup() {
    [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null || true
    [ -n "$ngx_pid" ] && kill "$ngx_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# start_tongban DATA [serve flags...]: serves DATA on a free port in the
# background with ./$build/$srv_bin; sets srv_pid and url (with the trailing
# slash).
srv_bin=tongban
start_tongban() {
    d=$1; shift
    "./$build/$srv_bin" serve --data "$d" --listen 127.0.0.1:0 --set access_log=false "$@" \
        >"$work/serve.out" 2>"$work/serve.err" &
    srv_pid=$!
    i=0
    until grep -q 'listening on' "$work/serve.out" 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 100 ] && { echo "tongban did not start"; cat "$work/serve.err"; exit 1; }
        sleep 0.1
    done
    url=$(sed -n 's/^tongban: listening on //p' "$work/serve.out")
}

stop_tongban() {
    kill "$srv_pid" 2>/dev/null || echo "(the server had stopped already)"
    wait "$srv_pid" 2>/dev/null || true; srv_pid=""
}

# field NAME LINE: the value after NAME in a "name value name value" line.
field() {
    echo "$2" | awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }'
}

# row LABEL LINE RATE_KEY [batch]: one table row from a driver's summary
# line, or "failed" when the run gave none (its errors are on stderr above).
row() {
    if [ -z "$2" ]; then
        printf '%-46s %10s\n' "$1" failed
    elif [ $# -gt 3 ]; then
        printf '%-46s %10s %10s %10s %8s\n' "$1" "$(field "$3" "$2")" "$(field p50_ms "$2")" \
            "$(field p99_ms "$2")" "$(field batch "$2")"
    else
        printf '%-46s %10s %10s %10s\n' "$1" "$(field "$3" "$2")" "$(field p50_ms "$2")" \
            "$(field p99_ms "$2")"
    fi
}

# ratio LABEL A B: prints "LABEL: A/B", or n/a when a run gave no figure.
ratio() {
    awk -v l="$1" -v a="$2" -v b="$3" 'BEGIN {
        if (a + 0 > 0 && b + 0 > 0) printf "%s: %.2f\n", l, a / b; else printf "%s: n/a\n", l }'
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wrk_run() { # url -> prints "req/s p50 p99"
    wrk -t2 -c"$conns" -d"${secs}s" --latency "$1" >"$work/wrk.out" 2>&1
    rps=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.out")
    p50=$(awk '$1=="50%" {print $2}' "$work/wrk.out")
    p99=$(awk '$1=="99%" {print $2}' "$work/wrk.out")
    echo "$rps $p50 $p99"
}

if want 1; then
echo "== HTTP: tongban /healthz vs nginx static file (wrk -t2 -c$conns, ${secs}s each, $(nproc) cores)"
"./$build/tongban" init --data "$work/data" >/dev/null 2>&1
start_tongban "$work/data"
body=$(curl -s "${url}healthz")
size=$(printf '%s' "$body" | wc -c)

mkdir -p "$work/www" "$work/nginx"
printf '%s' "$body" >"$work/www/healthz"
nport=$(free_port)
cat >"$work/nginx/nginx.conf" <<NGX
worker_processes $(nproc);
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    default_type application/json;
    server {
        listen 127.0.0.1:$nport;
        location / { root $work/www; }
    }
}
NGX
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
ngx_pid=$!
sleep 0.5

t=$(wrk_run "${url}healthz")
n=$(wrk_run "http://127.0.0.1:$nport/healthz")
printf '%-34s %12s %10s %10s\n' "server ($size-byte body)" "req/s" "p50" "p99"
printf '%-34s %12s %10s %10s\n' "tongban GET /healthz" $t
printf '%-34s %12s %10s %10s\n' "nginx static file (baseline)" $n
tr=$(echo "$t" | cut -d' ' -f1)
nr=$(echo "$n" | cut -d' ' -f1)
awk -v a="$tr" -v b="$nr" 'BEGIN { printf "ratio tongban/nginx: %.2f\n", a / b }'

t=$(wrk_run "${url}api/v1/calendar/add?from=2024-01-01&workdays=20")
printf '%-34s %12s %10s %10s\n' "tongban GET /calendar/add" $t
stop_tongban
kill "$ngx_pid"; wait "$ngx_pid" 2>/dev/null || true; ngx_pid=""
echo
fi

if want 2; then
echo "== Durable writes: group commit vs one commit per write"
"./$build/bench_dbwrite" -d "$work/dbwrite"
echo
fi

if want 3; then
echo "== Catalogue search at 10,000 items: tongban vs a LIKE scan"
"./$build/bench_search" -n 10000 -d "$work/search" 2>/dev/null
echo
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "== Case benchmarks skipped: node and npm are needed (scripts/install-deps.sh installs them)"
    exit 0
fi
peers=bench/peers
if want 4 && { [ ! -f "$peers/node_modules/bpmn-engine/package.json" ] ||
   [ "$peers/package-lock.json" -nt "$peers/node_modules/.package-lock.json" ]; }; then
    (cd "$peers" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
# One demo data directory (accounts, catalogue); every server gets a fresh copy.
"./$build/tongban" init --demo --data "$work/demo" >/dev/null 2>&1
fresh() { rm -rf "$work/$1"; cp -a "$work/demo" "$work/$1"; echo "$work/$1"; }
warm=2

if want 4; then
echo "== Case lifecycle: tongban HTTP API vs bpmn-engine in memory (16 at once, ${secs}s each)"
start_tongban "$(fresh cases)"
t=$(node "$peers/tongban-cases.mjs" lifecycle "$url" -c 16 -d "$secs" -w "$warm") || t=""
stop_tongban
b=$(node "$peers/bpmn-lifecycle.mjs" -c 16 -d "$secs" -w "$warm") || b=""
printf '%-46s %10s %10s %10s\n' "submit, accept, review, decide" "cases/s" "p50 ms" "p99 ms"
row "tongban, HTTP + SQLite, durable" "$t" cases/s
row "bpmn-engine, $(nproc) threads, in memory (baseline)" "$b" cases/s
[ -n "$t" ] && echo "tongban: $(field cases "$t") cases, $(field errors "$t") errors," \
    "$(field writes "$t") writes a case, $(field batch "$t") writes per group commit"
ratio "ratio tongban/bpmn-engine" "$(field cases/s "$t")" "$(field cases/s "$b")"
echo
fi

if want 5; then
echo "== Durable submissions: group commit vs one commit per request (32 at once, ${secs}s each)"
start_tongban "$(fresh submit-group)"
g=$(node "$peers/tongban-cases.mjs" submit "$url" -c 32 -d "$secs" -w "$warm") || g=""
stop_tongban
start_tongban "$(fresh submit-single)" --set db_write_batch_max=1
o=$(node "$peers/tongban-cases.mjs" submit "$url" -c 32 -d "$secs" -w "$warm") || o=""
stop_tongban
printf '%-46s %10s %10s %10s %8s\n' "POST /api/v1/cases" "subm./s" "p50 ms" "p99 ms" "batch"
row "group commit" "$g" submissions/s batch
row "one commit per write (baseline)" "$o" submissions/s batch
echo "errors: $(field errors "$g") with group commit, $(field errors "$o") without;" \
    "$(field writes "$g") writes a submission"
ratio "ratio group/single" "$(field submissions/s "$g")" "$(field submissions/s "$o")"
echo
fi

# ---- 6. 1,000,000 cases ----------------------------------------------------------------

# Asia/Shanghai's date, as the generator and the server count days.
today=$(date -u -d '+8 hours' +%F)

# tgen LINE 1|2: the seconds (1) or cases/s (2) of the generator's first line
# ("... N cases in S s (R cases/s), ...").
tgen() {
    echo "$1" | sed -n "s/.* cases in \([0-9.]*\) s (\([0-9]*\) cases\/s).*/\\$2/p"
}

# lfield LIST USER PATH NAME: NAME of the list line of USER and PATH.
lfield() {
    awk -v u="$2" -v p="$3" -v k="$4" '$1 == "list" && $2 == u && $3 == p {
        for (i = 4; i < NF; i++) if ($i == k) { print $(i + 1); exit } }' "$1"
}

# bare_update DB DATE: "seconds rows" of the sweep's level update done as one
# UPDATE statement by the sqlite3 shell (case levels only: no steps, no
# messages, no batches).
bare_update() {
    lvl="CASE WHEN '$2' >= severe_on THEN 3 WHEN '$2' > promised_due THEN 2 WHEN '$2' >= yellow_on THEN 1 ELSE 0 END"
    sqlite3 "$1" <<SQL | awk '/^Run Time:/ { s = $4 } /^rows / { r = $2 } END { print s, r }'
.timer on
UPDATE cases SET warning_level = $lvl WHERE state IN ('accepted', 'in_review') AND promised_due IS NOT NULL AND $lvl > warning_level;
.timer off
SELECT 'rows ' || changes();
SQL
}

# scale NAME N SEED: a demo with N generated cases: the generator's summary,
# the no-op sweep (today), the sweep five working days ahead, the four lists,
# the bare UPDATE on a copy made before the server touched the data.
scale() {
    d="$work/scale-$1"
    "./$build/tongban" init --demo --data "$d" >/dev/null 2>&1
    "./$build/tongban" demo generate --data "$d" --cases "$2" --seed "$3" >"$work/gen-$1"
    sed 's/^/  /' "$work/gen-$1"
    cp "$d/tongban.db" "$work/update-$1.db"
    srv_bin=tongban-test
    start_tongban "$d"
    srv_bin=tongban
    t0=$(date +%s)
    # Both sweeps before the server's jobs run their own, a minute after the
    # start: a periodic sweep at the test clock's date would share the work.
    node bench/cases-scale.mjs sweep "$url" --today "$today" >"$work/noop-$1" || echo "sweep failed"
    node bench/cases-scale.mjs sweep "$url" --today "$sweep_day" >"$work/sweep-$1" || echo "sweep failed"
    swept_s=$(($(date +%s) - t0))
    [ "$swept_s" -lt 55 ] || echo "  (the sweeps took ${swept_s}s: the periodic sweep may have shared the work)"
    # The lists start once the jobs' first pass (a no-op at the same date) is over.
    noop_s=$(field seconds "$(cat "$work/noop-$1")")
    wait_s=$(awk -v t0="$t0" -v now="$(date +%s)" -v n="$noop_s" 'BEGIN {
        w = t0 + 62 + 2 * n - now; print (w > 0 ? int(w + 0.5) : 0) }')
    echo "  (waiting ${wait_s}s for the server's first periodic sweep)"
    sleep "$wait_s"
    node bench/cases-scale.mjs lists "$url" -n "$listn" >"$work/lists-$1" || echo "lists failed"
    stop_tongban
    bare_update "$work/update-$1.db" "$sweep_day" >"$work/update-$1"
    rm -f "$work/update-$1.db" "$work/update-$1.db-wal" "$work/update-$1.db-shm"
}

# srow LABEL SMALL BIG: a table row with the ratio big/small.
srow() {
    awk -v l="$1" -v a="$2" -v b="$3" 'BEGIN {
        r = (a + 0 > 0 && b + 0 > 0) ? sprintf("%.1f", b / a) : "n/a"
        printf "%-52s %12s %12s %8s\n", l, (a == "" ? "-" : a), (b == "" ? "-" : b), r }'
}

if want 6; then
big=${BENCH_CASES:-1000000}
small=${BENCH_CASES_BASE:-10000}
listn=${BENCH_LIST_N:-200}
if ! command -v sqlite3 >/dev/null 2>&1; then
    echo "== $big cases skipped: the sqlite3 shell is needed"
else
# the test clock's day: the fifth working day after today (built-in calendar)
sweep_day=$("./$build/tongban" calendar dump --from "$today" --to "$(date -u -d "$today +40 days" +%F)" |
    awk -F'\t' 'NR > 1 && $2 == 1 { if (++n == 5) { print $1; exit } }')
echo "== $big cases vs $small: generate, case lists ($listn requests each, one at a time), warning sweep"
echo "$small cases:"
scale small "$small" 1
echo "$big cases:"
scale big "$big" 20261124
gs=$(head -n 1 "$work/gen-small"); gb=$(head -n 1 "$work/gen-big")
printf '%-52s %12s %12s %8s\n' "" "$small" "$big" "ratio"
srow "generate: seconds" "$(tgen "$gs" 1)" "$(tgen "$gb" 1)"
srow "generate: cases/s" "$(tgen "$gs" 2)" "$(tgen "$gb" 2)"
for l in "reviewer01 /api/v1/cases?queue=work" "reviewer01 /api/v1/cases" \
         "window01 /api/v1/cases?queue=work" "window01 /api/v1/cases" "zhangsan /api/v1/cases"; do
    u=${l% *}; p=${l#* }
    srow "$u GET ${p#/api/v1} (total)" "$(lfield "$work/lists-small" "$u" "$p" total)" \
        "$(lfield "$work/lists-big" "$u" "$p" total)"
    srow "  p50 ms" "$(lfield "$work/lists-small" "$u" "$p" p50_ms)" \
        "$(lfield "$work/lists-big" "$u" "$p" p50_ms)"
    srow "  p99 ms" "$(lfield "$work/lists-small" "$u" "$p" p99_ms)" \
        "$(lfield "$work/lists-big" "$u" "$p" p99_ms)"
done
ns=$(cat "$work/noop-small"); nb=$(cat "$work/noop-big")
ss=$(cat "$work/sweep-small" 2>/dev/null || true); sb=$(cat "$work/sweep-big" 2>/dev/null || true)
us=$(cat "$work/update-small"); ub=$(cat "$work/update-big")
srow "sweep today (nothing to change): seconds" "$(field seconds "$ns")" "$(field seconds "$nb")"
srow "sweep at $sweep_day (+5 working days): seconds" "$(field seconds "$ss")" "$(field seconds "$sb")"
srow "  cases re-levelled (warned)" "$(field warned "$ss")" "$(field warned "$sb")"
srow "  cases moved by §32 (moved)" "$(field moved "$ss")" "$(field moved "$sb")"
srow "  re-levelled cases/s" \
    "$(awk -v w="$(field warned "$ss")" -v s="$(field seconds "$ss")" 'BEGIN { if (s > 0) printf "%.0f", w / s }')" \
    "$(awk -v w="$(field warned "$sb")" -v s="$(field seconds "$sb")" 'BEGIN { if (s > 0) printf "%.0f", w / s }')"
srow "bare UPDATE in sqlite3 (baseline): seconds" "${us% *}" "${ub% *}"
srow "  rows" "${us#* }" "${ub#* }"
fi
echo
fi

# ---- 8. electronic licences --------------------------------------------------------------

if want 8; then
echo "== Electronic licences: issued and verified per second (2,000 each), beside bare SM2"
"./$build/tongban" init --demo --data "$work/lic" >/dev/null 2>&1
"./$build/bench_licences" -d "$work/lic" -n "${BENCH_LICENCES:-2000}" || status=1
echo "-- openssl speed sm2 (same machine, same run; one core):"
openssl speed -seconds 3 sm2 2>/dev/null | grep -E "sign|SM2" | tail -n 2
echo
fi

# ---- 7. crash test ----------------------------------------------------------------------

if want 7; then
kills=${BENCH_KILLS:-100}
echo "== Crash test: 32 clients, SIGKILL $kills times 50-400 ms apart, restarted on the same data"
"./$build/tongban" init --demo --data "$work/crash" >/dev/null 2>&1
if ! node bench/crash.mjs --bin "./$build/tongban" --data "$work/crash" --kills "$kills" \
    --clients 32 --log "$work/crash.log"; then
    echo "crash test FAILED; the server's log ends:"
    tail -n 20 "$work/crash.log"
    status=1
fi
fi
exit $status
