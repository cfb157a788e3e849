#!/usr/bin/env bash
# Starts a private PostgreSQL for the company server's tests and benchmark, and prints its URL
# as the last line of standard output (everything else goes to standard error):
#
#   export COUPON_STUDIO_TEST_DATABASE_URL=$(bash scripts/postgres.sh)
#   cargo test --test it server::
#
# Debian's `postgresql` package (installed when missing), a cluster of its own in
# $COUPON_STUDIO_PG_DIR (default /tmp/coupon-studio-pg) listening on 127.0.0.1 only, port
# $COUPON_STUDIO_PG_PORT (default 55432), trust authentication (local tests only: never expose
# it), and a database `coupon_studio_test`. Idempotent: a cluster already made is reused, one
# already running is left running. As root (CI) the cluster runs as the `postgres` user.
# `bash scripts/postgres.sh stop` stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${COUPON_STUDIO_PG_DIR:-/tmp/coupon-studio-pg}
port=${COUPON_STUDIO_PG_PORT:-55432}
db=coupon_studio_test

. scripts/lib/apt.sh
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  apt_ensure postgresql
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

# Root runs the cluster as `postgres` (initdb refuses root); anyone else as themselves.
if [ "$(id -u)" -eq 0 ]; then
  as_owner() { runuser -u postgres -- "$@"; }
  owner=postgres
else
  as_owner() { "$@"; }
  owner=$(id -un)
fi

if [ "${1:-}" = stop ]; then
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast stop >&2
  fi
  exit 0
fi

mkdir -p "$dir"
chown "$owner" "$dir"
chmod 700 "$dir"
if [ ! -f "$dir/data/PG_VERSION" ]; then
  echo "== initdb $dir/data ($("$bin/postgres" --version))" >&2
  as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >&2
fi

if ! as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
  echo "== starting PostgreSQL on 127.0.0.1:$port" >&2
  # The tests run in parallel, each with pools of its own: room for a few hundred
  # connections. The socket goes in the cluster's folder (no /var/run/postgresql needed).
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c max_connections=300" \
    start >&2
fi

psql=("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -X -q -t -A)
if [ "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
  "${psql[@]}" -d postgres -c "CREATE DATABASE $db" >&2
fi
echo "postgres://postgres@127.0.0.1:$port/$db"
