#!/usr/bin/env bash
# Local-directory-store benchmark: Pantri next to git-lfs (file:// remote) on the same data.
#   scripts/bench-local.sh [--quick]
# Prints median wall seconds of 3 runs (1 with --quick) for:
#   store / retrieve of 2000 x 64 KiB; no-op retrieve and forced retrieve of 10,000 pitems;
#   `pantri --version` start-up; git-lfs add+commit+push / clone+lfs pull of the same 2000 files.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
pantri="$here/bin/pantri"
runs=3; n_many=10000
[ "${1:-}" = --quick ] && { runs=1; n_many=2000; }
W=${BENCH_DIR:-/tmp/pantri-bench-local}
rm -rf "$W"; mkdir -p "$W"
export GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@x GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@x HOME="$W/home"
mkdir -p "$HOME"; git config --global init.defaultBranch main; git config --global gc.auto 0
"$pantri" --version >/dev/null   # build + CDS archive
"$pantri" --version >/dev/null

t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
gen() {  # dir count size
  /usr/bin/python3 - "$@" <<'PY'
import os, sys
d, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(d, exist_ok=True)
for i in range(n):
    with open(os.path.join(d, 'f%05d.bin' % i), 'wb') as f:
        f.write(b'\0' + os.urandom(size - 1))
PY
}
row() { printf '%-44s %8s s\n' "$1" "$2"; }

gen "$W/data/small" 2000 65536
gen "$W/data/many" "$n_many" 4096

pantri_store() {  # dataset run -> repo dir
  local ds=$1 r=$2 R="$W/p-$1-$2"
  mkdir -p "$R"; git init -q --bare "$R/remote.git"; git init -q "$R/a"
  (cd "$R/a" && mkdir -p shelves && cp -a "$W/data/$ds" shelves/s &&
   printf '[default]\nstorage_url = "%s"\n' "$R/store" > pantri.toml && git remote add origin "$R/remote.git")
  echo "$R"
}

declare -A res
for r in $(seq 1 $runs); do
  R=$(pantri_store small $r)
  res[ps]+="$(cd "$R/a" && t "$pantri" store)"$'\n'
  (cd "$R/a" && git add -A && git commit -qm d && git push -q -u origin main)
  git clone -q "$R/remote.git" "$R/b"
  res[pr]+="$(cd "$R/b" && t "$pantri" retrieve -d "$R/dest")"$'\n'
  cmp -s "$R/dest/s/f00000.bin" "$W/data/small/f00000.bin" || { echo "retrieve mismatch" >&2; exit 1; }
done
R=$(pantri_store many 1)
(cd "$R/a" && "$pantri" store -q && git add -A && git commit -qm d && git push -q -u origin main)
git clone -q "$R/remote.git" "$R/b"
(cd "$R/b" && "$pantri" retrieve -q -d "$R/dest")
for r in $(seq 1 $runs); do
  res[noop]+="$(cd "$R/b" && t "$pantri" retrieve -d "$R/dest")"$'\n'
  res[force]+="$(cd "$R/b" && t "$pantri" retrieve --force -d "$R/dest")"$'\n'
  res[ver]+="$(t "$pantri" --version)"$'\n'
done

if command -v git-lfs >/dev/null; then
  git lfs install --skip-repo >/dev/null
  for r in $(seq 1 $runs); do
    L="$W/lfs-$r"; mkdir -p "$L"; git init -q --bare "$L/remote.git"; git init -q "$L/a"
    (cd "$L/a" && git lfs track '*.bin' >/dev/null && git add .gitattributes && git commit -qm a &&
     git remote add origin "file://$L/remote.git" && mkdir shelves && cp -a "$W/data/small" shelves/s)
    res[ls]+="$(cd "$L/a" && t sh -c 'git add -A && git commit -qm d && git push -q -u origin main')"$'\n'
    res[lr]+="$(cd "$L" && t sh -c "GIT_LFS_SKIP_SMUDGE=1 git clone -q file://$L/remote.git b && cd b && git lfs pull")"$'\n'
  done
fi

echo "== Pantri local-directory store vs git-lfs (median of $runs; $(nproc) cores)"
row "pantri store 2000 x 64 KiB" "$(printf '%s' "${res[ps]}" | median)"
row "pantri retrieve 2000 x 64 KiB" "$(printf '%s' "${res[pr]}" | median)"
[ -n "${res[ls]:-}" ] && row "git-lfs add+commit+push 2000 x 64 KiB" "$(printf '%s' "${res[ls]}" | median)"
[ -n "${res[lr]:-}" ] && row "git-lfs clone + lfs pull 2000 x 64 KiB" "$(printf '%s' "${res[lr]}" | median)"
row "pantri no-op retrieve, $n_many pitems" "$(printf '%s' "${res[noop]}" | median)"
row "pantri retrieve --force, $n_many present" "$(printf '%s' "${res[force]}" | median)"
row "pantri --version (start-up)" "$(printf '%s' "${res[ver]}" | median)"
