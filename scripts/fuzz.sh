#!/bin/sh
# Runs every libFuzzer harness in BUILD_DIR (default build-fuzz) for
# FUZZ_SECONDS (default 20) each, starting from the committed corpus in
# tests/fuzz/corpus/<name>/. New inputs go to a scratch directory, so the
# committed corpus only changes by hand. Exits non-zero on any crash.
set -eu
build=${1:-build-fuzz}
secs=${FUZZ_SECONDS:-20}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
for f in "$build"/fuzz_*; do
    [ -x "$f" ] || continue
    name=$(basename "$f" | sed 's/^fuzz_//')
    mkdir -p "$scratch/$name"
    echo "fuzz: $name for ${secs}s"
    if ! "$f" -max_total_time="$secs" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$scratch/" -print_final_stats=1 \
        "$scratch/$name" "tests/fuzz/corpus/$name" 2>"$scratch/$name.log"; then
        echo "fuzz: $name FAILED" >&2
        tail -n 40 "$scratch/$name.log" >&2
        status=1
    else
        grep -E '^stat::number_of_executed_units|^Done' "$scratch/$name.log" || true
    fi
done
exit $status
