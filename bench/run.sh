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
#   9. PostgreSQL and two servers: section 5's durable submissions (32 at
#      once) and 4's full lifecycle (16 at once), same clients, on SQLite, on
#      PostgreSQL with one server and with two (the clients split between
#      them), each on a fresh demo database; then BENCH_PG_CASES generated
#      cases (default 1,000,000) and section 6's case lists, one request at a
#      time, on SQLite, on PostgreSQL with one server, and with two (one
#      client per server at once); ratios against SQLite. PostgreSQL is a
#      private cluster (scripts/pg-cluster.sh, durable settings) stopped at
#      the end. About 25 minutes at 1M on 2 cores, 18 of them generating on
#      PostgreSQL.
# Sections 4 to 7 and 9 need node; bench/peers/ is installed with `npm ci` from its
# committed lock file when missing. Section 9 needs PostgreSQL's server and
# psql (scripts/install-deps.sh). Section 6 needs the sqlite3 shell and
# takes long (about an hour on 2 cores: the lists at 1M are slow, see
# docs/benchmarks.md).
# Usage: bench/run.sh [SECONDS]   (default 10 per HTTP and case run)
# Settings: BUILD (build directory, default build), BENCH_SECTIONS (e.g. "6 7";
# default all), BENCH_CONNS, BENCH_CASES (default 1000000), BENCH_CASES_BASE
# (10000), BENCH_LIST_N (200), BENCH_KILLS (100), BENCH_PG_CASES (1000000).
set -eu
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${BENCH_CONNS:-64}
build=${BUILD:-build}
sections=${BENCH_SECTIONS:-1 2 3 4 5 6 7 8 9}
cmake --build "$build" -j "$(nproc)" --target tongban tongban-test bench_dbwrite bench_search bench_licences >/dev/null
status=0

# want N: section N is asked for.
want() {
    case " $sections " in *" $1 "*) return 0 ;; *) return 1 ;; esac
}

