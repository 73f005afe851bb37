#!/usr/bin/env bash
# package.sh - the release: a self-contained archive and a .deb, with their own Java runtime.
#
#   scripts/package.sh [--jdk DIR] [--jar FILE] [--out DIR]
#
#   target/dist/pantri-<version>-linux-x64.tar.gz   pantri-<version>/{bin/pantri, lib/pantri.jar,
#                                                   lib/compile-commands.txt (the JIT policy),
#                                                   runtime/ (jlink), lib/pantri.aot (JDK 25),
#                                                   share/man/man1/pantri.1.gz,
#                                                   share/bash-completion/completions/pantri}
#   target/dist/pantri_<version>_amd64.deb          the same tree in /opt/pantri, /usr/bin/pantri,
#                                                   man page and bash completion; Depends: git
#
# After unpacking, bin/pantri runs with no JDK and no Maven on PATH (it may be symlinked anywhere:
# it finds its runtime through the link). The runtime is jlinked from --jdk (default: Temurin 25
# when installed, else the JDK of `java` on PATH; $PANTRI_RELEASE_JDK also sets it), and carries a
# start-up cache made by a training run (store + retrieve in a throw-away repository): a JDK 25
# AOT cache (JEP 483/514/515); a JDK 17 runtime gets only its base CDS archive. The jar is built with
# `mvn package` (compiled --release 17) unless --jar names one already built.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
T0=$(date +%s)

JDK=${PANTRI_RELEASE_JDK:-}
JAR=
OUT=$TOP/target/dist
while [ $# -gt 0 ]; do
  case $1 in
    --jdk) JDK=${2:?--jdk needs a directory}; shift ;;
    --jar) JAR=${2:?--jar needs a file}; shift ;;
    --out) OUT=${2:?--out needs a directory}; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "package.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

say() { printf '[package %3ss] %s\n' "$(( $(date +%s) - T0 ))" "$*" >&2; }
die() { printf 'package.sh: ERROR: %s\n' "$*" >&2; exit 1; }

if [ -z "$JDK" ]; then
  if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/jlink ]; then
    JDK=/usr/lib/jvm/temurin-25-jdk-amd64
  else
    JDK=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  fi
fi
[ -x "$JDK/bin/jlink" ] || die "no jlink in $JDK/bin (give a JDK with --jdk)"
FEATURE=$("$JDK/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
[ "${FEATURE:-0}" -ge 17 ] || die "$JDK is Java ${FEATURE:-?}; the release needs 17 or later"

VERSION=$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' "$TOP/pom.xml" | head -1)
[ -n "$VERSION" ] || die "no <version> in pom.xml"
case $(uname -m) in x86_64|amd64) ;; *) die "only linux-x64 is packaged (this is $(uname -m))" ;; esac

if [ -z "$JAR" ]; then
  say "building the shaded jar (mvn package)"
  (cd "$TOP" && mvn -q -B -ntp -DskipTests package >&2) || die "mvn package failed"
  JAR=$TOP/target/pantri.jar
fi
[ -f "$JAR" ] || die "no jar at $JAR"

NAME=pantri-$VERSION
WORK=$OUT/work
STAGE=$WORK/$NAME
rm -rf "$WORK" && mkdir -p "$STAGE/bin" "$STAGE/lib" "$STAGE/share/man/man1" \
  "$STAGE/share/bash-completion/completions" "$STAGE/share/doc/pantri"
cp "$JAR" "$STAGE/lib/pantri.jar"
cp "$TOP/README.md" "$STAGE/share/doc/pantri/"

# ---- the runtime ---------------------------------------------------------------------------
# Modules: what jdeps finds in the shaded jar (java.base, java.xml for the S3 SDK, java.sql for
# Jackson's java.sql.Date support), minus java.desktop (only Jackson's optional java.beans
# annotations, which it guards), plus TLS's elliptic curves (jdk.crypto.ec: HTTPS to Swift/S3 on
# JDK 17; an empty module on 25) and jdk.unsupported (sun.misc.Unsafe, used reflectively).
FOUND=$("$JDK/bin/jdeps" --multi-release "$FEATURE" --ignore-missing-deps --print-module-deps "$JAR" 2>/dev/null) ||
  die "jdeps failed on $JAR"
MODULES=java.base,java.sql,java.xml,jdk.crypto.ec,jdk.unsupported
for m in ${FOUND//,/ }; do
  case ",$MODULES,java.desktop," in *",$m,"*) ;; *) die "jdeps says the jar needs $m: add it to MODULES in $0" ;; esac
