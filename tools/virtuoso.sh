#!/usr/bin/env bash
# tools/virtuoso.sh - a local OpenLink Virtuoso (Debian's virtuoso-opensource-7, 7.2.5) on
# loopback, for treaty's tests, CI (.ci/run) and benchmarks.
#
# Usage:
#   tools/virtuoso.sh install               install the Debian package if virtuoso-t is missing
#                                           (root or sudo; the package's own service is kept off)
#   tools/virtuoso.sh start [DIR]           write DIR/virtuoso.ini, start virtuoso-t on loopback,
#                                           wait until /sparql answers, create the write user;
#                                           already running -> ok (idempotent)
#   tools/virtuoso.sh stop [DIR]            shut the server down and wait for it to exit
#   tools/virtuoso.sh status [DIR]          say whether it runs and answers (exit 0 if so, 1 if not)
#   tools/virtuoso.sh bulk-load [DIR] --graph IRI FILE...
#                                           bulk-load RDF files (.nt .ttl .nq .trig .rdf .owl, also .gz)
#                                           into graph IRI (ld_add + rdf_loader_run + checkpoint);
#                                           prints the seconds taken
#   tools/virtuoso.sh clear [DIR] GRAPH-IRI clear one graph (SPARQL CLEAR GRAPH)
#   tools/virtuoso.sh clear [DIR] --all     remove all RDF data (RDF_GLOBAL_RESET)
#   tools/virtuoso.sh wipe [DIR]            stop and delete the database folder DIR
#
# DIR defaults to ${TREATY_VIRTUOSO_DIR:-$HOME/.cache/treaty-virtuoso}. A DIR argument is
# recognised as such when it is an existing directory or contains a '/'; for `start` it may be
# any path (it is created).
#
# Environment:
#   TREATY_VIRTUOSO_DIR        default DIR (see above)
#   TREATY_VIRTUOSO_HTTP       HTTP port, default 8890  (SPARQL: http://127.0.0.1:PORT/sparql)
#   TREATY_VIRTUOSO_SQL        SQL/isql port, default 1111
#   TREATY_ENDPOINT_USER       user for the Graph Store Protocol (digest auth), default treaty
#   TREATY_ENDPOINT_PASSWORD   its password, default treaty
#   TREATY_VIRTUOSO_DBA_PASSWORD  dba password, default dba (the instance listens on loopback only)
#   TREATY_VIRTUOSO_MAX_ROWS   [SPARQL] ResultSetMaxRows, default 10000000
#   TREATY_VIRTUOSO_MAX_TIME   [SPARQL] MaxQueryExecutionTime in s, default 300 (0 = no limit).
#                              Past it a query fails: HTTP 500, "Virtuoso S1T00 Error SR171:
#                              Transaction timed out". (Only a client-sent `timeout=MS` form field
#                              gives partial "anytime" results: 200 + X-SQL-State: S1TAT.)
#   TREATY_VIRTUOSO_BUFFERS    NumberOfBuffers, default 340000 (8 KiB each, ~2.7 GB)
#   TREATY_VIRTUOSO_DIRTY      MaxDirtyBuffers, default 250000
# The ports used are recorded in DIR/instance.env at start, so stop/status/... and later starts
# of that DIR use them without the variables (a `start` with the variables set overrides them).
#
# Endpoints once started (defaults):
#   query:        POST http://127.0.0.1:8890/sparql   form-encoded query=...  (NOT
#                 application/sparql-query: Virtuoso 7.2.5 never answers that)
#   graph store:  http://127.0.0.1:8890/sparql-graph-crud-auth?graph-uri=IRI  (HTTP digest auth,
#                 PUT/POST/DELETE/GET, body text/turtle or application/n-triples)
#   isql:         isql-vt 1111 dba dba
#
# Example (CI):
#   tools/virtuoso.sh install && tools/virtuoso.sh start
#   tools/virtuoso.sh bulk-load --graph https://w3id.org/treaty/graph/bundled /tmp/bundled.nt
#   ... tests ...
#   tools/virtuoso.sh stop

