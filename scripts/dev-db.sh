#!/usr/bin/env bash
# Prints a PostgreSQL URL for database NAME (default: waymark), making sure a
# server answers first:
#   1. DATABASE_URL when set (its database name is replaced by NAME only for
#      "postgres", the maintenance database used by tests);
#   2. the project-local cluster under .data/pg when it exists;
#   3. a server on 127.0.0.1:5432 (user postgres);
#   4. otherwise a new project-local cluster under .data/pg on 127.0.0.1:54329,
#      created from the PostgreSQL server binaries on this machine.
# The database is created when missing. Progress goes to stderr.
set -euo pipefail
name="${1:-waymark}"
root="$(cd "$(dirname "$0")/.." && pwd)"
data="$root/.data/pg"
port=54329

say() { echo "dev-db: $*" >&2; }

if [ -n "${DATABASE_URL:-}" ]; then
  if [ "$name" = postgres ]; then echo "${DATABASE_URL%/*}/postgres?sslmode=disable"; else echo "$DATABASE_URL"; fi
  exit 0
fi

bindir=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -x "$d/initdb" ]; then bindir="$d"; break; fi
done

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ready() { "${bindir:-/usr/bin}/pg_isready" -q -h 127.0.0.1 -p "$1" >/dev/null 2>&1 || pg_isready -q -h 127.0.0.1 -p "$1" >/dev/null 2>&1; }

# A cluster Debian's package made but nothing started (a container without
# systemd): start it rather than make a second one.
start_machine_cluster() {
  command -v pg_ctlcluster >/dev/null 2>&1 || return 1
  local v
  for v in $(ls /etc/postgresql 2>/dev/null); do
    [ -d "/etc/postgresql/$v/main" ] || continue
    say "starting the machine's PostgreSQL $v cluster"
    pg_ctlcluster --skip-systemctl-redirect "$v" main start >&2 2>/dev/null || continue
    ready 5432 && return 0
  done
  return 1
}

if [ -f "$data/PG_VERSION" ]; then
  host_port=$port
  if ! ready $port; then
    say "starting the project cluster in .data/pg"
    as_owner "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w -o "-p $port -c listen_addresses=127.0.0.1 -k $data" start >&2
  fi
elif ready 5432 || start_machine_cluster; then
  host_port=5432
else
  if [ -z "$bindir" ]; then
    say "no PostgreSQL server answers on 127.0.0.1:5432 and no server binaries were found."
    say "Install them with:  sudo apt-get install -y postgresql   (or set DATABASE_URL)"
    exit 1
  fi
  say "creating a project cluster in .data/pg (127.0.0.1:$port)"
  mkdir -p "$data"
  if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$root/.data"; chmod 700 "$data"; fi
  as_owner "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_owner "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w -o "-p $port -c listen_addresses=127.0.0.1 -k $data" start >&2
  host_port=$port
fi

url="postgres://postgres@127.0.0.1:$host_port/$name?sslmode=disable"
if [ "$name" != postgres ]; then
  exists=$(psql "postgres://postgres@127.0.0.1:$host_port/postgres?sslmode=disable" -Atc "SELECT 1 FROM pg_database WHERE datname = '$name'")
  if [ "$exists" != 1 ]; then
    say "creating database $name"
    psql "postgres://postgres@127.0.0.1:$host_port/postgres?sslmode=disable" -qc "CREATE DATABASE \"$name\"" >&2
  fi
fi
echo "$url"
