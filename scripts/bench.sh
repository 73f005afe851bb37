#!/usr/bin/env bash
# bench.sh - Pantri's benchmarks in one command (README, "Benchmarks").
#
#   scripts/bench.sh [--quick] [--scale] [--only swift|local|jmh|scale] [--runs N]
#
#   swift  Pantri store/retrieve against the local Swift server (scripts/test-servers.sh; started
#          only when it is not running, stopped at the end only if this script started it), next to
#          `swift upload/download` (python-swiftclient) and `rclone copy` (Swift backend), each at
#          its default concurrency and at 8: 2000 x 64 KiB, 100 x 10 MiB, 1 x 1 GiB.
#   local  the same datasets through the local-directory (fs) store next to git-lfs with a file://
#          remote; no-op and forced retrieve of 10,000 pitems, git-annex no-op get of 10,000
#          present files, `pantri --version` start-up.
#   jmh    JMH (mvn -Pbench, src/jmh/java): one-pass SHA-1 + SHA-256 (org.pantri.scan.Hasher) on a
#          1 GiB file next to `openssl dgst -sha256/-sha1` on the same file; BinaryDetector over a
#          corpus of real system files next to `file --mime-encoding`.
#   scale  (--scale adds it; --only scale runs it alone) 25,000 and 100,000 x 4 KiB binaries on the
#          fs store: first store, first retrieve (peak RSS), store with nothing changed, no-op
#          retrieve, forced retrieve with everything present, `pantri --version`; the table shows
#          each cost per file at both sizes (linear growth: equal per-file cost). --quick: 2,500
#          and 10,000.
#
# Wall time is the median of 3 runs (--quick: 1 run of smaller datasets: 200 x 64 KiB,
# 10 x 10 MiB, 1 x 100 MiB, 1000 pitems, 256 MiB hash file); peak RSS (max over runs) comes from
# /usr/bin/time -v. Every upload goes to a new container (deleted when the run ends), every
# download into an empty directory, and every result is checked (object count; diff -r).
# Datasets are random bytes made once and cached in $PANTRI_BENCH_DIR/data (default
# /tmp/pantri-bench). Raw results (TSV) and the table go to $PANTRI_BENCH_DIR/results/.
# Installs missing Debian packages when run as root. Exit status 1 when a run failed or a result
# did not verify (targets are reported, not asserted).
set -uo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
PANTRI=$HERE/bin/pantri
T0=$(date +%s.%N)

usage() { sed -n '2,/^set -uo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; }
MODE=full; ONLY=all; RUNS_OPT=; SCALE=0
while [ $# -gt 0 ]; do
  case $1 in
    --quick) MODE=quick ;;
    --scale) SCALE=1 ;;
    --only) ONLY=${2:-}; shift
            case $ONLY in swift|local|jmh|scale) ;; *) usage >&2; exit 2 ;; esac ;;
    --runs) RUNS_OPT=${2:-}; shift
            case $RUNS_OPT in [1-9]|[1-9][0-9]) ;; *) echo "--runs needs a number" >&2; exit 2 ;; esac ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done
want() {
  if [ "$1" = scale ]; then [ "$ONLY" = scale ] || { [ "$ONLY" = all ] && [ $SCALE = 1 ]; }
  else [ "$ONLY" = all ] || [ "$ONLY" = "$1" ]; fi
}

# ---- sizes -------------------------------------------------------------------------------
GiB=1073741824; MiB=1048576
if [ $MODE = full ]; then
  N_small=2000; S_small=65536; N_med=100; S_med=$((10*MiB)); N_big=1; S_big=$GiB
  N_many=10000; S_many=4096; HASH_SIZE=$GiB; N_scale1=25000; N_scale=100000; S_scale=4096; S_scale1=4096
  RUNS=3; RUNS_BIG=${PANTRI_BENCH_RUNS_BIG:-3}; SHORT_RUNS=5; LOCAL_RUNS_LARGE=1; SCALE_RUNS=3
  JMH_HASH=(-wi 2 -i 3); JMH_DETECT=(-wi 3 -w 1s -i 5 -r 1s)
else
  N_small=200; S_small=65536; N_med=10; S_med=$((10*MiB)); N_big=1; S_big=$((100*MiB))
  N_many=1000; S_many=4096; HASH_SIZE=$((256*MiB)); N_scale1=2500; N_scale=10000; S_scale=4096; S_scale1=4096
  RUNS=1; RUNS_BIG=1; SHORT_RUNS=3; LOCAL_RUNS_LARGE=1; SCALE_RUNS=2
  JMH_HASH=(-wi 1 -i 2); JMH_DETECT=(-wi 1 -w 1s -i 2 -r 1s)