set -euo pipefail

PROG=${0##*/}
DEFAULT_DIR=${TREATY_VIRTUOSO_DIR:-$HOME/.cache/treaty-virtuoso}
HTTP_PORT_DEFAULT=${TREATY_VIRTUOSO_HTTP:-8890}
SQL_PORT_DEFAULT=${TREATY_VIRTUOSO_SQL:-1111}
EP_USER=${TREATY_ENDPOINT_USER:-treaty}
EP_PASSWORD=${TREATY_ENDPOINT_PASSWORD:-treaty}
DBA_PASSWORD=${TREATY_VIRTUOSO_DBA_PASSWORD:-dba}
MAX_ROWS=${TREATY_VIRTUOSO_MAX_ROWS:-10000000}
MAX_TIME=${TREATY_VIRTUOSO_MAX_TIME:-300}
BUFFERS=${TREATY_VIRTUOSO_BUFFERS:-340000}
DIRTY=${TREATY_VIRTUOSO_DIRTY:-250000}
START_TIMEOUT=${TREATY_VIRTUOSO_START_TIMEOUT:-60}
MARKER="; written by treaty tools/virtuoso.sh"

die() { echo "$PROG: $*" >&2; exit 1; }
say() { echo "$PROG: $*" >&2; }

usage() { sed -n '2,/^$/{s/^# \{0,1\}//;p}' "$0" | sed '/^$/d' >&2; exit "${1:-2}"; }

# ---- instance directory and ports -------------------------------------------------------------

# is_dir_arg ARG: does ARG look like a DIR argument (rather than a graph IRI / file / option)?
is_dir_arg() { [[ -n ${1:-} && $1 != -* && $1 != *://* ]] && { [[ -d $1 ]] || [[ $1 == */* && ! -f $1 ]]; }; }

set_dir() {
    DIR=${1:-$DEFAULT_DIR}
    mkdir -p -- "$(dirname -- "$DIR")"
    DIR=$(cd "$(dirname -- "$DIR")" && pwd)/$(basename -- "$DIR")
    INI=$DIR/virtuoso.ini
    PIDFILE=$DIR/virtuoso.pid
    LOG=$DIR/virtuoso.log
    STDLOG=$DIR/virtuoso.stdout
    HTTP_PORT=$HTTP_PORT_DEFAULT
    SQL_PORT=$SQL_PORT_DEFAULT
    # Ports: those recorded for DIR at its last start win, except that `start` lets the
    # environment variables override them.
    if [[ -f $DIR/instance.env ]]; then
        # shellcheck disable=SC1091
        . "$DIR/instance.env"
        if [[ $CMD == start ]]; then
            HTTP_PORT=${TREATY_VIRTUOSO_HTTP:-$HTTP_PORT}
            SQL_PORT=${TREATY_VIRTUOSO_SQL:-$SQL_PORT}
        fi
    fi
    ENDPOINT=http://127.0.0.1:$HTTP_PORT/sparql
}

need_bin() {
    command -v virtuoso-t >/dev/null && command -v isql-vt >/dev/null ||
        die "virtuoso-t/isql-vt not found: run '$PROG install' first"
}

pid_alive() { [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

# sparql_ok: does the HTTP SPARQL endpoint answer a trivial query?
sparql_ok() {
    curl -fsS -m 5 -o /dev/null -H 'Accept: application/sparql-results+json' \
        --data-urlencode 'query=ASK { }' "$ENDPOINT" 2>/dev/null
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# isql SQL...: run SQL statements (a single string) as dba; fails on any SQL error.
isql() {
    local out
    out=$(isql-vt "127.0.0.1:$SQL_PORT" dba "$DBA_PASSWORD" VERBOSE=OFF BANNER=OFF PROMPT=OFF \
        ECHO=OFF ERRORS=STDOUT "EXEC=$1" 2>&1) || { echo "$out" >&2; return 1; }
    if grep -qE '^\*\*\* Error|^\*\*\* ' <<<"$out"; then echo "$out" >&2; return 1; fi
    printf '%s\n' "$out"
}

sql_str() { local s=${1//\'/\'\'}; printf "'%s'" "$s"; }

# ---- install ----------------------------------------------------------------------------------

cmd_install() {
    if command -v virtuoso-t >/dev/null && command -v isql-vt >/dev/null; then
        say "virtuoso-t already installed: $(command -v virtuoso-t)"
    else
        local SUDO=
        [[ $(id -u) -eq 0 ]] || SUDO=sudo
        # No dba password through debconf: the package then neither prompts nor changes it.
        printf '%s\n' \
            'virtuoso-opensource-7 virtuoso-opensource-7/dba-password password' \
            'virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password' \
            'virtuoso-opensource-7 virtuoso-opensource-7/register-odbc-dsn boolean false' |
            $SUDO debconf-set-selections
        # The postinst starts the system service (/etc/init.d/virtuoso-opensource-7, ports
        # 1111/8890). Forbid service starts during the install with a temporary policy-rc.d,
        # unless the machine already has one (Docker images do, and it denies everything).
        local policy=/usr/sbin/policy-rc.d made_policy=
        if [[ ! -e $policy ]]; then
            printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
            $SUDO chmod 755 "$policy"
            made_policy=1
        fi
        local rc=0
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            virtuoso-opensource-7 || rc=$?
        if [[ $rc -ne 0 ]]; then
            $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
                $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
                    --no-install-recommends virtuoso-opensource-7 && rc=0 || rc=$?
        fi
        [[ -n $made_policy ]] && $SUDO rm -f "$policy"
        [[ $rc -eq 0 ]] || die "apt-get install virtuoso-opensource-7 failed ($rc)"
    fi
    # Make sure the system service is off and stays off (it would take 1111/8890).
    local SUDO=
    [[ $(id -u) -eq 0 ]] || SUDO=sudo
    if [[ -f /etc/default/virtuoso-opensource-7 ]] && grep -q '^RUN=yes' /etc/default/virtuoso-opensource-7; then
        $SUDO sed -i 's/^RUN=yes/RUN=no/' /etc/default/virtuoso-opensource-7 || true
    fi
    if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
        $SUDO systemctl disable --now virtuoso-opensource-7 >/dev/null 2>&1 || true
    elif [[ -x /etc/init.d/virtuoso-opensource-7 ]]; then
        $SUDO /etc/init.d/virtuoso-opensource-7 stop >/dev/null 2>&1 || true
        $SUDO update-rc.d virtuoso-opensource-7 disable >/dev/null 2>&1 || true
    fi
    say "installed: $({ virtuoso-t +version 2>&1 || true; } | grep -m1 -i version)"
}

# ---- start ------------------------------------------------------------------------------------

write_ini() {
    local vsp=/var/lib/virtuoso-opensource-7/vsp
    [[ -d $vsp ]] || vsp=$DIR
    cat >"$INI" <<EOF
$MARKER (regenerated at every start; edit the script, not this file)
[Database]
DatabaseFile        = $DIR/virtuoso.db
ErrorLogFile        = $LOG
LockFile            = $DIR/virtuoso.lck
TransactionFile     = $DIR/virtuoso.trx
xa_persistent_file  = $DIR/virtuoso.pxa
ErrorLogLevel       = 7
FileExtend          = 200
MaxCheckpointRemap  = 2000
Striping            = 0
TempStorage         = TempDatabase

[TempDatabase]
DatabaseFile        = $DIR/virtuoso-temp.db
TransactionFile     = $DIR/virtuoso-temp.trx
MaxCheckpointRemap  = 2000
Striping            = 0

[Parameters]
ServerPort          = 127.0.0.1:$SQL_PORT
LiteMode            = 0
DisableUnixSocket   = 1
DisableTcpSocket    = 0
MaxClientConnections = 20
CheckpointInterval  = 60
O_DIRECT            = 0
CaseMode            = 2
MaxStaticCursorRows = 5000
CheckpointAuditTrail = 0
AllowOSCalls        = 0
SchedulerInterval   = 10
DirsAllowed         = ., $DIR, /tmp, /usr/share/virtuoso-opensource-7/vad
ThreadCleanupInterval = 0
ThreadThreshold     = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize   = 100000
SingleCPU           = 0
VADInstallDir       = /usr/share/virtuoso-opensource-7/vad/
PrefixResultNames   = 0
RdfFreeTextRulesSize = 100
IndexTreeMaps       = 64
MaxMemPoolSize      = 200000000
MaxQueryMem         = 2G
VectorSize          = 1000
MaxVectorSize       = 1000000
AdjustVectorSize    = 0
ThreadsPerQuery     = 4
AsyncQueueMaxThreads = 10
NumberOfBuffers     = $BUFFERS
MaxDirtyBuffers     = $DIRTY

[HTTPServer]
ServerPort          = 127.0.0.1:$HTTP_PORT
ServerRoot          = $vsp
MaxClientConnections = 20
DavRoot             = DAV
EnabledDavVSP       = 0
HTTPProxyEnabled    = 0
TempASPXDir         = 0
DefaultMailServer   = localhost:25
ServerThreads       = 20
MaxKeepAlives       = 10
KeepAliveTimeout    = 10
MaxCachedProxyConnections = 10
ProxyConnectionCacheTimeout = 15
HTTPThreadSize      = 280000
HttpPrintWarningsInOutput = 0
Charset             = UTF-8
EnabledGzipContent  = 1

[AutoRepair]
BadParentLinks      = 0

[Client]
SQL_PREFETCH_ROWS   = 100
SQL_PREFETCH_BYTES  = 16000
SQL_QUERY_TIMEOUT   = 0
SQL_TXN_TIMEOUT     = 0

[VDB]
ArrayOptimization   = 0
NumArrayParameters  = 10
VDBDisconnectTimeout = 1000
KeepConnectionOnFixedThread = 0

[Replication]
ServerName          = db
ServerEnable        = 1
QueueMax            = 50000

[Zero Config]
ServerName          = virtuoso

[URIQA]
DynamicLocal        = 0
DefaultHost         = 127.0.0.1:$HTTP_PORT

[SPARQL]
ResultSetMaxRows           = $MAX_ROWS
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = $MAX_TIME
DefaultQuery               = select distinct ?Concept where {[] a ?Concept} LIMIT 100
DeferInferenceRulesInit    = 0
EOF
}

ensure_user() {
    local u p
    u=$(sql_str "$EP_USER")
    p=$(sql_str "$EP_PASSWORD")
    local n
    n=$(isql "select count(*) from DB.DBA.SYS_USERS where U_NAME = $u;" | tr -dc '0-9')
    if [[ ${n:-0} == 0 ]]; then
        isql "DB.DBA.USER_CREATE($u, $p);" >/dev/null
    else
        isql "DB.DBA.USER_PASSWORD_SET($u, $p);" >/dev/null
    fi
    # SPARQL_UPDATE: may run SPARQL updates and use /sparql-graph-crud-auth. Permissions 15 =
    # read(1) + write(2) + sponge(4) + list(8) on every graph (the default for that user).
    n=$(isql "select count(*) from DB.DBA.SYS_ROLE_GRANTS g, DB.DBA.SYS_USERS s, DB.DBA.SYS_USERS r
              where g.GI_SUPER = s.U_ID and g.GI_SUB = r.U_ID and s.U_NAME = $u
              and r.U_NAME = 'SPARQL_UPDATE';" | tr -dc '0-9')
    if [[ ${n:-0} == 0 ]]; then
        isql "GRANT SPARQL_UPDATE TO \"$EP_USER\";" >/dev/null
    fi
    isql "DB.DBA.RDF_DEFAULT_USER_PERMS_SET($u, 15); checkpoint;" >/dev/null
}

cmd_start() {
    need_bin
    if pid_alive; then
        # shellcheck disable=SC1091
        [[ -f $DIR/instance.env ]] && . "$DIR/instance.env"   # the ports it really uses
        ENDPOINT=http://127.0.0.1:$HTTP_PORT/sparql
        sparql_ok || wait_ready "$(cat "$PIDFILE")"
        ensure_user
        say "already running (pid $(cat "$PIDFILE")): $ENDPOINT, isql port $SQL_PORT, dir $DIR"
        return 0
    fi
    if [[ -e $INI ]] && ! head -1 "$INI" | grep -qF "$MARKER"; then
        die "$INI exists and was not written by this script; refusing to overwrite"
    fi
    for p in "$HTTP_PORT" "$SQL_PORT"; do
        port_busy "$p" && die "port 127.0.0.1:$p is already taken (another Virtuoso? the system service? try: $PROG install, or set TREATY_VIRTUOSO_HTTP/TREATY_VIRTUOSO_SQL)"
    done
    mkdir -p "$DIR"
    write_ini
    printf 'HTTP_PORT=%s\nSQL_PORT=%s\n' "$HTTP_PORT" "$SQL_PORT" >"$DIR/instance.env"
    rm -f "$DIR/virtuoso.lck"
    (cd "$DIR" && exec setsid nohup virtuoso-t +foreground +configfile "$INI" </dev/null >"$STDLOG" 2>&1) &
    local pid=$!
    echo "$pid" >"$PIDFILE"
    wait_ready "$pid"
    ensure_user
    say "started (pid $pid): $ENDPOINT, isql port $SQL_PORT, dir $DIR"
}

wait_ready() {
    local pid=$1 t0=$SECONDS
    while ! sparql_ok; do
        if ! kill -0 "$pid" 2>/dev/null; then
            say "virtuoso-t exited during start-up; log tail:"
            tail -n 30 "$LOG" "$STDLOG" >&2 2>/dev/null || true
            rm -f "$PIDFILE"
            exit 1
        fi
        if ((SECONDS - t0 >= START_TIMEOUT)); then
            say "no SPARQL answer at $ENDPOINT after ${START_TIMEOUT}s; log tail:"
            tail -n 30 "$LOG" "$STDLOG" >&2 2>/dev/null || true
            exit 1
        fi
        sleep 0.5
    done
}

# ---- stop / status / wipe ---------------------------------------------------------------------

cmd_stop() {
    if ! pid_alive; then
        rm -f "$PIDFILE"
        say "not running (dir $DIR)"
        return 0
    fi
    local pid t0=$SECONDS
    pid=$(cat "$PIDFILE")
    # `shutdown` (SQL) ends the server cleanly; fall back to SIGTERM, then SIGKILL.
    isql-vt "127.0.0.1:$SQL_PORT" dba "$DBA_PASSWORD" VERBOSE=OFF BANNER=OFF 'EXEC=shutdown;' \
        >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS - t0 == 30)); then kill -TERM "$pid" 2>/dev/null || true; fi
        if ((SECONDS - t0 >= 60)); then kill -KILL "$pid" 2>/dev/null || true; fi
        sleep 0.2
    done
    rm -f "$PIDFILE"
    say "stopped (pid $pid) in $((SECONDS - t0))s"
}

cmd_status() {
    if pid_alive && sparql_ok; then
        echo "running: pid $(cat "$PIDFILE"), $ENDPOINT, isql 127.0.0.1:$SQL_PORT, dir $DIR"
        return 0
    elif pid_alive; then
        echo "started but not answering: pid $(cat "$PIDFILE"), $ENDPOINT, dir $DIR"
        return 1
    fi
    echo "not running (dir $DIR)"
    return 1
}

cmd_wipe() {
    cmd_stop
    if [[ -d $DIR ]]; then
        if [[ -f $INI ]] && ! head -1 "$INI" | grep -qF "$MARKER"; then
            die "$INI was not written by this script; not deleting $DIR"
        fi
        if [[ ! -f $INI ]] && [[ -n $(ls -A "$DIR") ]]; then
            die "$DIR has no virtuoso.ini of ours; not deleting it"
        fi
        rm -rf -- "$DIR"
        say "deleted $DIR"
    fi
}

# ---- bulk-load / clear ------------------------------------------------------------------------

need_running() { pid_alive && sparql_ok || die "not running (dir $DIR): run '$PROG start' first"; }

cmd_bulk_load() {
    local graph= files=()
    while (($#)); do
        case $1 in
            --graph | -g) graph=${2:?--graph needs an IRI}; shift 2 ;;
            --graph=*) graph=${1#--graph=}; shift ;;
            *) files+=("$1"); shift ;;
        esac
    done
    ((${#files[@]})) || die "bulk-load: no files given"
    [[ -n $graph ]] || die "bulk-load: --graph IRI is required"
    need_running
    local t0 f abs sql="" g
    t0=$(date +%s.%N)
    g=$(sql_str "$graph")
    for f in "${files[@]}"; do
        [[ -f $f ]] || die "bulk-load: no such file: $f"
        abs=$(cd "$(dirname -- "$f")" && pwd)/$(basename -- "$f")
        # The loader may read only from DirsAllowed (DIR and /tmp); copy other files into DIR.
        case $abs in
            "$DIR"/* | /tmp/*) ;;
            *) mkdir -p "$DIR/load"; cp -- "$abs" "$DIR/load/"; abs=$DIR/load/$(basename -- "$abs") ;;
        esac
        # ld_add is an "insert soft": a file already in LOAD_LIST would be skipped silently.
        sql+="delete from DB.DBA.LOAD_LIST where ll_file = $(sql_str "$abs");
              ld_add($(sql_str "$abs"), $g);"
    done
    isql "$sql" >/dev/null
    isql "rdf_loader_run(); checkpoint;" >/dev/null
    local errs
    errs=$(isql "select ll_file, ll_error from DB.DBA.LOAD_LIST where ll_error is not null and ll_graph = $g;" |
        grep -v '^$' || true)
    if grep -q '/' <<<"$errs"; then
        echo "$errs" >&2
        die "bulk-load: some files failed to load"
    fi
    local secs
    secs=$(echo "$(date +%s.%N) - $t0" | bc 2>/dev/null || awk "BEGIN{print $(date +%s.%N) - $t0}")
    printf 'loaded %d file(s) into <%s> in %.2f s\n' "${#files[@]}" "$graph" "$secs"
}

cmd_clear() {
    local arg=${1:?clear: GRAPH-IRI or --all}
    need_running
    if [[ $arg == --all ]]; then
        isql "RDF_GLOBAL_RESET(); checkpoint;" >/dev/null
        say "all RDF data removed"
    else
        [[ $arg != *'>'* && $arg != *' '* ]] || die "clear: bad IRI: $arg"
        isql "log_enable(3,1); SPARQL CLEAR GRAPH <$arg>; checkpoint;" >/dev/null
        say "cleared <$arg>"
    fi
}

# ---- main -------------------------------------------------------------------------------------

CMD=${1:-}
(($#)) && shift
case $CMD in
    install) cmd_install ;;
    start | stop | status | wipe)
        (($# <= 1)) || usage
        set_dir "${1:-}"
        "cmd_$CMD" ;;
    bulk-load | clear)
        if is_dir_arg "${1:-}"; then set_dir "$1"; shift; else set_dir ""; fi
        need_bin
        if [[ $CMD == clear ]]; then cmd_clear "$@"; else cmd_bulk_load "$@"; fi ;;
    -h | --help | help) usage 0 ;;
    *) usage ;;
esac
