# shellcheck shell=bash
# ops/lib.sh: helpers shared by the ops/* scripts. Source it; do not run it.
#
# It manages a project-owned PostgreSQL and RabbitMQ that listen on 127.0.0.1
# only, on ports that do not clash with default servers, with all their state
# under <repo>/.tokenledger/. It never touches any other server on the machine.
#
# Environment variables (defaults in brackets):
#   TOKENLEDGER_POSTGRES            use this PostgreSQL; do not install/start ours
#   TOKENLEDGER_RABBITMQ            use this RabbitMQ (AMQP URI); do not install/start ours
#   TOKENLEDGER_RABBITMQ_MANAGEMENT management API URL of that RabbitMQ (optional)
#   TOKENLEDGER_PG_PORT             [55432]
#   TOKENLEDGER_RABBITMQ_PORT       AMQP [55672]
#   TOKENLEDGER_RABBITMQ_MGMT_PORT  management HTTP API [55673]
#   TOKENLEDGER_RABBITMQ_DIST_PORT  Erlang distribution [55674]
#   TOKENLEDGER_EPMD_PORT           Erlang port mapper [55675]
#   TOKENLEDGER_RABBITMQ_SCHEDULERS Erlang schedulers of our RabbitMQ [1]: it shares
#                                   the box with PostgreSQL and the service (see
#                                   docs/operations.md, "The host")
#   TOKENLEDGER_PG_BIN              [/usr/lib/postgresql/15/bin]
#   TOKENLEDGER_MARIADB             use this MariaDB/MySQL (mysql:// URL) for the new-api
#                                   bridge tests; do not install/start ours
#   TOKENLEDGER_MARIADB_PORT        [55306] our MariaDB, started only on demand
#                                   (ops/mariadb up, by the bridge tests)
#   TOKENLEDGER_STATE_DIR           [<repo>/.tokenledger]
#   TOKENLEDGER_START_TIMEOUT       seconds to wait for a server to boot [120]
#
# Coding rule for this file: never put a redirection on a call of a shell
# function or on a { } group (`f >/dev/null`, `f <<EOF`): bash 5.2 then dies on
# Ctrl-C without running the EXIT trap, and servers would be left running.
# Redirect the external command inside the function instead (see the OUT
# argument of tl_as_pg_user and tl_rabbit).

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

# Checkpoints are spaced by time (15 min) rather than by WAL volume: ingest writes random-key B-trees (event ids), and
# every checkpoint makes the next change of each page log a full page image (docs/operations.md, "PostgreSQL").
TL_PG_WAL_SETTINGS="-c max_wal_size=4GB -c checkpoint_timeout=15min -c default_toast_compression=lz4"
TL_RABBIT_PORT=${TOKENLEDGER_RABBITMQ_PORT:-55672}
TL_RABBIT_MGMT_PORT=${TOKENLEDGER_RABBITMQ_MGMT_PORT:-55673}
TL_RABBIT_DIST_PORT=${TOKENLEDGER_RABBITMQ_DIST_PORT:-55674}
TL_EPMD_PORT=${TOKENLEDGER_EPMD_PORT:-55675}
TL_RABBIT_SCHEDULERS=${TOKENLEDGER_RABBITMQ_SCHEDULERS:-1}
TL_RABBIT_BIN=/usr/lib/rabbitmq/bin
TL_RABBIT_DIR=$TL_STATE/rabbitmq
TL_RABBIT_NODE=tokenledger@localhost
TL_RABBIT_PID_FILE=$TL_RABBIT_DIR/rabbitmq.pid

TL_MARIADB_PORT=${TOKENLEDGER_MARIADB_PORT:-55306}
TL_MARIADB_DIR=$TL_STATE/mariadb
TL_MARIADB_USER=tokenledger
TL_MARIADB_PASSWORD=tokenledger

# 1 once this process has started that server (so it may stop it on exit).
TL_STARTED_PG=0
TL_STARTED_RABBIT=0
# ops/test: 1 when our MariaDB was not running before the tests, which may start it
# (ops/mariadb up); then it is stopped with the other servers.
TL_WATCH_MARIADB=0
# 1 makes tl_exit_handler stop the servers this process started (ops/run, ops/test).
TL_STOP_ON_EXIT=0

TL_POLICY_RC=/usr/sbin/policy-rc.d
TL_POLICY_MARK='temporary, added by tokenledger ops/lib.sh'
TL_POLICY_ADDED=0

# ---------------------------------------------------------------- output ---

_tl_step_open=0
_tl_step_t0=0

tl_info() {
  printf '[tokenledger] %s\n' "$*"
}

# Closes an open "... " step line with FAILED.
_tl_step_fail() {
  if [[ $_tl_step_open == 1 ]]; then
    printf 'FAILED\n'
    _tl_step_open=0
  fi
}

tl_warn() {
  _tl_step_fail
  printf '[tokenledger] error: %s\n' "$*" >&2
}

tl_die() {
  tl_warn "$@"
  exit 1
}

# Microseconds since the epoch (bash 5 EPOCHREALTIME, no subprocess).
tl_now_us() {
  local t=${EPOCHREALTIME/[.,]/}
  printf '%s' "$t"
}

# "3.1 s" since a tl_now_us value.
tl_since() {
  local us=$(($(tl_now_us) - $1))
  printf '%d.%d s' $((us / 1000000)) $((us % 1000000 / 100000))
}

# Prints "[tokenledger] <msg> ... " and starts a stopwatch.
tl_step() {
  printf '[tokenledger] %s ... ' "$*"
  _tl_step_open=1
  _tl_step_t0=$(tl_now_us)
}

