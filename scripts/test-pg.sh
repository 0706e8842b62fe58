#!/bin/sh
# The PostgreSQL half of `make test`: starts a private cluster
# (scripts/pg-cluster.sh: initdb in a temporary directory, a free port,
# durable settings), then runs against it
#   - the db layer's PostgreSQL tests (tests/unit/test_db_pg.c),
#   - the whole API suite (every tests/api test; each server gets a
#     database of its own, see tests/api/support/harness.h),
#   - the scale-out test: two servers on one database, one killed mid-load
#     (scripts/test-scaleout.sh),
# and stops the cluster whatever happened.
#
#   BUILD=build scripts/test-pg.sh
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
JOBS=${JOBS:-2}

dir=$(mktemp -d /tmp/tongban-pg.XXXXXX)
chmod 755 "$dir"
trap './scripts/pg-cluster.sh stop "$dir"' EXIT INT TERM
url=$(./scripts/pg-cluster.sh start "$dir")
echo "test-pg: PostgreSQL at $url"

TB_TEST_PG=$url "$BUILD/test_db_pg"
(cd "$BUILD" && TB_TEST_PG=$url ctest --output-on-failure -j "$JOBS" -L api)
if [ -x scripts/test-scaleout.sh ]; then
    TB_TEST_PG=$url TB_BIN=${TB_BIN:-$BUILD/tongban} ./scripts/test-scaleout.sh
fi
echo "test-pg: all passed on PostgreSQL"
