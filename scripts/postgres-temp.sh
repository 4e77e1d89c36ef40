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

# A second throw-away PostgreSQL 15 with TLS only, for the store's sslmode tests: a test CA
# signs a server certificate naming only `localhost` (so verify-full to 127.0.0.1 fails on the
# name while verify-ca passes) and a client certificate for the role harbour_cert, which the
# server authenticates by certificate alone (pg_hba `cert`). Exports
# HARBOUR_TEST_POSTGRES_TLS_PORT and HARBOUR_TEST_POSTGRES_TLS_DIR (ca.pem, other-ca.pem — a CA
# the server does not use —, client.pem, client.key); `postgres_tls_stop` stops it.
postgres_tls_start() {
  [ -x "$PG_BIN/pg_ctl" ] || { echo "PostgreSQL 15 is not installed at $PG_BIN"; return 1; }
  PG_TLS_TMP=$(mktemp -d /tmp/harbour-pgtls.XXXXXX)
  local d=$PG_TLS_TMP certs=$PG_TLS_TMP/certs as=()
  mkdir -p "$certs"
  (
    cd "$certs"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=harbour test CA" -keyout ca.key -out ca.pem
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=another CA" -keyout other-ca.key -out other-ca.pem
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr
    printf 'subjectAltName=DNS:localhost\n' > server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext -out server.pem
    openssl req -newkey rsa:2048 -nodes -subj "/CN=harbour_cert" -keyout client.key -out client.csr
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out client.pem
  ) >"$d/openssl.log" 2>&1 || { cat "$d/openssl.log"; return 1; }
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown -R postgres "$d"
    as=(runuser -u postgres --)
  fi
  chmod 600 "$certs/server.key"
  PG_TLS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  "${as[@]}" "$PG_BIN/initdb" -D "$d/data" -A trust -U postgres >"$d/initdb.log" 2>&1 || { cat "$d/initdb.log"; return 1; }
  cat > "$d/data/pg_hba.conf" <<HBA
local   all  all                        trust
hostssl all  harbour_cert  127.0.0.1/32 cert
hostssl all  all           127.0.0.1/32 trust
HBA
  "${as[@]}" "$PG_BIN/pg_ctl" -D "$d/data" -l "$d/server.log" -w -t 60 \
    -o "-p $PG_TLS_PORT -k $d -c listen_addresses=127.0.0.1 -c fsync=off -c ssl=on -c ssl_cert_file=$certs/server.pem -c ssl_key_file=$certs/server.key -c ssl_ca_file=$certs/ca.pem" start >/dev/null \
    || { cat "$d/server.log"; return 1; }
  "${as[@]}" "$PG_BIN/psql" -h "$d" -p "$PG_TLS_PORT" -U postgres -qAt -c "CREATE ROLE harbour_cert LOGIN SUPERUSER" >/dev/null || return 1
  export HARBOUR_TEST_POSTGRES_TLS_PORT=$PG_TLS_PORT HARBOUR_TEST_POSTGRES_TLS_DIR=$certs PG_TLS_TMP
  echo "== PostgreSQL 15 with TLS only on 127.0.0.1:$PG_TLS_PORT (certificates in $certs)"
}

postgres_tls_stop() {
  [ -n "${PG_TLS_TMP:-}" ] && [ -d "$PG_TLS_TMP/data" ] || return 0
  local as=()
  [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
  "${as[@]}" "$PG_BIN/pg_ctl" -D "$PG_TLS_TMP/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_TLS_TMP"
  PG_TLS_TMP=
}
