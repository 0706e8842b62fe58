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
# Sections 4 and 5 need node; bench/peers/ is installed with `npm ci` from its
# committed lock file when missing.
# Usage: bench/run.sh [SECONDS]   (default 10 per HTTP and case run)
set -eu
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${BENCH_CONNS:-64}
build=${BUILD:-build}
cmake --build "$build" -j "$(nproc)" --target tongban bench_dbwrite bench_search >/dev/null

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
# background; sets srv_pid and url (with the trailing slash).
start_tongban() {
    d=$1; shift
    "./$build/tongban" serve --data "$d" --listen 127.0.0.1:0 --set access_log=false "$@" \
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
    kill "$srv_pid"; wait "$srv_pid" 2>/dev/null || true; srv_pid=""
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
echo "== Durable writes: group commit vs one commit per write"
"./$build/bench_dbwrite" -d "$work/dbwrite"

echo
echo "== Catalogue search at 10,000 items: tongban vs a LIKE scan"
"./$build/bench_search" -n 10000 -d "$work/search" 2>/dev/null

echo
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "== Case benchmarks skipped: node and npm are needed (scripts/install-deps.sh installs them)"
    exit 0
fi
peers=bench/peers
if [ ! -f "$peers/node_modules/bpmn-engine/package.json" ] ||
   [ "$peers/package-lock.json" -nt "$peers/node_modules/.package-lock.json" ]; then
    (cd "$peers" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
# One demo data directory (accounts, catalogue); every server gets a fresh copy.
"./$build/tongban" init --demo --data "$work/demo" >/dev/null 2>&1
fresh() { rm -rf "$work/$1"; cp -a "$work/demo" "$work/$1"; echo "$work/$1"; }
warm=2

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
