#!/usr/bin/env bash
# Creates carelink's topics on a real Kafka cluster with the standard
# kafka-topics.sh tool of the Kafka distribution (see deploy/README.md).
#
# Usage:
#   deploy/kafka-topics.sh --bootstrap HOST:PORT[,HOST:PORT...]
#                          [--replication-factor N]   default 3
#                          [--min-insync-replicas N]  default 2
#                          [--command-config FILE]    admin client properties (TLS, SASL)
#                          [--partitions TOPIC=N]...  override one topic's partition count
#                          [--dry-run]                print the commands, run nothing
#
# Environment: KAFKA_TOPICS — the kafka-topics tool to run (default:
# kafka-topics.sh, or kafka-topics, found on PATH).
#
# Existing topics are left as they are (--if-not-exists); afterwards every
# topic is described and a partition count or cleanup.policy that differs
# from the table below is reported (exit status 1). Partitions are never
# added automatically: that moves keys to other partitions and breaks their
# order.
set -euo pipefail

PROG=kafka-topics

# name  partitions  cleanup.policy — the topic table of the design
TOPICS=(
    "carelink.identity      6 compact"
    "carelink.posts        12 delete"
    "carelink.directory     6 delete"
    "carelink.vacancy       6 compact"
    "carelink.records      12 delete"
    "carelink.alerts        3 delete"
    "carelink.alerts.cap    3 delete"
    "carelink.notifications 12 delete"
    "carelink.audit         6 delete"
    "carelink.analytics     6 delete"
    "carelink.deadletter    3 delete"
)

BOOTSTRAP=""
REPLICATION=3
MIN_ISR=2
COMMAND_CONFIG=""
DRY_RUN=0
declare -A PARTITIONS_OVERRIDE=()
TOOL=()

die() {
    printf '%s: %s\n' "$PROG" "$*" >&2
    exit 1
}

# usage [STATUS] — the header's usage text; on stdout for --help (status 0)
usage() {
    local status=${1:-2}
    if ((status == 0)); then
        sed -n '5,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    else
        sed -n '5,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    fi
    exit "$status"
}

is_count() {
    [[ $1 =~ ^[1-9][0-9]{0,4}$ ]]
}

known_topic() {
    local t
    for t in "${TOPICS[@]}"; do
        [[ ${t%% *} == "$1" ]] && return 0
    done
    return 1
}

parse_args() {
    while (($#)); do
        case $1 in
        --bootstrap | --bootstrap-server)
            (($# >= 2)) || usage
            BOOTSTRAP=$2
            shift 2
            ;;
        --replication-factor)
            (($# >= 2)) || usage
            is_count "$2" || die "invalid --replication-factor '$2'"
            REPLICATION=$2
            shift 2
            ;;
        --min-insync-replicas)
            (($# >= 2)) || usage
            is_count "$2" || die "invalid --min-insync-replicas '$2'"
            MIN_ISR=$2
            shift 2
            ;;
        --command-config)
            (($# >= 2)) || usage
            [[ -r $2 ]] || die "cannot read --command-config file '$2'"
            COMMAND_CONFIG=$2
            shift 2
            ;;
        --partitions)
            (($# >= 2)) || usage
            [[ $2 == *=* ]] || usage
            known_topic "${2%%=*}" || die "unknown topic '${2%%=*}' in --partitions"
            is_count "${2#*=}" || die "invalid partition count in --partitions '$2'"
            PARTITIONS_OVERRIDE[${2%%=*}]=${2#*=}
            shift 2
            ;;
        --dry-run)
            DRY_RUN=1
            shift
            ;;
        -h | --help) usage 0 ;;
        *)
            printf '%s: unknown argument "%s"\n' "$PROG" "$1" >&2
            usage
            ;;
        esac
    done
    [[ -n $BOOTSTRAP ]] || { printf '%s: --bootstrap is required\n' "$PROG" >&2; usage; }
    ((MIN_ISR <= REPLICATION)) ||
        die "--min-insync-replicas ($MIN_ISR) exceeds --replication-factor ($REPLICATION): no write could succeed"
    if ((MIN_ISR == REPLICATION)); then
        printf '%s: warning: min.insync.replicas = replication factor: losing one broker stops every write\n' \
            "$PROG" >&2
    fi
}

find_tool() {
    local t=${KAFKA_TOPICS:-}
    if [[ -z $t ]]; then
        t=$(command -v kafka-topics.sh || command -v kafka-topics || true)
    fi
    if [[ -z $t ]]; then
        ((DRY_RUN)) || die "kafka-topics.sh not found: put the Kafka distribution's bin/ on PATH or set KAFKA_TOPICS"
        t=kafka-topics.sh
    fi
    TOOL=("$t" --bootstrap-server "$BOOTSTRAP")
    [[ -n $COMMAND_CONFIG ]] && TOOL+=(--command-config "$COMMAND_CONFIG")
    return 0
}

# run CMD... — print it under --dry-run, otherwise run it
run() {
    local a sep=""
    if ((DRY_RUN)); then
        for a in "$@"; do
            if [[ $a =~ ^[A-Za-z0-9_./:=,@+-]+$ ]]; then
                printf '%s%s' "$sep" "$a"
            else
                printf '%s%q' "$sep" "$a"
            fi
            sep=" "
        done
        printf '\n'
    else
        "$@"
    fi
}

create_topics() {
    local line name parts policy
    for line in "${TOPICS[@]}"; do
        read -r name parts policy <<<"$line"
        parts=${PARTITIONS_OVERRIDE[$name]:-$parts}
        run "${TOOL[@]}" --create --if-not-exists --topic "$name" \
            --partitions "$parts" --replication-factor "$REPLICATION" \
            --config "cleanup.policy=$policy" \
            --config "min.insync.replicas=$MIN_ISR"
    done
}

# check_topics — describe each topic and compare with the table
check_topics() {
    local line name parts policy desc have bad=0
    for line in "${TOPICS[@]}"; do
        read -r name parts policy <<<"$line"
        parts=${PARTITIONS_OVERRIDE[$name]:-$parts}
        desc=$("${TOOL[@]}" --describe --topic "$name") || die "cannot describe $name"
        have=$(grep -o 'PartitionCount: *[0-9]*' <<<"$desc" | head -n1 | grep -o '[0-9]*$' || true)
        if [[ $have != "$parts" ]]; then
            printf '%s: %s has %s partitions, the table says %s\n' "$PROG" "$name" "${have:-?}" "$parts" >&2
            bad=1
        fi
        if [[ $policy == compact ]] && ! grep -q 'cleanup.policy=compact' <<<"$desc"; then
            printf '%s: %s is not compacted (cleanup.policy=compact expected)\n' "$PROG" "$name" >&2
            bad=1
        fi
        if [[ $policy == delete ]] && grep -q 'cleanup.policy=[a-z,]*compact' <<<"$desc"; then
            printf '%s: %s is compacted, the table says cleanup.policy=delete\n' "$PROG" "$name" >&2
            bad=1
        fi
    done
    return $bad
}

main() {
    parse_args "$@"
    find_tool
    create_topics
    ((DRY_RUN)) && return 0
    if check_topics; then
        printf '%s: %d topics ready (replication factor %s, min.insync.replicas %s)\n' \
            "$PROG" "${#TOPICS[@]}" "$REPLICATION" "$MIN_ISR"
    else
        die "some topics differ from the table (see above); fix them by hand"
    fi
}

main "$@"