# Ends the line opened by tl_step: "<word> in 3.1 s".
tl_step_done() {
  printf '%s in %s\n' "${1:-done}" "$(tl_since "$_tl_step_t0")"
  _tl_step_open=0
}

# Prints the last lines of a log file to stderr (used when a server fails).
tl_show_log() {
  [[ -f $1 ]] || return 0
  printf '[tokenledger] --- last lines of %s ---\n' "$1" >&2
  tail -n "${2:-25}" "$1" >&2 || true
}

# ----------------------------------------------------------------- misc ----

tl_is_root() { [[ $EUID == 0 ]]; }

# True if something accepts TCP connections on 127.0.0.1:<port>.
tl_port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

tl_require_port_free() {
  if tl_port_in_use "$1"; then
    tl_die "port 127.0.0.1:$1 ($2) is already used by another process; stop it or set $3 to a free port"
  fi
}

# Single-quotes a value for a shell file: it's -> 'it'\''s'.
tl_shell_quote() {
  local s=${1//\'/\'\\\'\'}
  printf "'%s'" "$s"
}

# Serialises the ops/* scripts of this checkout. fd 9 must not leak into the
# servers (they would hold the lock forever), so server starts close it (9>&-).
tl_lock() {
  mkdir -p "$TL_STATE"
  exec 9>"$TL_STATE/lock"
  flock -w 300 9 || tl_die "timed out waiting for $TL_STATE/lock (another ops script is running)"
}

tl_unlock() {
  exec 9>&-
}

# EXIT trap of every script: removes a policy-rc.d we added, and (ops/run,
# ops/test) stops the servers this process started. Prints nothing if there
# is nothing to do.
tl_exit_handler() {
  if [[ $_tl_step_open == 1 ]]; then
    printf 'interrupted\n'
    _tl_step_open=0
  fi
  _tl_policy_restore
  if [[ $TL_STOP_ON_EXIT == 1 ]]; then
    tl_stop_started
  fi
}

# Sets the traps. With TL_STOP_ON_EXIT=1 the servers this process started are
# stopped on exit.
tl_install_traps() {
  trap tl_exit_handler EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# ------------------------------------------------------------- installing ---

# Prefix for commands that need root: nothing as root, else sudo.
TL_SUDO=()
if [[ $EUID != 0 ]]; then TL_SUDO=(sudo); fi

# Blocks the start of system services by package scripts while we install:
# adds /usr/sbin/policy-rc.d (exit 101) unless one exists (set -C: never
# overwrite it). _tl_policy_restore removes only a file we added.
_tl_policy_block() {
  [[ -e $TL_POLICY_RC ]] && return 0
  # shellcheck disable=SC2016 # $1/$2 are expanded by that sh
  if "${TL_SUDO[@]}" sh -c 'set -C; printf "#!/bin/sh\n# %s\nexit 101\n" "$2" >"$1" && chmod 755 "$1"' \
    sh "$TL_POLICY_RC" "$TL_POLICY_MARK" 2>/dev/null; then
    TL_POLICY_ADDED=1
  fi
}

_tl_policy_restore() {
  [[ $TL_POLICY_ADDED == 1 ]] || return 0
  TL_POLICY_ADDED=0
  if grep -qF "$TL_POLICY_MARK" "$TL_POLICY_RC" 2>/dev/null; then
    "${TL_SUDO[@]}" rm -f "$TL_POLICY_RC"
  fi
}

# apt-get as root (directly, or through sudo), output appended to LOG.
_tl_apt() {
  local log=$1
  shift
  "${TL_SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 "$@" >>"$log" 2>&1
}

# Installs Debian packages without letting them start system-wide services.
tl_apt_install() {
  local log=$TL_STATE/apt.log
  command -v apt-get >/dev/null 2>&1 || tl_die "apt-get not found; install $* by hand"
  if ! tl_is_root; then
    command -v sudo >/dev/null 2>&1 || tl_die "installing $* needs root or sudo"
    sudo -v || tl_die "sudo failed; install $* by hand (apt-get install $*)"
  fi
  mkdir -p "$TL_STATE"
  printf '=== %s: apt-get install %s\n' "$(date '+%F %T')" "$*" >>"$log"
  tl_step "installing $* with apt-get (log: ${log#"$TL_ROOT"/})"
  _tl_policy_block
  if ! _tl_apt "$log" update || ! _tl_apt "$log" -y --no-install-recommends install "$@"; then
    _tl_policy_restore
    _tl_step_fail
    tl_show_log "$log"
    tl_die "apt-get install $* failed"
  fi
  _tl_policy_restore
  tl_step_done "done"
}

# ------------------------------------------------------------ invoice PDFs ---

# The font the invoice PDF renderer loads (InvoiceFonts.DefaultPath) and
# pdftoppm, which turns a PDF into a PNG to look at (ops/render-sample-invoice).
TL_INVOICE_FONT=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc

tl_invoice_font_installed() { [[ -f $TL_INVOICE_FONT ]]; }
tl_pdftoppm_installed() { command -v pdftoppm >/dev/null 2>&1; }

# Installs fonts-wqy-microhei and poppler-utils, only those that are missing.
tl_ensure_invoice_fonts() {
  local -a missing=()
  tl_invoice_font_installed || missing+=(fonts-wqy-microhei)
  tl_pdftoppm_installed || missing+=(poppler-utils)
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  tl_apt_install "${missing[@]}"
  tl_invoice_font_installed || tl_die "the invoice font $TL_INVOICE_FONT is still missing after install"
  tl_pdftoppm_installed || tl_die "pdftoppm is still missing after installing poppler-utils"
}

# ------------------------------------------------------------ web console ---

# The console's browser tests drive Debian's chromium through Playwright (no
# browser download): tests/TokenLedger.IntegrationTests/WebConsole.
TL_CHROMIUM=/usr/bin/chromium

tl_ensure_chromium() {
  [[ -x $TL_CHROMIUM ]] && return 0
  tl_apt_install chromium
  [[ -x $TL_CHROMIUM ]] || tl_die "$TL_CHROMIUM is still missing after installing chromium"
}

# The node packages of ops/ (amqplib, and the OpenMeter and Lago SDKs the compatibility tests drive), installed with
# `npm ci` from ops/package-lock.json when missing or older than the lock.
tl_ensure_ops_node_modules() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || tl_apt_install nodejs npm
  local marker=$TL_ROOT/ops/node_modules/.package-lock.json
  [[ -f $marker && ! $TL_ROOT/ops/package-lock.json -nt $marker ]] && return 0
  tl_info "installing the node packages of ops/ (npm ci)"
  (cd "$TL_ROOT/ops" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || tl_die "npm ci in ops/ failed"
}

tl_pg_installed() { [[ -x $TL_PG_BIN/postgres && -x $TL_PG_BIN/initdb && -x $TL_PG_BIN/pg_ctl ]]; }
tl_rabbit_installed() { [[ -x $TL_RABBIT_BIN/rabbitmq-server && -x $TL_RABBIT_BIN/rabbitmqctl ]]; }

# _tl_install_unless CHECK ERROR PACKAGE...: installs PACKAGE... with apt-get
# unless the function CHECK succeeds; dies saying ERROR if it still fails then.
_tl_install_unless() {
  local check=$1 error=$2
  shift 2
  "$check" && return 0
  tl_apt_install "$@"
  "$check" || tl_die "$error"
}

# ------------------------------------------------------ our server's shape ---
#
# PostgreSQL and MariaDB are set up alike: a directory .tokenledger/NAME (data,
# socket, pid file, log) owned by the server's OS user when we are root (the
# server then runs as that user; else as the current user), a data directory
# made once by the server's own initdb, a Unix socket near it.

# A number naming this checkout (from its path), for what lives outside .tokenledger.
_tl_checkout_id() {
  printf '%s' "$TL_ROOT" | cksum | cut -d' ' -f1
}

# _tl_as_os_user USER OUT CMD...: runs CMD as the OS user USER when we are root
# (else as the current user), from / (the cwd may be unreadable to it), without
# the lock fd; stdout and stderr go to the file OUT, or stay where they are if
# OUT is "-".
_tl_as_os_user() {
  local user=$1 out=$2
  shift 2
  local -a as=()
  if tl_is_root; then as=(runuser -u "$user" --); fi
  if [[ $out == - ]]; then
    (cd / && "${as[@]}" "$@" 9>&-)
  else
    (cd / && "${as[@]}" "$@" >"$out" 2>&1 9>&-)
  fi
}

# _tl_make_dir_for USER DIR: creates DIR, owned by the OS user USER when we are root.
_tl_make_dir_for() {
  mkdir -p "$2"
  if tl_is_root; then chown "$1": "$2"; fi
}

# _tl_socket_path NAME REAL_DIR LIMIT [FILE]: REAL_DIR/run[/FILE], unless that
# is longer than LIMIT (a Unix socket path holds 108 bytes), then
# /tmp/tokenledger-NAME-<uid>-<checkout>[/FILE].
_tl_socket_path() {
  local name=$1 dir=$2 limit=$3 file=${4:+/$4}
  local path="$dir/run$file"
  if ((${#path} > limit)); then
    path="/tmp/tokenledger-$name-$EUID-$(_tl_checkout_id)$file"
  fi
  printf '%s' "$path"
}

# _tl_prepare_server_dir DIR USER NAME LABEL: creates DIR (.tokenledger/NAME),
# owned by the OS user USER (which must exist) when we are root. When that user
# cannot reach it (e.g. the repo is under /root), the directory lives in
# /var/tmp and DIR is a symlink to it.
_tl_prepare_server_dir() {
  local dir=$1 user=$2 name=$3 label=$4
  mkdir -p "$TL_STATE"
  if ! tl_is_root; then
    mkdir -p "$dir"
    return 0
  fi
  if [[ ! -e $dir ]]; then
    mkdir -p "$dir"
    chown "$user": "$dir"
    if ! _tl_as_os_user "$user" /dev/null test -w "$dir"; then
      local ext
      ext="/var/tmp/tokenledger-$name-$(_tl_checkout_id)"
      rmdir "$dir"
      mkdir -p "$ext"
      chmod 700 "$ext"
      ln -s "$ext" "$dir"
      tl_info "the $user OS user cannot reach $TL_STATE; $label data lives in $ext"
    fi
  fi
  chown "$user": "$(readlink -f "$dir")"
}

# _tl_init_data_dir LABEL REAL_DIR LOG USER CMD...: makes REAL_DIR/data with CMD
# (the server's initdb) run as the OS user USER, its output in REAL_DIR/LOG;
# dies showing that log if CMD fails. A half-made data dir (an interrupted
# init) is useless: it starts afresh. The step line stays open for the caller's
# own settings; the caller ends it (tl_step_done).
_tl_init_data_dir() {
  local label=$1 dir=$2 log=$3 user=$4
  shift 4
  if [[ -e $dir/data ]]; then rm -rf "$dir/data"; fi
  tl_step "initialising $label data directory ${dir#"$TL_ROOT"/}/data"
  if ! _tl_as_os_user "$user" "$dir/$log" "$@"; then
    tl_show_log "$dir/$log"
    tl_die "$(basename "$1") failed"
  fi
}

# _tl_live_pid FILE: prints the pid in FILE if that process is alive; fails otherwise.
_tl_live_pid() {
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && printf '%s' "$pid"
}

# _tl_poll SECONDS INTERVAL CMD...: runs CMD every INTERVAL seconds until it
# succeeds; fails once more than SECONDS have passed without.
_tl_poll() {
  local limit=$1 interval=$2 t0=$SECONDS
  shift 2
  until "$@"; do
    if ((SECONDS - t0 > limit)); then return 1; fi
    sleep "$interval"
  done
}

# Waits until process PID has exited, at most SECONDS; fails on timeout.
_tl_wait_gone() {
  local pid=$1 deadline=$((SECONDS + $2))
  while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# _tl_reap PID SECONDS: waits SECONDS for process PID (already asked to stop)
# to exit; else ends it with SIGKILL and waits up to 10 s more.
_tl_reap() {
  _tl_wait_gone "$1" "$2" && return 0
  kill -KILL "$1" 2>/dev/null || true
  _tl_wait_gone "$1" 10 || true
}

# --------------------------------------------------------------- PostgreSQL ---

# Our PostgreSQL runs as the OS user postgres when we are root (initdb refuses
# to run as root), else as the current user.
_tl_pg_ensure_os_user() {
  tl_is_root || return 0
  id postgres >/dev/null 2>&1 && return 0
  useradd --system --user-group --no-create-home --home-dir /var/lib/postgresql \
    --shell /bin/sh postgres || tl_die "could not create the postgres OS user"
}

# tl_as_pg_user OUT CMD...: runs CMD as the PostgreSQL OS user (_tl_as_os_user).
tl_as_pg_user() { _tl_as_os_user postgres "$@"; }

# Real (symlink-free) path of our PostgreSQL directory.
tl_pg_real_dir() {
  readlink -f "$TL_PG_DIR"
}

# Unix socket directory: inside our dir, unless too long for a socket path.
tl_pg_socket_dir() { _tl_socket_path pg "$(tl_pg_real_dir)" 80; }

# Creates .tokenledger/pg (_tl_prepare_server_dir).
_tl_pg_prepare_dirs() {
  _tl_pg_ensure_os_user
  _tl_prepare_server_dir "$TL_PG_DIR" postgres pg PostgreSQL
}

tl_pg_initialised() { [[ -s $(tl_pg_real_dir)/data/PG_VERSION ]]; }

_tl_pg_init() {
  local dir
  dir=$(tl_pg_real_dir)
  tl_pg_initialised && return 0
  _tl_init_data_dir PostgreSQL "$dir" initdb.log postgres "$TL_PG_BIN/initdb" -D "$dir/data" -U postgres -E UTF8 \
    --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256
  # Dev/test tuning. fsync and synchronous_commit stay on: crash safety is tested.
  cat >>"$dir/data/postgresql.conf" <<'EOF'

# --- tokenledger dev/test settings (ops/lib.sh) ---
# Port, listen address and socket directory are given on the command line.
max_connections = 300
shared_buffers = 256MB
fsync = on
synchronous_commit = on
full_page_writes = on
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  tl_step_done "done"
}

tl_pg_running() {
  tl_pg_initialised || return 1
  tl_as_pg_user /dev/null "$TL_PG_BIN/pg_ctl" -D "$(tl_pg_real_dir)/data" status
}

# Port the running server was started on (line 4 of postmaster.pid).
_tl_pg_running_port() {
  sed -n 4p "$(tl_pg_real_dir)/data/postmaster.pid" 2>/dev/null
}

# Runs SQL as the superuser over our Unix socket (local auth is trust) and
# prints the result. Call it inside $(...).
_tl_pg_sql() {
  "$TL_PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$(tl_pg_socket_dir)" -p "$TL_PG_PORT" \
    -U postgres -d postgres -c "$1"
}

# Creates the tokenledger role and database if missing (idempotent). The role
# may create databases: the integration tests make one per run.
_tl_pg_ensure_db() {
  local r
  r=$(_tl_pg_sql "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$TL_PG_USER') THEN
        CREATE ROLE \"$TL_PG_USER\" LOGIN;
      END IF; END \$\$;
    ALTER ROLE \"$TL_PG_USER\" LOGIN CREATEDB PASSWORD '$TL_PG_PASSWORD';") || return 1
  r=$(_tl_pg_sql "SELECT 1 FROM pg_database WHERE datname = '$TL_PG_DB'") || return 1
  if [[ $r != 1 ]]; then
    r=$(_tl_pg_sql "CREATE DATABASE \"$TL_PG_DB\" OWNER \"$TL_PG_USER\"") || return 1
  fi
}

# SELECT 1 over TCP with the application's credentials.
tl_pg_check() {
  PGPASSWORD=$TL_PG_PASSWORD PGCONNECT_TIMEOUT=5 "$TL_PG_BIN/psql" -X -q -At \
    "host=127.0.0.1 port=$TL_PG_PORT user=$TL_PG_USER dbname=$TL_PG_DB" -c 'SELECT 1' >/dev/null 2>&1
}

# Starts our PostgreSQL (data dir must exist); waits until it accepts SELECT 1.
tl_pg_start() {
  local dir sock
  dir=$(tl_pg_real_dir)
  sock=$(tl_pg_socket_dir)
  tl_require_port_free "$TL_PG_PORT" PostgreSQL TOKENLEDGER_PG_PORT
  [[ -d $sock ]] || _tl_make_dir_for postgres "$sock"
  tl_step "starting PostgreSQL on 127.0.0.1:$TL_PG_PORT"
  TL_STARTED_PG=1
  # setsid: a Ctrl-C meant for the script that starts it must not reach it.
  if ! tl_as_pg_user /dev/null setsid -w "$TL_PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" \
    -w -t "$TL_START_TIMEOUT" -o "-p $TL_PG_PORT -k '$sock' -c listen_addresses=127.0.0.1 $TL_PG_WAL_SETTINGS" start; then
    tl_show_log "$dir/postgres.log"
    tl_die "PostgreSQL did not start"
  fi
  _tl_pg_ensure_db || tl_die "could not create role/database $TL_PG_USER/$TL_PG_DB"
  tl_pg_check || tl_die "PostgreSQL started but SELECT 1 as $TL_PG_USER over TCP failed"
  tl_step_done ready
}

# Stops our PostgreSQL if it runs. MODE: fast (default) or immediate (a crash
# as far as the data is concerned: WAL recovery runs at the next start).
tl_pg_stop() {
  local mode=${1:-fast}
  tl_pg_running || return 0
  tl_step "stopping PostgreSQL on 127.0.0.1:$(_tl_pg_running_port) (-m $mode)"
  if ! tl_as_pg_user /dev/null "$TL_PG_BIN/pg_ctl" -D "$(tl_pg_real_dir)/data" -m "$mode" -w -t 60 stop; then
    tl_warn "pg_ctl stop failed; see $(tl_pg_real_dir)/postgres.log"
    return 1
  fi
  tl_step_done stopped
}

# Installs if needed, initialises if needed, starts if not running.
tl_pg_up() {
  _tl_install_unless tl_pg_installed "PostgreSQL binaries still missing in $TL_PG_BIN after install" postgresql-15
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

# tl_rabbit OUT TOOL ARGS...: runs a RabbitMQ tool (rabbitmqctl,
# rabbitmq-diagnostics, ...) against our node, e.g.
#   tl_rabbit - rabbitmqctl list_queues
# OUT as for tl_as_pg_user. Everything points into .tokenledger/rabbitmq,
# including HOME, so server and CLI share one Erlang cookie whoever runs them.
# The Debian wrappers in /usr/sbin (they switch to the rabbitmq user) are
# bypassed on purpose.
tl_rabbit() {
  local out=$1 tool=$2
  shift 2
  tl_rabbit_exec "$out" "$TL_RABBIT_BIN/$tool" "$@"
}

# tl_rabbit_exec OUT CMD...: runs CMD with our node's RabbitMQ/Erlang environment.
tl_rabbit_exec() {
  local out=$1
  shift
  local -a envs=(
    HOME="$TL_RABBIT_DIR/home"
    RABBITMQ_NODENAME="$TL_RABBIT_NODE"
    RABBITMQ_USE_LONGNAME=false
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    RABBITMQ_NODE_PORT="$TL_RABBIT_PORT"
    RABBITMQ_DIST_PORT="$TL_RABBIT_DIST_PORT"
    ERL_EPMD_PORT="$TL_EPMD_PORT"
    ERL_EPMD_ADDRESS=127.0.0.1
    RABBITMQ_CONF_ENV_FILE="$TL_RABBIT_DIR/rabbitmq-env.conf"
    RABBITMQ_CONFIG_FILE="$TL_RABBIT_DIR/rabbitmq.conf"
    RABBITMQ_ADVANCED_CONFIG_FILE="$TL_RABBIT_DIR/advanced.config"
    RABBITMQ_ENABLED_PLUGINS_FILE="$TL_RABBIT_DIR/enabled_plugins"
    RABBITMQ_MNESIA_BASE="$TL_RABBIT_DIR/mnesia"
    RABBITMQ_LOG_BASE="$TL_RABBIT_DIR/log"
    RABBITMQ_PID_FILE="$TL_RABBIT_PID_FILE"
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1} +S $TL_RABBIT_SCHEDULERS:$TL_RABBIT_SCHEDULERS +sbwt none +sbwtdcpu none +sbwtdio none"
  )
  if [[ $out == - ]]; then
    (cd "$TL_RABBIT_DIR" && env "${envs[@]}" "$@" 9>&-)
  else
    (cd "$TL_RABBIT_DIR" && env "${envs[@]}" "$@" >"$out" 2>&1 9>&-)
  fi
}

# (Re)writes our node's configuration; ports come from the environment.
_tl_rabbit_write_config() {
  mkdir -p "$TL_RABBIT_DIR/home" "$TL_RABBIT_DIR/mnesia" "$TL_RABBIT_DIR/log"
  chmod 700 "$TL_RABBIT_DIR/home"
  : >"$TL_RABBIT_DIR/rabbitmq-env.conf"
  printf '[].\n' >"$TL_RABBIT_DIR/advanced.config"
  printf '[rabbitmq_management].\n' >"$TL_RABBIT_DIR/enabled_plugins"
  cat >"$TL_RABBIT_DIR/rabbitmq.conf" <<EOF
# Generated by ops/lib.sh at each start; edits are overwritten.
listeners.tcp.1 = 127.0.0.1:$TL_RABBIT_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $TL_RABBIT_MGMT_PORT
loopback_users.guest = true
# Fresher management API statistics for tests (default 5000 ms).
collect_statistics_interval = 1000
# Classic queues on the version 2 index and store (the only one from RabbitMQ 4.0 on): 73-77 against 99-105 us of the
# broker's CPU per persistent message (docs/operations.md, RabbitMQ).
classic_queue.default_version = 2
log.file.level = info
log.console = false
EOF
}

# Sets TL_RABBIT_PID to our running node's pid: from its pid file, else (a
# node still booting, or a lost pid file) the beam.smp whose command line has
# our HOME, which is unique to this checkout. Fails if there is none.
_tl_rabbit_find_pid() {
  local pid
  TL_RABBIT_PID=
  if pid=$(_tl_live_pid "$TL_RABBIT_PID_FILE") && grep -q beam "/proc/$pid/cmdline" 2>/dev/null; then
    TL_RABBIT_PID=$pid
    return 0
  fi
  local d comm
  for d in /proc/[0-9]*; do
    read -r comm 2>/dev/null <"$d/comm" || continue
    [[ $comm == beam.smp ]] || continue
    if tr '\0' ' ' <"$d/cmdline" 2>/dev/null | grep -qF -- "-home $TL_RABBIT_DIR/home "; then
      TL_RABBIT_PID=${d#/proc/}
      return 0
    fi
  done
  return 1
}

tl_rabbit_running() { _tl_rabbit_find_pid; }

# Polls `rabbitmqctl await_startup` until our node has fully booted. It fails
# at once (exit 69) until the node has registered with epmd, hence the loop.
_tl_rabbit_wait() {
  local t0=$SECONDS
  while ((SECONDS - t0 < TL_START_TIMEOUT)); do
    if tl_rabbit_exec /dev/null timeout 45 "$TL_RABBIT_BIN/rabbitmqctl" -q await_startup --timeout 30; then
      return 0
    fi
    # The VM shows up within a second or two; gone after that = it died.
    if ((SECONDS - t0 > 10)) && ! tl_rabbit_running; then
      return 1
    fi
    sleep 0.5
  done
  return 1
}

# Stops the epmd on our port, if any (it refuses while nodes are registered).
tl_epmd_stop() {
  command -v epmd >/dev/null 2>&1 || return 0
  if ERL_EPMD_PORT=$TL_EPMD_PORT epmd -port "$TL_EPMD_PORT" -names >/dev/null 2>&1; then
    ERL_EPMD_PORT=$TL_EPMD_PORT epmd -port "$TL_EPMD_PORT" -kill >/dev/null 2>&1 || true
  fi
}

# Starts our RabbitMQ node and waits until it has booted.
tl_rabbit_start() {
  tl_require_port_free "$TL_RABBIT_PORT" "RabbitMQ AMQP" TOKENLEDGER_RABBITMQ_PORT
  tl_require_port_free "$TL_RABBIT_MGMT_PORT" "RabbitMQ management" TOKENLEDGER_RABBITMQ_MGMT_PORT
  tl_require_port_free "$TL_RABBIT_DIST_PORT" "RabbitMQ distribution" TOKENLEDGER_RABBITMQ_DIST_PORT
  _tl_rabbit_write_config
  tl_step "starting RabbitMQ on 127.0.0.1:$TL_RABBIT_PORT (management :$TL_RABBIT_MGMT_PORT)"
  rm -f "$TL_RABBIT_PID_FILE" "$TL_RABBIT_DIR/log/erl_crash.dump"
  TL_STARTED_RABBIT=1
  # setsid: a Ctrl-C meant for the script that starts it must not reach it.
  if ! tl_rabbit_exec "$TL_RABBIT_DIR/log/startup.log" setsid -w "$TL_RABBIT_BIN/rabbitmq-server" -detached; then
    tl_show_log "$TL_RABBIT_DIR/log/startup.log"
    tl_die "rabbitmq-server -detached failed"
  fi
  if ! _tl_rabbit_wait; then
    tl_show_log "$TL_RABBIT_DIR/log/$TL_RABBIT_NODE.log"
    tl_show_log "$TL_RABBIT_DIR/log/startup.log" 10
    # A VM that dies before its logger starts (a listener it cannot open) says why only in its crash dump.
    if [[ -f $TL_RABBIT_DIR/log/erl_crash.dump ]]; then
      tl_die "RabbitMQ exited while booting: $(grep -a -m1 '^Slogan:' "$TL_RABBIT_DIR/log/erl_crash.dump" | cut -c1-300)"
    fi
    tl_die "RabbitMQ did not boot within ${TL_START_TIMEOUT}s"
  fi
  tl_step_done ready
}

# Stops our RabbitMQ node (if it runs) and the epmd on our port.
tl_rabbit_stop() {
  if _tl_rabbit_find_pid; then
    local pid=$TL_RABBIT_PID
    tl_step "stopping RabbitMQ on 127.0.0.1:$TL_RABBIT_PORT"
    # No pid file argument: with one, `stop` waits forever if the file is gone.
    # We wait for the VM ourselves: clean stop, else SIGTERM, else SIGKILL.
    tl_rabbit_exec /dev/null timeout 60 "$TL_RABBIT_BIN/rabbitmqctl" -q stop || true
    if ! _tl_wait_gone "$pid" 60; then
      kill -TERM "$pid" 2>/dev/null || true
      _tl_reap "$pid" 30
    fi
    rm -f "$TL_RABBIT_PID_FILE"
    tl_step_done stopped
  fi
  tl_epmd_stop
}

# Ends our node with SIGKILL (a crash, for fault-injection tests).
tl_rabbit_kill() {
  _tl_rabbit_find_pid || return 0
  local pid=$TL_RABBIT_PID
  tl_info "killing RabbitMQ (pid $pid) with SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  _tl_wait_gone "$pid" 10 || true
  rm -f "$TL_RABBIT_PID_FILE"
}

# Installs if needed, starts if not running.
tl_rabbit_up() {
  _tl_install_unless tl_rabbit_installed "RabbitMQ scripts still missing in $TL_RABBIT_BIN after install" rabbitmq-server
  mkdir -p "$TL_RABBIT_DIR"
  if tl_rabbit_running; then
    _tl_rabbit_wait ||
      tl_die "this checkout's RabbitMQ (pid $TL_RABBIT_PID) runs but does not answer; run ops/services-down"
    tl_info "RabbitMQ already running on 127.0.0.1:$TL_RABBIT_PORT (reused)"
    return 0
  fi
  tl_rabbit_start
}

tl_rabbit_uri() { printf 'amqp://guest:guest@127.0.0.1:%s/' "$TL_RABBIT_PORT"; }
tl_rabbit_mgmt_uri() { printf 'http://guest:guest@127.0.0.1:%s/' "$TL_RABBIT_MGMT_PORT"; }

# ------------------------------------------------------------------ MariaDB ---
#
# Only the new-api bridge tests need it (new-api on MySQL): it is installed and
# started on demand by ops/mariadb up, never by ops/services-up. It runs as the
# OS user mysql when we are root (as the current user otherwise), with its data,
# socket, pid file and log under .tokenledger/mariadb, on 127.0.0.1 only.

TL_MARIADB_BIN=/usr/sbin/mariadbd

tl_mariadb_installed() {
  [[ -x $TL_MARIADB_BIN ]] && command -v mariadb-install-db >/dev/null 2>&1 &&
    command -v mariadb-admin >/dev/null 2>&1 && command -v mariadb >/dev/null 2>&1
}

tl_mariadb_real_dir() { readlink -f "$TL_MARIADB_DIR"; }

# Socket path: inside our dir, unless too long for a socket path.
tl_mariadb_socket() { _tl_socket_path mariadb "$(tl_mariadb_real_dir)" 90 mariadb.sock; }

# Creates .tokenledger/mariadb (_tl_prepare_server_dir).
_tl_mariadb_prepare_dirs() {
  if tl_is_root; then
    id mysql >/dev/null 2>&1 || tl_die "the mysql OS user is missing (it comes with mariadb-server)"
  fi
  _tl_prepare_server_dir "$TL_MARIADB_DIR" mysql mariadb MariaDB
}

tl_mariadb_initialised() { [[ -d $(tl_mariadb_real_dir)/data/mysql ]]; }

_tl_mariadb_init() {
  local dir
  dir=$(tl_mariadb_real_dir)
  tl_mariadb_initialised && return 0
  local -a user=()
  if tl_is_root; then user=(--user=mysql); fi
  _tl_init_data_dir MariaDB "$dir" install-db.log mysql mariadb-install-db --no-defaults --datadir="$dir/data" "${user[@]}" \
    --auth-root-authentication-method=normal --skip-test-db
  tl_step_done "done"
}

_tl_mariadb_pid() { _tl_live_pid "$(tl_mariadb_real_dir)/mariadbd.pid"; }

tl_mariadb_running() { [[ -e $TL_MARIADB_DIR ]] && _tl_mariadb_pid >/dev/null; }

# Runs SQL as root over our socket (root has no password and the socket is ours).
_tl_mariadb_sql() {
  mariadb --no-defaults --protocol=socket --socket="$(tl_mariadb_socket)" -uroot -N -B -e "$1"
}

_tl_mariadb_ensure_user() {
  _tl_mariadb_sql "CREATE USER IF NOT EXISTS '$TL_MARIADB_USER'@'127.0.0.1' IDENTIFIED BY '$TL_MARIADB_PASSWORD';
    GRANT ALL PRIVILEGES ON *.* TO '$TL_MARIADB_USER'@'127.0.0.1' WITH GRANT OPTION;" >/dev/null
}

# True once our MariaDB answers root over its socket.
_tl_mariadb_ping() {
  mariadb-admin --no-defaults --protocol=socket --socket="$(tl_mariadb_socket)" -uroot ping >/dev/null 2>&1
}

tl_mariadb_check() {
  mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$TL_MARIADB_PORT" -u"$TL_MARIADB_USER" -p"$TL_MARIADB_PASSWORD" \
    --connect-timeout=5 -N -B -e 'SELECT 1' >/dev/null 2>&1
}

tl_mariadb_start() {
  local dir sock
  dir=$(tl_mariadb_real_dir)
  sock=$(tl_mariadb_socket)
  tl_require_port_free "$TL_MARIADB_PORT" MariaDB TOKENLEDGER_MARIADB_PORT
  _tl_make_dir_for mysql "$(dirname "$sock")"
  local -a user=()
  if tl_is_root; then user=(--user=mysql); fi
  tl_step "starting MariaDB on 127.0.0.1:$TL_MARIADB_PORT"
  rm -f "$dir/mariadbd.pid"
  # setsid: a Ctrl-C meant for the script that starts it must not reach it. utf8mb4 as new-api requires.
  # setsid -f forks it off at once, so nothing here waits for it; it inherits no descriptor of ours (the lock on fd 9,
  # the stdout ops/mariadb keeps on fd 3 for the URL), or a reader of that stdout would never see its end.
  (exec 3>&- 9>&- && cd / && setsid -f "$TL_MARIADB_BIN" --no-defaults "${user[@]}" --datadir="$dir/data" --port="$TL_MARIADB_PORT" \
    --bind-address=127.0.0.1 --socket="$sock" --pid-file="$dir/mariadbd.pid" --log-error="$dir/mariadb.log" \
    --skip-name-resolve --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
    --innodb-buffer-pool-size=64M --max-connections=100 </dev/null >/dev/null 2>&1)
  if ! _tl_poll "$TL_START_TIMEOUT" 0.3 _tl_mariadb_ping; then
    tl_show_log "$dir/mariadb.log"
    tl_die "MariaDB did not start within ${TL_START_TIMEOUT}s"
  fi
  _tl_mariadb_ensure_user || tl_die "could not create the MariaDB user $TL_MARIADB_USER"
  tl_mariadb_check || tl_die "MariaDB started but SELECT 1 as $TL_MARIADB_USER over TCP failed"
  tl_step_done ready
}

tl_mariadb_stop() {
  tl_mariadb_running || return 0
  local pid
  pid=$(_tl_mariadb_pid)
  tl_step "stopping MariaDB on 127.0.0.1:$TL_MARIADB_PORT"
  mariadb-admin --no-defaults --protocol=socket --socket="$(tl_mariadb_socket)" -uroot shutdown >/dev/null 2>&1 ||
    kill -TERM "$pid" 2>/dev/null || true
  _tl_reap "$pid" 60
  tl_step_done stopped
}

# Installs if needed, initialises if needed, starts if not running.
tl_mariadb_up() {
  _tl_install_unless tl_mariadb_installed "MariaDB binaries still missing after installing mariadb-server" mariadb-server mariadb-client
  _tl_mariadb_prepare_dirs
  _tl_mariadb_init
  if tl_mariadb_running; then
    tl_mariadb_check || tl_die "this checkout's MariaDB runs but SELECT 1 on 127.0.0.1:$TL_MARIADB_PORT failed; run ops/mariadb down"
    return 0
  fi
  tl_mariadb_start
}

tl_mariadb_url() {
  printf 'mysql://%s:%s@127.0.0.1:%s/' "$TL_MARIADB_USER" "$TL_MARIADB_PASSWORD" "$TL_MARIADB_PORT"
}

# ------------------------------------------------------------ both servers ---

# Writes .tokenledger/env from the exported TOKENLEDGER_* variables.
tl_write_env() {
  local text name
  text='# Written by ops/services-up. Use: source .tokenledger/env'$'\n'
  for name in TOKENLEDGER_POSTGRES TOKENLEDGER_RABBITMQ TOKENLEDGER_RABBITMQ_MANAGEMENT; do
    if [[ -n ${!name:-} ]]; then
      text+="export $name=$(tl_shell_quote "${!name}")"$'\n'
    fi
  done
  mkdir -p "$TL_STATE"
  printf '%s' "$text" >"$TL_ENV_FILE.tmp"
  mv -f "$TL_ENV_FILE.tmp" "$TL_ENV_FILE"
}

# Brings up whatever the environment does not provide, then exports
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
  if [[ -n ${TOKENLEDGER_RABBITMQ_MANAGEMENT:-} ]]; then export TOKENLEDGER_RABBITMQ_MANAGEMENT; fi
  tl_write_env
  tl_unlock
}

# Stops our servers (MariaDB too, if the bridge tests started it), whoever started them.
tl_services_down() {
  local rc=0
  tl_lock
  tl_rabbit_stop || rc=1
  tl_pg_stop fast || rc=1
  tl_mariadb_stop || rc=1
  tl_unlock
  return "$rc"
}

# Stops only what this process started (TL_STARTED_*); prints nothing if that
# is nothing. Safe to call twice (explicitly, then from the EXIT trap).
tl_stop_started() {
  if [[ $TL_STARTED_RABBIT == 1 ]]; then
    TL_STARTED_RABBIT=0
    tl_rabbit_stop || true
  fi
  if [[ $TL_STARTED_PG == 1 ]]; then
    TL_STARTED_PG=0
    tl_pg_stop fast || true
  fi
  if [[ $TL_WATCH_MARIADB == 1 ]]; then
    TL_WATCH_MARIADB=0
    tl_mariadb_stop || true
  fi
}

# ------------------------------------------------------- fresh databases ---

# Value of KEY in the Npgsql connection string $2 (Host=...;Port=...).
tl_conn_value() { tr ';' '\n' <<<"$2" | sed -n "s/^[[:space:]]*$1[[:space:]]*=//Ip" | head -n 1; }

# Runs one SQL statement as the connection string's user on its database (CREATE/DROP DATABASE for a scratch service).
tl_psql_admin() {
  local c=$TOKENLEDGER_POSTGRES
  PGPASSWORD=$(tl_conn_value Password "$c") "$TL_PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 \
    "host=$(tl_conn_value Host "$c") port=$(tl_conn_value Port "$c") user=$(tl_conn_value Username "$c") dbname=$(tl_conn_value Database "$c")" \
    -c "$1" >/dev/null
}

# TOKENLEDGER_POSTGRES with its Database replaced by $1.
tl_connection_with_database() {
  printf '%s' "${TOKENLEDGER_POSTGRES/Database=$(tl_conn_value Database "$TOKENLEDGER_POSTGRES")/Database=$1}"
}

# Drops and creates the database $1 on our PostgreSQL and prints TOKENLEDGER_POSTGRES naming it; fails if either fails.
tl_fresh_database() {
  tl_psql_admin "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" &&
    tl_psql_admin "CREATE DATABASE \"$1\"" &&
    tl_connection_with_database "$1"
}

# Waits until the service at URL $1 (pid $2, log $3) answers Healthy on /health/ready; dies with the log's tail if it
# exits first or is not ready within 180 s.
tl_wait_ready() {
  local url=$1 pid=$2 log=$3 deadline=$((SECONDS + 180))
  until [[ $(curl -fsS --max-time 5 "$url/health/ready" 2>/dev/null || true) == Healthy ]]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tl_show_log "$log" 40
      tl_die "the service exited during start-up"
    fi
    if ((SECONDS > deadline)); then
      tl_show_log "$log" 40
      tl_die "the service was not ready within 180 s"
    fi
    sleep 0.5
  done
}
