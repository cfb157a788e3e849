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
#
# TLS too: a test CA and a server certificate for 127.0.0.1 and localhost are made once with
# openssl in $dir/tls/ (the CA, for the tests' --database-ca-file: $dir/tls/ca.crt), and the
# cluster gets `ssl = on`; one already running without it (made by an older version of this
# script) is reloaded, never restarted. Plain connections stay allowed, so the URL printed
# connects with or without TLS (`sslmode=require` asks for it).
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${COUPON_STUDIO_PG_DIR:-/tmp/coupon-studio-pg}
port=${COUPON_STUDIO_PG_PORT:-55432}
db=coupon_studio_test

. scripts/lib/apt.sh
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  apt_ensure postgresql
fi
command -v openssl >/dev/null || apt_ensure openssl
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

# The CA and the server's certificate, made once. Made aside and moved in, so that a second
# run of this script at the same time (CI beside a developer) never sees half a folder.
tls=$dir/tls
if [ ! -f "$tls/server.crt" ]; then
  echo "== making a test CA and a certificate for 127.0.0.1 and localhost in $tls" >&2
  new=$(mktemp -d "$dir/tls.new.XXXXXX")
  ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req -x509 "${ec[@]}" -days 3650 -subj "/CN=coupon-studio test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$new/ca.key" -out "$new/ca.crt" 2>/dev/null
  openssl req -new "${ec[@]}" -subj "/CN=localhost" \
    -keyout "$new/server.key" -out "$new/server.csr" 2>/dev/null
  printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "basicConstraints=CA:FALSE" \
    "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >"$new/server.ext"
  openssl x509 -req -in "$new/server.csr" -CA "$new/ca.crt" -CAkey "$new/ca.key" \
    -set_serial "0x$(openssl rand -hex 8)" -days 3650 -extfile "$new/server.ext" \
    -out "$new/server.crt" 2>/dev/null
  rm -f "$new/server.csr" "$new/server.ext"
  # PostgreSQL refuses a key that others may read, or that is not its own.
  chmod 600 "$new/ca.key" "$new/server.key"
  chmod 644 "$new/ca.crt" "$new/server.crt"
  chmod 755 "$new"
  chown -R "$owner" "$new"
  mv -T "$new" "$tls" 2>/dev/null || rm -rf "$new"
fi
conf=$dir/data/postgresql.conf
if ! grep -q '^# coupon-studio: TLS' "$conf"; then
  as_owner tee -a "$conf" >/dev/null <<CONF

# coupon-studio: TLS (scripts/postgres.sh); plain connections stay allowed.
ssl = on
ssl_cert_file = '$tls/server.crt'
ssl_key_file = '$tls/server.key'
CONF
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
# A cluster started before its config had TLS: a reload turns it on (no restart, so tests
# running on it meanwhile are not cut off). New connections see it once the postmaster has
# read the file: wait for a connection that is encrypted.
tls_on() {
  [ "$("${psql[@]}" -d "dbname=postgres sslmode=require" \
    -c "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()" 2>/dev/null)" = t ]
}
if ! tls_on; then
  echo "== turning TLS on in the running cluster (reload)" >&2
  as_owner "$bin/pg_ctl" -D "$dir/data" reload >&2
  for _ in $(seq 50); do
    tls_on && break
    sleep 0.2
  done
  if ! tls_on; then
    echo "PostgreSQL did not turn TLS on: see $dir/server.log" >&2
    exit 1
  fi
fi
if [ "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
  "${psql[@]}" -d postgres -c "CREATE DATABASE $db" >&2
fi
echo "postgres://postgres@127.0.0.1:$port/$db"
