#!/usr/bin/env bash
# A private PostgreSQL server for the test suite: socket-only (no TCP port at all), in a folder of
# its own, run as the `postgres` system user (initdb refuses root).
#
#   tools/postgres_for_tests.sh start   # install postgresql if absent (apt), start, print the URL
#   tools/postgres_for_tests.sh url     # print the URL of the running server
#   tools/postgres_for_tests.sh stop    # stop it and delete its folder
#
# The URL is for SCHOLARDESK_TEST_DATABASE_URL (tests/conftest.py), e.g.
#   SCHOLARDESK_TEST_DATABASE_URL=$(tools/postgres_for_tests.sh start) make test-postgres
# Folder: $SCHOLARDESK_PG_DIR (default /tmp/scholardesk-pg-tests). Messages go to stderr.
set -euo pipefail

DIR="${SCHOLARDESK_PG_DIR:-/tmp/scholardesk-pg-tests}"
DATA="$DIR/data"
PGUSER_NAME=postgres

say() { echo "postgres_for_tests: $*" >&2; }

pg_bindir() {
    local bin
    for bin in /usr/lib/postgresql/*/bin; do
        [ -x "$bin/initdb" ] && { echo "$bin"; }
    done | sort -V | tail -n 1
}

as_pg() {
    if [ "$(id -un)" = "$PGUSER_NAME" ]; then
        bash -c "$1"
    elif [ "$(id -u)" = 0 ]; then
        su "$PGUSER_NAME" -s /bin/bash -c "$1"
    else
        # Not root: run the server as ourselves (initdb only refuses root).
        bash -c "$1"
    fi
}

url() {
    # psycopg takes the socket folder as host=; the role is the cluster's superuser.
    local owner
    owner=$(stat -c %U "$DATA")
    echo "postgresql+psycopg://${owner}@/postgres?host=${DIR}"
}

install_if_absent() {
    if [ -n "$(pg_bindir)" ]; then
        return
    fi
    if [ "$(id -u)" != 0 ]; then
        say "PostgreSQL is not installed and this is not root: run 'sudo apt-get install -y postgresql'"
        exit 1
    fi
    say "installing PostgreSQL (apt-get install -y postgresql)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q postgresql >&2
}

start() {
    install_if_absent
    local bin
    bin=$(pg_bindir)
    mkdir -p "$DIR"
    if [ "$(id -u)" = 0 ]; then
        chown "$PGUSER_NAME" "$DIR"
    fi
    if [ ! -f "$DATA/PG_VERSION" ]; then
        as_pg "'$bin/initdb' -D '$DATA' -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null"
        # The superuser over the socket without a password (the suite's admin); every other
        # role must give its password (the tests of a wrong password need that).
        as_pg "printf 'local all postgres trust\\nlocal all all scram-sha-256\\n' > '$DATA/pg_hba.conf'"
    fi
    if as_pg "'$bin/pg_ctl' -D '$DATA' status >/dev/null 2>&1"; then
        say "already running in $DIR"
    else
        # listen_addresses='': no TCP at all, the Unix socket in $DIR only. fsync off: test data.
        as_pg "'$bin/pg_ctl' -D '$DATA' -l '$DIR/server.log' -w -t 60 \
            -o \"-k '$DIR' -c listen_addresses='' -c fsync=off -c synchronous_commit=off \
            -c full_page_writes=off -c max_connections=200\" start >/dev/null"
        say "started in $DIR (log: $DIR/server.log)"
    fi
    url
}

stop() {
    local bin
    bin=$(pg_bindir)
    if [ -n "$bin" ] && [ -f "$DATA/PG_VERSION" ]; then
        as_pg "'$bin/pg_ctl' -D '$DATA' -m fast -w stop >/dev/null 2>&1" || true
    fi
    rm -rf "$DIR"
    say "stopped"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url) url ;;
    *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
