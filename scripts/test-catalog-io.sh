#!/bin/sh
# tongban catalog import/export, end to end on real data directories:
#   1. round trip: the demo catalogue exported, imported into a new demo
#      data directory, exported again gives the same bytes;
#   2. a file with faults in several items is refused as a whole: exit 1,
#      every fault listed with its item and field, nothing written;
#   3. an edited item imports as a new published version, the rest unchanged.
#
#   scripts/test-catalog-io.sh          uses build/tongban (TB_BIN to change)
set -eu

cd "$(dirname "$0")/.."
BIN=${TB_BIN:-build/tongban}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "test-catalog-io: FAIL: $*" >&2; exit 1; }
run() { "$BIN" "$@" 2>>"$work/log"; }

run init --demo --data "$work/a" >/dev/null
run catalog export "$work/a.json" --data "$work/a"
run init --demo --data "$work/b" >/dev/null
run catalog import "$work/a.json" --data "$work/b" >"$work/import.out"
grep -q "81 items (0 new versions)" "$work/import.out" || fail "unexpected import summary: $(cat "$work/import.out")"
run catalog export "$work/b.json" --data "$work/b"
cmp -s "$work/a.json" "$work/b.json" || fail "export -> import -> export differs"
echo "ok 1 round trip: $(wc -c <"$work/a.json") bytes identical"

# Three faults in two items and one in the lists, all reported in one run.
node -e '
const fs = require("fs");
const c = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
c.items[0].materials[0].name = "其他材料";
c.items[0].promised_limit_days = c.items[0].legal_limit_days + 1;
c.items[5].org = "NO-SUCH-ORG";
c.proofs[0].name = "";
c.items[7].name = "不应写入的新名称";
fs.writeFileSync(process.argv[2], JSON.stringify(c));
' "$work/a.json" "$work/bad.json"
if "$BIN" catalog import "$work/bad.json" --data "$work/b" >/dev/null 2>"$work/bad.err"; then
    fail "a faulty file was accepted"
fi
for want in "proofs[0].name" "items[0].materials[0].name: catch_all_material" \
    "items[0].promised_limit_days: promised_over_legal" "items[5].org: unknown_org"; do
    grep -qF "$want" "$work/bad.err" || fail "fault $want not reported: $(cat "$work/bad.err")"
done
run catalog export "$work/b2.json" --data "$work/b"
cmp -s "$work/a.json" "$work/b2.json" || fail "a refused import changed the database"
echo "ok 2 faulty file refused, every fault reported, nothing written"

node -e '
const fs = require("fs");
const c = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
c.items[7].notes = "窗口办理时间调整为工作日 9:00-17:00";
fs.writeFileSync(process.argv[2], JSON.stringify(c));
' "$work/a.json" "$work/edit.json"
run catalog import "$work/edit.json" --data "$work/b" >"$work/import2.out"
grep -q "81 items (1 new versions)" "$work/import2.out" || fail "edit: $(cat "$work/import2.out")"
run catalog export "$work/b3.json" --data "$work/b"
grep -qF "窗口办理时间调整为工作日" "$work/b3.json" || fail "edited note not exported"
echo "ok 3 an edited item becomes a new published version"
