#!/bin/sh
# Browser tests: start a throw-away tongban on a free port, run every
# tests/e2e/*.test.mjs against it in Debian's chromium, stop it. The data
# directory is made with `tongban init --demo`, so the demo accounts of
# data/demo/README.md exist (the account tests log in as them).
#
#   scripts/test-web.sh                 uses build/tongban-test when it exists
#                                       (the test clock and sweep routes the
#                                       deadline tests need), else build/tongban
#   TB_BIN=build-x/tongban-test scripts/test-web.sh
#   TB_SERVE_CMD='python3 /tmp/stub.py web' scripts/test-web.sh
#                                       any command that serves web/ and prints
#                                       the same "listening" line (development
#                                       stand-in; $TB_DATA is its data dir)
#
# The server prints exactly one line "tongban: listening on http://HOST:PORT/"
# on stdout when it is ready; we wait for it (TB_START_TIMEOUT_S, default 20),
# export TB_BASE_URL and run each test file with node. npm dependencies are
# installed from the committed lock file when missing; no browser is ever
# downloaded (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD). Exit status: 0 only if the
# server started and every test file passed.
set -eu

cd "$(dirname "$0")/.."
ROOT=$(pwd)
E2E="$ROOT/tests/e2e"
if [ -z "${TB_BIN:-}" ] && [ -x build/tongban-test ]; then
    BIN=build/tongban-test
else
    BIN=${TB_BIN:-build/tongban}
fi
START_TIMEOUT_S=${TB_START_TIMEOUT_S:-20}

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "test-web: node and npm are needed (scripts/install-deps.sh installs them)" >&2
    exit 1
fi
if [ ! -x "${TB_CHROMIUM:-/usr/bin/chromium}" ]; then
    echo "test-web: ${TB_CHROMIUM:-/usr/bin/chromium} not found (scripts/install-deps.sh installs chromium)" >&2
    exit 1
fi

# ------------------------------------------------------------ npm deps
if [ ! -f "$E2E/node_modules/playwright-core/package.json" ] ||
   [ ! -f "$E2E/node_modules/axe-core/axe.min.js" ] ||
   [ "$E2E/package-lock.json" -nt "$E2E/node_modules/.package-lock.json" ]; then
    echo "test-web: installing tests/e2e npm packages"
    (cd "$E2E" && npm ci --no-audit --no-fund --loglevel=error)
fi

# ------------------------------------------------------------ server
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tongban-web.XXXXXX")
pid=""
cleanup() {
    status=$?
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        # give it a moment to stop cleanly, then insist
        i=0
        while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
            sleep 0.1
            i=$((i + 1))
        done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

data="$tmp/data"
mkdir -p "$data"
export TB_DATA="$data"

if [ -n "${TB_SERVE_CMD:-}" ]; then
    sh -c "exec $TB_SERVE_CMD" >"$tmp/stdout" 2>"$tmp/stderr" &
    pid=$!
else
    if [ ! -x "$BIN" ]; then
        echo "test-web: $BIN not found; build first (make build) or set TB_BIN" >&2
        exit 1
    fi
    if ! "$BIN" init --data "$data" --demo >"$tmp/init.log" 2>&1; then
        echo "test-web: '$BIN init' failed:" >&2
        cat "$tmp/init.log" >&2
        exit 1
    fi
    "$BIN" serve --data "$data" --listen 127.0.0.1:0 --web web >"$tmp/stdout" 2>"$tmp/stderr" &
    pid=$!
fi

server_failed() {
    echo "test-web: $1" >&2
    echo "--- server stdout" >&2
    cat "$tmp/stdout" >&2 || true
    echo "--- server stderr (last 40 lines)" >&2
    tail -n 40 "$tmp/stderr" >&2 || true
    exit 1
}

url=""
deadline=$(($(date +%s) + START_TIMEOUT_S))
while [ -z "$url" ]; do
    url=$(sed -n 's|^tongban: listening on \(http://[^ ]*/\)$|\1|p' "$tmp/stdout" | head -n 1)
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || server_failed "server exited before it was ready"
    [ "$(date +%s)" -lt "$deadline" ] || server_failed "server not ready after ${START_TIMEOUT_S}s"
    sleep 0.1
done
export TB_BASE_URL="$url"
echo "test-web: server at $TB_BASE_URL (pid $pid)"

# ------------------------------------------------------------ tests
rm -rf "$E2E/out"
mkdir -p "$E2E/out"
failed=0
passed=0
for f in "$E2E"/*.test.mjs; do
    [ -e "$f" ] || continue
    name=${f#"$ROOT/"}
    echo "test-web: $name"
    if node --test-reporter=spec "$f"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "test-web: FAILED $name" >&2
    fi
done
kill -0 "$pid" 2>/dev/null || server_failed "server died during the tests"

echo "test-web: screenshots in tests/e2e/out/; test files:"
echo "web: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
