#!/usr/bin/env bash
# The local runner behind `make run`, `make test`, `make stop`.
#   deploy/platform.sh setup    venv + dependencies + PostgreSQL + RabbitMQ + database + migrations
#   deploy/platform.sh start    setup, then the four services and the gateway in the background
#                               (REPLICAS=N: N processes of each service and of the gateway,
#                               GATEWAY_REPLICAS overrides the gateway's; replica 1 is named
#                               <name>, the others <name>-2 ... <name>-N; the gateway replicas
#                               share its port with SO_REUSEPORT, the kernel balances them)
#   deploy/platform.sh stop     stop what `start` started (pid files under $VAR/run), nothing else
#   deploy/platform.sh reset    (test instance only) drop its database and vhost
# Instance settings come from the environment (defaults: the "run" instance; `make test` uses
# its own database, vhost, port and var directory so it never touches a running platform).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

export INSTANCE=${INSTANCE:-run}
export VAR=${VAR:-$ROOT/var}
export DB_NAME=${DB_NAME:-coopleague}
export AMQP_VHOST=${AMQP_VHOST:-coopleague}
export GATEWAY_PORT=${GATEWAY_PORT:-8000}
export DATABASE_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/$DB_NAME}
export AMQP_URI=${AMQP_URI:-amqp://guest:guest@127.0.0.1:5672/$AMQP_VHOST}
export PYTHONWARNINGS=${PYTHONWARNINGS:-ignore}
PY=$ROOT/.venv/bin/python
SERVICES="org activities funding assessment"
REPLICAS=${REPLICAS:-1}
GATEWAY_REPLICAS=${GATEWAY_REPLICAS:-$REPLICAS}
# a stopped process has STOP_GRACE_SECONDS (eventkit: default 25) to finish in-flight work
STOP_WAIT_SECONDS=${STOP_WAIT_SECONDS:-30}

say() { printf '[coopleague] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_venv() {
  if [ ! -x "$PY" ]; then
    say "creating .venv"
    rm -rf .venv  # a partial or broken one: start clean, so the install below runs
    python3 -m venv .venv || { as_root apt-get update -q && as_root apt-get install -y -q python3-venv python3-pip && python3 -m venv .venv; }
  fi
  local stamp=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)
  if [ ! -f "$stamp" ]; then
    say "installing pinned dependencies"
    .venv/bin/pip install -q --upgrade pip >/dev/null
    .venv/bin/pip install -q -e '.[dev]'
    rm -f .venv/.installed-*; touch "$stamp"
  fi
}

docker_engine() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

pg_answers() { "$PY" - <<'PY' 2>/dev/null
import os, psycopg2
from psycopg2.extensions import parse_dsn
params = {**parse_dsn(os.environ["DATABASE_URL"]), "dbname": "postgres"}
try:
    psycopg2.connect(**params, connect_timeout=3).close()
except psycopg2.OperationalError as exc:
    # a full server is running: the budget check says what to do about it
    if "too many clients" not in str(exc):
        raise
PY
}
amqp_answers() { "$PY" - <<'PY' 2>/dev/null
import socket; socket.create_connection(("127.0.0.1", 5672), timeout=3).close()
PY
}

wait_for() { # wait_for <what> <command...>: up to 90 s
  local what=$1; shift
  for _ in $(seq 1 180); do "$@" && return 0; sleep 0.5; done
  say "$what does not answer"; return 1
}