fi
if [ -n "$RUNS_OPT" ]; then RUNS=$RUNS_OPT; RUNS_BIG=$RUNS_OPT; LOCAL_RUNS_LARGE=$RUNS_OPT; fi
[ "$RUNS_BIG" -gt "$RUNS" ] && RUNS_BIG=$RUNS
# rclone --transfers and swift --object-threads cannot change anything for a single object, so
# the t8 variants are not run on the 1-object dataset unless asked (PANTRI_BENCH_BIG_T8=1).
BIG_T8=${PANTRI_BENCH_BIG_T8:-0}
# Time budget (< 15 min on 2 cores): after run 1 only the peers within this factor of the fastest
# peer are run again (Pantri always is); the local med/big datasets, which have no target, run once.
REPEAT_WITHIN=${PANTRI_BENCH_REPEAT_WITHIN:-1.5}

B=${PANTRI_BENCH_DIR:-/tmp/pantri-bench}
DATA=$B/data/$MODE
WORK=$B/work.$$
RES=$B/results
STAMP=$(date +%Y%m%d-%H%M%S)
LOGS=$RES/logs-$STAMP
RAW=$RES/raw-$STAMP.tsv
META=$RES/meta-$STAMP.txt
TABLE=$RES/table-$STAMP.txt
REPORT=$HERE/scripts/bench-report.py
PY=/usr/bin/python3
FAILS=0
OUTAGES=0
STARTED_SWIFT=0
PREFIX=
CLEANED=0

