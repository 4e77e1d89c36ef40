#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what it needs, builds, tests.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
# chromium: the operator console's browser test (tests/console_test.py) drives Debian's build.
for p in libsqlite3-dev chromium; do
  dpkg -s "$p" >/dev/null 2>&1 || need_pkgs+=("$p")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "== installing ${need_pkgs[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}") >/dev/null
fi

# A throw-away PostgreSQL 15 on loopback for the production store's tests (OPS-4): started
# here, stopped on exit; a server that cannot start fails the run (no silent skipping).
source scripts/postgres-temp.sh
postgres_temp_start
# A second one with TLS only (a test CA, a client certificate) for the sslmode tests.
postgres_tls_start
trap 'postgres_temp_stop; postgres_tls_stop' EXIT

echo "== build"
swift build --build-tests

echo "== unit, property and integration tests (read models on SQLite and on PostgreSQL: $HARBOUR_TEST_POSTGRES_URL)"
swift test --skip-build

echo "== replay examples are deterministic"
for f in examples/*.jsonl; do
  a=$(.build/debug/harbour replay "$f" 2>&1 >/dev/null | tail -n1)
  b=$(.build/debug/harbour replay "$f" 2>&1 >/dev/null | tail -n1)
  [ "$a" = "$b" ] || { echo "replay of $f not deterministic: $a vs $b"; exit 1; }
  echo "$f: $a"
done
echo "== server crash test: kill -9 a real 'harbour serve' under signed load, three rounds"
python3 tests/server_crash_test.py .build/debug/harbour

echo "== server crash test on the PostgreSQL store: kill -9 under load; projection and journal copy equal the journal"
python3 tests/server_crash_test.py .build/debug/harbour --postgres "$HARBOUR_TEST_POSTGRES_URL"

echo "== PostgreSQL catch-up test: the journal copy locked out past its backlog catches up from the local journal without a restart"
python3 tests/postgres_catchup_test.py .build/debug/harbour --postgres "$HARBOUR_TEST_POSTGRES_URL"

echo "== PostgreSQL store test: the demo on PostgreSQL answers as on SQLite; restore from the journal copy to the same state hash"
python3 tests/postgres_store_test.py .build/debug/harbour --postgres "$HARBOUR_TEST_POSTGRES_URL"

echo "== reconcile test: a demo directory reconciles; a broken read-model row, short custody and a bad custody file are named (issue 16)"
python3 tests/reconcile_test.py .build/debug/harbour

echo "== risk limits test: a four-eyes risk-limit change on a live venue (PERP-1, REG-4): new version in force, disclosure republished, survives a restart"
python3 tests/risk_limits_test.py .build/debug/harbour

echo "== config change test: an edited configuration is refused with CONFIG_CHANGED, accepted with a reason as the next version (PERP-1)"
python3 tests/config_change_test.py .build/debug/harbour

echo "== hostile connections test: malformed requests, 1,000 idle sockets, per-IP cap, a WebSocket that never reads"
python3 tests/hostile_connections_test.py .build/debug/harbour

echo "== ccxt test: unmodified Python ccxt (binanceusdm, from PyPI) trades on 'harbour serve --demo' via /fapi"
python3 tests/ccxt_test.py .build/debug/harbour

echo "== schemathesis test: docs/openapi.yaml fuzzed against 'harbour serve --demo' (public, signed /v1 and /fapi; no 5xx, schema-conformant)"
python3 tests/schemathesis_test.py .build/debug/harbour

echo "== console test: the operator console in headless Chromium (Playwright from PyPI) on 'harbour serve --demo': roles, live mark, four-eyes, surveillance, CSRF, sessions"
python3 tests/console_test.py .build/debug/harbour

echo "== report HTML test: every regulatory report (REG-3) renders in headless Chromium without errors; screenshots in .build/report-screenshots/"
python3 tests/report_html_test.py .build/debug/harbour

echo "all tests passed"
