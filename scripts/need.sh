#!/usr/bin/env bash
# Installs the Debian packages a make target needs and the machine lacks.
#   scripts/need.sh run    what `make run` needs (PostgreSQL only when no
#                          DATABASE_URL is set and no server answers)
#   scripts/need.sh test   what `make test` needs
#   scripts/need.sh --plan test   prints the missing packages, installs nothing
# The package list below is the only one: `make run`, `make test` and
# `.ci/run` all come through here. Installs through apt-get when run as
# root, through `sudo -n apt-get` when sudo needs no password, and otherwise
# stops with the one command to run. `apt-get update` runs only when a
# package is missing.
set -euo pipefail

plan=false
if [ "${1:-}" = --plan ]; then plan=true; shift; fi
target="${1:?usage: scripts/need.sh [--plan] run|test}"
root="$(cd "$(dirname "$0")/.." && pwd)"
# Where Debian puts the PostgreSQL server binaries (overridable for tests).
pglib="${NEED_PGLIB:-/usr/lib/postgresql}"

say() { echo "need: $*" >&2; }

has() { command -v "$1" >/dev/null 2>&1; }
has_server() { compgen -G "$pglib/*/bin/initdb" >/dev/null; }
answers() { has pg_isready && pg_isready -q -h 127.0.0.1 -p 5432 >/dev/null 2>&1; }

# Does `make run` bring up its own PostgreSQL? Not with DATABASE_URL, a
# project cluster already made, or a server on 127.0.0.1:5432.
run_needs_db() {
  [ -z "${DATABASE_URL:-}" ] && [ ! -f "$root/.data/pg/PG_VERSION" ] && ! answers
}

missing=()
why=()
want() { # package, reason, check...
  local pkg="$1" reason="$2"
  shift 2
  if ! "$@"; then missing+=("$pkg"); why+=("  $pkg: $reason"); fi
}

case "$target" in
run)
  if [ -z "${DATABASE_URL:-}" ]; then
    want postgresql-client "psql creates the database" has psql
  fi
  if run_needs_db; then
    want postgresql "the server for a project-local database in .data/pg" has_server
  fi
  ;;
test)
  want postgresql "the server for the test databases" has_server
  want postgresql-client "psql creates and drops the test databases" has psql
  want chromium "the browser tests in internal/e2e" has chromium
  want poppler-utils "pdftotext reads the PDFs back" has pdftotext
  want npm "fetches the pinned axe-core for the accessibility checks" has npm
  want wrk "the benchmark smoke run loads the server" has wrk
  ;;
*)
  say "unknown target $target (run or test)"
  exit 2
  ;;
esac

if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if $plan; then
  echo "${missing[*]}"
  exit 0
fi

if [ "$(id -u)" = 0 ]; then
  apt=(apt-get)
elif has sudo && sudo -n true >/dev/null 2>&1; then
  apt=(sudo -n apt-get)
else
  say "make $target needs packages this machine lacks:"
  printf '%s\n' "${why[@]}" >&2
  say "Install them with:  sudo apt-get install -y ${missing[*]}"
  exit 1
fi

say "make $target installs what this machine lacks, with ${apt[*]}:"
printf '%s\n' "${why[@]}" >&2
# apt's progress goes to a log, shown only when something fails.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { "${apt[@]}" update -qq && "${apt[@]}" install -y -qq "${missing[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  say "installing ${missing[*]} failed (apt's output above)"
  exit 1
fi
say "installed ${missing[*]}"
