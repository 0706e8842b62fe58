#!/bin/sh
# The backup and restore drill of docs/operations.md, end to end on real
# data directories:
#   1. a demo installation is served; an applicant uploads a material and
#      submits cases, a window accepts one (all over HTTP, acknowledged);
#   2. `tongban backup` copies the database while the server runs and
#      more cases are being submitted; then keys/ and uploads/ are copied
#      (uploads after the database, as the docs say); one more case is
#      submitted after the backup;
#   3. the server stops and the original data directory is deleted (the
#      disaster); a fresh directory is made from the backup set alone:
#      keys/, the backup as tongban.db, uploads/;
#   4. `tongban audit verify` passes on it; served, every case acknowledged
#      before the backup is there in the state it had, the uploaded file
#      downloads byte for byte, and the case submitted after the backup is
#      not (the restore really is the backup's moment).
#
#   scripts/test-backup.sh          uses build/tongban (TB_BIN to change)
#
# Needs curl and node (JSON); exit status 0 only when every check passed.
set -eu

cd "$(dirname "$0")/.."
BIN=${TB_BIN:-build/tongban}
ITEM=11500100MB01000285010130001000 # 企业设立登记 (data/demo/applications.json)
PASSWORD=Demo-Pass-2026
CASES_BEFORE=3       # submitted and acknowledged before the backup
CASES_DURING=10      # submitted while the backup runs (in the copy or not)
START_TIMEOUT_S=30

for tool in curl node; do
    command -v $tool >/dev/null 2>&1 || { echo "test-backup: $tool is needed" >&2; exit 1; }
done
if [ ! -x "$BIN" ]; then
    echo "test-backup: $BIN not found; build first (make build) or set TB_BIN" >&2
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tongban-backup.XXXXXX")
server_pid=""
during_pid=""
cleanup() {
    if [ -n "$during_pid" ]; then kill "$during_pid" 2>/dev/null || true; fi
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
    echo "test-backup: FAIL: $*" >&2
    [ -f "$work/serve.log" ] && tail -n 10 "$work/serve.log" >&2
    exit 1
}

# ---- helpers ----------------------------------------------------------------

# json EXPR: evaluates EXPR with v bound to the JSON on standard input.
json() {
    node -e 'const v = JSON.parse(require("fs").readFileSync(0, "utf8"));
             const r = eval(process.argv[1]); process.stdout.write(String(r));' "$1"
}

# serve DIR: starts the server on a free port; sets server_pid and URL.
serve() {
    : >"$work/serve.out"
    "$BIN" serve --data "$1" --listen 127.0.0.1:0 --set access_log=false \
        >"$work/serve.out" 2>>"$work/serve.log" &
    server_pid=$!
    i=0
    while ! grep -q "listening on" "$work/serve.out"; do
        kill -0 "$server_pid" 2>/dev/null || fail "the server on $1 exited at start"
        i=$((i + 1))
        [ $i -le $((START_TIMEOUT_S * 10)) ] || fail "the server on $1 did not start"
        sleep 0.1
    done
    URL=$(sed -n 's/^tongban: listening on \(http[^ ]*\)\/$/\1/p' "$work/serve.out")
}

stop() {
    kill -TERM "$server_pid"
    wait "$server_pid" || fail "the server did not stop cleanly"
    server_pid=""
}

# call USER METHOD PATH [curl args...]: one request as USER (logged in by
# login USER); the body goes to $work/body, the status to standard output.
call() {
    user=$1 method=$2 path=$3
    shift 3
    curl -sS -o "$work/body" -w '%{http_code}' -X "$method" -b "$work/$user.jar" \
        -H "X-CSRF-Token: $(cat "$work/$user.csrf")" "$@" "$URL$path"
}

login() {
    code=$(curl -sS -o "$work/body" -w '%{http_code}' -c "$work/$1.jar" \
        -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"$PASSWORD\"}" "$URL/api/v1/sessions")
    [ "$code" = 200 ] || fail "login $1: HTTP $code $(cat "$work/body")"
    json 'v.csrf_token' <"$work/body" >"$work/$1.csrf"
}

# submit KEY: submits the demo application with Idempotency-Key KEY; prints the case id.
submit() {
    code=$(call hengxin POST /api/v1/cases -H 'Content-Type: application/json' \
        -H "Idempotency-Key: $1" --data-binary "@$work/application.json")
    [ "$code" = 201 ] || fail "submit $1: HTTP $code $(cat "$work/body")"
    json 'v.id' <"$work/body"
}

# ---- 1. an installation with writes -----------------------------------------

"$BIN" init --demo --data "$work/d" >/dev/null 2>"$work/init.log" ||
    { cat "$work/init.log" >&2; fail "init --demo"; }
serve "$work/d"
login hengxin
login window01

code=$(call hengxin POST /api/v1/uploads -H 'Content-Type: application/octet-stream' \
    -H 'X-File-Name: sample.pdf' --data-binary @data/demo/files/sample.pdf)
