#!/usr/bin/env bash
# A throw-away PostgreSQL (with PostGIS and pg_trgm) for tests and benchmarks.
#
#   scripts/pgtmp.sh start DIR [PORT]   initdb into DIR (when empty), start it on
#                                       127.0.0.1:PORT (default 55432), create the
#                                       database "quarter" and print its URL
#   scripts/pgtmp.sh url DIR            print the URL of the server in DIR
#   scripts/pgtmp.sh stop DIR           stop it (DIR stays; rm -rf it yourself)
#
# No root needed; when run as root the server runs as the "postgres" user
# (initdb refuses root), so DIR must be writable by that user.  Nothing is
# left listening outside loopback.  Fast and unsafe settings (fsync off) unless
# QT_PG_DURABLE=1, which keeps fsync on for crash tests.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
port=${3:-55432}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|url|stop DIR [PORT]" >&2
  exit 2
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "pgtmp: no PostgreSQL server found under /usr/lib/postgresql (install-deps.sh installs it)" >&2
  exit 1
fi

as_pg() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "$cmd" in
start)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; chmod 700 "$dir"; fi
  if [ ! -f "$dir/PG_VERSION" ]; then
    as_pg "$bindir/initdb" -D "$dir" -U quarter --auth=trust -E UTF8 \
      --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 || {
      echo "pgtmp: initdb failed, see $dir.initdb.log" >&2
      exit 1
    }
    fsync=off
    [ "${QT_PG_DURABLE:-0}" = 1 ] && fsync=on
    cat >>"$dir/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 300
fsync = $fsync
synchronous_commit = $fsync
full_page_writes = $fsync
shared_buffers = 128MB
log_min_messages = warning
EOF
  fi
  if ! as_pg "$bindir/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    as_pg "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start >/dev/null || {
      echo "pgtmp: server did not start, see $dir/server.log" >&2
      exit 1
    }
  fi
  p=$(sed -n 's/^port = \([0-9]*\).*/\1/p' "$dir/postgresql.conf" | tail -1)
  if ! "$bindir/psql" -h 127.0.0.1 -p "$p" -U quarter -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname='quarter'" | grep -q 1; then
    "$bindir/psql" -h 127.0.0.1 -p "$p" -U quarter -d postgres -qc "CREATE DATABASE quarter" >/dev/null
  fi
  echo "postgresql://quarter@127.0.0.1:$p/quarter"
  ;;
url)
  p=$(sed -n 's/^port = \([0-9]*\).*/\1/p' "$dir/postgresql.conf" | tail -1)
  echo "postgresql://quarter@127.0.0.1:$p/quarter"
  ;;
stop)
  if [ -f "$dir/PG_VERSION" ]; then
    as_pg "$bindir/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
  fi
  ;;
*)
  echo "usage: $0 start|url|stop DIR [PORT]" >&2
  exit 2
  ;;
esac