say() { printf '[bench %4.0fs] %s\n' "$(echo "$(date +%s.%N) - $T0" | bc)" "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 3; }
have() { command -v "$1" >/dev/null 2>&1; }
meta() { printf '%s=%s\n' "$1" "$2" >>"$META"; }

# ---- packages ----------------------------------------------------------------------------
ensure_packages() {
  local need=()
  have java || need+=(openjdk-17-jdk-headless)
  have mvn || need+=(maven)
  have git || need+=(git)
  have curl || need+=(curl)
  have bc || need+=(bc)
  have openssl || need+=(openssl)
  [ -x /usr/bin/time ] || need+=(time)
  [ -x /usr/bin/python3 ] || need+=(python3)
  if want swift; then
    have swift || need+=(python3-swiftclient)
    have rclone || need+=(rclone)
  fi
  if want local; then
    have git-lfs || need+=(git-lfs)
    have git-annex || need+=(git-annex)
  fi
  if want jmh; then have file || need+=(file); fi
  [ ${#need[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "missing packages: ${need[*]} (run as root to install them, or apt-get install them)"
  # bc may be one of them: no say() until it is there
  echo "[bench] installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -q && apt-get install -y -q --no-install-recommends "${need[@]}"; } >"$B/apt.log" 2>&1 ||
    die "apt-get install ${need[*]} failed (see $B/apt.log)"
}

# ---- timing ------------------------------------------------------------------------------
# CPU seconds (user + system) used so far by each Swift server process (proxy, object, container,
# account: parent and worker), one "pid seconds" line each. Sampled around every Swift
# measurement: the server's own CPU gives the server-bound floor of that run (bench-report.py).
server_cpu() {
  local p
  for p in $(pgrep -f 'saio-server.py .* (proxy|object|container|account)-server ' 2>/dev/null); do
    awk -v p="$p" -v hz="$HZ" '{sub(/^.*\) /, ""); printf "%s %.2f\n", p, ($12 + $13) / hz}' "/proc/$p/stat" 2>/dev/null
  done
}
HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)
# "server_cpu=TOTAL server_cpu_max=LARGEST-ONE-PROCESS" between two server_cpu samples
server_cpu_note() {
  awk 'NR == FNR {a[$1] = $2; next} {d = $2 - a[$1]; t += d; if (d > m) m = d}
       END {printf "server_cpu=%.2f server_cpu_max=%.2f", t, m}' "$1" "$2"
}

# measure SECTION DATASET OP TOOL RUN VERIFY -- CMD...   appends one row to $RAW
measure() {
  local sec=$1 ds=$2 op=$3 tool=$4 run=$5 verify=$6; shift 7
  local id="$sec.$ds.$op.$tool.r$run" t0 t1 rc st=ok rss us ss wall note=
  sync
  [ "$sec" = swift ] && server_cpu >"$LOGS/$id.cpu0"
  t0=$(date +%s.%N)
  /usr/bin/time -v -o "$LOGS/$id.time" "$@" >"$LOGS/$id.log" 2>&1; rc=$?
  t1=$(date +%s.%N)
  if [ "$sec" = swift ]; then
    server_cpu >"$LOGS/$id.cpu1"
    note=$(server_cpu_note "$LOGS/$id.cpu0" "$LOGS/$id.cpu1")
  fi
  [ $rc = 0 ] || st="FAIL(rc=$rc)"
  if [ "$st" = ok ] && [ -n "$verify" ]; then
    eval "$verify" >>"$LOGS/$id.log" 2>&1 || st=BAD
  fi
  rss=$(awk -F': ' '/Maximum resident/{print $2}' "$LOGS/$id.time")
  us=$(awk -F': ' '/User time/{print $2}' "$LOGS/$id.time")
  ss=$(awk -F': ' '/System time/{print $2}' "$LOGS/$id.time")
  wall=$(echo "$t1 - $t0" | bc)
  printf '%s\t%s\t%s\t%s\t%s\t%.3f\t%s\t%s\t%s\t%s\t%s\n' "$sec" "$ds" "$op" "$tool" "$run" "$wall" \
    "${rss:-}" "${us:-}" "${ss:-}" "$st" "$note" >>"$RAW"
  say "$(printf '%-6s %-6s %-9s %-12s r%s %8.2f s  %4s MiB  %s' "$sec" "$ds" "$op" "$tool" "$run" "$wall" \
    "$(( ${rss:-0} / 1024 ))" "$st")"
  if [ "$st" != ok ]; then
    FAILS=$((FAILS + 1))
    say "  see $LOGS/$id.log"
  fi
}
same() { diff -rq "$1" "$2"; }
count() { local v="N_$1"; echo "${!v}"; }

# ---- datasets ----------------------------------------------------------------------------
# Random bytes from AES-CTR (fast), one stream cut into equal files f00000.bin, f00001.bin, ...
gen_ds() {  # name count size seed
  local d=$DATA/$1 n=$2 size=$3
  if [ -f "$d.ok" ] && [ "$(cat "$d.ok")" = "$n $size" ]; then return 0; fi
  say "generating dataset $1: $n x $size bytes in $d"
  rm -rf "$d" "$d.tmp" "$d.ok"; mkdir -p "$d.tmp"
  openssl enc -aes-128-ctr -pass "pass:$4" -nosalt -pbkdf2 </dev/zero 2>/dev/null | head -c $((n * size)) |
    (cd "$d.tmp" && split -b "$size" -a 5 -d --additional-suffix=.bin - f)
  [ "$(find "$d.tmp" -type f -size "${size}c" | wc -l)" = "$n" ] || die "dataset $1 came out wrong"
  mv "$d.tmp" "$d" && echo "$n $size" >"$d.ok"
}

hash_file() {
  if [ $MODE = full ]; then echo "$DATA/big/f00000.bin"; else echo "$DATA/hash/f00000.bin"; fi
}

# A work repository: bare remote R/remote.git, work tree R/a with the dataset under shelves/DS
# (hard links: nothing here modifies the files; git-annex, which does, gets copies).
mkrepo() {  # R DS
  git init -q --bare "$1/remote.git" && git init -q "$1/a" && mkdir -p "$1/a/shelves" &&
    cp -al "$DATA/$2" "$1/a/shelves/$2" && git -C "$1/a" remote add origin "$1/remote.git"
}
# Commit and push what `pantri store` left (pitems, .gitignore, pantri.toml), then clone R/b.
publish() {  # R
  (cd "$1/a" && git add -A && git commit -qm data && git push -q -u origin main) >/dev/null 2>&1 ||
    die "git commit/push in $1/a failed"
  [ -z "$(git -C "$1/a" ls-files shelves | grep -v '\.pitem$')" ] || die "binaries were committed in $1/a"
  git clone -q "$1/remote.git" "$1/b" || die "git clone of $1 failed"
}

# ---- Swift -------------------------------------------------------------------------------
swift_count_ok() {  # container expected-object-count
  local n; n=$(swift stat "$1" 2>/dev/null | awk -F': *' '/Objects:/{print $2}')
  [ "$n" = "$2" ] || { echo "container $1 holds ${n:-?} objects, expected $2"; return 1; }
}

delete_containers() {  # prefix
  local c
  swift list --prefix "$1" 2>/dev/null | while read -r c; do
    swift -q delete "$c" >/dev/null 2>&1 || swift -q delete "$c" >/dev/null 2>&1 || echo "[bench] could not delete container $c" >&2
  done
}

swift_pantri() {  # DS RUN [SUFFIX]
  local ds=$1 r=$2 R=$WORK/sw-pantri-$1-r$2${3:-} C=$PREFIX-pantri-$1-r$2${3:-}
  mkrepo "$R" "$ds" || die "could not set up $R"
  cat >"$R/a/pantri.toml" <<EOF
[default]
object_store = "swift"
auth_url = "$ST_AUTH"
object_store_container = "$C"
segment_container = "${C}_segments"
EOF
  measure swift "$ds" up pantri "$r" "swift_count_ok $C $(count "$ds")" -- env -C "$R/a" "$PANTRI" -q store
  publish "$R"
  measure swift "$ds" down pantri "$r" "same $DATA/$ds $R/dest/$ds" -- \
    env -C "$R/b" "$PANTRI" -q retrieve --no-pull -d "$R/dest"
  rm -rf "$R"
}

swift_peer() {  # TOOL DS RUN [SUFFIX]
  local tool=$1 ds=$2 r=$3 C=$PREFIX-$1-$2-r$3${4:-} D=$WORK/dl-$1-$2-r$3${4:-} n opt=()
  n=$(count "$ds")
  mkdir -p "$D"
  case $tool in
    swift-def|swift-t8)
      [ $tool = swift-t8 ] && opt=(--object-threads 8)
      measure swift "$ds" up "$tool" "$r" "swift_count_ok $C $n" -- env -C "$DATA" swift upload "${opt[@]}" "$C" "$ds"
      measure swift "$ds" down "$tool" "$r" "same $DATA/$ds $D/$ds" -- swift download "${opt[@]}" "$C" -D "$D" ;;
    rclone-def|rclone-t8)
      [ $tool = rclone-t8 ] && opt=(--transfers 8)
      measure swift "$ds" up "$tool" "$r" "swift_count_ok $C $n" -- \
        env -u AWS_CA_BUNDLE rclone copy "${opt[@]}" "$DATA/$ds" "sw:$C"
      measure swift "$ds" down "$tool" "$r" "same $DATA/$ds $D" -- \
        env -u AWS_CA_BUNDLE rclone copy "${opt[@]}" "sw:$C" "$D" ;;
  esac
  rm -rf "$D"
}

