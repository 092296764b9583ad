#!/usr/bin/env bash
# tests/fuzz/run.sh - build the libFuzzer targets with clang (AddressSanitizer
# + UndefinedBehaviorSanitizer + libFuzzer, the library sources they need
# compiled the same way) and run each for a bounded time over its seed
# corpus in tests/fuzz/corpus/<target>/. Any crash, leak, sanitizer report
# or failed property fails the run; the input is kept in WORK/artifacts.
#
#   tests/fuzz/run.sh [WORK_DIR]
#
# Environment: FUZZ_SECONDS_REQUEST (default 30), FUZZ_SECONDS_AVRO (20),
# CLANG (default /usr/bin/clang).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=${1:-$ROOT/build-fuzz}
CLANG=${CLANG:-/usr/bin/clang}
declare -A SECONDS_OF=([request]=${FUZZ_SECONDS_REQUEST:-30} [avro]=${FUZZ_SECONDS_AVRO:-20})

die() { echo "fuzz: $*" >&2; exit 1; }
[[ -x $CLANG ]] || die "no clang at $CLANG (scripts/deps.sh installs it)"

mkdir -p "$WORK/obj" "$WORK/artifacts"
# library sources the targets use: no PostgreSQL, no Kafka
LIB_SOURCES=(util log err metrics json identity http http_address http_page avro_alloc avro_canonical avro_check
             avro_decode avro_encode avro_error avro_fingerprint avro_registry avro_resolve)
PKGS="jansson libsodium libmicrohttpd avro-c"
CFLAGS=(-g -O1 -std=gnu17 -fno-omit-frame-pointer -fno-sanitize-recover=undefined
        -I"$ROOT/lib/include" -I"$ROOT/lib/src" $(pkg-config --cflags $PKGS))
LIBS=($(pkg-config --libs $PKGS) -lpthread -lm)

objs=()
for name in "${LIB_SOURCES[@]}"; do
    src=$ROOT/lib/src/$name.c obj=$WORK/obj/$name.o
    "$CLANG" "${CFLAGS[@]}" -fsanitize=fuzzer-no-link,address,undefined \
        -DCL_DEFAULT_HOME="\"$ROOT\"" -c "$src" -o "$obj" &
    objs+=("$obj")
done
for job in $(jobs -p); do
    wait "$job" || die "compiling the library sources failed"
done

build() {
    local target=$1
    "$CLANG" "${CFLAGS[@]}" -fsanitize=fuzzer,address,undefined \
        -DFUZZ_SCHEMAS="\"$ROOT/schemas\"" \
        "$ROOT/tests/fuzz/fuzz_$target.c" "${objs[@]}" "${LIBS[@]}" -o "$WORK/fuzz_$target"
}

run() {
    local target=$1 secs=${SECONDS_OF[$1]} corpus=$WORK/corpus/$1
    mkdir -p "$corpus"
    echo "fuzz: $target for ${secs}s (seeds: tests/fuzz/corpus/$target)"
    # new inputs go to the work corpus; the seeds in the tree stay as they are
    if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
         UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
         "$WORK/fuzz_$target" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
            -max_len=65536 -print_final_stats=1 -artifact_prefix="$WORK/artifacts/$target-" \
            "$corpus" "$ROOT/tests/fuzz/corpus/$target" >"$WORK/$target.log" 2>&1; then
        tail -n 60 "$WORK/$target.log" >&2
        die "$target: finding (log $WORK/$target.log, input in $WORK/artifacts/)"
    fi
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)' \
        "$WORK/$target.log" || true
}

for t in request avro; do
    build "$t"
done
for t in request avro; do
    run "$t"
done
echo "fuzz: no findings"
