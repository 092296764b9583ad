#!/usr/bin/env bash
# bench/run.sh - live-push fan-out: carelink's event streams against a
# mosquitto broker, both measured in this run on this machine; prints the
# ratio carelink/mosquitto per number of receivers. Reports, never fails on
# time. Everything stays on 127.0.0.1 and stops by itself.
#
# Usage: bench/run.sh
# Environment (all optional):
#   BENCH_N="100 1000 5000 10000"  receivers per run
#   BENCH_K=20                     measured messages per run (plus 2 warm-up)
#   BENCH_PORT=19400               gateway port; the system uses BASE..BASE+10,
#                                  mosquitto BASE+20
#   BUILD_DIR=build-bench          RelWithDebInfo build of the tree (made here)
#   BENCH_VAR=$BUILD_DIR/bench-var system data, logs and results
#   BENCH_BUDGET_S=540             runs that would start after this are skipped
#   CARELINK_HTTP_CONNECTIONS=20000  the gateway's connection limit
set -euo pipefail

PROG=bench
HOME_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../scripts/lib.sh
. "$HOME_DIR/scripts/lib.sh"

NS=${BENCH_N:-"100 1000 5000 10000"}
K=${BENCH_K:-20}
WARMUP=2
BASE=${BENCH_PORT:-19400}
MQTT_PORT=$((BASE + 20))
BUILD=$(mkdir -p "${BUILD_DIR:-$HOME_DIR/build-bench}" && cd "${BUILD_DIR:-$HOME_DIR/build-bench}" && pwd)
VAR=${BENCH_VAR:-$BUILD/bench-var}
BUDGET=${BENCH_BUDGET_S:-540}
export CARELINK_HTTP_CONNECTIONS=${CARELINK_HTTP_CONNECTIONS:-20000}
FD_SPARE=200 # descriptors a process needs besides the connections
START=$SECONDS
MOSQ_PID=
SYSTEM_UP=0
FAILED=0 # runs whose program exited with an error (not a time verdict)

