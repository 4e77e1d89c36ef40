#!/usr/bin/env bash
# Build and start a demo venue on 127.0.0.1:8080 with an embedded data directory.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! dpkg -s libsqlite3-dev >/dev/null 2>&1; then
  echo "== installing libsqlite3-dev"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsqlite3-dev) >/dev/null
fi
echo "== building (release; the first build takes several minutes)"
swift build -c release --product harbour
exec .build/release/harbour serve --demo --data "${HARBOUR_DATA:-./harbour-data}" "$@"
