#!/usr/bin/env bash
# Make a Debian 12 machine ready to build, run and test carelink.
#
# Usage: scripts/deps.sh
#
# Installs only the Debian packages that are missing (one `apt-get update`,
# one `apt-get install`), using sudo when not run as root, then installs the
# browser-test npm packages if tests/browser needs them. Safe to re-run; when
# everything is present it prints a single line.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

# shellcheck disable=SC2034 # read by lib.sh
PROG=deps
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh disable=SC1091
. "$SCRIPT_DIR/lib.sh"
REPO_DIR=$(cd "$SCRIPT_DIR/.." && pwd)

PACKAGES=(
    build-essential cmake pkg-config git
    librdkafka-dev libpq-dev libavro-dev libmicrohttpd-dev libuv1-dev
    libjansson-dev libcurl4-openssl-dev libsodium-dev libcmocka-dev
    nettle-dev libqrencode-dev clang libclang-rt-14-dev openssl
    postgresql postgresql-contrib
    kcat chromium python3 python3-avro python3-icalendar libxml2-utils curl
)
# Debian's nodejs/npm only when the machine has no node/npm of its own
# (it may carry a newer node from elsewhere).
NODE_PACKAGES=(nodejs npm)

SUDO=()
did_something=0

# pkg_installed PKG — true when dpkg reports PKG as fully installed.
pkg_installed() {
    local status
    status=$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) || return 1
    [[ $status == installed ]]
}

# missing_packages — print the wanted packages that are not installed.
missing_packages() {
    local p wanted=("${PACKAGES[@]}")
    if ! { have_cmd node && have_cmd npm; }; then
        wanted+=("${NODE_PACKAGES[@]}")
    fi
    for p in "${wanted[@]}"; do
        pkg_installed "$p" || printf '%s\n' "$p"
    done
}

setup_privileges() {
    if is_root; then
        SUDO=()
    elif have_cmd sudo; then
        SUDO=(sudo)
    else
        die "not root and sudo is not installed; run this script as root"
    fi
}

install_packages() {
    local missing=("$@") still=()
    info "installing: ${missing[*]}"
    setup_privileges
    "${SUDO[@]}" apt-get update -q ||
        die "apt-get update failed"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}" ||
        die "apt-get install failed for: ${missing[*]}"
    mapfile -t still < <(missing_packages)
    ((${#still[@]} == 0)) || die "still missing after install: ${still[*]}"
    did_something=1
}

install_browser_modules() {
    local dir="$REPO_DIR/tests/browser"
    [[ -f $dir/package.json ]] || return 0
    [[ -d $dir/node_modules/playwright-core ]] && return 0
    have_cmd npm || die "npm not found; cannot install $dir/node_modules"
    if [[ -f $dir/package-lock.json ]]; then
        info "installing browser test modules (npm ci) in tests/browser"
        (cd "$dir" && npm ci --no-audit --no-fund) || die "npm ci failed in $dir"
    else
        info "installing browser test modules (npm install) in tests/browser"
        (cd "$dir" && npm install --no-audit --no-fund) || die "npm install failed in $dir"
    fi
    did_something=1
}

main() {
    (($# == 0)) || die "usage: scripts/deps.sh (no arguments)"
    need_cmd dpkg-query apt-get
    local missing=()
    mapfile -t missing < <(missing_packages)
    if ((${#missing[@]} > 0)); then
        install_packages "${missing[@]}"
    fi
    install_browser_modules
    if ((did_something)); then
        info "done"
    else
        info "all present"
    fi
}

main "$@"
