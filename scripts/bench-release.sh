#!/usr/bin/env bash
# bench-release.sh - start-up of pantri launchers side by side (hyperfine; apt-get install hyperfine).
#
#   scripts/bench-release.sh [--runs N] NAME=LAUNCHER[@ENV=VAL]...
#   e.g. scripts/bench-release.sh dev=bin/pantri rel=target/dist/pantri-0.1.0/bin/pantri \
#          rel-nocache=target/dist/pantri-0.1.0/bin/pantri@PANTRI_NO_CDS=1
#
# Per launcher: `pantri --version`; a no-op retrieve (fs store, 2 shelves x 10 binaries + 10 text
# files, already synced at HEAD); a store of 200 small (1 KiB) binaries into a fresh repository
# and store each run. Each launcher runs once before timing (bin/pantri trains its CDS archive
# then). Prints median / minimum wall time and mean user CPU in milliseconds, a row per launcher.
set -euo pipefail
RUNS=20
[ "${1:-}" = --runs ] && { RUNS=$2; shift 2; }
[ $# -gt 0 ] || { sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 2; }
command -v hyperfine >/dev/null || { echo "bench-release.sh: needs hyperfine" >&2; exit 3; }
W=$(mktemp -d "${TMPDIR:-/tmp}/pantri-bench-release.XXXXXX")
trap 'rm -rf "$W"' EXIT
gitc() { git -c user.name=b -c user.email=b@localhost "$@"; }

# the synced repository for the no-op retrieve
git init -q "$W/noop" && mkdir -p "$W/noop/shelves/mac" "$W/noop/shelves/win"
for s in mac win; do for i in $(seq 1 10); do
  head -c 2048 /dev/urandom > "$W/noop/shelves/$s/b$i.pkg"; printf 'text %s\n' "$i" > "$W/noop/shelves/$s/t$i.txt"
done; done
printf '[default]\nstorage_url = "%s/noop-store"\n' "$W" > "$W/noop/pantri.toml"
# the 200 files a store run starts from (copied into a fresh repository before each run)
mkdir -p "$W/seed/shelves/s"
for i in $(seq 1 200); do head -c 1024 /dev/urandom > "$W/seed/shelves/s/f$i.bin"; done

first=${1%%=*}; l=${1#*=}; l=${l%%@*}
(cd "$W/noop" && env -u PANTRI_NO_CDS "$l" store -q && git add -A && gitc commit -qm data &&
  "$l" retrieve -q --no-pull -d "$W/noop-dest") || { echo "setup with $first failed" >&2; exit 1; }

echo "milliseconds: median/min wall/mean user CPU of $RUNS runs (store: half as many)"
printf '%-14s %16s %16s %16s\n' launcher "--version" "no-op retrieve" "store 200 files"
for spec in "$@"; do
  name=${spec%%=*}; rest=${spec#*=}; launcher=${rest%%@*}; envs=()
  [ "$rest" != "$launcher" ] && IFS=@ read -r -a envs <<<"${rest#*@}"
  run="env ${envs[*]:-} $launcher"
  $run --version >/dev/null 2>&1 || true   # bin/pantri trains its archive here
  (cd "$W/noop" && $run retrieve -q --no-pull -d "$W/noop-dest") || { echo "$name: retrieve failed" >&2; exit 1; }
  prep="rm -rf $W/st $W/st-store && cp -r $W/seed $W/st && git init -q $W/st && printf '[default]\\nstorage_url = \"%s\"\\n' $W/st-store > $W/st/pantri.toml"
  hyperfine -N -w 2 -r "$RUNS" --export-json "$W/$name.v.json" "$run --version" >/dev/null 2>&1
  hyperfine -w 2 -r "$RUNS" --export-json "$W/$name.r.json" "cd $W/noop && $run retrieve -q --no-pull -d $W/noop-dest" >/dev/null 2>&1
  hyperfine -w 1 -r "$(( RUNS / 2 > 3 ? RUNS / 2 : 3 ))" --prepare "$prep" --export-json "$W/$name.s.json" \
    "cd $W/st && $run store -q" >/dev/null 2>&1
  ms() { python3 -c 'import json,sys,statistics as st; r=json.load(open(sys.argv[1]))["results"][0]; t=r["times"]; print("%5.0f/%5.0f/%4.0f" % (st.median(t)*1000, min(t)*1000, r["user"]*1000))' "$1"; }
  printf '%-14s %16s %16s %16s\n' "$name" "$(ms "$W/$name.v.json")" "$(ms "$W/$name.r.json")" "$(ms "$W/$name.s.json")"
done