done
# No compression inside the image: classes read from an uncompressed lib/modules start faster,
# and the .tar.gz/.deb compress it instead (${PANTRI_JLINK_COMPRESS} overrides: zip-6 / 2).
if [ "$FEATURE" -ge 21 ]; then COMPRESS=${PANTRI_JLINK_COMPRESS:-zip-0}; else COMPRESS=${PANTRI_JLINK_COMPRESS:-0}; fi
CDS_OPTS=()
[ "$FEATURE" -lt 25 ] && CDS_OPTS=(--generate-cds-archive)  # base archive the dynamic one builds on
say "jlink Java $FEATURE runtime from $JDK: $MODULES"
"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
  --compress="$COMPRESS" "${CDS_OPTS[@]}" --output "$STAGE/runtime" || die "jlink failed"

# ---- the launcher --------------------------------------------------------------------------
# JDK 25: an AOT cache (lib/pantri.aot), which works wherever the archive is unpacked. A JDK 17
# dynamic CDS archive records absolute jar paths and is refused once the tree moves, so a JDK 17
# release ships only the runtime's base CDS archive (jlink --generate-cds-archive).
if [ "$FEATURE" -ge 25 ]; then
  CACHE=pantri.aot; CACHE_OPT=-XX:AOTCache; QUIET="-Xlog:cds=off -Xlog:aot=off"
else
  CACHE=none; CACHE_OPT=; QUIET="-Xlog:cds=off -Xlog:cds+dynamic=off"
fi
# JVM tuning shared by the launcher and the training run (see bin/pantri)
HEAP="-Xms192m -Xmn24m"
cp "$TOP/src/main/jvm/compile-commands.txt" "$STAGE/lib/compile-commands.txt" || die "no src/main/jvm/compile-commands.txt"
cat >"$STAGE/bin/pantri" <<EOF
#!/bin/sh
# pantri $VERSION (release): runs lib/pantri.jar on the bundled Java $FEATURE runtime; needs no JDK.
# It may be symlinked anywhere (/usr/bin/pantri -> /opt/pantri/bin/pantri). PANTRI_JAVA_OPTS adds
# JVM options; PANTRI_NO_CDS=1 turns the start-up cache (lib/$CACHE, made at packaging) off.
self=\$(readlink -f "\$0") || self=\$0
top=\$(cd "\$(dirname "\$self")/.." && pwd -P)
cache=
if [ -z "\${PANTRI_NO_CDS:-}" ] && [ -r "\$top/lib/$CACHE" ]; then cache="$CACHE_OPT=\$top/lib/$CACHE"; fi
# Java can name non-ASCII files only under a UTF-8 locale (cron and CI often have none).
case "\${LC_ALL:-\${LC_CTYPE:-\${LANG:-}}}" in
  *UTF-8*|*utf-8*|*UTF8*|*utf8*) ;;
  *) export LC_ALL=C.UTF-8 ;;
esac
# -Xlog:...=off: a cache that cannot be used (changed jar, other JVM options) is skipped silently.
# The heap sizes and lib/compile-commands.txt (the JIT policy): see bin/pantri in the source tree.
# The heap sizes yield to any the user gives (-Xms192m beside -Xmx128m would not start).
case " \${PANTRI_JAVA_OPTS:-} " in
  *" -Xm"[sxn]*|*" -XX:MaxHeapSize"*|*" -XX:InitialHeapSize"*|*" -XX:NewSize"*|*" -XX:MaxNewSize"*) heap="" ;;
  *) heap="$HEAP" ;;
esac
exec "\$top/runtime/bin/java" $QUIET \$cache -XX:+UseSerialGC -Xss512k \$heap \\
  "-XX:CompileCommandFile=\$top/lib/compile-commands.txt" \$PANTRI_JAVA_OPTS -jar "\$top/lib/pantri.jar" "\$@"
EOF
chmod 755 "$STAGE/bin/pantri"

