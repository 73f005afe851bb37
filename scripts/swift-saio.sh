#!/usr/bin/env bash
# swift-saio.sh - a real single-node OpenStack Swift ("Swift All In One" style)
# on 127.0.0.1, from Debian 12's packages (swift 2.30.1), for tests/benchmarks.
#
#   swift-saio.sh start  [BASE]   install pkgs if missing, write rings+configs,
#                                 start memcached + account/container/object/proxy
#                                 servers in the background, wait until auth + a
#                                 container PUT work. Idempotent (no-op if running).
#   swift-saio.sh stop   [BASE]   kill exactly the PIDs that `start` recorded
#                                 (and the worker children they forked).
#   swift-saio.sh status [BASE]   show recorded PIDs and whether auth answers.
#   swift-saio.sh env    [BASE]   print shell exports for clients (ST_AUTH, ...).
#
# BASE (default /tmp/pantri-swift, or $SAIO_BASE) holds everything: etc/ (swift.conf,
# *-server.conf, rings), srv/node/sdb1 (the "disk"), run/*.pid, logs/*.log.
# Nothing under /etc is written: the servers are started through a tiny launcher
# that points Swift at BASE/etc/swift.conf (Swift otherwise hard-codes
# /etc/swift/swift.conf for hash prefix/suffix, storage policies, constraints).
#
# Knobs (environment):
#   SAIO_PROXY_PORT=8080  SAIO_OBJECT_PORT=6200  SAIO_CONTAINER_PORT=6201
#   SAIO_ACCOUNT_PORT=6202  SAIO_MEMCACHED_PORT=11711
#   SAIO_WORKERS=1            workers per swift server (0 = no fork, 1 process)
#   SAIO_PROXY_WORKERS=$SAIO_WORKERS  SAIO_OBJECT_WORKERS=$SAIO_WORKERS
#   SAIO_MAX_FILE_SIZE=5368709122   Swift's default (5 GiB + 2 bytes); set e.g.
#                             8388608 to force 413 on big single PUTs in tests
#   SAIO_DEVICES=BASE/srv/node  where the "disk" sdb1 lives. Must support user
#                             xattrs. ext4 (e.g. /tmp here) caps all xattrs of a
#                             file at ~3.5 KiB (one 4 KiB block): objects with
#                             >~3.3 KiB of user metadata then fail with 503
#                             (object server 507). tmpfs (/dev/shm, kernel >= 6.6)
#                             has no such cap but holds the data in RAM.
#   SAIO_TOKEN_LIFE=86400     tempauth token lifetime in seconds (applies at start;
#                             a short value exercises token expiry in clients)
#   SAIO_LOG_LEVEL=INFO       SAIO_START_TIMEOUT=60 (seconds)
#   SAIO_NO_INSTALL=1         never call apt-get
#
# Auth (tempauth, v1):  curl -i -H 'X-Auth-User: test:tester' -H 'X-Auth-Key: testing' \
#                            http://127.0.0.1:8080/auth/v1.0
#   users: test:tester/testing (.admin), test:tester2/testing2 (.admin),
#          test:tester3/testing3 (no admin), test2:tester2/testing2 (.admin),
#          admin:admin/admin (.reseller_admin)
# S3 (s3api on the same port, path-style, region us-east-1, SigV2+SigV4):
#   access key "test:tester", secret "testing", endpoint http://127.0.0.1:8080
set -euo pipefail

