#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need (Debian packages),
# starts the real Swift server (with its S3 API) on 127.0.0.1, runs every test, stops the server.
# Usage: scripts/test.sh [extra mvn args]      (CI runs exactly this, as root, with CI=true)
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs="git file python3 openjdk-17-jdk-headless maven curl s3cmd rclone"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
# A JDK/Maven installed another way (not from Debian) is fine too.
command -v java >/dev/null && missing=${missing//openjdk-17-jdk-headless/}
command -v mvn >/dev/null && missing=${missing//maven/}
missing=$(echo $missing)
if [ -n "$missing" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "test.sh: missing packages: $missing; install them (sudo apt-get install $missing) or run as root" >&2
    exit 3
  fi
  echo "test.sh: installing $missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

servers=scripts/test-servers.sh
[ -x "$servers" ] || servers=scripts/swift-saio.sh
# A server somebody else started (a developer, a benchmark) is reused and left running.
already_up=false
"$servers" status >/dev/null 2>&1 && already_up=true
if ! "$servers" start >/tmp/pantri-test-servers.log 2>&1; then
  cat /tmp/pantri-test-servers.log >&2
  if [ "${CI:-}" = true ]; then
    echo "test.sh: the test servers did not start; integration tests cannot run (CI=true: failing)" >&2
    exit 1
  fi
  echo "test.sh: WARNING: test servers did not start; Swift/S3 tests will be SKIPPED (not CI)" >&2
else
  eval "$("$servers" env 2>/dev/null || true)"
  $already_up || trap '"$servers" stop >/dev/null 2>&1 || true' EXIT
fi

mvn -B -ntp verify "$@"
