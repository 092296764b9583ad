#!/usr/bin/env bash
# A private PostgreSQL cluster for carelink (the embedded default).
#
# Usage:
#   scripts/pg.sh start  VAR_DIR PORT   init on first use, start, ensure roles/dbs
#   scripts/pg.sh stop   VAR_DIR        fast shutdown; no error if not running
#   scripts/pg.sh status VAR_DIR        exit 0 if running, 3 if not
#
# The server listens on 127.0.0.1:PORT only (no unix sockets) and accepts
# scram-sha-256 password logins. As root, every server binary runs as the
# `postgres` system user.
#
# Layout under VAR_DIR:
#   pg/data/                  cluster (or see pg/location)
#   pg/location               present only when the cluster lives elsewhere:
#                             the absolute path of its data folder
#   pg/log/postgres.log       server log (next to the data folder)
#   log/postgres.log          symlink to the server log
#   secrets/                  0700
#   secrets/pg-superuser.pass password of the `postgres` superuser (0600)
#   secrets/pg-<svc>.pass     password of role carelink_<svc> (0600)
#   pg-<svc>.conninfo         libpq conninfo for service <svc> (0600): the
#                             owner of its database
#   secrets/pg-records_app.pass, pg-records-app.conninfo
#                             the role carelink_records_app records runs as
#                             (not the owner: row-level security applies)
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

# shellcheck disable=SC2034 # read by lib.sh
PROG=pg
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh disable=SC1091
. "$SCRIPT_DIR/lib.sh"

SERVICES=(gateway records vacancy notify)
SUPERUSER=postgres
START_TIMEOUT=60

VAR_DIR=""     # absolute
PORT=""
PG_BIN=""      # directory holding initdb, pg_ctl, psql
RUN_AS=()      # command prefix that runs a server binary as its owner
PG_OWNER=""    # user that owns and runs the cluster
PG_DIR=""      # VAR_DIR/pg: location file and lock
DATA_DIR=""    # the cluster's data folder
PG_ROOT=""     # parent of DATA_DIR; holds log/
SECRETS_DIR=""
SUPER_PASS=""

usage() {
    cat >&2 <<'EOF'
usage: scripts/pg.sh start  VAR_DIR PORT
       scripts/pg.sh stop   VAR_DIR
       scripts/pg.sh status VAR_DIR
EOF
    exit 2
}

# ---------------------------------------------------------------- setup

find_pg_bin() {
    if [[ -x /usr/lib/postgresql/15/bin/pg_ctl ]]; then
        PG_BIN=/usr/lib/postgresql/15/bin
        return
    fi
    local d best="" best_ver=0 ver
    for d in /usr/lib/postgresql/*/bin; do
        [[ -x $d/pg_ctl ]] || continue
        ver=${d#/usr/lib/postgresql/}
        ver=${ver%%/*}
        [[ $ver =~ ^[0-9]+$ ]] || continue
        if ((ver > best_ver)); then
            best_ver=$ver
            best=$d
        fi
    done
    [[ -n $best ]] || die "no PostgreSQL server found under /usr/lib/postgresql/*/bin (run scripts/deps.sh)"
    PG_BIN=$best
}

setup_identity() {
    if is_root; then
        id -u postgres >/dev/null 2>&1 ||
            die "running as root but there is no 'postgres' system user (install the postgresql package)"
        need_cmd runuser
        PG_OWNER=postgres
        RUN_AS=(runuser -u postgres --)
    else
        PG_OWNER=$(id -un)
        RUN_AS=()
    fi
}

# as_pg CMD... — run CMD as the cluster owner, from a directory it can enter.
as_pg() {
    (cd / && "${RUN_AS[@]}" "$@")
}

set_var_dir() {
    [[ -n $1 ]] || die "VAR_DIR must not be empty"
    VAR_DIR=$(realpath -m -- "$1") || die "cannot resolve VAR_DIR '$1'"
    PG_DIR=$VAR_DIR/pg
    SECRETS_DIR=$VAR_DIR/secrets
}