CMD=${1:-start}
BASE=${2:-${SAIO_BASE:-/tmp/pantri-swift}}
PROXY_PORT=${SAIO_PROXY_PORT:-8080}
OBJ_PORT=${SAIO_OBJECT_PORT:-6200}
CONT_PORT=${SAIO_CONTAINER_PORT:-6201}
ACC_PORT=${SAIO_ACCOUNT_PORT:-6202}
MC_PORT=${SAIO_MEMCACHED_PORT:-11711}
WORKERS=${SAIO_WORKERS:-1}
PROXY_WORKERS=${SAIO_PROXY_WORKERS:-$WORKERS}
OBJECT_WORKERS=${SAIO_OBJECT_WORKERS:-$WORKERS}
MAX_FILE_SIZE=${SAIO_MAX_FILE_SIZE:-5368709122}
LOG_LEVEL=${SAIO_LOG_LEVEL:-INFO}
START_TIMEOUT=${SAIO_START_TIMEOUT:-60}
TOKEN_LIFE=${SAIO_TOKEN_LIFE:-86400}
case "$TOKEN_LIFE" in ''|*[!0-9]*) echo "SAIO_TOKEN_LIFE must be a number of seconds" >&2; exit 2;; esac
# Debian's swift lives in /usr/lib/python3/dist-packages: use the system python,
# never a pyenv/venv python3 that happens to be first on PATH.
PY=/usr/bin/python3
AUTH_URL="http://127.0.0.1:${PROXY_PORT}/auth/v1.0"
PKGS="swift swift-proxy swift-account swift-container swift-object python3-swiftclient memcached curl"

ETC=$BASE/etc RUN=$BASE/run LOGS=$BASE/logs DEVS=${SAIO_DEVICES:-$BASE/srv/node}

log() { printf '[swift-saio] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

proc_start() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null; }  # start time in clock ticks

pid_alive() {  # "PID STARTTIME" as recorded; alive AND same start time (no PID reuse)
  local pid=$1 st=${2:-}
  [ -n "$pid" ] && [ -e "/proc/$pid/stat" ] || return 1
  [ -z "$st" ] || [ "$(proc_start "$pid")" = "$st" ]
}

install_pkgs() {
  local missing="" p
  for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  [ "${SAIO_NO_INSTALL:-0}" = 1 ] && die "missing packages:$missing (SAIO_NO_INSTALL=1)"
  log "installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  # Package postinsts would start system services (a swift-proxy could grab :8080);
  # a temporary policy-rc.d forbids that where the machine has none of its own.
  local policy=/usr/sbin/policy-rc.d own_policy=0
  if [ ! -e "$policy" ] && [ -w /usr/sbin ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=1
  fi
  local rc=0
  { apt-get update -qq </dev/null &&
    apt-get install -y -qq --no-install-recommends $missing </dev/null; } >"$BASE/apt-install.log" 2>&1 || rc=$?
  [ "$own_policy" = 1 ] && rm -f "$policy"
  [ "$rc" = 0 ] || { tail -20 "$BASE/apt-install.log" >&2; die "apt-get update/install failed (see $BASE/apt-install.log)"; }
}

check_xattr() {
  "$PY" - "$DEVS" <<'EOF' || die "filesystem of $DEVS lacks user xattrs; use a BASE on ext4/xfs/tmpfs(>=6.6)"
import os, sys
p = os.path.join(sys.argv[1], '.xattr-probe')
open(p, 'w').close()
try:
    os.setxattr(p, 'user.swift.probe', b'x' * 254)
    assert os.getxattr(p, 'user.swift.probe') == b'x' * 254
finally:
    os.unlink(p)
EOF
}

build_rings() {
  local stamp="$OBJ_PORT $CONT_PORT $ACC_PORT v1"
  if [ -f "$ETC/ring.stamp" ] && [ "$(cat "$ETC/ring.stamp")" = "$stamp" ] &&
     [ -f "$ETC/object.ring.gz" ] && [ -f "$ETC/container.ring.gz" ] && [ -f "$ETC/account.ring.gz" ]; then
    return 0
  fi
  log "building rings (part_power 10, 1 replica, 1 device)"
  local r port rc
  for r in object container account; do
    case $r in object) port=$OBJ_PORT;; container) port=$CONT_PORT;; account) port=$ACC_PORT;; esac
    rm -f "$ETC/$r.builder" "$ETC/$r.ring.gz"
    swift-ring-builder "$ETC/$r.builder" create 10 1 1 >/dev/null
    swift-ring-builder "$ETC/$r.builder" add --region 1 --zone 1 --ip 127.0.0.1 \
      --port "$port" --device sdb1 --weight 100 >/dev/null
    rc=0; swift-ring-builder "$ETC/$r.builder" rebalance >/dev/null || rc=$?
    [ "$rc" -le 1 ] || die "rebalance of $r ring failed (rc=$rc)"   # 1 = warning only
  done
  echo "$stamp" >"$ETC/ring.stamp"
}

