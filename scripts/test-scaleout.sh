#!/bin/sh
# Scale-out test (part of `make test` through scripts/test-pg.sh): two
# `tongban serve` processes on one PostgreSQL database, 32 clients spread
# over both, the server running the periodic jobs killed with SIGKILL at a
# random moment mid-load; the clients of the dead one go on against the
# survivor. Then no acknowledged write may be lost or doubled, no case
# number may appear twice, the survivor must run the jobs (leader, rounds,
# message copies sent), a file uploaded through one server must download
# through the other (shared uploads_dir), and `tongban audit verify` must
# pass (bench/scaleout.mjs, bench/caseload.mjs).
#
#   TB_TEST_PG=postgresql://tongban@127.0.0.1:PORT scripts/test-scaleout.sh
#   TB_TEST_PG=... TB_BIN=build-x/tongban SCALEOUT_RUNS=5 scripts/test-scaleout.sh
#
# TB_TEST_PG is a cluster's base URL (scripts/pg-cluster.sh start prints
# one); a fresh database is made on it for each run and dropped afterwards.
# SCALEOUT_RUNS (default 1) repeats the whole test. Takes about 20 s a run.
# Exit status: 0 only when every check of every run passed.
set -eu

cd "$(dirname "$0")/.."
BIN=${TB_BIN:-build/tongban}
RUNS=${SCALEOUT_RUNS:-1}

if [ -z "${TB_TEST_PG:-}" ]; then
    echo "test-scaleout: set TB_TEST_PG to a PostgreSQL base URL (scripts/pg-cluster.sh start DIR prints one)" >&2
    exit 1
fi
for tool in node psql; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "test-scaleout: $tool is needed (scripts/install-deps.sh installs it)" >&2
        exit 1
    fi
done
if [ ! -x "$BIN" ]; then
    echo "test-scaleout: $BIN not found; build first (make build) or set TB_BIN" >&2
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tongban-scaleout.XXXXXX")
db=""
# Clean-up: the servers bench/scaleout.mjs started (it kills them itself;
# these are only left if it was killed), the database, the directory.
cleanup() {
    if [ -f "$tmp/pids" ]; then
        while read -r pid; do
            if grep -q tongban "/proc/$pid/cmdline" 2>/dev/null; then
                kill -KILL "$pid" 2>/dev/null || true
            fi
        done <"$tmp/pids"
    fi
    if [ -n "$db" ]; then
        psql "$TB_TEST_PG/postgres" -Xqc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 ||
            echo "test-scaleout: could not drop the database $db" >&2
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

run=1
while [ "$run" -le "$RUNS" ]; do
    db=tb_scaleout_$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')
    rm -rf "$tmp/a" "$tmp/b" "$tmp/uploads" "$tmp/pids" "$tmp"/server*.log
    if ! psql "$TB_TEST_PG/postgres" -Xqc "CREATE DATABASE $db" >"$tmp/psql.log" 2>&1; then
        cat "$tmp/psql.log" >&2
        echo "test-scaleout: cannot create a database on $TB_TEST_PG" >&2
        exit 1
    fi
    url=$TB_TEST_PG/$db
    if ! TONGBAN_DATABASE=$url "$BIN" init --demo --data "$tmp/a" >"$tmp/init.log" 2>&1; then
        tail -n 30 "$tmp/init.log" >&2
        echo "test-scaleout: '$BIN init --demo' on PostgreSQL failed" >&2
        exit 1
    fi
    # the second server: the same keys, nothing else of the first's directory
    mkdir -m 0700 "$tmp/b"
    cp -a "$tmp/a/keys" "$tmp/b/keys"
    mkdir -m 0700 "$tmp/uploads"
    if ! node bench/scaleout.mjs --bin "$BIN" --database "$url" --data "$tmp/a" --data2 "$tmp/b" \
        --uploads "$tmp/uploads" --clients 32 --log-dir "$tmp"; then
        for n in 1 2; do
            echo "test-scaleout: FAILED (server $n's log, last lines:)" >&2
            tail -n 15 "$tmp/server$n.log" >&2
        done
        exit 1
    fi
    psql "$TB_TEST_PG/postgres" -Xqc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
    db=""
    run=$((run + 1))
done
echo "test-scaleout: ok"
