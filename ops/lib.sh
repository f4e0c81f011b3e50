# shellcheck shell=bash
# ops/lib.sh: helpers shared by the ops/* scripts. Source it; do not run it.
#
# It manages a project-owned PostgreSQL and RabbitMQ that listen on 127.0.0.1
# only, on ports that do not clash with default servers, with all their state
# under <repo>/.tokenledger/. It never touches any other server on the machine.
#
# Overridable environment variables (defaults in brackets):
#   TOKENLEDGER_POSTGRES            use this PostgreSQL; do not install/start ours
#   TOKENLEDGER_RABBITMQ            use this RabbitMQ (AMQP URI); do not install/start ours
#   TOKENLEDGER_RABBITMQ_MANAGEMENT management API URL of that RabbitMQ (optional)
#   TOKENLEDGER_PG_PORT             [55432]
#   TOKENLEDGER_RABBITMQ_PORT       AMQP [55672]
#   TOKENLEDGER_RABBITMQ_MGMT_PORT  management HTTP API [55673]
#   TOKENLEDGER_RABBITMQ_DIST_PORT  Erlang distribution [55674]
#   TOKENLEDGER_EPMD_PORT           Erlang port mapper [55675]
#   TOKENLEDGER_PG_BIN              [/usr/lib/postgresql/15/bin]
#   TOKENLEDGER_STATE_DIR           [<repo>/.tokenledger]
#   TOKENLEDGER_START_TIMEOUT       seconds to wait for a server to boot [120]

TL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
TL_STATE=${TOKENLEDGER_STATE_DIR:-$TL_ROOT/.tokenledger}
TL_ENV_FILE=$TL_STATE/env
TL_START_TIMEOUT=${TOKENLEDGER_START_TIMEOUT:-120}

TL_PG_PORT=${TOKENLEDGER_PG_PORT:-55432}
TL_PG_BIN=${TOKENLEDGER_PG_BIN:-/usr/lib/postgresql/15/bin}
TL_PG_DIR=$TL_STATE/pg
TL_PG_DB=tokenledger
TL_PG_USER=tokenledger
TL_PG_PASSWORD=tokenledger

TL_RABBIT_PORT=${TOKENLEDGER_RABBITMQ_PORT:-55672}
TL_RABBIT_MGMT_PORT=${TOKENLEDGER_RABBITMQ_MGMT_PORT:-55673}
TL_RABBIT_DIST_PORT=${TOKENLEDGER_RABBITMQ_DIST_PORT:-55674}
TL_EPMD_PORT=${TOKENLEDGER_EPMD_PORT:-55675}
TL_RABBIT_BIN=/usr/lib/rabbitmq/bin
TL_RABBIT_DIR=$TL_STATE/rabbitmq
TL_RABBIT_NODE=tokenledger@localhost
TL_RABBIT_PID_FILE=$TL_RABBIT_DIR/rabbitmq.pid

# Set by tl_services_up: 1 if this process started the server (so it may stop it).
TL_STARTED_PG=0
TL_STARTED_RABBIT=0

# ---------------------------------------------------------------- output ---

_tl_step_open=0
_tl_step_t0=0

tl_info() {
  printf '[tokenledger] %s\n' "$*"
}

tl_die() {
  if [[ $_tl_step_open == 1 ]]; then printf 'FAILED\n'; _tl_step_open=0; fi
  printf '[tokenledger] error: %s\n' "$*" >&2
  exit 1
}

# Microseconds since the epoch (bash 5 EPOCHREALTIME, no subprocess).
_tl_now_us() {
  local t=${EPOCHREALTIME/[.,]/}
  printf '%s' "$t"
}

# Prints "[tokenledger] <msg> ... " and starts a stopwatch.
tl_step() {
  printf '[tokenledger] %s ... ' "$*"
  _tl_step_open=1
  _tl_step_t0=$(_tl_now_us)
}