write_configs() {
  local user; user=$(id -un)
  cat >"$ETC/swift.conf" <<EOF
[swift-hash]
swift_hash_path_prefix = saio-test-prefix
swift_hash_path_suffix = saio-test-suffix

[storage-policy:0]
name = Policy-0
default = yes

[swift-constraints]
# Swift default is 5368709122 (5 GiB + 2). Larger single PUTs get 413.
max_file_size = $MAX_FILE_SIZE
EOF
  local common="swift_dir = $ETC
user = $user
bind_ip = 127.0.0.1
log_level = $LOG_LEVEL
devices = $DEVS
mount_check = false"
  cat >"$ETC/account-server.conf" <<EOF
[DEFAULT]
$common
bind_port = $ACC_PORT
workers = $WORKERS
log_name = account-server

[pipeline:main]
pipeline = healthcheck recon account-server

[app:account-server]
use = egg:swift#account

[filter:recon]
use = egg:swift#recon
recon_cache_path = $RUN

[filter:healthcheck]
use = egg:swift#healthcheck
EOF
  cat >"$ETC/container-server.conf" <<EOF
[DEFAULT]
$common
bind_port = $CONT_PORT
workers = $WORKERS
log_name = container-server

[pipeline:main]
pipeline = healthcheck recon container-server

[app:container-server]
use = egg:swift#container
allow_versions = true

[filter:recon]
use = egg:swift#recon
recon_cache_path = $RUN

[filter:healthcheck]
use = egg:swift#healthcheck
EOF
  cat >"$ETC/object-server.conf" <<EOF
[DEFAULT]
$common
bind_port = $OBJ_PORT
workers = $OBJECT_WORKERS
log_name = object-server

[pipeline:main]
pipeline = healthcheck recon object-server

[app:object-server]
use = egg:swift#object

[filter:recon]
use = egg:swift#recon
recon_cache_path = $RUN

[filter:healthcheck]
use = egg:swift#healthcheck
EOF
  cat >"$ETC/proxy-server.conf" <<EOF
[DEFAULT]
swift_dir = $ETC
user = $user
bind_ip = 127.0.0.1
bind_port = $PROXY_PORT
workers = $PROXY_WORKERS
log_name = proxy-server
log_level = $LOG_LEVEL

[pipeline:main]
# proxy-logging twice on purpose (logs middleware-originated subrequests too).
# s3api must sit before tempauth; slo after it (s3api multipart needs slo).
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk tempurl ratelimit s3api tempauth copy container-quotas account-quotas slo dlo versioned_writes symlink proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
allow_account_management = true
account_autocreate = true

[filter:tempauth]
use = egg:swift#tempauth
token_life = $TOKEN_LIFE
user_admin_admin = admin .admin .reseller_admin
user_test_tester = testing .admin
user_test_tester2 = testing2 .admin
user_test_tester3 = testing3
user_test2_tester2 = testing2 .admin

[filter:s3api]
use = egg:swift#s3api
# defaults: location = us-east-1, s3_acl = false, allow_multipart_uploads = true,
# dns_compliant_bucket_names = true, storage_domain unset => path-style only

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$MC_PORT

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:gatekeeper]
use = egg:swift#gatekeeper

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:proxy-logging]
use = egg:swift#proxy_logging

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:bulk]
use = egg:swift#bulk

[filter:tempurl]
use = egg:swift#tempurl

[filter:ratelimit]
use = egg:swift#ratelimit

[filter:copy]
use = egg:swift#copy

