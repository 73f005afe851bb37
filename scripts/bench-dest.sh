#!/usr/bin/env bash
# Destination benchmark (issue: "the destination is exactly the commit"): on N small binaries
# (default 10,000) in the fs store, times a no-op retrieve, a forced retrieve, a rename-heavy
# commit (bytes reused vs downloaded) and an atomic retrieve with one file changed.
# Usage: scripts/bench-dest.sh [N] [WORKDIR]     (median of 5 for the timed runs)
set -euo pipefail
n=${1:-10000}
top=$(cd "$(dirname "$0")/.." && pwd)
work=${2:-$(mktemp -d "${TMPDIR:-/tmp}/pantri-bench-dest.XXXXXX")}
pantri="$top/bin/pantri"
export GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@example.invalid GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@example.invalid
export XDG_CONFIG_HOME="$work/config" HOME="$work/home"
mkdir -p "$HOME"
"$pantri" --version >/dev/null   # builds the jar and the CDS archive outside the timings

median() {  # runs "$@" 5 times, prints the median wall time in seconds
  local t=()
  for _ in 1 2 3 4 5; do
    local s=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }
    t+=($(( ($(date +%s%N) - s) / 1000000 )))
  done
  printf '%s\n' "${t[@]}" | sort -n | sed -n 3p | awk '{printf "%.3f", $1/1000}'
}

cd "$work"
git init -q --bare -b main remote.git
git clone -q remote.git author 2>/dev/null
cd author && git checkout -q -b main
printf '[default]\nstorage_url = "%s/store"\n' "$work" > pantri.toml
python3 - "$n" <<'PY'
import os, sys, random
n = int(sys.argv[1]); r = random.Random(1)
for i in range(n):
    d = "shelves/mac/d%03d" % (i % 200)
    os.makedirs(d, exist_ok=True)
    with open("%s/f%05d.pkg" % (d, i), "wb") as f:
        f.write(b"\0" + r.randbytes(2000 + r.randrange(6000)))
PY
"$pantri" store -q
git add -A && git commit -qm "$n binaries" && git push -q -u origin main
cd "$work" && git clone -q remote.git server
dest="$work/dest"
s=$(date +%s%N); "$pantri" --repo server retrieve -q -d "$dest"; first=$(( ($(date +%s%N) - s) / 1000000 ))
noop=$(median "$pantri" --repo server retrieve -q -d "$dest")
forced=$(median "$pantri" --repo server retrieve -q --force -d "$dest")
version=$(median "$pantri" --version)

# a rename-heavy commit: 1,000 binaries move to another directory
cd "$work/author"
for i in $(seq 0 999); do
  f=$(printf 'shelves/mac/d%03d/f%05d.pkg' $((i % 200)) "$i")
  mkdir -p shelves/mac/moved
  git mv -k "$f.pitem" "shelves/mac/moved/$(basename "$f").pitem"
  mv "$f" "shelves/mac/moved/$(basename "$f")"
  sed -i "s#\"${f#shelves/}\"#\"mac/moved/$(basename "$f")\"#" "shelves/mac/moved/$(basename "$f").pitem"
done
"$pantri" store -q
git add -A && git commit -qm "renames" && git push -q
cd "$work"
s=$(date +%s%N)
json=$("$pantri" --repo server retrieve -q --json -d "$dest")
renames=$(( ($(date +%s%N) - s) / 1000000 ))
reused=$(printf '%s' "$json" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["bytes"], j["bytes_reused"])')

# atomic: first build, then one changed file
adest="$work/served"
s=$(date +%s%N); "$pantri" --repo server retrieve -q --atomic -d "$adest"; afirst=$(( ($(date +%s%N) - s) / 1000000 ))
cd "$work/author" && printf '\0changed' > shelves/mac/d000/f00000.pkg && "$pantri" store -q && git commit -qam one && git push -q
cd "$work"
s=$(date +%s%N); "$pantri" --repo server retrieve -q --atomic -d "$adest"; aone=$(( ($(date +%s%N) - s) / 1000000 ))
aforced=$(median "$pantri" --repo server retrieve -q --atomic --force -d "$adest")

echo "files: $n"
echo "pantri --version (median of 5):          ${version} s"
echo "first retrieve:                          $(awk "BEGIN{printf \"%.3f\", $first/1000}") s"
echo "no-op retrieve incl. git pull (median):  ${noop} s  ($(awk "BEGIN{printf \"%.2f\", $noop/$version}") x --version)"
echo "forced retrieve, all present (median):   ${forced} s"
echo "rename of 1,000 binaries: ${renames} ms; bytes downloaded / reused: $reused"
echo "atomic: first ${afirst} ms; one file changed ${aone} ms; forced with links (median) ${aforced} s"
echo "work dir: $work"
