# shellcheck shell=bash
# Shared helpers for the carelink shell scripts. Source it, do not run it:
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# The sourcing script sets PROG (its short name, used as a message prefix).

: "${PROG:=carelink}"

# info MSG... — progress message on stdout.
info() {
    printf '%s: %s\n' "$PROG" "$*"
}

# warn MSG... — message on stderr.
warn() {
    printf '%s: %s\n' "$PROG" "$*" >&2
}

# die MSG... — error on stderr, exit 1.
die() {
    printf '%s: error: %s\n' "$PROG" "$*" >&2
    exit 1
}

is_root() {
    [[ $(id -u) -eq 0 ]]
}

have_cmd() {
    command -v "$1" >/dev/null 2>&1
}

need_cmd() {
    local c
    for c in "$@"; do
        have_cmd "$c" || die "required command '$c' not found in PATH"
    done
}

# random_secret — 48 hex characters from the kernel's CSPRNG.
random_secret() {
    if have_cmd openssl; then
        openssl rand -hex 24
    else
        od -An -tx1 -N24 /dev/urandom | tr -d ' \n'
        printf '\n'
    fi
}

# write_private FILE CONTENT — write CONTENT plus a newline to FILE, mode 0600,
# atomically (temp file in the same directory, then rename).
write_private() {
    local file=$1 content=$2 tmp
    tmp=$(umask 077 && mktemp "${file}.XXXXXX") || die "cannot create a file next to $file"
    printf '%s\n' "$content" >"$tmp" || { rm -f "$tmp"; die "cannot write $tmp"; }
    chmod 0600 "$tmp"
    mv -f "$tmp" "$file" || { rm -f "$tmp"; die "cannot write $file"; }
}