[filter:container-quotas]
use = egg:swift#container_quotas

[filter:account-quotas]
use = egg:swift#account_quotas

[filter:slo]
use = egg:swift#slo
# defaults: max_manifest_segments = 1000, max_manifest_size = 8388608

[filter:dlo]
use = egg:swift#dlo

[filter:versioned_writes]
use = egg:swift#versioned_writes
allow_versioned_writes = true
allow_object_versioning = true

[filter:symlink]
use = egg:swift#symlink
EOF
  # Launcher: make Swift read BASE/etc/swift.conf instead of /etc/swift/swift.conf.
  cat >"$BASE/bin/saio-server.py" <<'EOF'
import logging, sys
from swift.common import utils
utils.set_swift_dir(sys.argv.pop(1))  # re-reads hash, policies, constraints


class NoSyslog(logging.NullHandler):
    """No /dev/log here, so Swift would fall back to UDP syslog on
    localhost:514; logs go to stderr (-v) => BASE/logs/*.log instead."""
    def __init__(self, *args, **kwargs):
        logging.NullHandler.__init__(self)


utils.ThreadSafeSysLogHandler = NoSyslog
server = sys.argv.pop(1)              # proxy-server | object-server | ...
from swift.common.utils import parse_options
from swift.common.wsgi import run_wsgi
conf_file, options = parse_options()
kw = {}
if server == 'object-server':
    from swift.obj import server as objserver
    kw['global_conf_callback'] = objserver.global_conf_callback
sys.exit(run_wsgi(conf_file, server, **dict(options, **kw)))
EOF
}

start_bg() {  # name, command... ; records PID in RUN/name.pid
  local name=$1; shift
  # setsid: own session, so Swift's killpg(0) on SIGTERM only hits itself and
  # its workers. The script has no job control, so setsid does not fork and $!
  # is the server's own PID.
  # 9>&-: the servers must not inherit the start/stop lock, or it stays held while they run.
  setsid "$@" </dev/null >>"$LOGS/$name.log" 2>&1 9>&- &
  local pid=$!
  echo "$pid $(proc_start "$pid")" >"$RUN/$name.pid"
}