# ---- the start-up cache: a training run of store + retrieve (fs store, no network) -----------
# One JVM records one cache, so org.pantri.cli.Training runs both commands in one JVM (same jar
# path as at run time; the cache is only used with the jar and runtime it was made with).
JAVA=$STAGE/runtime/bin/java
COMMON=(-XX:+UseSerialGC -Xss512k $HEAP "-XX:CompileCommandFile=$STAGE/lib/compile-commands.txt")
train() {  # $@: the recording option
  local t rc=0; t=$(mktemp -d "${TMPDIR:-/tmp}/pantri-train.XXXXXX")
  (
    set -e
    cd "$t" && git init -q r && cd r && mkdir -p shelves/s/d
    for i in 1 2 3 4 5 6 7 8; do printf '\000bin%s' "$i" > "shelves/s/d/a$i.bin"; printf 'text %s\n' "$i" > "shelves/s/b$i.txt"; done
    printf '[default]\nstorage_url = "%s/store"\n' "$t" > pantri.toml
    "$JAVA" "${COMMON[@]}" -Xshare:off -jar "$STAGE/lib/pantri.jar" store -q
    git add -A && git -c user.name=pantri -c user.email=pantri@localhost commit -q -m train
    "$JAVA" "${COMMON[@]}" -Xshare:off -jar "$STAGE/lib/pantri.jar" retrieve -q --no-pull -d "$t/dest"
    printf '\000bin9' > shelves/s/d/a9.bin && printf 'text 9\n' > shelves/s/b9.txt
    git add shelves/s/b9.txt && git -c user.name=pantri -c user.email=pantri@localhost commit -q -m train2
    # recorded: a store of a new binary, a retrieve of the new commit, a no-op retrieve, --version
    "$JAVA" "${COMMON[@]}" "$@" -cp "$STAGE/lib/pantri.jar" org.pantri.cli.Training \
      store -q ";;" retrieve -q --no-pull -d "$t/dest" ";;" retrieve -q --no-pull -d "$t/dest" ";;" --version
  ) >"$WORK/train.log" 2>&1 || rc=$?
  rm -rf "$t"
  return $rc
}
if [ "$FEATURE" -ge 25 ]; then
  say "training run for lib/$CACHE"
  train -XX:AOTCacheOutput="$STAGE/lib/$CACHE" || die "training run failed (see $WORK/train.log)"
  [ -s "$STAGE/lib/$CACHE" ] || die "no $CACHE was written (see $WORK/train.log)"
fi

# ---- man page and completion, from the command model -----------------------------------------
"$JAVA" -cp "$STAGE/lib/pantri.jar" org.pantri.cli.ManPage "$STAGE/share/man/man1/pantri.1" || die "man page generation failed"
gzip -9n "$STAGE/share/man/man1/pantri.1"
"$STAGE/bin/pantri" completion bash > "$STAGE/share/bash-completion/completions/pantri" || die "completion script failed"
got=$(env -i PATH=/usr/bin:/bin "$STAGE/bin/pantri" --version) || die "the packaged pantri --version failed"
[ "$got" = "pantri $VERSION" ] || die "the packaged pantri says '$got', expected 'pantri $VERSION'"

# ---- the archive -------------------------------------------------------------------------------
mkdir -p "$OUT"
TAR=$OUT/$NAME-linux-x64.tar.gz
say "writing $TAR"
tar -C "$WORK" --owner=0 --group=0 --numeric-owner -czf "$TAR.tmp" "$NAME" && mv -f "$TAR.tmp" "$TAR"

# ---- the .deb ------------------------------------------------------------------------------------
DEB=$OUT/pantri_${VERSION}_amd64.deb
if command -v dpkg-deb >/dev/null; then
  say "writing $DEB"
  R=$WORK/deb
  mkdir -p "$R/DEBIAN" "$R/opt" "$R/usr/bin" "$R/usr/share/man/man1" "$R/usr/share/bash-completion/completions" \
    "$R/usr/share/doc/pantri"
  cp -a "$STAGE" "$R/opt/pantri"
  ln -s ../../opt/pantri/bin/pantri "$R/usr/bin/pantri"
  cp -a "$STAGE/share/man/man1/pantri.1.gz" "$R/usr/share/man/man1/"
  cp -a "$STAGE/share/bash-completion/completions/pantri" "$R/usr/share/bash-completion/completions/"
  ln -s ../../../../opt/pantri/share/doc/pantri/README.md "$R/usr/share/doc/pantri/README.md"
  cat >"$R/DEBIAN/control" <<EOF
Package: pantri
Version: $VERSION
Architecture: amd64
Maintainer: Pantri developers <pantri@localhost>
Depends: git
Section: utils
Priority: optional
Installed-Size: $(du -sk --apparent-size "$R/opt" "$R/usr" | awk '{s+=$1} END {print s}')
Homepage: https://github.com/facebook/IT-CPE
Description: keeps a git package repository's binaries in an object store
 Pantri stores the binaries of a git-managed package repository (installers, disk
 images, drivers) in OpenStack Swift, S3 or a local directory, while git holds
 small .pitem pointer files; retrieve syncs what the current commit describes
 into a destination directory. Carries its own Java runtime in /opt/pantri.
EOF
  if command -v fakeroot >/dev/null; then FR=fakeroot; else FR=; fi
  $FR dpkg-deb --build -Zgzip "$R" "$DEB.tmp" >/dev/null && mv -f "$DEB.tmp" "$DEB" || die "dpkg-deb failed"
else
  say "dpkg-deb not found: no .deb (install dpkg)"
fi

rm -rf "$WORK"
say "done: Java $FEATURE runtime, $(du -h "$TAR" | cut -f1) archive$( [ -f "$DEB" ] && echo ", $(du -h "$DEB" | cut -f1) .deb")"
ls -l "$TAR" ${DEB:+$( [ -f "$DEB" ] && echo "$DEB")} >&2
