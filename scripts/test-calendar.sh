#!/bin/sh
# Calendar cross-check: dump every day of data/calendar/cn.csv as tongban sees it
# and compare it, day by day, with the npm package chinese-days
# (tests/calendar-check/check.mjs; the package version is pinned there).
#
#   scripts/test-calendar.sh                 uses build/tongban
#   TB_BIN=build-x/tongban scripts/test-calendar.sh
#
# npm dependencies are installed from the committed lock file (npm ci) when
# node_modules is missing or does not match package-lock.json. Exit status:
# 0 only if the dump succeeded and no day disagrees.
set -eu

cd "$(dirname "$0")/.."
CHECK="tests/calendar-check"
BIN=${TB_BIN:-build/tongban}
FROM=2018-01-01
TO=2026-12-31

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "test-calendar: node and npm are needed (scripts/install-deps.sh installs them)" >&2
    exit 1
fi
if [ ! -x "$BIN" ]; then
    echo "test-calendar: $BIN not found; build first (make build) or set TB_BIN" >&2
    exit 1
fi

# ------------------------------------------------------------ npm deps
# Stale: a package in the lock file is missing from node_modules or at another
# version (npm ci records what it installed in node_modules/.package-lock.json).
deps_current() {
    node -e '
        const fs = require("fs");
        const want = JSON.parse(fs.readFileSync("package-lock.json", "utf8")).packages;
        const have = JSON.parse(fs.readFileSync("node_modules/.package-lock.json", "utf8")).packages;
        for (const [p, v] of Object.entries(want)) {
            if (p !== "" && (!have[p] || have[p].version !== v.version)) process.exit(1);
        }' 2>/dev/null
}
if ! (cd "$CHECK" && deps_current); then
    echo "test-calendar: installing $CHECK npm packages"
    (cd "$CHECK" && npm ci --no-audit --no-fund --loglevel=error)
fi

# ------------------------------------------------------------ dump and compare
tmp=$(mktemp "${TMPDIR:-/tmp}/tongban-calendar.XXXXXX")
trap 'rm -f "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! "$BIN" calendar dump --from "$FROM" --to "$TO" >"$tmp"; then
    echo "test-calendar: '$BIN calendar dump --from $FROM --to $TO' failed" >&2
    exit 1
fi
node "$CHECK/check.mjs" "$tmp"