cleanup() {
    local i
    if [[ -n $MOSQ_PID ]] && kill -0 "$MOSQ_PID" 2>/dev/null; then
        kill -TERM "$MOSQ_PID" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do
            kill -0 "$MOSQ_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$MOSQ_PID" 2>/dev/null || true
    fi
    if ((SYSTEM_UP)); then
        "$HOME_DIR/scripts/system.sh" stop "$VAR" >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- limits, packages, build ----------------------------------------------

raise_fd_limit() {
    local hard want
    hard=$(ulimit -Hn)
    want=65536
    if [[ $hard != unlimited ]] && ((hard < want)); then
        want=$hard
    fi
    ulimit -n "$want" || die "cannot raise the open-file limit to $want"
}

need_mosquitto() {
    if [[ -x /usr/sbin/mosquitto ]] && pkg-config --exists libmosquitto 2>/dev/null; then
        return 0
    fi
    is_root || die "mosquitto and libmosquitto-dev are needed: apt-get install mosquitto libmosquitto-dev"
    info "installing mosquitto and libmosquitto-dev"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y --no-install-recommends mosquitto libmosquitto-dev >/dev/null 2>&1; then
        apt-get update >/dev/null
        apt-get install -y --no-install-recommends mosquitto libmosquitto-dev >/dev/null
    fi
}

build() {
    info "building $BUILD (RelWithDebInfo)"
    cmake -S "$HOME_DIR" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$BUILD/bench-build.log" 2>&1 &&
        cmake --build "$BUILD" -j2 >>"$BUILD/bench-build.log" 2>&1 ||
        die "build failed; see $BUILD/bench-build.log"
    # the benchmark programs on their own, whether or not the tree lists bench/
    cmake -S "$HOME_DIR/bench" -B "$BUILD/bench-only" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        >>"$BUILD/bench-build.log" 2>&1 &&
        cmake --build "$BUILD/bench-only" -j2 >>"$BUILD/bench-build.log" 2>&1 ||
        die "bench build failed; see $BUILD/bench-build.log"
    SSE=$BUILD/bench-only/sse_fanout
    MQTT=$BUILD/bench-only/mqtt_fanout
    [[ -x $SSE && -x $MQTT ]] || die "bench programs missing; see $BUILD/bench-build.log"
}

# ---- the two systems ------------------------------------------------------

port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_mosquitto() {
    local dir=$VAR/mosquitto i
    mkdir -p "$dir"
    cat >"$dir/mosquitto.conf" <<EOF
# written by bench/run.sh: the reference broker, loopback only, in memory
listener $MQTT_PORT 127.0.0.1
allow_anonymous true
persistence false
log_dest stderr
log_type error
log_type warning
set_tcp_nodelay true
EOF
    /usr/sbin/mosquitto -c "$dir/mosquitto.conf" 2>>"$dir/mosquitto.log" &
    MOSQ_PID=$!
    for ((i = 0; i < 100; i++)); do
        port_busy "$MQTT_PORT" && return 0
        kill -0 "$MOSQ_PID" 2>/dev/null || die "mosquitto exited; see $dir/mosquitto.log"
        sleep 0.1
    done
    die "mosquitto did not listen on $MQTT_PORT"
}

rss_kb() {
    awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo -1
}

fd_limit_of() {
    awk '/^Max open files/ {print $4}' "/proc/$1/limits" 2>/dev/null || echo 0
}

streams_open() {
    curl -fsS "http://127.0.0.1:$BASE/metrics" 2>/dev/null |
        awk '$1 == "carelink_gateway_streams" {print $2}'
}

# wait until the gateway has let go of the previous run's streams; prints
# the seconds it took, or "gave up" after 40 s
wait_streams_gone() {
    local t0=$SECONDS n
    while ((SECONDS - t0 < 40)); do
        n=$(streams_open)
        if [[ ${n:-x} == 0 ]]; then
            echo $((SECONDS - t0))
            return 0
        fi
        sleep 0.5
    done
    echo "gave up (still ${n:-?} open)"
}

# ---- results ----------------------------------------------------------------

# field FILE KEY: the value of KEY in FILE's result line
field() {
    sed -n 's/^result .*/&/p' "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1
}

ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "nan" || b == "nan" || b + 0 <= 0) print "-"; else printf "%.1f", a / b }'
}

rate() { # receivers per second over a time in ms
    awk -v n="$1" -v ms="$2" 'BEGIN { if (n == "" || ms == "" || ms == "nan" || ms + 0 <= 0) print "-"; else printf "%.0f", n / ms * 1000 }'
}

per_conn_kb() { # after baseline ready
    awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { if (a < 0 || b < 0 || n <= 0) print "-"; else printf "%.1f", (a - b) / n }'
}

# ---- main -----------------------------------------------------------------

raise_fd_limit
need_mosquitto
need_cmd cmake curl awk pkg-config
build

mkdir -p "$(dirname "$VAR")"
for p in "$BASE" $((BASE + 1)) $((BASE + 2)) $((BASE + 3)) $((BASE + 10)) "$MQTT_PORT"; do
    port_busy "$p" && die "port $p is in use; choose another BENCH_PORT"
done
info "starting carelink in $VAR (gateway on 127.0.0.1:$BASE, http.connections=$CARELINK_HTTP_CONNECTIONS)"
SYSTEM_UP=1
"$HOME_DIR/scripts/system.sh" start "$VAR" "$BASE" "$BUILD" --demo --fresh >/dev/null
start_mosquitto
GW_PID=$(cat "$VAR/run/gateway.pid")
OUT=$VAR/results
mkdir -p "$OUT"
GW_BASE=$(rss_kb "$GW_PID")
MQ_BASE=$(rss_kb "$MOSQ_PID")
CLIENT_FDS=$(ulimit -n)
GW_FDS=$(fd_limit_of "$GW_PID")
MQ_FDS=$(fd_limit_of "$MOSQ_PID")
info "descriptor limits: client $CLIENT_FDS, gateway $GW_FDS, mosquitto $MQ_FDS"