[ "$code" = 201 ] || [ "$code" = 200 ] || fail "upload: HTTP $code $(cat "$work/body")"
upload=$(json 'v.id' <"$work/body")

node -e '
const fs = require("fs");
const apps = JSON.parse(fs.readFileSync("data/demo/applications.json", "utf8")).applications;
const a = apps.find((x) => x.impl_code === process.argv[1]);
fs.writeFileSync(process.argv[3], JSON.stringify({
    item: a.impl_code, values: a.values, submit: true, channel: "online",
    materials: a.materials.map((m) => ({ index: m.index, upload: process.argv[2] })),
}));' "$ITEM" "$upload" "$work/application.json"

: >"$work/acked"
n=1
while [ $n -le $CASES_BEFORE ]; do
    submit "before-$n" >>"$work/acked"
    echo >>"$work/acked"
    n=$((n + 1))
done
accepted=$(head -n 1 "$work/acked")
code=$(call window01 GET "/api/v1/cases/$accepted")
[ "$code" = 200 ] || fail "window reads case $accepted: HTTP $code"
etag=$(curl -sS -D - -o /dev/null -b "$work/window01.jar" "$URL/api/v1/cases/$accepted" |
    tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
code=$(call window01 POST "/api/v1/cases/$accepted/transitions" -H 'Content-Type: application/json' \
    -H "If-Match: $etag" -d '{"action":"accept"}')
[ "$code" = 200 ] || fail "accept case $accepted: HTTP $code $(cat "$work/body")"
echo "ok 1 served; $CASES_BEFORE cases submitted, case $accepted accepted, one upload"

# ---- 2. backup while the server runs and writes go on -------------------------

(
    n=1
    while [ $n -le $CASES_DURING ]; do
        submit "during-$n" >/dev/null
        n=$((n + 1))
    done
) &
during_pid=$!
set=$work/backup-set
mkdir -m 0700 "$set"
"$BIN" backup --data "$work/d" "$set/tongban.db" >"$work/backup.out" 2>>"$work/backup.err" ||
    { cat "$work/backup.err" >&2; fail "tongban backup"; }
grep -q "integrity ok" "$work/backup.out" || fail "backup summary: $(cat "$work/backup.out")"
grep -q "reminder:.*keys" "$work/backup.out" || fail "no keys reminder: $(cat "$work/backup.out")"
if "$BIN" backup --data "$work/d" "$set/tongban.db" >/dev/null 2>"$work/again.err"; then
    fail "a second backup over the first was not refused"
fi
grep -q "exists; refusing to overwrite" "$work/again.err" || fail "refusal: $(cat "$work/again.err")"
cp -a "$work/d/keys" "$set/keys"
cp -a "$work/d/uploads" "$set/uploads" # after the database: every file it names is there
wait "$during_pid" || fail "submissions during the backup failed"
during_pid=""
after=$(submit after-backup)
stop
echo "ok 2 $(head -n 1 "$work/backup.out" | sed 's/^tongban backup: [^:]*: //')"

# ---- 3. the disaster, and the restore from the backup set alone ---------------

rm -rf "$work/d"
mkdir -m 0700 "$work/d2"
cp -a "$set/keys" "$work/d2/keys"
cp "$set/tongban.db" "$work/d2/tongban.db"
cp -a "$set/uploads" "$work/d2/uploads"
"$BIN" audit verify --data "$work/d2" >"$work/verify.out" 2>&1 ||
    { cat "$work/verify.out" >&2; fail "audit verify on the restored directory"; }
echo "ok 3 restored into a fresh directory; audit verify: $(tail -n 1 "$work/verify.out")"

# ---- 4. the restored installation has the writes ------------------------------

serve "$work/d2"
login hengxin
login window01
while read -r id; do
    [ -n "$id" ] || continue
    code=$(call hengxin GET "/api/v1/cases/$id")
    [ "$code" = 200 ] || fail "case $id acknowledged before the backup: HTTP $code"
done <"$work/acked"
code=$(call hengxin GET "/api/v1/cases/$accepted")
state=$(json 'v.state' <"$work/body")
[ "$state" = accepted ] || fail "case $accepted is $state, not accepted"
code=$(call hengxin GET "/api/v1/cases/$after")
[ "$code" = 404 ] || fail "case $after submitted after the backup: HTTP $code (expected 404)"
code=$(call hengxin GET "/api/v1/uploads/$upload")
[ "$code" = 200 ] || fail "upload $upload: HTTP $code"
cmp -s "$work/body" data/demo/files/sample.pdf || fail "upload $upload differs after restore"
stop
"$BIN" audit verify --data "$work/d2" >"$work/verify.out" 2>&1 ||
    { cat "$work/verify.out" >&2; fail "audit verify after serving the restored directory"; }
echo "ok 4 served from the restore: $CASES_BEFORE cases (one accepted) and the upload are there," \
    "the case after the backup is not; audit verify passes"
echo "test-backup: ok"
