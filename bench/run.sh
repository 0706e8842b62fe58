#!/bin/sh
# Benchmarks (not tests): each figure is printed beside a baseline measured
# in the same run on the same machine.
#   1. HTTP: tongban GET /healthz versus nginx serving a static file of the
#      same size, with wrk (keep-alive, 64 connections, 2 threads).
#   2. Durable writes: db_write with group commit versus one commit per write
#      (bench_dbwrite, 32 writer threads).
#   3. Catalogue search at 10,000 items: trigram index and short-word path
#      versus a LIKE scan with the same contract (bench_search).
# Usage: bench/run.sh [SECONDS]   (default 10 per HTTP run)
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
"./$build/tongban" serve --data "$work/data" --listen 127.0.0.1:0 --set access_log=false \
    >"$work/serve.out" 2>"$work/serve.err" &
srv_pid=$!
i=0
until grep -q 'listening on' "$work/serve.out" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 100 ] && { echo "tongban did not start"; cat "$work/serve.err"; exit 1; }
    sleep 0.1
done
url=$(sed -n 's/^tongban: listening on //p' "$work/serve.out")
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
kill "$srv_pid"; wait "$srv_pid" 2>/dev/null || true; srv_pid=""
kill "$ngx_pid"; wait "$ngx_pid" 2>/dev/null || true; ngx_pid=""

echo
echo "== Durable writes: group commit vs one commit per write"
"./$build/bench_dbwrite" -d "$work/dbwrite"

echo
echo "== Catalogue search at 10,000 items: tongban vs a LIKE scan"
"./$build/bench_search" -n 10000 -d "$work/search" 2>/dev/null
