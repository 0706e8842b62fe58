#!/bin/sh
# Crash test, short version for `make test` (bench/run.sh section 7 runs the
# long one): 32 clients submit and act on cases with idempotency keys while
# the server is killed with SIGKILL 12 times at random moments (50-400 ms
# apart) and restarted on the same data; afterwards every acknowledged write
# must be there exactly once and the audit chain must verify
# (bench/crash.mjs, docs/benchmarks.md "Crash test").
#
#   scripts/test-crash.sh                      uses build/tongban
#   TB_BIN=build-x/tongban CRASH_KILLS=30 scripts/test-crash.sh
#
# Exit status: 0 only when nothing acknowledged was lost or duplicated and
# `tongban audit verify` passed.
set -eu

cd "$(dirname "$0")/.."
BIN=${TB_BIN:-build/tongban}
KILLS=${CRASH_KILLS:-12}

if ! command -v node >/dev/null 2>&1; then
    echo "test-crash: node is needed (scripts/install-deps.sh installs it)" >&2
    exit 1
fi
if [ ! -x "$BIN" ]; then
    echo "test-crash: $BIN not found; build first (make build) or set TB_BIN" >&2
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tongban-crash.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! "$BIN" init --demo --data "$tmp/data" >"$tmp/init.log" 2>&1; then
    cat "$tmp/init.log" >&2
    echo "test-crash: '$BIN init --demo' failed" >&2
    exit 1
fi
if ! node bench/crash.mjs --bin "$BIN" --data "$tmp/data" --kills "$KILLS" --clients 32 \
    --log "$tmp/serve.log"; then
    echo "test-crash: FAILED (server log, last lines:)" >&2
    tail -n 20 "$tmp/serve.log" >&2
    exit 1
fi
echo "test-crash: ok"
