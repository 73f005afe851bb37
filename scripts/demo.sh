#!/usr/bin/env bash
# The main job, end to end, with the embedded local-directory store (no server needed):
# make a sample package repository with a bare "remote", store its binaries, commit and push,
# clone it elsewhere and retrieve into a destination, then change things and retrieve again.
# Usage: scripts/demo.sh [WORKDIR]   (default: a new temp directory; kept for inspection)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
pantri="$here/bin/pantri"
work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/pantri-demo.XXXXXX")}
mkdir -p "$work"; work=$(cd "$work" && pwd)
need() { command -v "$1" >/dev/null || { echo "demo: $1 is required ($2)" >&2; exit 3; }; }
need git "apt-get install git"; need java "apt-get install openjdk-17-jdk-headless"; need mvn "apt-get install maven"
export GIT_AUTHOR_NAME=demo GIT_AUTHOR_EMAIL=demo@example.invalid GIT_COMMITTER_NAME=demo GIT_COMMITTER_EMAIL=demo@example.invalid
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "a bare remote and a package repository with shelves/ (work dir: $work)"
git init -q --bare -b main "$work/remote.git"
git init -q -b main "$work/author"
cd "$work/author"
mkdir -p shelves/mac/tools shelves/win/drivers
head -c 3000000 /dev/urandom > shelves/mac/tools/Installer.pkg
head -c 200000 /dev/urandom > shelves/win/drivers/driver.msi
cp shelves/mac/tools/Installer.pkg shelves/win/drivers/same-as-mac.pkg   # identical content: stored once
printf '#!/bin/sh\necho postinstall\n' > shelves/mac/tools/postinstall.sh
printf '<plist><dict/></plist>\n' > shelves/mac/tools/Installer.plist
cat > pantri.toml <<TOML
# Pantri configuration (committed). Secrets never go here.
[default]
object_store = "fs"
storage_url = "$work/object-store"   # the local-directory store

[shelves.win]
ignore_patterns = ["*.tmp", ".DS_Store"]
TOML
git remote add origin "$work/remote.git"

step "store: upload binaries, write .pitem pointers, git-ignore the binaries"
run "$pantri" store --dry-run
run "$pantri" store
run git status --short
run cat shelves/mac/tools/Installer.pkg.pitem; echo
run git add -A
run git commit -qm "Add packages"
run git push -q -u origin main

step "clone elsewhere and retrieve into a destination"
git clone -q "$work/remote.git" "$work/server"
cd "$work/server"
run "$pantri" retrieve -d "$work/dest" -j
run find "$work/dest" -path "$work/dest/.pantri" -prune -o -type f -print
run cmp "$work/dest/mac/tools/Installer.pkg" "$work/author/shelves/mac/tools/Installer.pkg"

step "nothing changed: retrieve is a no-op"
run "$pantri" retrieve -d "$work/dest"

step "change a binary, delete one, rename a text file; store, commit, push; retrieve again"
cd "$work/author"
head -c 100000 /dev/urandom > shelves/mac/tools/Installer.pkg
git rm -q shelves/win/drivers/driver.msi.pitem && rm shelves/win/drivers/driver.msi
git mv shelves/mac/tools/postinstall.sh shelves/mac/tools/postinstall
run "$pantri" store shelves/mac
git add -A && git commit -qm "Update packages" && git push -q
cd "$work/server"
run "$pantri" retrieve -d "$work/dest" --json
run find "$work/dest" -path "$work/dest/.pantri" -prune -o -type f -print
run cmp "$work/dest/mac/tools/Installer.pkg" "$work/author/shelves/mac/tools/Installer.pkg"
test ! -e "$work/dest/win/drivers/driver.msi" && test ! -e "$work/dest/mac/tools/postinstall.sh"

step "done: everything above was verified (cmp); files are in $work"