running_pids() {
  local f pid
  for f in "$RUN"/*.pid; do
    [ -e "$f" ] || continue
    read -r pid st <"$f" || true
    pid_alive "$pid" "$st" && echo "$(basename "$f" .pid) $pid"
  done
  return 0
}

auth_ok() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
        -H 'X-Auth-User: test:tester' -H 'X-Auth-Key: testing' "$AUTH_URL")" = 200 ]
}

do_start() {
  mkdir -p "$ETC" "$RUN" "$LOGS" "$DEVS/sdb1" "$BASE/bin"
  BASE=$(cd "$BASE" && pwd); ETC=$BASE/etc RUN=$BASE/run LOGS=$BASE/logs; DEVS=$(cd "$DEVS" && pwd)
  if [ -n "$(running_pids)" ]; then
    if auth_ok; then log "already running in $BASE"; do_env; return 0; fi
    die "stale/partial servers from $BASE are running; run: $0 stop $BASE"
  fi
  local t0=$SECONDS
  install_pkgs
  check_xattr
  local p
  for p in $PROXY_PORT $OBJ_PORT $CONT_PORT $ACC_PORT $MC_PORT; do
    port_busy "$p" && die "127.0.0.1:$p is already in use (set SAIO_*_PORT)"
  done
  build_rings
  write_configs
  rm -f "$RUN"/*.pid
  local mcuser=(); [ "$(id -u)" = 0 ] && mcuser=(-u root)
  # memcached is required, not optional: tempauth keeps its tokens there
  # ("Exception: Memcache required" otherwise).
  start_bg memcached /usr/bin/memcached -l 127.0.0.1 -p "$MC_PORT" -U 0 -m 64 -c 1024 "${mcuser[@]}"
  local s
  for s in account-server container-server object-server proxy-server; do
    start_bg "$s" "$PY" "$BASE/bin/saio-server.py" "$ETC" "$s" "$ETC/$s.conf" -v
  done
  # wait for auth
  local deadline=$((SECONDS + START_TIMEOUT))
  until auth_ok; do
    for s in memcached account-server container-server object-server proxy-server; do
      pid_alive $(cat "$RUN/$s.pid") || { tail -20 "$LOGS/$s.log" >&2; do_stop; die "$s exited"; }
    done
    [ $SECONDS -lt $deadline ] || { do_stop; die "auth did not answer 200 within ${START_TIMEOUT}s"; }
    sleep 0.2
  done
  # a container PUT must work (account autocreate + account/container servers)
  local hdrs tok url code
  hdrs=$(curl -s -D - -o /dev/null -H 'X-Auth-User: test:tester' -H 'X-Auth-Key: testing' "$AUTH_URL")
  tok=$(printf '%s' "$hdrs" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-auth-token"{print $2}')
  url=$(printf '%s' "$hdrs" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-storage-url"{print $2}')
  until code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H "X-Auth-Token: $tok" "$url/saio-selftest") &&
        { [ "$code" = 201 ] || [ "$code" = 202 ]; }; do
    [ $SECONDS -lt $deadline ] || { do_stop; die "container PUT kept failing (last HTTP $code)"; }
    sleep 0.2
  done
  curl -s -o /dev/null -X DELETE -H "X-Auth-Token: $tok" "$url/saio-selftest" || true
  log "up in $((SECONDS - t0))s: proxy http://127.0.0.1:$PROXY_PORT  base $BASE"
  do_env
}

do_stop() {
  [ -d "$RUN" ] || { log "nothing to stop in $BASE"; return 0; }
  local f pid st name kids all=() c
  for f in "$RUN"/*.pid; do
    [ -e "$f" ] || continue
    read -r pid st <"$f" || true; name=$(basename "$f" .pid)
    if pid_alive "$pid" "$st"; then
      kids=$(ps -o pid= --ppid "$pid" 2>/dev/null | tr -s ' \n' ' ' || true)
      log "stopping $name pid $pid${kids:+ (workers:$kids)}"
      kill -TERM "$pid" 2>/dev/null || true
      all+=("$pid" $kids)
    fi
    rm -f "$f"
  done
  for _ in $(seq 1 50); do
    local left=()
    for c in "${all[@]}"; do kill -0 "$c" 2>/dev/null && left+=("$c"); done
    [ ${#left[@]} -eq 0 ] && return 0
    sleep 0.2
  done
  for c in "${all[@]}"; do
    kill -0 "$c" 2>/dev/null && { log "SIGKILL $c"; kill -KILL "$c" 2>/dev/null || true; }
  done
  return 0
}

do_status() {
  local rp; rp=$(running_pids)
  [ -n "$rp" ] && echo "$rp" || echo "no recorded live servers in $BASE"
  if auth_ok; then echo "auth: 200 at $AUTH_URL"; else echo "auth: not answering at $AUTH_URL"; return 1; fi
}

do_env() {
  cat <<EOF
export ST_AUTH=$AUTH_URL
export ST_USER=test:tester
export ST_KEY=testing
export SAIO_S3_ENDPOINT=http://127.0.0.1:$PROXY_PORT
export AWS_ACCESS_KEY_ID=test:tester
export AWS_SECRET_ACCESS_KEY=testing
export AWS_DEFAULT_REGION=us-east-1
EOF
}

locked() {  # serialise start/stop: several test runs may share one BASE
  mkdir -p "$BASE"
  exec 9>"$BASE/.lock"
  flock -w 300 9 || die "another $0 holds $BASE/.lock for over 300s"
  "$@"
}

case "$CMD" in
  start) locked do_start ;;
  stop) locked do_stop ;;
  status) do_status ;;
  env) do_env ;;
  *) echo "usage: $0 start|stop|status|env [BASE]" >&2; exit 2 ;;
esac