SAIO_RUN=${SAIO_BASE:-/tmp/pantri-swift}/run
swift_ok() { "$HERE/scripts/test-servers.sh" status >/dev/null 2>&1; }
server_id() { cat "$SAIO_RUN/proxy-server.pid" 2>/dev/null; }
# The server is shared: someone else's test run may stop or restart it while we measure.
ensure_swift() {
  local i
  for i in $(seq 1 30); do swift_ok && return 0; sleep 2; done
  say "Swift is still down after 60 s: starting it (scripts/test-servers.sh start)"
  "$HERE/scripts/test-servers.sh" start >/dev/null || die "could not start Swift"
  STARTED_SWIFT=1
}

# One tool's upload + download; repeated once (new container) when it failed while the server
# was restarted or stopped under it. The failed attempt's rows stay in the raw TSV as FAIL.
swift_tool() {  # TOOL DS RUN
  local f0=$FAILS id0; id0=$(server_id)
  if [ "$1" = pantri ]; then swift_pantri "$2" "$3"; else swift_peer "$1" "$2" "$3"; fi
  if [ "$FAILS" -gt "$f0" ] && { [ "$(server_id)" != "$id0" ] || ! swift_ok; }; then
    OUTAGES=$((OUTAGES + 1))
    say "the shared Swift server went away during $1 $2 run $3 (restarted by someone else?): repeating it"
    ensure_swift
    FAILS=$f0
    if [ "$1" = pantri ]; then swift_pantri "$2" "$3" b; else swift_peer "$1" "$2" "$3" b; fi
  fi
}

# Peers worth repeating after run 1: within REPEAT_WITHIN x the fastest peer in either direction
# (or failed). The others keep their single run (n=1 in the table).
repeat_peers() {  # DS
  $PY - "$RAW" "$1" "$REPEAT_WITHIN" <<'PY'
import csv, sys
raw, ds, k = sys.argv[1], sys.argv[2], float(sys.argv[3])
rows = [r for r in csv.DictReader(open(raw), delimiter="\t")
        if r["section"] == "swift" and r["dataset"] == ds and r["run"] == "1" and r["tool"] != "pantri"]
best = {}
for r in rows:
    if r["status"] == "ok":
        best[r["op"]] = min(best.get(r["op"], 1e18), float(r["wall_s"]))
keep = {r["tool"] for r in rows if r["status"] != "ok" or float(r["wall_s"]) <= k * best[r["op"]]}
print(" ".join(t for t in ["swift-def", "swift-t8", "rclone-def", "rclone-t8"] if t in keep))
PY
}

