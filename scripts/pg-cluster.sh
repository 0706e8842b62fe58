#!/bin/sh
# A private PostgreSQL cluster for tests and benchmarks: initdb in a
# directory of its own, listening on 127.0.0.1 at a free port, trust
# authentication for local TCP only, durable settings (fsync and
# synchronous_commit on). Never touches the system's clusters.
#
#   scripts/pg-cluster.sh start DIR   prints the cluster's base URL
#                                     (postgresql://tongban@127.0.0.1:PORT)
#   scripts/pg-cluster.sh url DIR     prints it again
#   scripts/pg-cluster.sh stop DIR    stops the cluster and removes DIR
#
# PostgreSQL refuses to run as root: as root the cluster belongs to the
# "postgres" user (created by Debian's package).
set -eu

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|url|stop DIR" >&2; exit 2; }

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "pg-cluster: PostgreSQL server not installed (scripts/install-deps.sh)" >&2; exit 1; }

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# A port nothing listens on: random in 20000-59999, checked against the
# listening sockets (pg_ctl start is retried with another if it still loses).
pick_port() {
    while :; do
        p=$(( $(od -An -N2 -tu2 /dev/urandom) % 40000 + 20000 ))
        if ! grep -qi ":$(printf '%04X' "$p") " /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
            echo "$p"
            return
        fi
    done
}

case "$cmd" in
start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    as_owner "$bindir/initdb" -D "$dir/data" -U tongban -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 200
shared_buffers = 256MB
fsync = on
synchronous_commit = on
full_page_writes = on
include_if_exists = 'port.conf'
CONF
    tries=0
    while :; do
        port=$(pick_port)
        echo "port = $port" >"$dir/data/port.conf"
        [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/data/port.conf"
        if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null; then
            break
        fi
        tries=$((tries + 1))
        if [ "$tries" -ge 5 ]; then
            cat "$dir/server.log" >&2
            exit 1
        fi
    done
    echo "postgresql://tongban@127.0.0.1:$port" >"$dir/url"
    cat "$dir/url"
    ;;
url)
    cat "$dir/url"
    ;;
stop)
    if [ -d "$dir/data" ]; then
        as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|url|stop DIR" >&2
    exit 2
    ;;
esac
