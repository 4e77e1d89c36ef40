# Sourced by scripts/test.sh (and usable by hand): starts a throw-away PostgreSQL 15
# server on loopback in a temporary directory and exports HARBOUR_TEST_POSTGRES_URL;
# `postgres_temp_stop` stops it and removes the directory. Fails loudly if the server
# cannot start — the PostgreSQL store's tests are part of the suite, not optional.
#
#   source scripts/postgres-temp.sh && postgres_temp_start && trap postgres_temp_stop EXIT

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

postgres_temp_start() {
  if [ ! -x "$PG_BIN/initdb" ]; then
    echo "== installing postgresql-15"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15) >/dev/null
  fi
  [ -x "$PG_BIN/pg_ctl" ] || { echo "PostgreSQL 15 is not installed at $PG_BIN"; return 1; }
  PG_TMP=$(mktemp -d /tmp/harbour-pg.XXXXXX)
  # PostgreSQL refuses to run as root: the cluster belongs to the postgres user when we are root.
  local as=()
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PG_TMP"
    as=(runuser -u postgres --)
  fi
  # A free loopback port, asked of the kernel.
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  "${as[@]}" "$PG_BIN/initdb" -D "$PG_TMP/data" -A trust -U postgres >"$PG_TMP/initdb.log" 2>&1 \
    || { cat "$PG_TMP/initdb.log"; return 1; }
  "${as[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_TMP -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-off} -c max_connections=200" start >/dev/null \
    || { cat "$PG_TMP/server.log"; return 1; }
  export HARBOUR_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
  export PG_TMP PG_PORT
  echo "== PostgreSQL 15 on 127.0.0.1:$PG_PORT ($PG_TMP): HARBOUR_TEST_POSTGRES_URL=$HARBOUR_TEST_POSTGRES_URL"
}

postgres_temp_stop() {
  [ -n "${PG_TMP:-}" ] && [ -d "$PG_TMP/data" ] || return 0
  local as=()
  [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
  "${as[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_TMP"
  PG_TMP=
}