swift_section() {
  if swift_ok; then
    say "using the Swift server already running on 127.0.0.1:8080"
  else
    say "starting Swift (scripts/test-servers.sh start)"
    "$HERE/scripts/test-servers.sh" start >/dev/null || die "could not start Swift"
    STARTED_SWIFT=1
  fi
  meta swift_started_by_bench $STARTED_SWIFT
  local devs; devs=$(sed -n 's/^devices *= *//p' "${SAIO_BASE:-/tmp/pantri-swift}"/etc/object-server*.conf 2>/dev/null | head -1)
  if [ -n "$devs" ]; then
    meta swift_devices "$devs"; meta swift_devices_fs "$(stat -f -c %T "$devs" 2>/dev/null || echo '?')"
  fi
  unset OS_AUTH_TOKEN OS_STORAGE_URL OS_AUTH_URL OS_USERNAME OS_PASSWORD OS_PROJECT_NAME
  export ST_AUTH=http://127.0.0.1:8080/auth/v1.0 ST_USER=test:tester ST_KEY=testing
  export RCLONE_CONFIG=/dev/null RCLONE_CONFIG_SW_TYPE=swift RCLONE_CONFIG_SW_USER=$ST_USER
  export RCLONE_CONFIG_SW_KEY=$ST_KEY RCLONE_CONFIG_SW_AUTH=$ST_AUTH
  PREFIX="bench-$STAMP-$$"
  meta swift_container_prefix "$PREFIX"
  local r ds tools i k c0 del=0
  local -A again
  for r in $(seq 1 "$RUNS"); do
    for ds in small med big; do
      [ $ds = big ] && [ "$r" -gt "$RUNS_BIG" ] && continue
      if [ "$r" = 1 ]; then
        tools=(pantri swift-def swift-t8 rclone-def rclone-t8)
        [ $ds = big ] && [ "$BIG_T8" = 0 ] && tools=(pantri swift-def rclone-def)
      else
        # shellcheck disable=SC2206
        tools=(pantri ${again[$ds]})
      fi
      k=${#tools[@]}
      for i in $(seq 0 $((k - 1))); do   # rotate the order from run to run
        swift_tool "${tools[$(( (i + r - 1) % k ))]}" $ds "$r"
      done
      if [ "$r" = 1 ]; then
        again[$ds]=$(repeat_peers $ds)
        meta "repeated_peers_$ds" "${again[$ds]}"
        [ "$RUNS" -gt 1 ] && say "$ds: peers repeated in runs 2-$RUNS: ${again[$ds]:-none}"
      fi
      c0=$(date +%s.%N)
      delete_containers "$PREFIX-"
      c0=$(echo "$(date +%s.%N) - $c0" | bc)
      del=$(echo "$del + $c0" | bc)
      say "deleted this round's containers in $(printf '%.1f' "$c0") s"
    done
  done
  meta swift_delete_s "$del"
  meta swift_outages "$OUTAGES"
}

# ---- local directory store vs git-lfs / git-annex ----------------------------------------
fs_count_ok() {  # store-dir expected
  local n; n=$(find "$1" -type f -regextype posix-extended -regex '.*/[0-9a-f]{64}' | wc -l)
  [ "$n" = "$2" ] || { echo "store $1 holds $n objects, expected $2"; return 1; }
}
fs_toml() { printf '[default]\nstorage_url = "%s"\n' "$2" >"$1/pantri.toml"; }

local_pantri() {  # DS RUN
  local ds=$1 r=$2 R=$WORK/fs-$1-r$2
  mkrepo "$R" "$ds" || die "could not set up $R"
  fs_toml "$R/a" "$R/store"
  measure local "$ds" store pantri-fs "$r" "fs_count_ok $R/store $(count "$ds")" -- env -C "$R/a" sh -c \
    "'$PANTRI' -q store && git add -A && git commit -qm data && git push -q -u origin main"
  measure local "$ds" retrieve pantri-fs "$r" "same $DATA/$ds $R/dest/$ds" -- env -C "$R" sh -c \
    "git clone -q remote.git b && cd b && '$PANTRI' -q retrieve -d '$R/dest'"
  rm -rf "$R"
}

local_lfs() {  # DS RUN
  local ds=$1 r=$2 L=$WORK/lfs-$1-r$2
  { git init -q --bare "$L/remote.git" && git init -q "$L/a" &&
    (cd "$L/a" && git lfs track '*.bin' && git add .gitattributes && git commit -qm attrs &&
     git remote add origin "file://$L/remote.git") && mkdir -p "$L/a/shelves" &&
    cp -al "$DATA/$ds" "$L/a/shelves/$ds"; } >/dev/null || die "could not set up $L"
  measure local "$ds" store git-lfs "$r" "" -- env -C "$L/a" sh -c \
    'git add -A && git commit -qm data && git push -q -u origin main'
  measure local "$ds" retrieve git-lfs "$r" "same $DATA/$ds $L/b/shelves/$ds" -- env -C "$L" sh -c \
    "GIT_LFS_SKIP_SMUDGE=1 git clone -q 'file://$L/remote.git' b && cd b && git lfs pull"
  rm -rf "$L"
}

annex_repo() {  # sets ANNEX: a git-annex repo with the 'many' files added (present), cached with the data
  ANNEX=$DATA/annex-many
  if [ -f "$ANNEX.ok" ] && [ "$(cat "$ANNEX.ok")" = "$N_many $S_many" ]; then return 0; fi
  say "building the git-annex repo of $N_many files (once; cached in $ANNEX)"
  rm -rf "$ANNEX" "$ANNEX.ok"
  ( git init -q "$ANNEX" && cd "$ANNEX" && git annex init -q bench && mkdir shelves &&
    cp -a "$DATA/many" shelves/many && git annex add -q -J2 shelves && git commit -qm data ) >"$LOGS/annex-setup.log" 2>&1 ||
    die "git-annex setup failed (see $LOGS/annex-setup.log)"
  echo "$N_many $S_many" >"$ANNEX.ok"
}

local_section() {
  git lfs install --skip-repo >/dev/null 2>&1
  local r ds i
  for r in $(seq 1 "$RUNS"); do
    for ds in small med big; do
      [ $ds != small ] && [ "$r" -gt "$LOCAL_RUNS_LARGE" ] && continue
      if [ $((r % 2)) = 1 ]; then local_pantri $ds "$r"; local_lfs $ds "$r"
      else local_lfs $ds "$r"; local_pantri $ds "$r"; fi
    done
  done

  # 10,000 pitems (fs store): store + retrieve once (reported, no target), then no-op and forced
  local R=$WORK/fs-many
  annex_repo
  mkrepo "$R" many || die "could not set up $R"
  fs_toml "$R/a" "$R/store"
  measure local many store pantri-fs 1 "fs_count_ok $R/store $N_many" -- env -C "$R/a" sh -c \
    "'$PANTRI' -q store && git add -A && git commit -qm data && git push -q -u origin main"
  measure local many retrieve pantri-fs 1 "same $DATA/many $R/dest/many" -- env -C "$R" sh -c \
    "git clone -q remote.git b && cd b && '$PANTRI' -q retrieve -d '$R/dest'"
  for i in $(seq 1 "$SHORT_RUNS"); do
    measure local many noop pantri-fs "$i" "" -- env -C "$R/b" "$PANTRI" -q retrieve -d "$R/dest"
    measure local many noop-nopull pantri-fs "$i" "" -- env -C "$R/b" "$PANTRI" -q retrieve --no-pull -d "$R/dest"
    measure local many noop git-annex "$i" "" -- env -C "$ANNEX" git annex get .
    measure local many version pantri "$i" "" -- "$PANTRI" --version
  done
  for i in $(seq 1 "$RUNS"); do
    measure local many force pantri-fs "$i" "same $DATA/many $R/dest/many" -- \
      env -C "$R/b" "$PANTRI" -q retrieve --force -d "$R/dest"
  done
  rm -rf "$R"
}

# ---- scale: 100,000 small binaries on the fs store ---------------------------------------
scale_one() {  # N: one repository of N files, every operation measured once (no-op ones SHORT_RUNS times)
  local n=$1 ds=scale$1 R=$WORK/scale-$1 i
  gen_ds "$ds" "$n" "$S_scale" "$ds"
  mkrepo "$R" "$ds" || die "could not set up $R"
  fs_toml "$R/a" "$R/store"
  measure scale "$n" store pantri-fs 1 "fs_count_ok $R/store $n" -- env -C "$R/a" "$PANTRI" -q store
  measure scale "$n" git-commit git 1 "" -- env -C "$R/a" sh -c \
    'git add -A && git commit -qm data && git push -q -u origin main'
  git clone -q "$R/remote.git" "$R/b" || die "git clone of $R failed"
  measure scale "$n" retrieve pantri-fs 1 "same $DATA/$ds $R/dest/$ds" -- \
    env -C "$R/b" "$PANTRI" -q retrieve --no-pull -d "$R/dest"
  for i in $(seq 1 "$SCALE_RUNS"); do
    measure scale "$n" store-unchanged pantri-fs "$i" "" -- env -C "$R/a" "$PANTRI" -q store
    measure scale "$n" noop pantri-fs "$i" "" -- env -C "$R/b" "$PANTRI" -q retrieve -d "$R/dest"
    measure scale "$n" version pantri "$i" "" -- "$PANTRI" --version
    measure scale "$n" force pantri-fs "$i" "" -- env -C "$R/b" "$PANTRI" -q retrieve --force -d "$R/dest"
  done
  same "$DATA/$ds" "$R/dest/$ds" >"$LOGS/scale-$n.diff" 2>&1 || { FAILS=$((FAILS + 1)); say "DEST differs after the forced retrieves: $LOGS/scale-$n.diff"; }
  [ -z "$(git -C "$R/a" status --porcelain)" ] || { FAILS=$((FAILS + 1)); say "the unchanged store changed the work tree of $R/a"; }
}

# Both repositories are removed only at the end: the 100,000-file first store ran right after the
# 25,000 repository's 75,000 files were deleted, and ext4 then spent much of the store's system
# time skipping freshly freed inodes (perf: recently_deleted/find_inode_bit under ext4_create),
# 38-57 s where a fresh file system takes ~33 s, a growth per file the store itself does not have.
scale_section() {
  scale_one "$N_scale1"
  scale_one "$N_scale"
  rm -rf "$WORK/scale-$N_scale1" "$WORK/scale-$N_scale"
}

# ---- JMH ---------------------------------------------------------------------------------
corpus_list() {  # real files of many kinds from the system, up to 400 evenly spaced per directory
  local d
  for d in /usr/bin /usr/lib/x86_64-linux-gnu /usr/share/doc /usr/share/man /usr/lib/python3/dist-packages \
           /usr/include /usr/share/locale /usr/share/java /usr/lib/jvm; do
    [ -d "$d" ] || continue
    find "$d" -type f -size +0 -readable 2>/dev/null | LC_ALL=C sort |
      awk '{a[NR]=$0} END{k=NR>400?NR/400:1; for(i=1;i<=NR&&c<400;i+=k){print a[int(i)]; c++}}'
  done
}

jmh_section() {
  say "building the JMH benchmarks (mvn -Pbench test-compile, into target/bench)"
  (cd "$HERE" && mvn -q -B -Pbench test-compile dependency:build-classpath \
     -Dmdep.outputFile=target/bench/jmh.classpath) >"$LOGS/jmh-build.log" 2>&1 ||
    die "building the benchmarks failed (see $LOGS/jmh-build.log)"
  local CP="$HERE/target/bench/classes:$HERE/target/bench/test-classes:$(cat "$HERE/target/bench/jmh.classpath")"
  local HF; HF=$(hash_file)
  cat "$HF" >/dev/null
  local i alg
  for i in 1 2; do   # the first run warms the page cache and openssl; the table uses the second
    for alg in sha256 sha1; do
      measure jmh hashfile "dgst-$alg" openssl "$i" "" -- openssl dgst "-$alg" "$HF"
    done
  done
  say "JMH: hashing $HF"
  java -cp "$CP" org.openjdk.jmh.Main 'org\.pantri\.bench\.HashBench\.' -p "file=$HF" "${JMH_HASH[@]}" \
    -rf json -rff "$RES/jmh-hash-$STAMP.json" >"$LOGS/jmh-hash.log" 2>&1 ||
    { FAILS=$((FAILS + 1)); say "JMH hashing failed (see $LOGS/jmh-hash.log)"; }
  [ -s "$RES/jmh-hash-$STAMP.json" ] &&
    $PY "$REPORT" jmh2tsv "$RES/jmh-hash-$STAMP.json" hashfile "bytes=$(stat -c %s "$HF")" >>"$RAW"

  local LIST=$DATA/corpus.txt
  corpus_list >"$LIST"
  local nfiles nbytes
  nfiles=$(wc -l <"$LIST")
  nbytes=$($PY -c 'import os,sys; print(sum(min(os.path.getsize(l.rstrip("\n")), 65536) for l in open(sys.argv[1]) if l.strip()))' "$LIST")
  xargs -d '\n' cat <"$LIST" >/dev/null 2>&1
  for i in 1 2; do
    measure jmh corpus file-mime libmagic "$i" "" -- file --mime-encoding -b -f "$LIST"
  done
  say "JMH: binary detection over $nfiles files"
  java -cp "$CP" org.openjdk.jmh.Main 'org\.pantri\.bench\.BinaryDetectBench\.' -p "corpus=$LIST" "${JMH_DETECT[@]}" \
    -rf json -rff "$RES/jmh-detect-$STAMP.json" >"$LOGS/jmh-detect.log" 2>&1 ||
    { FAILS=$((FAILS + 1)); say "JMH binary detection failed (see $LOGS/jmh-detect.log)"; }
  [ -s "$RES/jmh-detect-$STAMP.json" ] &&
    $PY "$REPORT" jmh2tsv "$RES/jmh-detect-$STAMP.json" corpus "files=$nfiles bytes=$nbytes" >>"$RAW"
}

# ---- main --------------------------------------------------------------------------------
cleanup() {
  [ $CLEANED = 1 ] && return 0
  CLEANED=1
  if [ -n "$PREFIX" ]; then delete_containers "$PREFIX-"; fi
  if [ $STARTED_SWIFT = 1 ]; then
    say "stopping the Swift server this script started"
    "$HERE/scripts/test-servers.sh" stop >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$B" "$DATA" "$WORK" "$RES" "$LOGS"
ensure_packages
printf 'section\tdataset\top\ttool\trun\twall_s\tmaxrss_kb\tuser_s\tsys_s\tstatus\tnote\n' >"$RAW"
: >"$META"
meta mode $MODE; meta only $ONLY; meta runs "$RUNS"; meta runs_big "$RUNS_BIG"; meta big_t8 "$BIG_T8"
meta local_runs_large "$LOCAL_RUNS_LARGE"; meta repeat_within "$REPEAT_WITHIN"
meta short_runs $SHORT_RUNS; meta scale_runs $SCALE_RUNS; meta started "$(date -Is)"; meta cpus "$(nproc)"
meta load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
for ds in small med big many scale1 scale; do meta "ds_$ds" "$(count $ds) $(v=S_$ds; echo "${!v}")"; done
meta hash_size $HASH_SIZE

# Isolated git configuration (identity, no auto-gc, lfs filters) for every repo made here.
export GIT_CONFIG_GLOBAL=$B/gitconfig LC_ALL=C
git config --global user.name pantri-bench; git config --global user.email bench@example.invalid
git config --global init.defaultBranch main; git config --global gc.auto 0
git config --global advice.detachedHead false

# A private class-data-sharing cache for bin/pantri: the default one (~/.cache/pantri) is shared by
# every checkout on the machine, and another checkout's jar replaces our archive mid-run.
export XDG_CACHE_HOME=$B/cache
meta versions "$( { java -version 2>&1 | head -1; swift --version 2>/dev/null; rclone version 2>/dev/null | head -1
  git --version; git lfs version 2>/dev/null | cut -d' ' -f1; git annex version 2>/dev/null | head -1; openssl version; } |
  tr '\n' ';' | sed 's/;$//; s/;/; /g')"

