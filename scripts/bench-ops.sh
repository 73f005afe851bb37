#!/bin/bash
# Times gc and the pre-push guard on N pitems (default 10,000) in C commits (default 100), on the
# local-directory store and, when the test Swift is running (scripts/test-servers.sh), on Swift,
# counting the requests the store received (Swift: from the proxy's access log). Not part of the
# test suite. Usage: scripts/bench-ops.sh [--no-swift]   (N=..., COMMITS=... override the sizes)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-10000}
COMMITS=${COMMITS:-100}
GARBAGE=${GARBAGE:-100}
WORK=${PANTRI_BENCH_DIR:-/tmp/pantri-bench}/ops
SWIFT=1
[ "${1:-}" = "--no-swift" ] && SWIFT=0
"$top/bin/pantri" --version >/dev/null
JAR="$top/target/pantri.jar"
P() { java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$JAR" "$@"; }
export -f P 2>/dev/null || true
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@localhost

run() {  # $1: label, $2: pantri.toml [default] body
  label=$1
  d="$WORK/$label"
  rm -rf "$d"
  mkdir -p "$d"
  git init -q --bare -b main "$d/remote.git"
  git init -q -b main "$d/repo"
  cd "$d/repo"
  printf '[default]\n%s\n' "$2" > pantri.toml
  git add pantri.toml && git commit -q -m config
  git remote add origin "$d/remote.git"
  python3 - "$N" "$COMMITS" "$GARBAGE" <<'PY'
import os, sys, random
n, commits, garbage = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
per = max(1, n // commits)
r = random.Random(1)
for i in range(n + garbage):
    d = f"shelves/s/c{i // per:03d}" if i < n else "shelves/g"
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/f{i:05d}.bin", "wb") as f:
        f.write(b"\0" + r.randbytes(63 + i % 64))
PY
  t0=$(now); P store -q; t1=$(now)
  echo "$label: store of $((N + GARBAGE)) files: $(secs "$t0" "$t1") s"
  rm -f shelves/g/*.pitem                                  # uploaded, never committed: garbage
  git add .gitignore
  for c in $(ls shelves/s); do git add "shelves/s/$c"; git commit -q -m "$c"; done
  echo "$label: $(git rev-list --count HEAD) commits, $(git ls-files 'shelves/*.pitem' | wc -l) pitems"
  P install-hooks -q
  logmark
  t0=$(now); git push -q origin main 2> "$d/push.log"; t1=$(now)
  echo "$label: git push with the guard ($(cat "$d/push.log" | grep -o '[0-9]* commit(s), [0-9]* pitem(s), [0-9]* store request(s)' || true)): $(secs "$t0" "$t1") s; $(logcount)"
  git push -q --no-verify origin main:other 2>/dev/null
  logmark
  t0=$(now); echo "refs/heads/main $(git rev-parse HEAD) refs/heads/x 0000000000000000000000000000000000000000" | P push-check none x 2> "$d/check.log"; t1=$(now)
  echo "$label: push-check of every commit, no remote-tracking refs ($(grep -o '[0-9]* commit(s), [0-9]* pitem(s), [0-9]* store request(s), [0-9.]* s' "$d/check.log")): $(secs "$t0" "$t1") s wall; $(logcount)"
  logmark
  t0=$(now); P gc --grace 0 --json > "$d/gc.json" 2>"$d/gc.err" || true; t1=$(now)
  echo "$label: gc report: $(python3 -c "import json;d=json.load(open('$d/gc.json'));s=d['stores'][0];print(f\"{d['commits']} commits, {d['pitems']} pitems, {s['objects']} objects, {len(s['garbage'])} garbage, {s['requests']} store calls\")"): $(secs "$t0" "$t1") s; $(logcount)"
  logmark
  t0=$(now); P gc --grace 0 --delete --json > "$d/gcd.json" 2>"$d/gcd.err" || true; t1=$(now)
  echo "$label: gc --delete: $(python3 -c "import json;d=json.load(open('$d/gcd.json'));s=d['stores'][0];print(f\"deleted {s['deleted']}, {s['requests']} store calls, exit {d['exit_code']}\")"): $(secs "$t0" "$t1") s; $(logcount)"
  cd "$top"
}

LOG=/tmp/pantri-swift/logs/proxy-server.log
MARK=0
CONT=""
logmark() { if [ -n "$CONT" ] && [ -r "$LOG" ]; then MARK=$(wc -l < "$LOG"); fi; }
logcount() {
  if [ -n "$CONT" ] && [ -r "$LOG" ]; then
    sleep 1
    echo "Swift proxy saw $(tail -n +"$((MARK + 1))" "$LOG" | grep -c " /v1/AUTH_[^/ ]*/$CONT\b\| /auth/" ) request(s)"
  else
    echo "fs store (no requests)"
  fi
}

run fs "storage_url = \"$WORK/fs/store\""
if [ "$SWIFT" = 1 ] && "$top/scripts/test-servers.sh" status >/dev/null 2>&1; then
  eval "$("$top/scripts/test-servers.sh" env)"
  CONT="bench-ops-$$"
  run swift "object_store = \"swift\"
auth_url = \"$ST_AUTH\"
object_store_container = \"$CONT\""
  swift -A "$ST_AUTH" -U "$ST_USER" -K "$ST_KEY" delete "$CONT" >/dev/null 2>&1 || true
fi