set_port() {
    if ! [[ $1 =~ ^[0-9]{1,5}$ ]] || ((10#$1 < 1 || 10#$1 > 65535)); then
        die "PORT must be a number between 1 and 65535, got '$1'"
    fi
    PORT=$((10#$1))
}

fallback_root() {
    local hash
    hash=$(printf '%s' "$VAR_DIR" | sha1sum | cut -c1-12)
    printf '/var/tmp/carelink-pg-%s\n' "$hash"
}

# read_location — set DATA_DIR/PG_ROOT from pg/location, or the default.
read_location() {
    DATA_DIR=$PG_DIR/data
    if [[ -f $PG_DIR/location ]]; then
        DATA_DIR=$(head -n1 "$PG_DIR/location")
        [[ $DATA_DIR == /* ]] || die "$PG_DIR/location does not hold an absolute path"
    fi
    PG_ROOT=$(dirname "$DATA_DIR")
}

# owner_of PATH — user name owning PATH.
owner_of() {
    stat -c %U -- "$1"
}

# make_owned_dir DIR MODE — create DIR (not through a symlink) owned by
# PG_OWNER with MODE; refuse one that belongs to someone else.
make_owned_dir() {
    local dir=$1 mode=$2
    [[ -L $dir ]] && die "$dir is a symlink; refusing to use it"
    if [[ ! -e $dir ]]; then
        mkdir -m "$mode" -- "$dir" 2>/dev/null || [[ -d $dir ]] || die "cannot create $dir"
        if is_root; then chown "$PG_OWNER:" -- "$dir"; fi
    fi
    [[ -d $dir && ! -L $dir ]] || die "$dir exists and is not a directory"
    local owner
    owner=$(owner_of "$dir")
    [[ $owner == "$PG_OWNER" ]] ||
        die "$dir is owned by '$owner', expected '$PG_OWNER' (was it created by another user? remove it or run as that user)"
    chmod "$mode" -- "$dir"
}

# choose_location — decide where the data folder lives (start only).
choose_location() {
    if [[ -f $PG_DIR/location ]] || [[ -e $PG_DIR/data/PG_VERSION ]] || ! is_root; then
        read_location
        return
    fi
    chmod 0755 -- "$PG_DIR"
    if as_pg test -x "$PG_DIR" 2>/dev/null; then
        read_location
        return
    fi
    local root
    root=$(fallback_root)
    info "user postgres cannot reach $VAR_DIR; keeping the cluster in $root"
    make_owned_dir "$root" 0700
    write_private "$PG_DIR/location" "$root/data"
    chmod 0644 -- "$PG_DIR/location"
    read_location
}

prepare_dirs() {
    if [[ $PG_ROOT != "$PG_DIR" ]]; then
        make_owned_dir "$PG_ROOT" 0700
    fi
    make_owned_dir "$DATA_DIR" 0700
    make_owned_dir "$PG_ROOT/log" 0700
    as_pg test -w "$DATA_DIR" 2>/dev/null ||
        die "user $PG_OWNER cannot write $DATA_DIR (is a parent directory closed to it?)"
    mkdir -p -- "$VAR_DIR/log"
    ln -sfn -- "$PG_ROOT/log/postgres.log" "$VAR_DIR/log/postgres.log"
}

# read_secret FILE — print the password stored in FILE; must be plain hex/alnum.
read_secret() {
    local pw
    pw=$(head -n1 -- "$1") || die "cannot read $1"
    [[ $pw =~ ^[A-Za-z0-9]{16,}$ ]] ||
        die "$1 must hold one password of at least 16 letters/digits"
    printf '%s\n' "$pw"
}

# ensure_secret FILE — create FILE with a random password once; print it.
ensure_secret() {
    local file=$1
    if [[ ! -f $file ]]; then
        write_private "$file" "$(random_secret)"
    fi
    chmod 0600 -- "$file"
    read_secret "$file"
}

prepare_secrets() {
    mkdir -p -- "$SECRETS_DIR" || die "cannot create $SECRETS_DIR"
    chmod 0700 -- "$SECRETS_DIR"
    SUPER_PASS=$(ensure_secret "$SECRETS_DIR/pg-superuser.pass")
}

# ---------------------------------------------------------------- server

is_initialised() {
    as_pg test -f "$DATA_DIR/PG_VERSION" 2>/dev/null
}

is_running() {
    [[ -n $DATA_DIR ]] || return 1
    as_pg "$PG_BIN/pg_ctl" status -D "$DATA_DIR" >/dev/null 2>&1
}

# pid_field N — line N of postmaster.pid (1 pid, 4 port).
pid_field() {
    as_pg sed -n "${1}p" "$DATA_DIR/postmaster.pid" 2>/dev/null || true
}

port_in_use() {
    # shellcheck disable=SC2016 # $1 expands in the inner shell
    timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

pick_locale() {
    if locale -a 2>/dev/null | grep -qixE 'c\.utf-?8'; then
        printf 'C.UTF-8\n'
    else
        printf 'C\n'
    fi
}

init_cluster() {
    local locale pwfile initlog=$PG_ROOT/log/initdb.log
    locale=$(pick_locale)
    info "initialising cluster in $DATA_DIR (locale $locale)"
    # initdb runs as postgres, which cannot read VAR_DIR/secrets: hand it a
    # short-lived copy of the password in a folder only postgres can read.
    pwfile=$(umask 077 && mktemp "$PG_ROOT/log/pwfile.XXXXXX") || die "cannot create a temporary file in $PG_ROOT/log"
    printf '%s\n' "$SUPER_PASS" >"$pwfile"
    if is_root; then chown "$PG_OWNER:" -- "$pwfile"; fi
    if ! as_pg "$PG_BIN/initdb" -D "$DATA_DIR" -U "$SUPERUSER" --pwfile="$pwfile" \
        -E UTF8 --locale="$locale" \
        --auth-host=scram-sha-256 --auth-local=scram-sha-256 >"$initlog" 2>&1; then
        rm -f -- "$pwfile"
        tail -n 20 -- "$initlog" >&2 || true
        die "initdb failed; full output in $initlog"
    fi
    rm -f -- "$pwfile"
    printf '\n# carelink: listen address, port and sockets\ninclude_if_exists = %s\n' "'carelink.conf'" |
        as_pg tee -a "$DATA_DIR/postgresql.conf" >/dev/null
}

# write_conf — (re)write carelink.conf for PORT when it changed.
write_conf() {
    local conf=$DATA_DIR/carelink.conf want
    want=$(
        cat <<EOF
# written by scripts/pg.sh start; rewritten on each start
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = ''
password_encryption = 'scram-sha-256'
EOF
    )
    if [[ $(as_pg cat "$conf" 2>/dev/null || true) != "$want" ]]; then
        printf '%s\n' "$want" | as_pg tee "$conf" >/dev/null
    fi
}

start_server() {
    local log=$PG_ROOT/log/postgres.log
    # the server must not inherit the lock descriptor (fd 9)
    if ! as_pg "$PG_BIN/pg_ctl" start -D "$DATA_DIR" -w -t "$START_TIMEOUT" -s -l "$log" 9>&-; then
        tail -n 20 -- "$log" >&2 || true
        die "PostgreSQL did not start on 127.0.0.1:$PORT; see $log"
    fi
    info "started on 127.0.0.1:$PORT (data $DATA_DIR)"
}

# ---------------------------------------------------------------- roles/dbs

# psql_super DB — run SQL from stdin as the superuser, over TCP.
psql_super() {
    PGPASSWORD=$SUPER_PASS PGOPTIONS='-c client_min_messages=warning' \
        "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
        "host=127.0.0.1 port=$PORT user=$SUPERUSER dbname=$1 connect_timeout=5" -f - >/dev/null
}

ensure_service() {
    local svc=$1 name=carelink_$1 pw
    pw=$(ensure_secret "$SECRETS_DIR/pg-$svc.pass")
    psql_super postgres <<EOF || die "could not create role/database $name"
\\set name '$name'
\\set pw '$pw'
SELECT format('CREATE ROLE %I LOGIN', :'name')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'name') \\gexec
SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', :'name', :'pw') \\gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'name')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name') \\gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'name', :'name') \\gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'name') \\gexec
EOF
    psql_super "$name" <<<'CREATE EXTENSION IF NOT EXISTS pg_trgm;' ||
        die "could not create extension pg_trgm in $name"
    write_private "$VAR_DIR/pg-$svc.conninfo" \
        "host=127.0.0.1 port=$PORT dbname=$name user=$name password=$pw connect_timeout=5"
    if [[ $svc == records ]]; then
        ensure_app_role "$svc"
    fi
}

# ensure_app_role SVC — the login role carelink_<svc>_app that the service
# runs as: not the owner of its tables, so row-level security applies to it
# (its privileges are granted by the service's migrations, run as the owner)
ensure_app_role() {
    local svc=$1 db=carelink_$1 name=carelink_$1_app pw
    pw=$(ensure_secret "$SECRETS_DIR/pg-${svc}_app.pass")
    psql_super postgres <<EOF || die "could not create role $name"
\\set name '$name'
\\set db '$db'
\\set pw '$pw'
SELECT format('CREATE ROLE %I LOGIN', :'name')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'name') \\gexec
SELECT format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD %L', :'name', :'pw') \\gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', :'db', :'name') \\gexec
EOF
    write_private "$VAR_DIR/pg-$svc-app.conninfo" \
        "host=127.0.0.1 port=$PORT dbname=$db user=$name password=$pw connect_timeout=5"
}

ensure_services() {
    local svc
    for svc in "${SERVICES[@]}"; do
        ensure_service "$svc"
    done
    info "roles and databases ready: ${SERVICES[*]/#/carelink_}"
}

# ---------------------------------------------------------------- commands

lock_var_dir() {
    exec 9>"$PG_DIR/lock" || die "cannot open $PG_DIR/lock"
    flock -w 120 9 || die "another scripts/pg.sh is working on $VAR_DIR"
}

cmd_start() {
    (($# == 2)) || usage
    set_var_dir "$1"
    set_port "$2"
    need_cmd realpath sha1sum flock timeout
    mkdir -p -- "$PG_DIR" || die "cannot create $PG_DIR"
    lock_var_dir
    choose_location
    prepare_dirs
    if is_initialised && [[ ! -s $SECRETS_DIR/pg-superuser.pass ]]; then
        die "cluster $DATA_DIR exists but $SECRETS_DIR/pg-superuser.pass is missing; restore it, or stop the cluster and remove $DATA_DIR"
    fi
    prepare_secrets
    if is_running; then
        local running_port
        running_port=$(pid_field 4)
        [[ $running_port == "$PORT" ]] ||
            die "already running for $VAR_DIR on port ${running_port:-?}, not $PORT; stop it first"
        info "already running on 127.0.0.1:$PORT"
    else
        if port_in_use "$PORT"; then
            die "port $PORT on 127.0.0.1 is already in use by another process; choose another PORT"
        fi
        is_initialised || init_cluster
        write_conf
        start_server
    fi
    ensure_services
}

cmd_stop() {
    (($# == 1)) || usage
    set_var_dir "$1"
    if [[ ! -d $PG_DIR ]]; then
        info "not running (no cluster in $VAR_DIR)"
        return 0
    fi
    read_location
    lock_var_dir
    if ! is_running; then
        info "not running"
        return 0
    fi
    as_pg "$PG_BIN/pg_ctl" stop -D "$DATA_DIR" -m fast -w -t "$START_TIMEOUT" -s ||
        die "pg_ctl stop failed for $DATA_DIR"
    info "stopped"
}

cmd_status() {
    (($# == 1)) || usage
    set_var_dir "$1"
    [[ -d $PG_DIR ]] && read_location
    if is_running; then
        info "running on 127.0.0.1:$(pid_field 4) (pid $(pid_field 1), data $DATA_DIR)"
        return 0
    fi
    info "not running"
    return 3
}

main() {
    (($# >= 1)) || usage
    local cmd=$1
    shift
    find_pg_bin
    setup_identity
    case $cmd in
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status "$@" ;;
    -h | --help | help) usage ;;
    *)
        warn "unknown command '$cmd'"
        usage
        ;;
    esac
}

main "$@"