say "mode $MODE (runs $RUNS, 1-GiB-dataset runs $RUNS_BIG), only: $ONLY; results in $RES"
if want swift || want local || want scale; then
  say "building/warming bin/pantri"
  "$PANTRI" --version >/dev/null || die "bin/pantri does not run"
  "$PANTRI" --version >/dev/null
  meta pantri_version "$("$PANTRI" --version 2>&1 | head -1)"
fi
if want swift || want local; then
  gen_ds small $N_small $S_small small
  gen_ds med $N_med $S_med med
fi
if want swift || want local || { want jmh && [ $MODE = full ]; }; then gen_ds big $N_big $S_big big; fi
if want local; then gen_ds many $N_many $S_many many; fi
if want jmh && [ $MODE = quick ]; then gen_ds hash 1 $HASH_SIZE hash; fi

if want swift; then swift_section; fi
if want local; then local_section; fi
if want scale; then scale_section; fi
if want jmh; then jmh_section; fi
cleanup
meta load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
meta total_s "$(echo "$(date +%s.%N) - $T0" | bc)"
meta failures $FAILS

$PY "$REPORT" table "$RAW" "$META" >"$TABLE" || die "the report failed"
cp "$RAW" "$RES/raw.tsv"; cp "$TABLE" "$RES/table.txt"
cat "$TABLE"
printf '\nraw results: %s\ntable:       %s\nlogs:        %s\n' "$RAW" "$TABLE" "$LOGS"
[ $FAILS = 0 ]