RAN=()
SKIPPED=()
for n in $NS; do
    limit=$CLIENT_FDS
    ((GW_FDS < limit)) && limit=$GW_FDS
    ((MQ_FDS < limit)) && limit=$MQ_FDS
    if ((n + FD_SPARE > limit)); then
        SKIPPED+=("N=$n: needs $((n + FD_SPARE)) descriptors per process, the limit is $limit")
        continue
    fi
    left=$((BUDGET - (SECONDS - START)))
    if ((left < 60)); then
        SKIPPED+=("N=$n: time budget (${BUDGET} s) used up")
        continue
    fi
    max_s=$((left / 2 < 180 ? left / 2 : 180))
    info "N=$n: carelink"
    timeout $((max_s + 30)) "$SSE" --port "$BASE" --seed "$HOME_DIR/tools/demo/seed.json" \
        --n "$n" --k "$K" --warmup "$WARMUP" --pid-file "$VAR/run/gateway.pid" \
        --open-timeout-ms 60000 --max-seconds "$max_s" --verbose 1 \
        >"$OUT/carelink-$n.txt" 2>"$OUT/carelink-$n.err" ||
        { warn "sse_fanout N=$n exited with an error (see $OUT/carelink-$n.err)"; FAILED=$((FAILED + 1)); }
    gone=$(wait_streams_gone)
    echo "$gone" >"$OUT/carelink-$n.streams-gone"
    info "N=$n: mosquitto"
    timeout $((max_s + 30)) "$MQTT" --port "$MQTT_PORT" --n "$n" --k "$K" --warmup "$WARMUP" \
        --pid "$MOSQ_PID" --open-timeout-ms 60000 --max-seconds "$max_s" --verbose 1 \
        >"$OUT/mosquitto-$n.txt" 2>"$OUT/mosquitto-$n.err" ||
        { warn "mqtt_fanout N=$n exited with an error (see $OUT/mosquitto-$n.err)"; FAILED=$((FAILED + 1)); }
    RAN+=("$n")
done

