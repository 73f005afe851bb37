#!/usr/bin/env bash
# test-servers.sh - start/stop the real servers the integration tests (@Tag "swift"/"s3") need.
#
#   scripts/test-servers.sh start    install (apt) and start Swift with tempauth, SLO/DLO and
#                                    s3api on 127.0.0.1:8080 (idempotent: an already running
#                                    server is reused, never restarted), check that it serves
#                                    Swift and S3, then print the env exports for the tests.
#   scripts/test-servers.sh stop     stop the servers that `start` recorded.
#   scripts/test-servers.sh status   exit 0 when Swift answers auth.
#   scripts/test-servers.sh env      print the exports only.
#
# Everything lives in SAIO_BASE (default /tmp/pantri-swift); the knobs of swift-saio.sh apply.
# Exits non-zero with a message on stderr when a server cannot be started or is not usable, so
# CI fails loudly instead of skipping the integration tests. Typical use:
#   eval "$(scripts/test-servers.sh start)" && CI=true mvn -B test
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SAIO=$HERE/swift-saio.sh
PORT=${SAIO_PROXY_PORT:-8080}
AUTH=http://127.0.0.1:$PORT/auth/v1.0

die() { printf '[test-servers] ERROR: %s\n' "$*" >&2; exit 1; }

exports() {
  cat <<EOF2
export PANTRI_TEST_SWIFT_AUTH=$AUTH
export PANTRI_TEST_SWIFT_USER=test:tester
export PANTRI_TEST_SWIFT_KEY=testing
export PANTRI_TEST_S3_ENDPOINT=http://127.0.0.1:$PORT
export ST_AUTH=$AUTH
export ST_USER=test:tester
export ST_KEY=testing
EOF2
}

check() {
  local info
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
        -H 'X-Auth-User: test:tester' -H 'X-Auth-Key: testing' "$AUTH")" = 200 ] ||
    die "Swift does not answer v1 auth at $AUTH (logs: ${SAIO_BASE:-/tmp/pantri-swift}/logs)"
  info=$(curl -s --max-time 5 "http://127.0.0.1:$PORT/info") || die "GET /info failed on port $PORT"
  for mw in '"slo"' '"s3api"' '"tempauth"'; do
    case "$info" in *"$mw"*) ;; *) die "the server on port $PORT lacks middleware $mw (is it another Swift?)";; esac
  done
  command -v swift >/dev/null || die "the swift CLI (python3-swiftclient) is missing"
}

case "${1:-}" in
  start)
    # swift-saio.sh logs to stderr and prints its own exports on stdout: keep only ours.
    "$SAIO" start >/dev/null || die "could not start Swift (see messages above)"
    check
    exports
    ;;
  stop) "$SAIO" stop ;;
  status) check && echo "Swift + s3api up at http://127.0.0.1:$PORT" >&2 ;;
  env) exports ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
