#!/bin/sh
# pg.sh - a private PostgreSQL server for the tests.
#
#   tests/pg.sh start DIR   initdb into DIR/data, start on 127.0.0.1 at a free
#                           port with the socket in DIR, create database
#                           "tandem", print its URL (also written to DIR/url)
#   tests/pg.sh stop DIR    stop it (fast shutdown)
#
# initdb and postgres refuse to run as root: as root the server runs as the
# unprivileged user "tandemtest" (created once with useradd); otherwise as
# the current user. Authentication is "trust" and the server listens on the
# loopback interface only. Debian's binaries are used (PGBIN overrides).
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGUSER_NAME=tandemtest

die() {
    echo "pg.sh: $*" >&2
    exit 1
}

usage() {
    die "usage: tests/pg.sh start|stop DIR"
}

[ $# -eq 2 ] || usage
cmd=$1
dir=$2

# Runs a command as the server's user.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$PGUSER_NAME" -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

start() {
    [ -x "$PGBIN/initdb" ] || die "no PostgreSQL binaries in $PGBIN (install package postgresql)"
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    # the server's user may not be able to enter the caller's folder
    cd /
    # the socket path must fit in sun_path (107 bytes)
    [ ${#dir} -le 80 ] || die "DIR is too long for a socket path: $dir"
    [ ! -e "$dir/data/postmaster.pid" ] || die "a server already runs in $dir (tests/pg.sh stop $dir)"

    if [ "$(id -u)" -eq 0 ]; then
        id "$PGUSER_NAME" >/dev/null 2>&1 ||
            useradd --system --no-create-home --shell /usr/sbin/nologin "$PGUSER_NAME" ||
            id "$PGUSER_NAME" >/dev/null 2>&1 || die "cannot create user $PGUSER_NAME"
        chown "$PGUSER_NAME" "$dir"
        # the user must be able to reach DIR through its parents
        p=$(dirname "$dir")
        while [ "$p" != / ]; do
            as_pg test -x "$p" || chmod o+x "$p"
            p=$(dirname "$p")
        done
    fi
    chmod 700 "$dir"

    rm -rf "$dir/data"
    as_pg "$PGBIN/initdb" -D "$dir/data" -U "$PGUSER_NAME" --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; die "initdb failed"; }

    tries=0
    while :; do
        port=$(free_port)
        if as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
            start >/dev/null 2>&1; then
            break
        fi
        tries=$((tries + 1))
        # another process may have taken the port in between: try another
        [ $tries -lt 5 ] || { tail -n 20 "$dir/server.log" >&2; die "server did not start"; }
    done

    i=0
    until "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$port"; do
        i=$((i + 1))
        [ $i -lt 100 ] || die "server not ready on port $port"
        sleep 0.1
    done

    as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U "$PGUSER_NAME" tandem ||
        die "createdb failed"

    url="postgresql://$PGUSER_NAME@127.0.0.1:$port/tandem"
    echo "$url" >"$dir/url"
    echo "$url"
}

stop() {
    dir=$(cd "$dir" 2>/dev/null && pwd) || die "no such folder: $2"
    cd /
    [ -d "$dir/data" ] || die "no server data in $dir"
    if [ -e "$dir/data/postmaster.pid" ]; then
        as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null
    fi
}

case $cmd in
start) start ;;
stop) stop ;;
*) usage ;;
esac