work=$(mktemp -d)
srv_pid=""
srv2_pid=""
ngx_pid=""
pgdir=""
cleanup() {
    [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null || true
    [ -n "$srv2_pid" ] && kill "$srv2_pid" 2>/dev/null || true
    [ -n "$ngx_pid" ] && kill "$ngx_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    [ -n "$pgdir" ] && ./scripts/pg-cluster.sh stop "$pgdir"
    rm -rf "$work"
}
trap cleanup EXIT

# start_tongban DATA [serve flags...]: serves DATA on a free port in the
# background with ./$build/$srv_bin; sets srv_pid and url (with the trailing
# slash).
srv_bin=tongban
start_tongban() {
    d=$1; shift
    # emptied here: the background job's own redirection may come after
    # the first grep below, which would then read the last server's line
    : >"$work/serve.out"
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

# ---- 9. PostgreSQL and two servers -------------------------------------------------------

# pg_demo NAME: a fresh database NAME on the cluster, made by `tongban init
# --demo` with the data directory $work/NAME; $work/NAME-2 holds a copy of
# its keys for a second server, $work/NAME-uploads is the servers' shared
# uploads_dir.
pg_demo() {
    psql "$pgurl/postgres" -Xqc "CREATE DATABASE $1" >/dev/null
    rm -rf "${work:?}/$1" "$work/$1-2" "$work/$1-uploads"
    if ! TONGBAN_DATABASE=$pgurl/$1 "./$build/tongban" init --demo --data "$work/$1" >"$work/init.log" 2>&1; then
        tail -n 5 "$work/init.log"; echo "tongban init on PostgreSQL failed"; exit 1
    fi
    mkdir -m 0700 "$work/$1-2" "$work/$1-uploads"
    cp -a "$work/$1/keys" "$work/$1-2/keys"
}

# pg_serve NAME 1|2 [serve flags...]: one or two servers on database NAME;
# sets urls (their base URLs, space-separated) and srv_pid (and srv2_pid).
pg_serve() {
    name=$1; count=$2; shift 2
    set -- --set "database=$pgurl/$name" --set "uploads_dir=$work/$name-uploads" "$@"
    url2=""
    if [ "$count" -eq 2 ]; then
        start_tongban "$work/$name-2" "$@"
        srv2_pid=$srv_pid; url2=" $url"
    fi
    start_tongban "$work/$name" "$@"
    urls="$url$url2"
}

pg_stop() {
    stop_tongban
    if [ -n "$srv2_pid" ]; then
        kill "$srv2_pid" 2>/dev/null || echo "(the second server had stopped already)"
        wait "$srv2_pid" 2>/dev/null || true; srv2_pid=""
    fi
}

# prow LABEL SQLITE PG1 PG2 [inverse]: a row with PG1/SQLITE and PG2/SQLITE
# (SQLITE/PG when "inverse": durations, so that above 1 is always faster).
prow() {
    awk -v l="$1" -v a="$2" -v b="$3" -v c="$4" -v inv="${5:-}" 'BEGIN {
        r1 = "n/a"; r2 = "n/a"
        if (a + 0 > 0 && b + 0 > 0) r1 = sprintf("%.2f", inv ? a / b : b / a)
        if (a + 0 > 0 && c + 0 > 0) r2 = sprintf("%.2f", inv ? a / c : c / a)
        printf "%-44s %10s %10s %10s %9s %9s\n", l, (a == "" ? "-" : a), (b == "" ? "-" : b),
            (c == "" ? "-" : c), r1, r2 }'
}

if want 9; then
pg_cases=${BENCH_PG_CASES:-1000000}
listn=${BENCH_LIST_N:-200}
if ! command -v psql >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "== PostgreSQL skipped: its server and psql are needed (scripts/install-deps.sh)"
elif ! command -v sqlite3 >/dev/null 2>&1; then
    echo "== PostgreSQL skipped: the sqlite3 shell is needed (statistics of the SQLite copy)"
else
pgdir=$(mktemp -d /tmp/tongban-bench-pg.XXXXXX)
chmod 755 "$pgdir"
pgurl=$(./scripts/pg-cluster.sh start "$pgdir")
echo "== PostgreSQL $(psql "$pgurl/postgres" -XAtc 'SHOW server_version') (private cluster, fsync and" \
    "synchronous_commit on) vs SQLite, one and two servers, ${secs}s each, $(nproc) cores"

# throughput: MODE CONCURRENCY -> $work/tp-MODE-{sqlite,pg1,pg2}
for m in "submit 32" "lifecycle 16"; do
    mode=${m% *}; c=${m#* }
    start_tongban "$(fresh "tp-$mode")"
    node "$peers/tongban-cases.mjs" "$mode" "$url" -c "$c" -d "$secs" -w "$warm" >"$work/tp-$mode-sqlite" || true
    stop_tongban
    for n in 1 2; do
        pg_demo "tp_${mode}_$n"
        pg_serve "tp_${mode}_$n" "$n"
        # shellcheck disable=SC2086
        node "$peers/tongban-cases.mjs" "$mode" $urls -c "$c" -d "$secs" -w "$warm" >"$work/tp-$mode-pg$n" || true
        pg_stop
    done
done

# since T0 (date +%s.%N): seconds, one decimal
since() {
    awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'
}

# gen9 DIR STATS_COMMAND...: pg_cases cases into the installation DIR
# (TONGBAN_DATABASE as exported) in two runs of `demo generate`, the first
# of gen_first cases, then the planner statistics (STATS_COMMAND), then the
# rest. On PostgreSQL the second run must not plan its foreign-key checks
# on statistics that say `cases` is empty (migration 0010 analyses it
# empty): those plans are sequential scans of `cases`, kept for the whole
# 20,000-case transaction, so that each batch costs the square of its size
# (docs/benchmarks.md). SQLite does the same steps. Sets gen_s.
gen9() {
    d=$1; shift
    t0=$(date +%s.%N)
    "./$build/tongban" demo generate --data "$d" --cases "$gen_first" --seed 20261124 >"$d.gen" &&
        "$@" &&
        { [ "$pg_cases" -le "$gen_first" ] ||
            "./$build/tongban" demo generate --data "$d" --cases "$((pg_cases - gen_first))" \
                --seed 20261125 >>"$d.gen"; } ||
        echo "generate failed ($d)"
    gen_s=$(since "$t0")
}

# the case lists at pg_cases cases, with fresh planner statistics on both
# (ANALYZE; VACUUM ANALYZE, what autovacuum does after a bulk load); no
# periodic jobs during the measurement (jobs_interval_s=3600)
gen_first=$((pg_cases < 2000 ? pg_cases : 2000))
echo "  generating $pg_cases cases on SQLite and on PostgreSQL ..."
"./$build/tongban" init --demo --data "$work/l-sqlite" >/dev/null 2>&1
gen9 "$work/l-sqlite" sqlite3 "$work/l-sqlite/tongban.db" 'ANALYZE'
gen_sqlite=$gen_s
t0=$(date +%s.%N)
sqlite3 "$work/l-sqlite/tongban.db" 'ANALYZE'
an_sqlite=$(since "$t0")
start_tongban "$work/l-sqlite" --set jobs_interval_s=3600
node bench/cases-scale.mjs lists "$url" -n "$listn" >"$work/lists-l-sqlite" || echo "lists failed (SQLite)"
stop_tongban
pg_demo l_pg
export TONGBAN_DATABASE="$pgurl/l_pg"
gen9 "$work/l_pg" psql "$pgurl/l_pg" -Xqc 'VACUUM ANALYZE'
unset TONGBAN_DATABASE
gen_pg=$gen_s
t0=$(date +%s.%N)
psql "$pgurl/l_pg" -Xqc 'VACUUM ANALYZE'
an_pg=$(since "$t0")
for n in 1 2; do
    pg_serve l_pg "$n" --set jobs_interval_s=3600
    # shellcheck disable=SC2086
    node bench/cases-scale.mjs lists $urls -n "$listn" >"$work/lists-l-pg$n" || echo "lists failed (PostgreSQL, $n)"
    pg_stop
done
pg_mib=$(psql "$pgurl/l_pg" -XAtc 'SELECT pg_database_size(current_database()) / 1048576')
sqlite_mib=$(du -m "$work/l-sqlite/tongban.db" | cut -f1)

printf '%-44s %10s %10s %10s %9s %9s\n' "" "SQLite" "PG 1 srv" "PG 2 srv" "PG1/SQL" "PG2/SQL"
for m in "submit 32 submissions/s" "lifecycle 16 cases/s"; do
    set -- $m
    f=$work/tp-$1
    [ "$1" = submit ] && what="durable submissions/s ($2 at once)" || what="full lifecycle cases/s ($2 at once)"
    prow "$what" "$(field "$3" "$(cat "$f-sqlite")")" "$(field "$3" "$(cat "$f-pg1")")" "$(field "$3" "$(cat "$f-pg2")")"
    prow "  p50 ms" "$(field p50_ms "$(cat "$f-sqlite")")" "$(field p50_ms "$(cat "$f-pg1")")" \
        "$(field p50_ms "$(cat "$f-pg2")")" inverse
    prow "  p99 ms" "$(field p99_ms "$(cat "$f-sqlite")")" "$(field p99_ms "$(cat "$f-pg1")")" \
        "$(field p99_ms "$(cat "$f-pg2")")" inverse
    prow "  writes per commit" "$(field batch "$(cat "$f-sqlite")")" "$(field batch "$(cat "$f-pg1")")" \
        "$(field batch "$(cat "$f-pg2")")"
done
prow "generate $pg_cases cases: seconds" "$gen_sqlite" "$gen_pg" "" inverse
prow "  cases/s" "$(awk -v s="$gen_sqlite" -v n="$pg_cases" 'BEGIN { if (s > 0) printf "%.0f", n / s }')" \
    "$(awk -v s="$gen_pg" -v n="$pg_cases" 'BEGIN { if (s > 0) printf "%.0f", n / s }')" ""
prow "  then ANALYZE / VACUUM ANALYZE: seconds" "$an_sqlite" "$an_pg" "" inverse
printf '%-44s %10s %10s\n' "  database size, MiB" "$sqlite_mib" "$pg_mib"
for l in "reviewer01 /api/v1/cases?queue=work" "reviewer01 /api/v1/cases" \
         "window01 /api/v1/cases?queue=work" "window01 /api/v1/cases" "zhangsan /api/v1/cases"; do
    u=${l% *}; p=${l#* }
    prow "$u GET ${p#/api/v1} p50 ms" "$(lfield "$work/lists-l-sqlite" "$u" "$p" p50_ms)" \
        "$(lfield "$work/lists-l-pg1" "$u" "$p" p50_ms)" "$(lfield "$work/lists-l-pg2" "$u" "$p" p50_ms)" inverse
    prow "  p99 ms" "$(lfield "$work/lists-l-sqlite" "$u" "$p" p99_ms)" \
        "$(lfield "$work/lists-l-pg1" "$u" "$p" p99_ms)" "$(lfield "$work/lists-l-pg2" "$u" "$p" p99_ms)" inverse
    prow "  lists/s" "$(lfield "$work/lists-l-sqlite" "$u" "$p" per_s)" \
        "$(lfield "$work/lists-l-pg1" "$u" "$p" per_s)" "$(lfield "$work/lists-l-pg2" "$u" "$p" per_s)"
done
echo "(ratios: PostgreSQL's figure against SQLite's, above 1 = better: throughput divided, times inverted;"
echo " 2 servers: clients split between them, lists one client per server at once)"
./scripts/pg-cluster.sh stop "$pgdir"; pgdir=""
fi
echo
fi
exit $status