{
    echo
    echo "live push fan-out, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, K=$K messages per N (+$WARMUP warm-up)"
    echo "all-N latency: from the 201 of the post (carelink) / the publish (mosquitto) to the last of N receivers"
    echo
    printf '%6s | %17s | %17s | %11s | %16s | %9s\n' N "carelink" "mosquitto" "ratio c/m" "deliveries/s" "missing"
    printf '%6s | %8s %8s | %8s %8s | %5s %5s | %8s %7s | %4s %4s\n' "" "p50 ms" "p95 ms" "p50 ms" "p95 ms" "p50" "p95" "carelink" "mosq" "c" "m"
    for n in "${RAN[@]}"; do
        c=$OUT/carelink-$n.txt m=$OUT/mosquitto-$n.txt
        printf '%6s | %8s %8s | %8s %8s | %5s %5s | %8s %7s | %4s %4s\n' "$n" \
            "$(field "$c" p50_ms)" "$(field "$c" p95_ms)" "$(field "$m" p50_ms)" "$(field "$m" p95_ms)" \
            "$(ratio "$(field "$c" p50_ms)" "$(field "$m" p50_ms)")" \
            "$(ratio "$(field "$c" p95_ms)" "$(field "$m" p95_ms)")" \
            "$(field "$c" deliveries_per_s)" "$(field "$m" deliveries_per_s)" \
            "$(field "$c" missing)" "$(field "$m" missing)"
    done
    echo
    echo "fan-out only: first to last of the N receivers of one message (the part that grows with N);"
    echo "carelink's first receiver is reached this long after the 201 (the pipeline before the fan-out)"
    echo
    printf '%6s | %17s | %17s | %5s | %16s | %s\n' N "carelink" "mosquitto" "ratio" "fan-out/s" "carelink 1st"
    printf '%6s | %8s %8s | %8s %8s | %5s | %8s %7s | %s\n' "" "p50 ms" "p95 ms" "p50 ms" "p95 ms" "p50" "carelink" "mosq" "p50 ms"
    for n in "${RAN[@]}"; do
        c=$OUT/carelink-$n.txt m=$OUT/mosquitto-$n.txt
        printf '%6s | %8s %8s | %8s %8s | %5s | %8s %7s | %s\n' "$n" \
            "$(field "$c" spread_p50_ms)" "$(field "$c" spread_p95_ms)" \
            "$(field "$m" spread_p50_ms)" "$(field "$m" spread_p95_ms)" \
            "$(ratio "$(field "$c" spread_p50_ms)" "$(field "$m" spread_p50_ms)")" \
            "$(rate "$(field "$c" ready)" "$(field "$c" spread_p50_ms)")" \
            "$(rate "$(field "$m" ready)" "$(field "$m" spread_p50_ms)")" \
            "$(field "$c" first_p50_ms)"
    done
    echo
    echo "opening N receivers; resident memory above the idle process (gateway $GW_BASE KiB, mosquitto $MQ_BASE KiB at start)"
    echo
    printf '%6s | %8s %8s | %8s %8s | %12s %12s | %s\n' N "open s" "" "failed" "" "KiB/conn" "" "streams gone after"
    printf '%6s | %8s %8s | %8s %8s | %12s %12s | %s\n' "" carelink mosq carelink mosq carelink mosquitto "(s)"
    for n in "${RAN[@]}"; do
        c=$OUT/carelink-$n.txt m=$OUT/mosquitto-$n.txt
        printf '%6s | %8s %8s | %8s %8s | %12s %12s | %s\n' "$n" \
            "$(field "$c" open_s)" "$(field "$m" open_s)" \
            "$(field "$c" open_failed)" "$(field "$m" open_failed)" \
            "$(per_conn_kb "$(field "$c" rss_after_kb)" "$GW_BASE" "$(field "$c" ready)")" \
            "$(per_conn_kb "$(field "$m" rss_after_kb)" "$MQ_BASE" "$(field "$m" ready)")" \
            "$(cat "$OUT/carelink-$n.streams-gone")"
    done
    for s in "${SKIPPED[@]}"; do
        echo "skipped $s"
    done
    echo
    echo "runs that did not finish cleanly (time-outs, closed receivers, notes):"
    any=0
    for n in "${RAN[@]}"; do
        for sys in carelink mosquitto; do
            f=$OUT/$sys-$n.txt
            t=$(field "$f" timed_out) cl=$(field "$f" closed) ab=$(field "$f" aborted)
            if [[ -z $t || $t != 0 || $cl != 0 || $ab != 0 ]] || grep -q 'note:' "$OUT/$sys-$n.err" 2>/dev/null; then
                any=1
                echo "  $sys N=$n: timed_out=${t:-?} closed=${cl:-?} aborted=${ab:-?} $(grep -h 'note:' "$OUT/$sys-$n.err" 2>/dev/null | head -1)"
            fi
        done
    done
    ((any)) || echo "  none"
    echo
    echo "gateway log: warnings and errors during the run (time stripped, most frequent first)"
    grep -E '"level":"(warn|error)"' "$VAR/log/gateway.log" | sed 's/"time":"[^"]*",//' |
        sort | uniq -c | sort -rn | head -8 | cut -c1-220 || true
    [[ -z $(grep -E '"level":"(warn|error)"' "$VAR/log/gateway.log" || true) ]] && echo "  none"
    for svc in records notify; do
        e=$(grep -cE '"level":"error"' "$VAR/log/$svc.log" || true)
        echo "$svc log: ${e:-0} error lines"
    done
    echo "mosquitto log: $(grep -ciE 'error|warning' "$VAR/mosquitto/mosquitto.log" || true) error/warning lines"
    echo
    echo "raw result lines and per-round times: $OUT"
    echo "total time: $((SECONDS - START)) s"
} | tee "$OUT/summary.txt"
if ((FAILED)); then
    warn "$FAILED run(s) ended in an error; the numbers above are incomplete"
    exit 1
fi