ensure_postgres() {
  pg_answers && return 0
  if command -v pg_ctlcluster >/dev/null 2>&1 && ls /etc/postgresql/*/main >/dev/null 2>&1; then
    local v; v=$(ls /etc/postgresql | sort -n | tail -1)
    say "starting PostgreSQL $v"
    as_root pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
  elif docker_engine; then
    say "starting PostgreSQL with docker compose"; docker compose -f deploy/compose.yaml up -d postgres
  else
    say "installing PostgreSQL with apt"
    as_root apt-get update -q && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql
    local v; v=$(ls /etc/postgresql | sort -n | tail -1)
    # trust on loopback for the local platform (as on the development machines)
    as_root sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' /etc/postgresql/$v/main/pg_hba.conf
    as_root sed -i -E 's/^(local\s+all\s+postgres\s+)\S+/\1trust/' /etc/postgresql/$v/main/pg_hba.conf
    as_root pg_ctlcluster --skip-systemctl-redirect "$v" main start || as_root pg_ctlcluster "$v" main restart
  fi
  wait_for PostgreSQL pg_answers
}

ensure_rabbitmq() {
  if ! amqp_answers; then
    if command -v rabbitmq-server >/dev/null 2>&1; then
      say "starting RabbitMQ"; as_root rabbitmq-server -detached || true
    elif docker_engine; then
      say "starting RabbitMQ with docker compose"; docker compose -f deploy/compose.yaml up -d rabbitmq
    else
      say "installing RabbitMQ with apt"
      as_root apt-get update -q && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q rabbitmq-server
      as_root rabbitmq-server -detached || true
    fi
    wait_for RabbitMQ amqp_answers
  fi
  if command -v rabbitmqctl >/dev/null 2>&1; then
    wait_for "RabbitMQ (rabbitmqctl)" as_root rabbitmqctl -q await_startup
    as_root rabbitmqctl -q add_vhost "$AMQP_VHOST" 2>/dev/null || true
    as_root rabbitmqctl -q set_permissions -p "$AMQP_VHOST" guest '.*' '.*' '.*' >/dev/null
  fi
}

ensure_document_tools() {
  # the documents' PDFs embed these free CJK fonts; the tests read PDFs with poppler
  local missing=""
  [ -f /usr/share/fonts/truetype/arphic/uming.ttc ] || missing="$missing fonts-arphic-uming"
  [ -f /usr/share/fonts/truetype/arphic/ukai.ttc ] || missing="$missing fonts-arphic-ukai"
  [ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || missing="$missing fonts-wqy-zenhei"
  command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 \
    || missing="$missing poppler-utils"
  [ -z "$missing" ] && return 0
  say "installing with apt:$missing"
  as_root apt-get update -q >/dev/null
  # shellcheck disable=SC2086
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q $missing >/dev/null
}

# The console (console/): npm ci + vite build when its sources changed since the last build
# (a stamp of their hash in console/dist). Node.js and npm come from apt when missing.
console_hash() {
  (cd console && cat package.json package-lock.json index.html vite.config.js \
     $(find src -type f | LC_ALL=C sort) | sha1sum | cut -c1-16)
}

ensure_console() {
  [ -d console ] || return 0
  if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    say "installing Node.js and npm with apt"
    as_root apt-get update -q && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm
  fi
  local hash; hash=$(console_hash)
  if [ -f console/dist/.built ] && [ "$(cat console/dist/.built)" = "$hash" ]; then return 0; fi
  say "building the console (npm ci, vite build)"
  (cd console && npm ci --no-audit --no-fund --loglevel=error >&2 && npm run --silent build >&2)
  echo "$hash" > console/dist/.built
}

# The browser tests drive Debian's chromium (Playwright's own browser download needs the
# internet); a CJK font so that the screenshots show the Chinese text.
ensure_browser() {
  [ -x /usr/bin/chromium ] && [ -n "$(fc-list :lang=zh 2>/dev/null)" ] && return 0
  say "installing chromium and a CJK font with apt (browser tests)"
  as_root apt-get update -q && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk
}

setup() {
  mkdir -p "$VAR/run" "$VAR/log"
  ensure_document_tools
  ensure_console
  if [ "$INSTANCE" = test ]; then ensure_browser; fi
  ensure_venv
  ensure_postgres
  ensure_rabbitmq
  if [ -z "${JWT_SECRET:-}" ]; then "$PY" -c 'from gateway import auth; auth.ensure_secret_file()'; fi
  "$PY" -c 'from eventkit import personal; personal.ensure_key_file()'
  "$PY" -m deploy.migrate >&2
}

running() { local f="$VAR/run/$1.pid"; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }

any_running() { # any_running <process>: one of its replicas runs
  local f; for f in "$VAR/run/$1.pid" "$VAR"/run/"$1"-*.pid; do
    [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && return 0
  done; return 1
}

replica_names() { # replica_names <process> <count>: org org-2 org-3 ...
  echo "$1"
  local i; for i in $(seq 2 "$2"); do echo "$1-$i"; done
}

start_one() { # start_one <name> <module>
  if running "$1"; then say "$1 already running (pid $(cat "$VAR/run/$1.pid"))"; return 0; fi
  # each process serves /metrics and /health/{live,ready} on a port of its own, found in
  # $VAR/run/<name>.metrics-port (docs/operations.md)
  rm -f "$VAR/run/$1.metrics-port"
  METRICS_PORT=0 METRICS_PORT_FILE="$VAR/run/$1.metrics-port" \
    nohup "$ROOT/.venv/bin/nameko" run --config deploy/nameko.yaml "$2" >>"$VAR/log/$1.log" 2>&1 &
  echo $! >"$VAR/run/$1.pid"
  say "started $1 (pid $!)"
}

health() { "$PY" - <<PY 2>/dev/null
import urllib.request, sys
try:
    sys.exit(0 if urllib.request.urlopen("http://127.0.0.1:$GATEWAY_PORT/health", timeout=5).status == 200 else 1)
except Exception:
    sys.exit(1)
PY
}

port_taken() { "$PY" - <<PY 2>/dev/null
import socket, sys
s = socket.socket()
try:
    s.connect(("127.0.0.1", int("$GATEWAY_PORT")))
except OSError:
    sys.exit(1)
PY
}

start() {
  setup
  if ! any_running gateway && port_taken; then
    say "port $GATEWAY_PORT is taken by a process this instance did not start: stop it or set GATEWAY_PORT"
    exit 1
  fi
  # the connection budget (eventkit/config.py, per process: deploy/services.py): refuse before starting anything the server
  # cannot hold, rather than fail later with "too many clients already"
  local to_start="" budget_of=""
  for s in $SERVICES; do
    for name in $(replica_names "$s" "$REPLICAS"); do
      running "$name" || { to_start="$to_start $name"; budget_of="$budget_of $s"; }
    done
  done
  for name in $(replica_names gateway "$GATEWAY_REPLICAS"); do
    running "$name" || { to_start="$to_start $name"; budget_of="$budget_of gateway"; }
  done
  if [ -n "$to_start" ] && ! "$PY" -m deploy.budget check $budget_of; then
    say "not started: PostgreSQL has too few free connections (see above)"
    exit 1
  fi
  for s in $SERVICES; do
    for name in $(replica_names "$s" "$REPLICAS"); do
      start_one "$name" "services.$s.service:${s^}Service"
    done
  done
  for name in $(replica_names gateway "$GATEWAY_REPLICAS"); do
    start_one "$name" gateway.service:GatewayService
  done
  if ! wait_for "the gateway's /health" health; then
    say "logs: $VAR/log/"; tail -n 20 "$VAR"/log/*.log >&2 || true; exit 1
  fi
  say "platform is up"
  echo "Gateway: http://127.0.0.1:$GATEWAY_PORT  (OpenAPI: /api/v1/openapi.json)"
  echo "Admin token (8 h):"
  "$PY" -m gateway.tokens --department league_committee --role admin --sub admin
}

reset() {
  # A test instance starts from nothing, so no test depends on what earlier runs left; so
  # does `make bench`'s, so that runs compare.
  case "$INSTANCE" in
    test|bench) ;;
    *) say "reset is only for the test and bench instances (INSTANCE=test|bench)"; exit 2 ;;
  esac
  stop
  ensure_venv
  ensure_postgres
  ensure_rabbitmq
  "$PY" - <<PY
import psycopg2
from psycopg2.extensions import parse_dsn
conn = psycopg2.connect(**{**parse_dsn("$DATABASE_URL"), "dbname": "postgres"})
conn.autocommit = True
with conn.cursor() as cur:
    cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                ("$DB_NAME",))
    cur.execute('DROP DATABASE IF EXISTS "$DB_NAME"')
PY
  if command -v rabbitmqctl >/dev/null 2>&1; then
    as_root rabbitmqctl -q delete_vhost "$AMQP_VHOST" >/dev/null 2>&1 || true
  fi
  rm -f "$VAR"/log/*.log
  say "$INSTANCE instance reset (database $DB_NAME, vhost $AMQP_VHOST, logs)"
}

stop_pids() { # stop_pids <name>...: SIGTERM all, wait up to STOP_WAIT_SECONDS, then SIGKILL
  local name f pid pids=""
  for name in "$@"; do
    f="$VAR/run/$name.pid"
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; pids="$pids $name:$pid"; fi
  done
  local entry
  for entry in $pids; do
    name=${entry%%:*}; pid=${entry##*:}
    for _ in $(seq 1 $((STOP_WAIT_SECONDS * 4))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && { say "$name did not stop in ${STOP_WAIT_SECONDS}s: killed"; kill -KILL "$pid" 2>/dev/null || true; }
    say "stopped $name (pid $pid)"
  done
  for name in "$@"; do rm -f "$VAR/run/$name.pid" "$VAR/run/$name.metrics-port"; done
}

stop() {
  # the gateway replicas first (no new requests), then every service's replicas
  local gateways="" services="" f name
  for f in "$VAR"/run/*.pid; do
    [ -e "$f" ] || continue
    name=$(basename "$f" .pid)
    case "$name" in gateway|gateway-*) gateways="$gateways $name" ;; *) services="$services $name" ;; esac
  done
  stop_pids $gateways
  stop_pids $services
}

case "${1:-start}" in
  setup) setup ;;
  start) start ;;
  stop) stop ;;
  reset) reset ;;
  restart) stop; start ;;
  *) echo "usage: $0 setup|start|stop|restart|reset" >&2; exit 2 ;;
esac