# Ends the line opened by tl_step: "<word> in 3.1 s".
tl_step_done() {
  local us=$(( $(_tl_now_us) - _tl_step_t0 ))
  printf '%s in %d.%d s\n' "${1:-done}" $(( us / 1000000 )) $(( us % 1000000 / 100000 ))
  _tl_step_open=0
}

# Prints the last lines of a log file to stderr (used when a server fails).
tl_show_log() {
  local file=$1
  [[ -f $file ]] || return 0
  printf '[tokenledger] --- last lines of %s ---\n' "$file" >&2
  tail -n "${2:-25}" "$file" >&2 || true
}

# ----------------------------------------------------------------- misc ----

tl_is_root() { [[ $(id -u) == 0 ]]; }

# True if something accepts TCP connections on 127.0.0.1:<port>.
tl_port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

tl_require_port_free() {
  local port=$1 what=$2 var=$3
  if tl_port_in_use "$port"; then
    tl_die "port 127.0.0.1:$port ($what) is already used by another process; stop it or set $var to a free port"
  fi
}

# Single-quotes a value for a shell file: it's -> 'it'\''s'.
tl_shell_quote() {
  local s=${1//\'/\'\\\'\'}
  printf "'%s'" "$s"
}

# Serialises concurrent ops/* scripts of this checkout. fd 9 must not leak into
# the servers, so every server start below closes it (9>&-).
tl_lock() {
  mkdir -p "$TL_STATE"
  exec 9>"$TL_STATE/lock"
  flock -w 300 9 || tl_die "timed out waiting for $TL_STATE/lock (another ops script is running)"
}

tl_unlock() {
  exec 9>&-
}

# ------------------------------------------------------------- installing ---

# Runs apt-get as root: directly when root, else through sudo.
_tl_apt() {
  if tl_is_root; then
    env DEBIAN_FRONTEND=noninteractive apt-get "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo env DEBIAN_FRONTEND=noninteractive apt-get "$@"
  else
    tl_die "installing needs root or sudo (apt-get $*)"
  fi
}

_tl_as_root() {
  if tl_is_root; then "$@"; else sudo "$@"; fi
}

# Installs Debian packages without letting their maintainer scripts start the
# system-wide services: a temporary /usr/sbin/policy-rc.d (exit 101) is put in
# place unless one exists already, and removed again afterwards.
tl_apt_install() {
  local log=$TL_STATE/apt.log policy=/usr/sbin/policy-rc.d rc=0 added=0
  command -v apt-get >/dev/null 2>&1 || tl_die "apt-get not found; install $* by hand"
  mkdir -p "$TL_STATE"
  : >"$log"
  tl_step "installing $* with apt-get (log: ${log#"$TL_ROOT"/})"
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# temporary, added by tokenledger ops/lib.sh\nexit 101\n' \
      | _tl_as_root tee "$policy" >/dev/null && _tl_as_root chmod 755 "$policy" && added=1
  fi
  {
    _tl_apt -q -o DPkg::Lock::Timeout=300 update &&
      _tl_apt -q -y -o DPkg::Lock::Timeout=300 --no-install-recommends install "$@"
  } >>"$log" 2>&1 || rc=$?
  if [[ $added == 1 ]]; then _tl_as_root rm -f "$policy"; fi
  if [[ $rc != 0 ]]; then
    printf 'FAILED\n'; _tl_step_open=0
    tl_show_log "$log"
    tl_die "apt-get install $* failed (exit $rc)"
  fi
  tl_step_done "done"
}

tl_pg_installed() { [[ -x $TL_PG_BIN/postgres && -x $TL_PG_BIN/initdb && -x $TL_PG_BIN/pg_ctl ]]; }
tl_rabbit_installed() { [[ -x $TL_RABBIT_BIN/rabbitmq-server && -x $TL_RABBIT_BIN/rabbitmqctl ]]; }

# --------------------------------------------------------------- PostgreSQL ---

# The OS user that owns and runs our PostgreSQL: postgres when we are root
# (initdb refuses to run as root), else the current user.
tl_pg_os_user() {
  if tl_is_root; then printf 'postgres'; else id -un; fi
}

_tl_pg_ensure_os_user() {
  tl_is_root || return 0
  id postgres >/dev/null 2>&1 && return 0
  useradd --system --user-group --no-create-home --home-dir /var/lib/postgresql \
    --shell /bin/sh postgres || tl_die "could not create the postgres OS user"
}

# Runs a command as the PostgreSQL OS user, from / (its cwd may be unreadable),
# without the lock fd.
tl_as_pg_user() {
  if tl_is_root; then
    (cd / && runuser -u postgres -- "$@" 9>&-)
  else
    "$@" 9>&-
  fi
}

# Real (symlink-free) path of our PostgreSQL directory.
tl_pg_real_dir() {
  readlink -f "$TL_PG_DIR"
}

# Unix socket directory: inside our dir, unless that path is too long for a
# socket (108 bytes), then under /tmp.
tl_pg_socket_dir() {
  local dir
  dir="$(tl_pg_real_dir)/run"
  if (( ${#dir} > 80 )); then
    dir="/tmp/tokenledger-pg-$(id -u "$(tl_pg_os_user)")-$(printf '%s' "$TL_ROOT" | cksum | cut -d' ' -f1)"
  fi
  printf '%s' "$dir"
}

# Creates .tokenledger/pg, owned by the PostgreSQL OS user. When that user
# cannot reach it (e.g. the repo is under /root), the directory lives in
# /var/tmp and .tokenledger/pg is a symlink to it.
_tl_pg_prepare_dirs() {
  mkdir -p "$TL_STATE"
  if ! tl_is_root; then
    mkdir -p "$TL_PG_DIR"
    return 0
  fi
  _tl_pg_ensure_os_user
  if [[ ! -e $TL_PG_DIR ]]; then
    mkdir -p "$TL_PG_DIR"
    chown postgres: "$TL_PG_DIR"
    if ! tl_as_pg_user test -w "$TL_PG_DIR"; then
      local ext
      ext="/var/tmp/tokenledger-pg-$(printf '%s' "$TL_ROOT" | cksum | cut -d' ' -f1)"
      rmdir "$TL_PG_DIR"
      mkdir -p "$ext"
      chown postgres: "$ext"
      chmod 700 "$ext"
      ln -s "$ext" "$TL_PG_DIR"
      tl_info "the postgres OS user cannot reach $TL_STATE; PostgreSQL data lives in $ext"
    fi
  fi
  chown postgres: "$(tl_pg_real_dir)"
}

tl_pg_initialised() { [[ -s $(tl_pg_real_dir)/data/PG_VERSION ]]; }

_tl_pg_init() {
  local dir
  dir=$(tl_pg_real_dir)
  tl_pg_initialised && return 0
  # A half-made data dir (interrupted initdb) is useless: start afresh.
  [[ -e $dir/data ]] && rm -rf "$dir/data"
  tl_step "initialising PostgreSQL data directory ${dir#"$TL_ROOT"/}/data"
  if ! tl_as_pg_user "$TL_PG_BIN/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1; then
    printf 'FAILED\n'; _tl_step_open=0
    tl_show_log "$dir/initdb.log"
    tl_die "initdb failed"
  fi
  # Dev/test tuning. fsync and synchronous_commit stay on: crash safety is tested.
  tl_as_pg_user tee -a "$dir/data/postgresql.conf" >/dev/null <<'EOF'

# --- tokenledger dev/test settings (ops/lib.sh) ---
# Port, listen address and socket directory are given on the command line.
max_connections = 300
shared_buffers = 256MB
fsync = on
synchronous_commit = on
full_page_writes = on
log_min_duration_statement = -1
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  tl_step_done "done"
}

tl_pg_running() {
  tl_pg_initialised || return 1
  tl_as_pg_user "$TL_PG_BIN/pg_ctl" -D "$(tl_pg_real_dir)/data" status >/dev/null 2>&1
}

# Port the running server was started on (line 4 of postmaster.pid).
_tl_pg_running_port() {
  sed -n 4p "$(tl_pg_real_dir)/data/postmaster.pid" 2>/dev/null
}

# psql as the superuser over our Unix socket (local auth is trust).
_tl_pg_psql_admin() {
  "$TL_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$(tl_pg_socket_dir)" -p "$TL_PG_PORT" \
    -U postgres -d postgres
}

# Creates the tokenledger role and database if missing (idempotent).
_tl_pg_ensure_db() {
  _tl_pg_psql_admin >/dev/null <<EOF
SELECT format('CREATE ROLE %I LOGIN', '$TL_PG_USER')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$TL_PG_USER') \gexec
ALTER ROLE "$TL_PG_USER" LOGIN PASSWORD '$TL_PG_PASSWORD';
SELECT format('CREATE DATABASE %I OWNER %I', '$TL_PG_DB', '$TL_PG_USER')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$TL_PG_DB') \gexec
EOF
}

# SELECT 1 over TCP with the application's credentials.
tl_pg_check() {
  PGPASSWORD=$TL_PG_PASSWORD PGCONNECT_TIMEOUT=5 "$TL_PG_BIN/psql" -X -q -At \
    "host=127.0.0.1 port=$TL_PG_PORT user=$TL_PG_USER dbname=$TL_PG_DB" -c 'SELECT 1' >/dev/null 2>&1
}

# Starts our PostgreSQL (data dir must exist). Sets TL_STARTED_PG=1.
tl_pg_start() {
  local dir sock
  dir=$(tl_pg_real_dir)
  sock=$(tl_pg_socket_dir)
  tl_require_port_free "$TL_PG_PORT" PostgreSQL TOKENLEDGER_PG_PORT
  if [[ ! -d $sock ]]; then
    mkdir -p "$sock"
    if tl_is_root; then chown postgres: "$sock"; fi
  fi
  tl_step "starting PostgreSQL on 127.0.0.1:$TL_PG_PORT"
  if ! tl_as_pg_user "$TL_PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t "$TL_START_TIMEOUT" \
      -o "-p $TL_PG_PORT -k $sock -c listen_addresses=127.0.0.1" start >/dev/null 2>&1; then
    printf 'FAILED\n'; _tl_step_open=0
    tl_show_log "$dir/postgres.log"
    tl_die "PostgreSQL did not start"
  fi
  TL_STARTED_PG=1
  _tl_pg_ensure_db || tl_die "could not create role/database $TL_PG_USER/$TL_PG_DB"
  tl_pg_check || tl_die "PostgreSQL started but SELECT 1 as $TL_PG_USER over TCP failed"
  tl_step_done ready
}

# Stops our PostgreSQL if it runs. Mode: fast (default) or immediate (a crash
# as far as the data is concerned: WAL recovery runs at the next start).
tl_pg_stop() {
  local mode=${1:-fast}
  tl_pg_running || return 0
  tl_step "stopping PostgreSQL on 127.0.0.1:$(_tl_pg_running_port) (-m $mode)"
  if ! tl_as_pg_user "$TL_PG_BIN/pg_ctl" -D "$(tl_pg_real_dir)/data" -m "$mode" -w -t 60 stop >/dev/null 2>&1; then
    printf 'FAILED\n'
    _tl_step_open=0
    printf '[tokenledger] error: pg_ctl stop failed; see %s\n' "$(tl_pg_real_dir)/postgres.log" >&2
    return 1
  fi
  tl_step_done stopped
}

# Installs if needed, initialises if needed, starts if not running.
tl_pg_up() {
  if ! tl_pg_installed; then
    tl_apt_install postgresql-15
    tl_pg_installed || tl_die "PostgreSQL binaries still missing in $TL_PG_BIN after install"
  fi
  _tl_pg_prepare_dirs
  _tl_pg_init
  if tl_pg_running; then
    local port
    port=$(_tl_pg_running_port)
    [[ $port == "$TL_PG_PORT" ]] ||
      tl_die "this checkout's PostgreSQL already runs on port $port, not $TL_PG_PORT; run ops/services-down first"
    _tl_pg_ensure_db || tl_die "could not create role/database $TL_PG_USER/$TL_PG_DB"
    tl_pg_check || tl_die "PostgreSQL runs on 127.0.0.1:$TL_PG_PORT but SELECT 1 as $TL_PG_USER failed"
    tl_info "PostgreSQL already running on 127.0.0.1:$TL_PG_PORT (reused)"
    return 0
  fi
  tl_pg_start
}

tl_pg_connection_string() {
  printf 'Host=127.0.0.1;Port=%s;Database=%s;Username=%s;Password=%s' \
    "$TL_PG_PORT" "$TL_PG_DB" "$TL_PG_USER" "$TL_PG_PASSWORD"
}

# ----------------------------------------------------------------- RabbitMQ ---

# Runs a RabbitMQ tool (rabbitmq-server, rabbitmqctl, ...) against our node.
# Everything points into .tokenledger/rabbitmq, including HOME, so the Erlang
# cookie is the same for server and CLI whoever runs them. The Debian wrappers
# in /usr/sbin (which switch to the rabbitmq user) are bypassed on purpose.
tl_rabbit() {
  local tool=$1
  shift
  (cd "$TL_RABBIT_DIR" && env \
    HOME="$TL_RABBIT_DIR/home" \
    RABBITMQ_NODENAME="$TL_RABBIT_NODE" \
    RABBITMQ_USE_LONGNAME=false \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$TL_RABBIT_PORT" \
    RABBITMQ_DIST_PORT="$TL_RABBIT_DIST_PORT" \
    ERL_EPMD_PORT="$TL_EPMD_PORT" \
    ERL_EPMD_ADDRESS=127.0.0.1 \
    RABBITMQ_CONF_ENV_FILE="$TL_RABBIT_DIR/rabbitmq-env.conf" \
    RABBITMQ_CONFIG_FILE="$TL_RABBIT_DIR/rabbitmq.conf" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$TL_RABBIT_DIR/advanced.config" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$TL_RABBIT_DIR/enabled_plugins" \
    RABBITMQ_MNESIA_BASE="$TL_RABBIT_DIR/mnesia" \
    RABBITMQ_LOG_BASE="$TL_RABBIT_DIR/log" \
    RABBITMQ_PID_FILE="$TL_RABBIT_PID_FILE" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    "$TL_RABBIT_BIN/$tool" "$@" 9>&-)
}

# (Re)writes our node's configuration; ports come from the environment.
_tl_rabbit_write_config() {
  mkdir -p "$TL_RABBIT_DIR/home" "$TL_RABBIT_DIR/mnesia" "$TL_RABBIT_DIR/log"
  chmod 700 "$TL_RABBIT_DIR/home"
  : >"$TL_RABBIT_DIR/rabbitmq-env.conf"
  printf '[].\n' >"$TL_RABBIT_DIR/advanced.config"
  printf '[rabbitmq_management].\n' >"$TL_RABBIT_DIR/enabled_plugins"
  cat >"$TL_RABBIT_DIR/rabbitmq.conf" <<EOF
# Generated by ops/lib.sh on each start; edits are overwritten.
listeners.tcp.1 = 127.0.0.1:$TL_RABBIT_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $TL_RABBIT_MGMT_PORT
loopback_users.guest = true
# Fresher management stats for tests (default 5000 ms).
collect_statistics_interval = 1000
log.file.level = info
log.console = false
EOF
}

# Pid of our running node, from its pid file, if that process is alive beam.
_tl_rabbit_pid() {
  local pid
  [[ -s $TL_RABBIT_PID_FILE ]] || return 1
  pid=$(<"$TL_RABBIT_PID_FILE")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  grep -q beam "/proc/$pid/cmdline" 2>/dev/null || return 1
  printf '%s' "$pid"
}

tl_rabbit_running() { _tl_rabbit_pid >/dev/null; }

# Polls `rabbitmqctl await_startup` until our node has fully booted. It fails
# at once (exit 69) until the node has registered with epmd, hence the loop.
_tl_rabbit_wait() {
  local t0=$SECONDS
  while (( SECONDS - t0 < TL_START_TIMEOUT )); do
    if tl_rabbit rabbitmqctl -q await_startup --timeout 30 >/dev/null 2>&1; then
      return 0
    fi
    # The VM writes its pid file within a second or two; gone after that = died.
    if (( SECONDS - t0 > 10 )) && ! tl_rabbit_running; then
      return 1
    fi
    sleep 0.5
  done
  return 1
}

# True if an epmd answers on our epmd port.
_tl_epmd_running() {
  ERL_EPMD_PORT=$TL_EPMD_PORT epmd -port "$TL_EPMD_PORT" -names >/dev/null 2>&1
}

# Stops the epmd on our port (it refuses while nodes are still registered).
tl_epmd_stop() {
  command -v epmd >/dev/null 2>&1 || return 0
  _tl_epmd_running || return 0
  ERL_EPMD_PORT=$TL_EPMD_PORT epmd -port "$TL_EPMD_PORT" -kill >/dev/null 2>&1 || true
}

# Starts our RabbitMQ node. Sets TL_STARTED_RABBIT=1.
tl_rabbit_start() {
  local log=$TL_RABBIT_DIR/log/$TL_RABBIT_NODE.log
  tl_require_port_free "$TL_RABBIT_PORT" "RabbitMQ AMQP" TOKENLEDGER_RABBITMQ_PORT
  tl_require_port_free "$TL_RABBIT_MGMT_PORT" "RabbitMQ management" TOKENLEDGER_RABBITMQ_MGMT_PORT
  tl_require_port_free "$TL_RABBIT_DIST_PORT" "RabbitMQ distribution" TOKENLEDGER_RABBITMQ_DIST_PORT
  _tl_rabbit_write_config
  tl_step "starting RabbitMQ on 127.0.0.1:$TL_RABBIT_PORT (management :$TL_RABBIT_MGMT_PORT)"
  rm -f "$TL_RABBIT_PID_FILE"
  if ! tl_rabbit rabbitmq-server -detached >"$TL_RABBIT_DIR/log/startup.log" 2>&1; then
    printf 'FAILED\n'; _tl_step_open=0
    tl_show_log "$TL_RABBIT_DIR/log/startup.log"
    tl_die "rabbitmq-server -detached failed"
  fi
  TL_STARTED_RABBIT=1
  if ! _tl_rabbit_wait; then
    printf 'FAILED\n'; _tl_step_open=0
    tl_show_log "$log"
    tl_show_log "$TL_RABBIT_DIR/log/startup.log" 10
    tl_die "RabbitMQ did not boot within ${TL_START_TIMEOUT}s"
  fi
  tl_step_done ready
}

# Stops our RabbitMQ node (if it runs) and the epmd on our port.
tl_rabbit_stop() {
  local pid
  if pid=$(_tl_rabbit_pid); then
    tl_step "stopping RabbitMQ on 127.0.0.1:$TL_RABBIT_PORT"
    # With the pid file, `stop` waits until the Erlang VM has exited.
    if ! tl_rabbit rabbitmqctl -q stop "$TL_RABBIT_PID_FILE" >/dev/null 2>&1; then
      kill -TERM "$pid" 2>/dev/null || true
      local i
      for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$TL_RABBIT_PID_FILE"
    tl_step_done stopped
  fi
  tl_epmd_stop
}

tl_rabbit_up() {
  if ! tl_rabbit_installed; then
    tl_apt_install rabbitmq-server
    tl_rabbit_installed || tl_die "RabbitMQ scripts still missing in $TL_RABBIT_BIN after install"
  fi
  mkdir -p "$TL_RABBIT_DIR"
  if tl_rabbit_running; then
    _tl_rabbit_wait || tl_die "this checkout's RabbitMQ (pid $(_tl_rabbit_pid)) runs but does not answer; run ops/services-down"
    tl_info "RabbitMQ already running on 127.0.0.1:$TL_RABBIT_PORT (reused)"
    return 0
  fi
  tl_rabbit_start
}

tl_rabbit_uri() { printf 'amqp://guest:guest@127.0.0.1:%s/' "$TL_RABBIT_PORT"; }
tl_rabbit_mgmt_uri() { printf 'http://guest:guest@127.0.0.1:%s/' "$TL_RABBIT_MGMT_PORT"; }

# ------------------------------------------------------------ both servers ---

# Writes .tokenledger/env and exports the same variables into this shell.
tl_write_env() {
  local tmp=$TL_ENV_FILE.tmp name
  mkdir -p "$TL_STATE"
  {
    printf '# Written by ops/services-up. Use: source .tokenledger/env\n'
    for name in TOKENLEDGER_POSTGRES TOKENLEDGER_RABBITMQ TOKENLEDGER_RABBITMQ_MANAGEMENT; do
      [[ -n ${!name:-} ]] && printf 'export %s=%s\n' "$name" "$(tl_shell_quote "${!name}")"
    done
  } >"$tmp"
  mv -f "$tmp" "$TL_ENV_FILE"
}

# Brings up whatever is not provided by the environment, then exports
# TOKENLEDGER_POSTGRES / TOKENLEDGER_RABBITMQ / TOKENLEDGER_RABBITMQ_MANAGEMENT
# and writes them to .tokenledger/env.
tl_services_up() {
  tl_lock
  if [[ -n ${TOKENLEDGER_POSTGRES:-} ]]; then
    tl_info "TOKENLEDGER_POSTGRES is set: using that PostgreSQL, not starting one"
  else
    tl_pg_up
    TOKENLEDGER_POSTGRES=$(tl_pg_connection_string)
  fi
  if [[ -n ${TOKENLEDGER_RABBITMQ:-} ]]; then
    tl_info "TOKENLEDGER_RABBITMQ is set: using that RabbitMQ, not starting one"
  else
    tl_rabbit_up
    TOKENLEDGER_RABBITMQ=$(tl_rabbit_uri)
    TOKENLEDGER_RABBITMQ_MANAGEMENT=$(tl_rabbit_mgmt_uri)
  fi
  export TOKENLEDGER_POSTGRES TOKENLEDGER_RABBITMQ
  [[ -z ${TOKENLEDGER_RABBITMQ_MANAGEMENT:-} ]] || export TOKENLEDGER_RABBITMQ_MANAGEMENT
  tl_write_env
  tl_unlock
}

# Stops both of our servers, whoever started them.
tl_services_down() {
  local rc=0
  tl_lock
  tl_rabbit_stop || rc=1
  tl_pg_stop fast || rc=1
  tl_unlock
  return "$rc"
}

# Stops only what this process started (TL_STARTED_*); prints nothing if that
# is nothing. Safe to call twice (e.g. explicitly, then from an EXIT trap).
tl_stop_started() {
  if [[ $TL_STARTED_RABBIT == 1 ]]; then
    TL_STARTED_RABBIT=0
    tl_rabbit_stop || true
  fi
  if [[ $TL_STARTED_PG == 1 ]]; then
    TL_STARTED_PG=0
    tl_pg_stop fast || true
  fi
}
